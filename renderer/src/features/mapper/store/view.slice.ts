import { canConnect, type Connection, type MappingEdge, type MappingGraph } from '../../../../../shared/mapping';
import { connect, removeElements, sourceNodeId, targetNodeId } from '../model/graph-edits';
import { emptyLineage } from '../model/lineage';
import type { SliceCreator, ViewSlice } from './store-types';

export const createViewSlice: SliceCreator<ViewSlice> = (set, get) => ({
  selectedNodes: new Set(),
  selectedEdges: new Set(),
  dragPositions: {},
  measured: {},
  windows: {},
  fieldSelection: undefined,
  lineage: emptyLineage,
  compiled: { sourceMap: [], problems: [] },
  search: '',
  collapsed: {},
  panel: 'jsonata',
  focus: undefined,
  notice: undefined,
  fitRequest: 0,
  focusMode: false,
  picked: undefined,
  pendingReplace: undefined,
  announcement: undefined,
  setSelection(nodes, edges) {
    const state = get();
    if (sameSet(state.selectedNodes, nodes) && sameSet(state.selectedEdges, edges)) return;
    const valueMap = nodes.size === 1 && state.graph.nodes.find((node) => nodes.has(node.id))?.kind === 'valueMap';
    set({ selectedNodes: nodes, selectedEdges: edges, ...(valueMap ? { panel: 'inspect' as const } : {}) });
  },
  dragTo(positions) {
    set((state) => ({ dragPositions: { ...state.dragPositions, ...positions } }));
  },
  setMeasured(sizes) {
    const current = get().measured;
    const changed = Object.entries(sizes).some(
      ([id, size]) => current[id]?.width !== size.width || current[id]?.height !== size.height,
    );
    if (changed) set({ measured: { ...current, ...sizes } });
  },
  setWindow(nodeId, window) {
    const old = get().windows[nodeId];
    if (old && old.rows === window.rows && old.start === window.start && old.end === window.end) return;
    set((state) => ({ windows: { ...state.windows, [nodeId]: window } }));
  },
  selectField(selection) {
    const old = get().fieldSelection;
    const same = old && selection && old.nodeId === selection.nodeId && old.path === selection.path;
    set({ fieldSelection: same ? undefined : selection });
  },
  setSearch(search) {
    set({ search });
  },
  toggleCollapsed(nodeId, path) {
    set((state) => {
      const current = new Set(state.collapsed[nodeId] ?? []);
      if (current.has(path)) current.delete(path);
      else current.add(path);
      return { collapsed: { ...state.collapsed, [nodeId]: current } };
    });
  },
  showPanel(panel) {
    set({ panel });
  },
  focusNode(nodeId) {
    set({ focus: { nodeId, nonce: Date.now() }, selectedNodes: new Set([nodeId]), selectedEdges: new Set() });
  },
  notify(tone, message) {
    set({ notice: { tone, message, nonce: Date.now() } });
  },
  requestFit() {
    set((state) => ({ fitRequest: state.fitRequest + 1 }));
  },
  setFocusMode(on) {
    if (get().focusMode !== on) set({ focusMode: on });
  },
  pickField(side, path, nodeId = side === 'source' ? sourceNodeId : targetNodeId) {
    const picked = get().picked;
    const say = (text: string) => set({ announcement: { text, nonce: Date.now() } });
    const where = nodeId === sourceNodeId || nodeId === targetNodeId ? `${side} field ${path}` : `${nodeId} ${path}`;
    if (picked && picked.side === side && picked.path === path && picked.nodeId === nodeId) {
      set({ picked: undefined });
      return say(`Dropped ${path}.`);
    }
    if (!picked || picked.side === side) {
      set({ picked: { side, path, nodeId } });
      const other = side === 'source' ? 'target field or an input' : 'source field or an output';
      return say(`Picked ${where}. Focus a ${other} and press C to connect; Escape cancels.`);
    }
    const output = side === 'source' ? { nodeId, path } : { nodeId: picked.nodeId, path: picked.path };
    const input = side === 'target' ? { nodeId, path } : { nodeId: picked.nodeId, path: picked.path };
    set({ picked: undefined });
    get().requestConnection({
      source: output.nodeId,
      sourceHandle: output.path,
      target: input.nodeId,
      targetHandle: input.path,
    });
  },
  cancelPick() {
    if (get().picked) set({ picked: undefined, announcement: { text: 'Connecting cancelled.', nonce: Date.now() } });
  },
  requestConnection(connection) {
    const verdict = connectionVerdict(get().graph, connection);
    const say = (text: string) => set({ announcement: { text, nonce: Date.now() } });
    if (verdict.kind === 'replace') {
      set({ pendingReplace: { connection, replaces: verdict.replaces } });
      return say(`${connection.targetHandle} is already connected. Replace its connection?`);
    }
    if (verdict.kind === 'refused') {
      get().notify('error', verdict.reason);
      return say(`Not connected: ${verdict.reason}`);
    }
    const result = get().connectPorts(connection);
    if (result.ok) say(`Connected ${connection.sourceHandle} to ${connection.targetHandle}.`);
  },
  resolveReplace(replace) {
    const pending = get().pendingReplace;
    if (!pending) return;
    if (!replace) {
      set({ pendingReplace: undefined, announcement: { text: 'Kept the current connection.', nonce: Date.now() } });
      return;
    }
    // One undoable step: the old edge goes and the new one comes in the same graph change.
    const without = removeElements(get().graph, [], [pending.replaces.id]);
    const { graph, result } = connect(without, pending.connection);
    if (!result.ok) {
      set({ pendingReplace: undefined });
      get().notify('error', result.reason);
      return;
    }
    set({
      graph,
      pendingReplace: undefined,
      announcement: {
        text: `Replaced: ${pending.connection.sourceHandle} now feeds ${pending.connection.targetHandle}.`,
        nonce: Date.now(),
      },
    });
  },
});

/** Whether a connection can be made as is, only by replacing the edge that feeds its input, or not at all. */
export function connectionVerdict(
  graph: MappingGraph,
  connection: Connection,
): { kind: 'ok' } | { kind: 'replace'; replaces: MappingEdge } | { kind: 'refused'; reason: string } {
  const direct = canConnect(graph, connection);
  if (direct.ok) return { kind: 'ok' };
  const feeding = graph.edges.find(
    (edge) => edge.target === connection.target && edge.targetHandle === connection.targetHandle,
  );
  if (!feeding) return { kind: 'refused', reason: direct.reason };
  if (feeding.source === connection.source && feeding.sourceHandle === connection.sourceHandle)
    return {
      kind: 'refused',
      reason: `${connection.targetHandle} is already connected to ${connection.sourceHandle}.`,
    };
  const replaced = canConnect(removeElements(graph, [], [feeding.id]), connection);
  return replaced.ok ? { kind: 'replace', replaces: feeding } : { kind: 'refused', reason: replaced.reason };
}

function sameSet(left: ReadonlySet<string>, right: ReadonlySet<string>): boolean {
  if (left.size !== right.size) return false;
  for (const item of left) if (!right.has(item)) return false;
  return true;
}
