import type { ErrorInfo } from '../../../../shared/errors';
import { MappingPreview, type MappingGraph, type PreviewResult } from '../../../../shared/mapping';
import { exceedsJsonSize } from '../../../../shared/mapping/evaluate';
import { previewBindings } from './model/preview-bindings';

/**
 * The mapper's live preview, off the UI thread. A field whose expression never ends or grows
 * without bound freezes only this worker; the page (preview-worker-client.ts) terminates it and
 * shows the field as failed.
 */
export type PreviewRequest = {
  id: number;
  /** Sent when they changed, and to every new worker. */
  samples?: unknown[];
  graph: MappingGraph;
  timeoutMs: number;
  /** Fields an earlier worker was stopped on, with the error to show. */
  blocked: [string, ErrorInfo][];
};

export type PreviewResponse =
  | { id: number; kind: 'field'; expression: string }
  | { id: number; kind: 'done'; result: PreviewResult }
  | { id: number; kind: 'error'; error: ErrorInfo };

/** The largest output one sample may give; copying more to the page would freeze it too. */
export const previewOutputLimitMb = 16;

// The renderer compiles with DOM typings; inside a worker only these members are used.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<PreviewRequest>) => void) | null;
  postMessage(message: PreviewResponse): void;
};
const blocked = new Map<string, ErrorInfo>();
let preview: MappingPreview | undefined;
let currentId = 0;

scope.onmessage = (event) => {
  void handle(event.data);
};

async function handle(request: PreviewRequest): Promise<void> {
  currentId = request.id;
  try {
    blocked.clear();
    for (const [expression, error] of request.blocked) blocked.set(expression, error);
    if (request.samples || !preview) {
      preview = new MappingPreview(request.samples ?? [], {
        timeoutMs: request.timeoutMs,
        bindings: previewBindings,
        blocked,
        onField: (expression) => scope.postMessage({ id: currentId, kind: 'field', expression }),
      });
    }
    const result = await preview.update(request.graph);
    for (const record of result.records) {
      if (exceedsJsonSize(record.output, previewOutputLimitMb * 1024 * 1024)) {
        record.output = null;
        record.errors.push({
          target: 'record',
          nodeIds: [],
          error: {
            code: 'E_MAPPING_MEMORY',
            message: `The preview used too much memory: this record's output is larger than ${previewOutputLimitMb} MB. Look for a huge $pad or list.`,
          },
        });
      }
    }
    scope.postMessage({ id: request.id, kind: 'done', result });
  } catch (error) {
    const info =
      error && typeof error === 'object' && 'code' in error && 'message' in error
        ? (error as ErrorInfo)
        : { code: 'E_MAPPING_EVAL' as const, message: String(error) };
    scope.postMessage({ id: request.id, kind: 'error', error: { code: info.code, message: info.message } });
  }
}
