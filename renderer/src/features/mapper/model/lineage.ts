import type { MappingGraph } from '../../../../../shared/mapping';

/** What lights up when a field is selected: its path through the graph. */
export interface Lineage {
  nodeIds: ReadonlySet<string>;
  edgeIds: ReadonlySet<string>;
  /** Field handles on the schema nodes, by node id. */
  fields: ReadonlyMap<string, ReadonlySet<string>>;
}

export const emptyLineage: Lineage = { nodeIds: new Set(), edgeIds: new Set(), fields: new Map() };

export type FieldSelection = { side: 'source' | 'target'; nodeId: string; path: string };

/** Target field → every edge and node feeding it (walk upstream); source field → everything it feeds (walk downstream). */
export function lineageOf(graph: MappingGraph, selection: FieldSelection): Lineage {
  const nodeIds = new Set<string>();
  const edgeIds = new Set<string>();
  const fields = new Map<string, Set<string>>();
  const mark = (nodeId: string, path: string) => {
    const set = fields.get(nodeId) ?? new Set<string>();
    set.add(path);
    fields.set(nodeId, set);
  };
  mark(selection.nodeId, selection.path);
  const kinds = new Map(graph.nodes.map((node) => [node.id, node.kind]));
  const upstream = selection.side === 'target';
  const start = graph.edges.filter((edge) =>
    upstream
      ? edge.target === selection.nodeId && edge.targetHandle === selection.path
      : edge.source === selection.nodeId && edge.sourceHandle === selection.path,
  );
  const stack = [...start];
  while (stack.length > 0) {
    const edge = stack.pop()!;
    if (edgeIds.has(edge.id)) continue;
    edgeIds.add(edge.id);
    const next = upstream ? edge.source : edge.target;
    const kind = kinds.get(next);
    if (kind === 'source' || kind === 'target') {
      mark(next, upstream ? edge.sourceHandle : edge.targetHandle);
      continue;
    }
    nodeIds.add(next);
    for (const candidate of graph.edges)
      if ((upstream ? candidate.target : candidate.source) === next) stack.push(candidate);
  }
  return { nodeIds, edgeIds, fields };
}
