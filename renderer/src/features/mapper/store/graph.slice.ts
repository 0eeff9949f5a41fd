import {
  distinctValues,
  seedValueMap,
  flattenSchemaFields,
  type MappingGraph,
  type ValueMapEntry,
} from '../../../../../shared/mapping';
import { decodePath } from '../../../../../shared/mapping';
import {
  addNode,
  connect,
  createNode,
  feedingSourceField,
  fedTargetFields,
  insertConversion,
  insertValueMap,
  moveNodes,
  removeElements,
  setMatchKey,
  updateNodeData,
} from '../model/graph-edits';
import { layoutGraph } from '../model/layout';
import type { GetState, GraphSlice, SliceCreator } from './store-types';

export const createGraphSlice =
  (graph: MappingGraph): SliceCreator<GraphSlice> =>
  (set, get) => ({
    graph,
    addNodeAt(template, position) {
      const node = createNode(get().graph, template, position);
      set((state) => ({
        graph: addNode(state.graph, node),
        selectedNodes: new Set([node.id]),
        selectedEdges: new Set(),
      }));
      return node.id;
    },
    connectPorts(connection) {
      const { graph: next, result } = connect(get().graph, connection);
      if (result.ok) set({ graph: next });
      else get().notify('error', result.reason);
      return result;
    },
    removeElements(nodeIds, edgeIds) {
      const next = removeElements(get().graph, nodeIds, edgeIds);
      if (next !== get().graph) set({ graph: next, selectedNodes: new Set(), selectedEdges: new Set() });
    },
    deleteSelection() {
      const { selectedNodes, selectedEdges } = get();
      get().removeElements([...selectedNodes], [...selectedEdges]);
    },
    commitPositions(positions) {
      const next = moveNodes(get().graph, positions);
      set(next === get().graph ? { dragPositions: {} } : { graph: next, dragPositions: {} });
    },
    updateNode(nodeId, kind, data) {
      set((state) => ({ graph: updateNodeData(state.graph, nodeId, kind, data) }));
    },
    setMatchKey(keys) {
      set((state) => ({ graph: setMatchKey(state.graph, keys) }));
    },
    insertValueMapFor(targetPath) {
      const { graph: next, nodeId } = insertValueMap(get().graph, targetPath, []);
      if (!nodeId) return undefined;
      const entries = seededEntries(get, next, nodeId);
      const seeded = updateNodeData(next, nodeId, 'valueMap', { entries, fallback: { kind: 'input' } });
      set({
        graph: seeded,
        selectedNodes: new Set([nodeId]),
        selectedEdges: new Set(),
        panel: 'inspect',
        focus: { nodeId, nonce: Date.now() },
      });
      return nodeId;
    },
    insertConversionFor(targetPath, fix) {
      const { graph: next, nodeId } = insertConversion(get().graph, targetPath, fix);
      if (!nodeId) return undefined;
      set({
        graph: next,
        selectedNodes: new Set([nodeId]),
        selectedEdges: new Set(),
        focus: { nodeId, nonce: Date.now() },
      });
      return nodeId;
    },
    seedValueMapNode(nodeId) {
      const node = get().graph.nodes.find((candidate) => candidate.id === nodeId);
      if (node?.kind !== 'valueMap') return;
      const seeded = seededEntries(get, get().graph, nodeId);
      const known = new Map(node.data.entries.map((entry) => [entry.from, entry]));
      // Keep what the user already chose; add the values the samples show that are missing.
      const entries = [...node.data.entries, ...seeded.filter((entry) => !known.has(entry.from))];
      set((state) => ({ graph: updateNodeData(state.graph, nodeId, 'valueMap', { ...node.data, entries }) }));
    },
    autoLayout(metrics) {
      const positions = layoutGraph(get().graph, metrics);
      const next = moveNodes(get().graph, positions);
      if (next !== get().graph) set({ graph: next });
    },
  });

/** Distinct sample values of the field feeding a value map × the picklist of the field it feeds. */
function seededEntries(get: GetState, graph: MappingGraph, nodeId: string): ValueMapEntry[] {
  const state = get();
  const sourcePath = feedingSourceField(graph, nodeId, 'in');
  const values = sourcePath ? state.samples.flatMap((sample) => valuesAt(sample.data, sourcePath)) : [];
  const targetPath = fedTargetFields(graph, nodeId)[0];
  const field =
    targetPath && state.target
      ? flattenSchemaFields(state.target.schema.fields).find((entry) => entry.handle === targetPath)?.field
      : undefined;
  return seedValueMap(distinctValues(values), field?.picklist ?? []).map(({ from, to }) => ({ from, to }));
}

/** Values at a field handle in one record; arrays along the path give one value per item. */
export function valuesAt(record: unknown, path: string): unknown[] {
  let current: unknown[] = [record];
  for (const segment of decodePath(path)) {
    const next: unknown[] = [];
    for (const value of current) {
      const item =
        value && typeof value === 'object' && !Array.isArray(value)
          ? (value as Record<string, unknown>)[segment.name]
          : undefined;
      if (segment.array && Array.isArray(item)) next.push(...item);
      else if (!segment.array) next.push(item);
    }
    current = next;
  }
  return current;
}
