import os from 'node:os';
import { AppError, toErrorInfo, type ErrorInfo } from '../../../shared/errors';
import {
  assertPlainJson,
  compiledExpression,
  defaultLimits,
  toMappingError,
  type BindingCall,
  type EvaluateManyOptions,
  type RecordResult,
} from '../../../shared/mapping/evaluate';
import { diedOfMemory, mappingMemoryMb, stoppedFromOutside, WorkerProcess, type Exit } from './worker-process';
import type { ReplyMessage, WorkerMessage, WorkerTask } from './worker-protocol';

/**
 * Evaluates user JSONata in worker processes whose limits the runtime enforces: a record that
 * allocates more than the worker's heap, or runs longer than the hard time limit, kills only its
 * worker; it becomes a failed record with a reason, a fresh worker takes over, and the batch goes
 * on. Same contract as `evaluateMany`: one result per record, in order; a failing record never
 * stops the batch.
 */
export { mappingMemoryMb };

export interface IsolatedOptions extends EvaluateManyOptions {
  /** Wall-clock milliseconds one record may run before its worker is killed (default: twice jsonata's own time box, at least 3 s). */
  hardTimeoutMs?: number;
}

/** Two workers at most: the machines this runs on have few cores, and the backend needs one. */
const poolSize = Math.max(1, Math.min(2, os.availableParallelism()));
const idle: WorkerProcess[] = [];
const everyWorker = new Set<WorkerProcess>();
/** Bumped by closeMappingPool, so tasks cut short by the close stop instead of retrying. */
let generation = 0;
const waiting: ((worker: WorkerProcess) => void)[] = [];
let running = 0;
let taskSeq = 0;

