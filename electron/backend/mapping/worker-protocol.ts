import type { ErrorInfo } from '../../../shared/errors';
import type { EvaluationLimits, RecordResult } from '../../../shared/mapping/evaluate';

/** What the pool hands a mapping worker process: one expression over a batch of records. */
export interface WorkerTask {
  kind: 'task';
  task: number;
  text: string;
  records: unknown[];
  limits: EvaluationLimits;
  /** Bindings that are plain values travel with the task. */
  values: Record<string, unknown>;
  /** Bindings that are functions stay in the parent; the worker calls them (`call` / `reply`). */
  functions: { name: string; arity: number }[];
}

/** Parent → worker: the answer to one binding call. */
export type ReplyMessage =
  { kind: 'reply'; id: number; ok: true; value: unknown } | { kind: 'reply'; id: number; ok: false; error: ErrorInfo };

export type ParentMessage = WorkerTask | ReplyMessage;

/**
 * Worker → parent, in order on one channel. `result` streams each record as it finishes, so a
 * killed worker loses only the record it was on.
 */
export type WorkerMessage =
  | { kind: 'start'; task: number }
  | { kind: 'result'; task: number; index: number; result: RecordResult }
  /** `index`: the task's record being evaluated when the expression called the binding. */
  | { kind: 'call'; task: number; id: number; name: string; args: unknown[]; index: number }
  | { kind: 'done'; task: number };

/** The largest output one record may produce; bigger ones are refused before they cross to the parent, whose copies (hash, audit row) would multiply it. */
export const outputLimitMb = 16;

/** The V8 heap of one mapping worker process. */
export const mappingMemoryMb = 256;
/** Node/V8 flags of every mapping worker, whichever way it is started (main reads them too: no Node imports here). */
export const workerFlags = [`--max-old-space-size=${mappingMemoryMb}`, '--max-semi-space-size=16'];
