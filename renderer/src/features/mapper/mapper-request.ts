import { create } from 'zustand';
import type { MappingId } from '../../../../shared/domain/flow';
import type { ReverseReport } from '../flows/reverse-flow';

/**
 * A mapping another screen asks the Mapper to open when it shows next (the Flows screen's
 * "Reverse flow" opens the new reverse mapping with what could not be turned round).
 */
export interface MapperRequest {
  mappingId: MappingId;
  reverse?: ReverseReport;
}

interface MapperRequestState {
  request?: MapperRequest;
  ask(request: MapperRequest): void;
  /** The pending request, once: the Mapper takes it when it mounts. */
  take(): MapperRequest | undefined;
}

export const useMapperRequest = create<MapperRequestState>()((set, get) => ({
  ask(request) {
    set({ request });
  },
  take() {
    const { request } = get();
    if (request) set({ request: undefined });
    return request;
  },
}));
