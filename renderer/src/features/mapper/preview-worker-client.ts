import { AppError, type ErrorInfo } from '../../../../shared/errors';
import type { MappingGraph, PreviewResult } from '../../../../shared/mapping';
import type { PreviewRequest, PreviewResponse } from './preview.worker';

/**
 * Runs the live preview in a Web Worker with a time budget per field. jsonata's own time box
 * cannot stop work inside one step (a huge $pad, an all-pairs $distinct), and on the UI thread
 * that froze the page. When a field overruns, the worker is terminated, the field is marked
 * failed on every record, and a fresh worker finishes the other fields.
 */
export const previewTooLong: ErrorInfo = {
  code: 'E_MAPPING_TIMEOUT',
  message:
    'The preview took too long or used too much memory on this field and was stopped. Look for an endless recursion, a very large loop or a huge $pad.',
};

export class PreviewWorkerClient {
  private worker: Worker | undefined;
  private sentSamples: unknown;
  private readonly blocked = new Map<string, ErrorInfo>();
  private nextId = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: { timeoutMs: number; fieldBudgetMs: (samples: number) => number }) {}

  /** One preview at a time: a new one waits for (at most the budget of) the one before. */
  run(samples: readonly unknown[], samplesKey: unknown, graph: MappingGraph): Promise<PreviewResult> {
    const next = this.queue.then(() => this.runNow(samples, samplesKey, graph));
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }

  private async runNow(samples: readonly unknown[], samplesKey: unknown, graph: MappingGraph): Promise<PreviewResult> {
    if (samplesKey !== this.sentSamples) this.blocked.clear();
    // Each stop blocks one more field, so this ends after at most one retry per field.
    for (;;) {
      const outcome = await this.attempt(samples, samplesKey, graph);
      if ('result' in outcome) return outcome.result;
      if ('error' in outcome) throw new AppError(outcome.error.code, outcome.error.message);
      this.dispose();
      if (outcome.stuckOn === undefined || this.blocked.has(outcome.stuckOn))
        throw new AppError(previewTooLong.code, previewTooLong.message);
      this.blocked.set(outcome.stuckOn, previewTooLong);
    }
  }

  private attempt(
    samples: readonly unknown[],
    samplesKey: unknown,
    graph: MappingGraph,
  ): Promise<{ result: PreviewResult } | { error: ErrorInfo } | { stuckOn: string | undefined }> {
    const fresh = !this.worker;
    const worker = (this.worker ??= new Worker(new URL('./preview.worker.ts', import.meta.url), {
      type: 'module',
      name: 'mapping-preview',
    }));
    const id = (this.nextId += 1);
    const budget = this.options.fieldBudgetMs(samples.length);
    return new Promise((resolve) => {
      let field: string | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ stuckOn: field }), budget);
      };
      const finish = (outcome: { result: PreviewResult } | { error: ErrorInfo } | { stuckOn: string | undefined }) => {
        clearTimeout(timer);
        worker.onmessage = null;
        worker.onerror = null;
        resolve(outcome);
      };
      worker.onmessage = (event: MessageEvent<PreviewResponse>) => {
        const message = event.data;
        if (message.id !== id) return;
        if (message.kind === 'field') {
          field = message.expression;
          arm();
        } else if (message.kind === 'done') finish({ result: message.result });
        else finish({ error: message.error });
      };
      // A worker that dies (out of memory) fails like one that overruns: on the field it was on.
      worker.onerror = (event) => {
        event.preventDefault();
        finish({ stuckOn: field });
      };
      const request: PreviewRequest = {
        id,
        samples: fresh || samplesKey !== this.sentSamples ? [...samples] : undefined,
        graph,
        timeoutMs: this.options.timeoutMs,
        blocked: [...this.blocked],
      };
      this.sentSamples = samplesKey;
      arm();
      worker.postMessage(request);
    });
  }
}
