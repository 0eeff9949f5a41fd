import { create, useStore } from 'zustand';
import type { ConnectionId } from '../../../../shared/domain/connection';
import { api } from '../../api/client';
import { createSchemasStore, type SchemasState } from './schemas.store';

/** The window's schema cache; the mapper can share it (`useSchemas`, `schemasStore.getState().loadSchema`). */
export const schemasStore = createSchemasStore(api);

export function useSchemas<T>(selector: (state: SchemasState) => T): T {
  return useStore(schemasStore, selector);
}

export type PaneSide = 'source' | 'target';

interface BrowserState {
  panes: Record<PaneSide, { connectionId?: ConnectionId; entity?: string }>;
  choose(side: PaneSide, patch: { connectionId?: ConnectionId; entity?: string }): void;
}

/** What each side of the browser shows; kept while the user visits other screens. */
export const useSchemaBrowser = create<BrowserState>()((set) => ({
  panes: { source: {}, target: {} },
  choose: (side, patch) => set((state) => ({ panes: { ...state.panes, [side]: { ...state.panes[side], ...patch } } })),
}));
