import { useEffect } from 'react';
import { errorMessage } from '../../../../shared/errors';
import { validateMapping, type PreviewResult } from '../../../../shared/mapping';
import { PreviewWorkerClient } from './preview-worker-client';
import type { MapperStore } from './store/mapper.store';

const debounceMs = 120;

/**
 * Re-runs the preview and the validation whenever the compiled mapping, the match key or the
 * samples change. The preview evaluates in a Web Worker (preview-worker-client.ts), so a mapping
 * that never ends shows as a failed field instead of freezing the page; its `MappingPreview`
 * caches per field text, so only touched fields evaluate again.
 */
export function usePreviewRunner(store: MapperStore): void {
  useEffect(() => {
    // A field gets 3 s, more with many samples (each sample has jsonata's own 500 ms time box).
    const preview = new PreviewWorkerClient({
      timeoutMs: 500,
      fieldBudgetMs: (samples) => Math.max(3000, samples * 20),
    });
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
          result = await preview.run(
            state.samples.map((sample) => sample.data),
            state.samples,
            state.compiled.graph,
          );
        }
        const report = await validateMapping(state.graph, state.target.schema, { outputs: result?.records ?? [] });
        if (!disposed && ticket === run) state.setPreview(result, report);
      } catch (error) {
        if (!disposed && ticket === run) {
          state.setPreview(undefined, undefined);
          state.notify('error', `Preview failed: ${errorMessage(error)}`);
        }
      }
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void evaluate(), debounceMs);
    };
    const unsubscribe = store.subscribe((state, previous) => {
      if (
        state.compiled !== previous.compiled ||
        state.samples !== previous.samples ||
        state.graph.matchKey !== previous.graph.matchKey
      )
        schedule();
    });
    schedule();
    return () => {
      disposed = true;
      clearTimeout(timer);
      unsubscribe();
      preview.dispose();
    };
  }, [store]);
}
