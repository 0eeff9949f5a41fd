import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { MapperState, MapperStore } from './mapper.store';

const MapperStoreContext = createContext<MapperStore | undefined>(undefined);

export function MapperStoreProvider({ store, children }: { store: MapperStore; children: ReactNode }) {
  return <MapperStoreContext.Provider value={store}>{children}</MapperStoreContext.Provider>;
}

export function useMapperStoreApi(): MapperStore {
  const store = useContext(MapperStoreContext);
  if (!store) throw new Error('useMapper… must be used inside <MapperStoreProvider>.');
  return store;
}

/** Atomic selector on the open mapping's store (wrap list selectors in useShallow). */
export function useMapper<T>(selector: (state: MapperState) => T): T {
  return useStore(useMapperStoreApi(), selector);
}

export function useHistory(): { canUndo: boolean; canRedo: boolean } {
  const store = useMapperStoreApi();
  const canUndo = useStore(store.temporal, (state) => state.pastStates.length > 0);
  const canRedo = useStore(store.temporal, (state) => state.futureStates.length > 0);
  return { canUndo, canRedo };
}
