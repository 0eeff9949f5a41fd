import { temporal } from 'zundo';
import { createStore } from 'zustand/vanilla';
import type { MappingGraph } from '../../../../../shared/mapping';
import { compileForView } from '../model/compile-view';
import { emptyLineage, lineageOf } from '../model/lineage';
import { createGraphSlice } from './graph.slice';
import { createSessionSlice, type SessionSeed } from './session.slice';
import { createSuggestionSlice } from './suggestion.slice';
import type { MapperState } from './store-types';
import { createTextSlice } from './text.slice';
import { createViewSlice } from './view.slice';

export type { MapperState } from './store-types';

/**
 * One store per open mapping: slices combined, undo/redo (zundo) on the combined store and
 * tracking only the graph, so selection, drags in progress and previews never become steps.
 */
export function createMapperStore(graph: MappingGraph, seed: SessionSeed & { saved?: boolean }) {
  const store = createStore<MapperState>()(
    temporal(
      (set, get) => ({
        ...createGraphSlice(graph)(set, get),
        ...createSuggestionSlice(set, get),
        ...createTextSlice(set, get),
        ...createViewSlice(set, get),
        ...createSessionSlice(seed, graph)(set, get),
      }),
      {
        partialize: (state) => ({ graph: state.graph }),
        equality: (past, current) => past.graph === current.graph,
        limit: 200,
      },
    ),
  );
  const derive = (state: MapperState): Partial<MapperState> => ({
    compiled: compileForView(state.graph),
    lineage: state.fieldSelection ? lineageOf(state.graph, state.fieldSelection) : emptyLineage,
  });
  // Derived state follows the graph (and the selected field) wherever the change came from.
  store.setState({ ...derive(store.getState()), ...(seed.saved ? { savedGraph: graph } : {}) });
  store.temporal.getState().clear();
  store.subscribe((state, previous) => {
    if (state.graph === previous.graph && state.fieldSelection === previous.fieldSelection) return;
    const next: Partial<MapperState> = {
      lineage: state.fieldSelection ? lineageOf(state.graph, state.fieldSelection) : emptyLineage,
    };
    if (state.graph !== previous.graph) {
      next.compiled = compileForView(state.graph);
      // Selection of elements that no longer exist (after undo) would confuse deletes.
      const ids = new Set(state.graph.nodes.map((node) => node.id));
      const edgeIds = new Set(state.graph.edges.map((edge) => edge.id));
      if ([...state.selectedNodes].some((id) => !ids.has(id)))
        next.selectedNodes = new Set([...state.selectedNodes].filter((id) => ids.has(id)));
      if ([...state.selectedEdges].some((id) => !edgeIds.has(id)))
        next.selectedEdges = new Set([...state.selectedEdges].filter((id) => edgeIds.has(id)));
    }
    store.setState(next);
  });
  return store;
}

export type MapperStore = ReturnType<typeof createMapperStore>;

/** Leaving now would lose work: the graph or the name differs from what was opened or last saved. */
export function hasUnsavedChanges(state: Pick<MapperState, 'graph' | 'name' | 'baseline'>): boolean {
  return state.graph !== state.baseline.graph || state.name !== state.baseline.name;
}

export function undo(store: MapperStore): void {
  store.temporal.getState().undo();
}

export function redo(store: MapperStore): void {
  store.temporal.getState().redo();
}