async function acquire(): Promise<WorkerProcess> {
  while (idle.length > 0) {
    const worker = idle.pop()!;
    if (worker.alive) {
      running += 1;
      return worker;
    }
  }
  if (running < poolSize) {
    running += 1;
    return spawn();
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function release(worker: WorkerProcess): void {
  worker.park();
  const next = waiting.shift();
  if (next) {
    // The slot passes straight to the next task, with a fresh worker if this one died.
    next(worker.alive ? worker : spawn());
    return;
  }
  running -= 1;
  if (worker.alive) idle.push(worker);
}

function spawn(): WorkerProcess {
  const worker = new WorkerProcess(() => everyWorker.delete(worker));
  everyWorker.add(worker);
  return worker;
}

/**
 * Starts the pool's missing workers ahead of their first task; resolves once each answered (its
 * code is loaded). A cold pool cost a 10,000-record run 0.3-0.6 s before its first write (issue
 * 17): a run starts it before it opens its connectors, so the start overlaps the first read, and
 * the long-lived runtimes (`mlc serve`, `mlc worker`, the desktop backend) start it when they do.
 * A task that comes meanwhile takes the worker as soon as it answered; idle workers do not keep
 * the process alive.
 */
export function warmMappingPool(): Promise<void> {
  for (let index = idle.length - 1; index >= 0; index -= 1) if (!idle[index]!.alive) idle.splice(index, 1);
  const started: Promise<void>[] = [];
  while (holders > 0 && idle.length + running < poolSize) {
    let worker: WorkerProcess;
    try {
      worker = spawn();
    } catch {
      // No way to start one here (no spawner): the first task says why, with what to do.
      break;
    }
    running += 1;
    started.push(ping(worker).finally(() => release(worker)));
  }
  return Promise.all(started).then(() => undefined);
}

/** A task of no records: the worker answers once its code is loaded (or it died, which the next task sees). */
function ping(worker: WorkerProcess): Promise<void> {
  const task = (taskSeq += 1);
  return new Promise((resolve) => {
    worker.attach(
      (message) => {
        if (message.task === task && message.kind === 'done') resolve();
      },
      () => resolve(),
    );
    const sent = worker.send({
      kind: 'task',
      task,
      text: 'null',
      records: [],
      limits: { timeoutMs: defaultLimits.timeoutMs, maxDepth: defaultLimits.maxDepth },
      values: {},
      functions: [],
    });
    if (!sent) resolve();
  });
}

let holders = 0;

/**
 * Each backend holds the pool while it is open (context.onClose releases it); the last one to
 * close stops the workers, so two backends in one process (tests, studio + CLI) do not cut each
 * other's evaluations short.
 */
export function holdMappingPool(): () => void {
  holders += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holders -= 1;
    if (holders === 0) closeMappingPool();
  };
}

/** Stops every mapping worker; the next evaluation starts new ones. */
export function closeMappingPool(): void {
  generation += 1;
  idle.length = 0;
  for (const worker of everyWorker) worker.kill();
}

/** `evaluateMany` in worker processes. Compile errors throw, as in `evaluateMany`; everything else is per record. */
export async function evaluateIsolated(
  text: string,
  records: readonly unknown[],
  options: IsolatedOptions = {},
): Promise<RecordResult[]> {
  compiledExpression(text, options);
  const results: (RecordResult | undefined)[] = new Array<RecordResult | undefined>(records.length);
  const plain: number[] = [];
  records.forEach((record, index) => {
    try {
      assertPlainJson(record);
      plain.push(index);
    } catch (error) {
      results[index] = { ok: false, error: toMappingError(error, 'E_MAPPING_EVAL').toInfo() };
    }
  });
  let done = records.length - plain.length;
  // Big batches are split so both workers share them; small ones are not worth a second process.
  const chunkSize = plain.length >= 64 ? Math.ceil(plain.length / poolSize) : Math.max(1, plain.length);
  const chunks: number[][] = [];
  for (let start = 0; start < plain.length; start += chunkSize) chunks.push(plain.slice(start, start + chunkSize));
  await Promise.all(
    chunks.map((chunk) =>
      evaluateChunk(text, records, chunk, options, (index, result) => {
        if (results[index] === undefined) done += 1;
        results[index] = result;
        options.onProgress?.(done, records.length);
      }),
    ),
  );
  options.onProgress?.(records.length, records.length);
  return results.map(
    (result) =>
      result ?? {
        ok: false,
        error: { code: 'E_MAPPING_EVAL', message: 'The mapping gave no result for this record.' },
      },
  );
}

type Failure = { kind: 'timeout' } | { kind: 'cancelled' } | { kind: 'died'; exit: Exit; started: boolean };

/**
 * Runs `indices` as one task. Results stream back in order, so when the watchdog kills a worker
 * the record it was on is the first unanswered one. When a worker dies on its own (memory), the
 * records it had not answered run one by one until one fails alone (the guilty record), then the
 * rest go as a batch again.
 */
async function evaluateChunk(
  text: string,
  records: readonly unknown[],
  indices: number[],
  options: IsolatedOptions,
  settle: (index: number, result: RecordResult) => void,
): Promise<void> {
  let pending = indices;
  let alone = false;
  const born = generation;
  while (pending.length > 0) {
    if (options.signal?.aborted || generation !== born) throw cancelled();
    const batch = alone ? pending.slice(0, 1) : pending;
    const answered = new Set<number>();
    const failure = await runTask(text, records, batch, options, (index, result) => {
      answered.add(index);
      settle(index, result);
    });
    const blame = (error: ErrorInfo) => {
      const guilty = batch.find((index) => !answered.has(index));
      if (guilty === undefined) return;
      answered.add(guilty);
      settle(guilty, { ok: false, error });
    };
    if (failure && generation !== born) throw cancelled();
    if (!failure) {
      alone = false;
    } else if (failure.kind === 'cancelled') {
      throw cancelled();
    } else if (failure.kind === 'timeout') {
      blame(limitError('timeout', options));
    } else if (stoppedFromOutside(failure.exit)) {
      throw new AppError(
        'E_MAPPING_EVAL',
        `Evaluation cancelled: the mapping worker was stopped (${describeExit(failure.exit)}).`,
      );
    } else if (!failure.started) {
      // The worker never ran a record: a broken installation, not a mapping problem.
      throw new AppError(
        'E_INTERNAL',
        `The mapping worker could not start (${describeExit(failure.exit)}). Rebuild or reinstall the app (npm run build).`,
      );
    } else if (alone) {
      blame(
        diedOfMemory(failure.exit)
          ? limitError('memory', options)
          : {
              code: 'E_MAPPING_EVAL',
              message: `The mapping stopped its worker on this record (${describeExit(failure.exit)}).`,
            },
      );
      alone = false;
    } else {
      alone = true;
    }
    pending = pending.filter((index) => !answered.has(index));
  }
}

async function runTask(
  text: string,
  records: readonly unknown[],
  batch: number[],
  options: IsolatedOptions,
  settle: (index: number, result: RecordResult) => void,
): Promise<Failure | undefined> {
  const bindings = options.bindings ?? {};
  const functions = Object.entries(bindings).filter(
    (entry): entry is [string, (...args: unknown[]) => unknown] => typeof entry[1] === 'function',
  );
  const values = Object.fromEntries(Object.entries(bindings).filter(([, value]) => typeof value !== 'function'));
  const limits = {
    timeoutMs: options.timeoutMs ?? defaultLimits.timeoutMs,
    maxDepth: options.maxDepth ?? defaultLimits.maxDepth,
  };
  const task: WorkerTask = {
    kind: 'task',
    task: (taskSeq += 1),
    text,
    records: batch.map((index) => records[index]),
    limits,
    values,
    functions: functions.map(([name, fn]) => ({ name, arity: fn.length })),
  };
  const worker = await acquire();
  let reason: 'timeout' | 'cancelled' | undefined;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let callsInFlight = 0;
  const external = options.signal as AbortSignal | undefined;
  try {
    return await new Promise<Failure | undefined>((resolve) => {
      const stop = (why: 'timeout' | 'cancelled') => {
        reason = why;
        worker.kill();
      };
      // The watchdog measures the worker's own time on one record: it starts when the worker starts
      // the task, restarts on every finished record, and pauses while the parent answers a binding call.
      const arm = () => {
        clearTimeout(timer);
        if (callsInFlight === 0 && !reason) timer = setTimeout(() => stop('timeout'), hardTimeout(options));
      };
      const onCancel = () => stop('cancelled');
      if (typeof external?.addEventListener === 'function')
        external.addEventListener('abort', onCancel, { once: true });
      // Cancelled while it waited for a free worker: the listener above never fires.
      if (external?.aborted) stop('cancelled');
      const finish = (failure: Failure | undefined) => {
        clearTimeout(timer);
        if (typeof external?.removeEventListener === 'function') external.removeEventListener('abort', onCancel);
        resolve(failure);
      };
      worker.attach(
        (message: WorkerMessage) => {
          if (message.task !== task.task) return;
          if (message.kind === 'start') {
            started = true;
            arm();
          } else if (message.kind === 'result') {
            settle(batch[message.index]!, message.result);
            arm();
          } else if (message.kind === 'done') {
            finish(undefined);
          } else {
            callsInFlight += 1;
            clearTimeout(timer);
            void answer(worker, message, functions, records[batch[message.index] ?? -1]).finally(() => {
              callsInFlight -= 1;
              arm();
            });
          }
        },
        (exit) =>
          finish(
            reason === 'timeout'
              ? { kind: 'timeout' }
              : reason === 'cancelled'
                ? { kind: 'cancelled' }
                : { kind: 'died', exit, started },
          ),
      );
      if (!worker.send(task)) worker.kill();
    });
  } finally {
    release(worker);
  }
}

function hardTimeout(options: IsolatedOptions): number {
  return options.hardTimeoutMs ?? Math.max(2 * (options.timeoutMs ?? defaultLimits.timeoutMs), 3000);
}

async function answer(
  worker: WorkerProcess,
  message: Extract<WorkerMessage, { kind: 'call' }>,
  functions: [string, (...args: unknown[]) => unknown][],
  input: unknown,
): Promise<void> {
  const binding = functions.find(([name]) => name === message.name)?.[1];
  const call: BindingCall = { input };
  let reply: ReplyMessage;
  try {
    if (!binding) throw new AppError('E_MAPPING_EVAL', `Unknown binding $${message.name}.`);
    reply = { kind: 'reply', id: message.id, ok: true, value: await binding.apply(call, message.args) };
  } catch (error) {
    const info: ErrorInfo = toErrorInfo(error, 'E_MAPPING_EVAL');
    reply = { kind: 'reply', id: message.id, ok: false, error: info };
  }
  // A worker killed while the binding ran is not waiting for the answer; send() reports false.
  if (worker.send(reply) || !worker.alive || !reply.ok) return;
  // The answer could not be sent (not plain data): the expression gets an error, not silence.
  worker.send({
    kind: 'reply',
    id: message.id,
    ok: false,
    error: { code: 'E_MAPPING_EVAL', message: `$${message.name} returned something that is not JSON.` },
  });
}

function describeExit(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
}

function cancelled(): AppError {
  return new AppError('E_MAPPING_EVAL', 'Evaluation cancelled.');
}

function limitError(kind: 'timeout' | 'memory', options: IsolatedOptions): ErrorInfo {
  if (kind === 'memory') {
    return {
      code: 'E_MAPPING_MEMORY',
      message: `The mapping used more than ${mappingMemoryMb} MB on this record and was stopped. Look for a function that builds a huge text or list (e.g. $pad with a very large width inside a long list) and limit it.`,
    };
  }
  return {
    code: 'E_MAPPING_TIMEOUT',
    message: `The mapping ran for more than ${hardTimeout(options) / 1000} s on this record and was stopped. Look for an endless recursion or a very large loop in the expression.`,
  };
}
