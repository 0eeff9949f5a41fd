import type { SessionSlice, SliceCreator, Side } from './store-types';

export interface SessionSeed {
  mappingId?: string;
  name: string;
  source?: Side;
  target?: Side;
}

export const createSessionSlice = (seed: SessionSeed): SliceCreator<SessionSlice> => (set, get) => ({
  mappingId: seed.mappingId,
  name: seed.name,
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
  markSaved(mappingId, name) {
    set({ mappingId, name, savedGraph: get().graph });
  },
});
