import type { MappingGraph } from '../../../../../shared/mapping';
import type { SessionSlice, SliceCreator, Side } from './store-types';

export interface SessionSeed {
  mappingId?: string;
  name: string;
  /** The saved mapping's `updatedAt`, for telling a newer draft from an older one. */
  savedVersion?: string;
  source?: Side;
  target?: Side;
}

export const createSessionSlice =
  (seed: SessionSeed, graph: MappingGraph): SliceCreator<SessionSlice> =>
  (set, get) => ({
    mappingId: seed.mappingId,
    name: seed.name,
    baseline: { graph, name: seed.name },
    savedVersion: seed.savedVersion,
    source: seed.source,
    target: seed.target,
    samples: [],
    samplesStatus: 'idle',
    samplesError: undefined,
    preview: undefined,
    report: undefined,
    previewBusy: false,
    savedGraph: undefined,
    setName(name) {
      set({ name });
    },
    setSamples(samplesStatus, samples, samplesError) {
      set({ samplesStatus, samplesError, ...(samples ? { samples } : {}) });
    },
    setPreview(preview, report) {
      set({ preview, report, previewBusy: false });
    },
    setPreviewBusy(previewBusy) {
      set({ previewBusy });
    },
    markSaved(mappingId, name, savedVersion) {
      const graph = get().graph;
      set({ mappingId, name, savedGraph: graph, baseline: { graph, name }, savedVersion });
    },
    restoreDraft(graph, name) {
      set({ graph, name });
    },
  });
