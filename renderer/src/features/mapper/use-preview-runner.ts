import { useEffect } from 'react';
import { MappingPreview, validateMapping, type PreviewResult } from '../../../../shared/mapping';
import { previewBindings } from './model/preview-bindings';
import type { MapperStore } from './store/mapper.store';

const debounceMs = 120;

/**
 * Re-runs the preview and the validation whenever the compiled mapping, the match key or the
 * samples change. `MappingPreview` caches per field text, so only touched fields evaluate again.
 */
export function usePreviewRunner(store: MapperStore): void {
  useEffect(() => {
    let preview: MappingPreview | undefined;
    let previewSamples: unknown;
    let run = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let disposed = false;

    const evaluate = async () => {
      const ticket = ++run;
      const state = store.getState();
      if (!state.target) return;
      state.setPreviewBusy(true);
      let result: PreviewResult | undefined;
      try {
        if (state.compiled.graph && state.samples.length > 0) {
          if (!preview || previewSamples !== state.samples) {
            preview = new MappingPreview(state.samples.map((sample) => sample.data), { timeoutMs: 500, bindings: previewBindings });
            previewSamples = state.samples;
          }
          result = await preview.update(state.compiled.graph);
        }
        const report = await validateMapping(state.graph, state.target.schema, { outputs: result?.records ?? [] });
        if (!disposed && ticket === run) state.setPreview(result, report);
      } catch (error) {
        if (!disposed && ticket === run) {
          state.setPreview(undefined, undefined);
          state.notify('error', `Preview failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void evaluate(), debounceMs);
    };
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.compiled !== previous.compiled || state.samples !== previous.samples || state.graph.matchKey !== previous.graph.matchKey) schedule();
    });
    schedule();
    return () => {
      disposed = true;
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store]);
}
