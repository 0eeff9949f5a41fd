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
});

function sameSet(left: ReadonlySet<string>, right: ReadonlySet<string>): boolean {
  if (left.size !== right.size) return false;
  for (const item of left) if (!right.has(item)) return false;
  return true;
}
