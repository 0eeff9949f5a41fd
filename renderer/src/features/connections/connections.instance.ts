import { useStore } from 'zustand';
import { create } from 'zustand';
import type { ConnectionId } from '../../../../shared/domain/connection';
import { api } from '../../api/client';
import { createConnectionsStore, type ConnectionsState } from './connections.store';

/** The window's one connections store, bound to the real client. Tests build their own with `createConnectionsStore`. */
export const connectionsStore = createConnectionsStore(api);

export function useConnections<T>(selector: (state: ConnectionsState) => T): T {
  return useStore(connectionsStore, selector);
}

export type ConnectionsView = 'list' | 'schemas';

interface ViewState {
  view: ConnectionsView;
  /** Connections the schema browser opens with ("Browse schema" on a card). */
  browse: { source?: ConnectionId; target?: ConnectionId };
  show(view: ConnectionsView): void;
  browseSchema(side: 'source' | 'target', id: ConnectionId): void;
}

export const useConnectionsView = create<ViewState>()((set) => ({
  view: 'list',
  browse: {},
  show: (view) => set({ view }),
  browseSchema: (side, id) => set((state) => ({ view: 'schemas', browse: { ...state.browse, [side]: id } })),
}));
