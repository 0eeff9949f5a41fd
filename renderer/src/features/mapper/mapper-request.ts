import { create } from 'zustand';
import type { MappingId } from '../../../../shared/domain/flow';
import type { ReverseReport } from '../flows/reverse-flow';

/**
 * A mapping another screen asks the Mapper to open when it shows next (the Flows screen's
 * "Reverse flow" opens the new reverse mapping with what could not be turned round; a schema
 * drift report opens a mapping the refresh broke).
 */
export interface MapperRequest {
  mappingId: MappingId;
  reverse?: ReverseReport;
  /** How the Mapper names it while it reads the live schemas ("the reverse mapping" when not given). */
  what?: string;
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
