import { AppError, errorCodes, type ErrorCode } from '../../../shared/errors';
import {
  evaluateExpression,
  exceedsJsonSize,
  toMappingError,
  type Bindings,
  type RecordResult,
} from '../../../shared/mapping/evaluate';
import { connectToParent } from './worker-channel';
import { outputLimitMb, type ParentMessage, type WorkerMessage, type WorkerTask } from './worker-protocol';

/**
 * A mapping worker process (started by mapping-pool.ts with a V8 heap limit). An expression that
 * allocates too much or never returns takes down only this process; the pool reports the record
 * and starts a fresh one. Tasks arrive one at a time over the channel to the parent
 * (worker-channel.ts: Node IPC, or an Electron MessagePort in the desktop app).
 */
const calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
let nextCall = 0;

const parent = connectToParent(receive);

function post(message: WorkerMessage): void {
  parent.post(message);
}

function receive(message: ParentMessage): void {
  if (message.kind === 'task') {
    void evaluateTask(message);
    return;
  }
  const pending = calls.get(message.id);
  if (!pending) return;
  calls.delete(message.id);
  if (message.ok) pending.resolve(message.value);
  else pending.reject(new AppError(knownCode(message.error.code), message.error.message, message.error.details));
}
// Ctrl+C and service stops reach the whole process group; the parent decides (a soft stop finishes
// the current batch) and ends its workers itself.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

async function evaluateTask(task: WorkerTask): Promise<void> {
  const bindings: Bindings = { ...task.values };
  // Records are evaluated one after the other: a binding call belongs to the current one.
  let current = 0;
  for (const { name, arity } of task.functions) {
    const call = (...args: unknown[]) =>
      new Promise((resolve, reject) => {
        const id = (nextCall += 1);
        calls.set(id, { resolve, reject });
        post({ kind: 'call', task: task.task, id, name, args: cloneable(args), index: current });
      });
    // jsonata reads a function's arity to decide how many arguments to pass (e.g. in $map).
    Object.defineProperty(call, 'length', { value: arity });
    bindings[name] = call;
  }
  post({ kind: 'start', task: task.task });
  for (const [index, record] of task.records.entries()) {
    current = index;
    let result: RecordResult;
    try {
      const value = await evaluateExpression(task.text, record, { ...task.limits, bindings });
      result = exceedsJsonSize(value, outputLimitMb * 1024 * 1024)
        ? {
            ok: false,
            error: {
              code: 'E_MAPPING_MEMORY',
              message: `The mapping produced more than ${outputLimitMb} MB for this record. Look for a function that builds a huge text or list (e.g. $pad with a very large width) and limit it.`,
            },
          }
        : { ok: true, value };
    } catch (error) {
      result = { ok: false, error: toMappingError(error, 'E_MAPPING_EVAL').toInfo() };
    }
    post({ kind: 'result', task: task.task, index, result });
  }
  post({ kind: 'done', task: task.task });
}

/** jsonata hands functions and sequences to bindings; only plain data crosses processes. */
function cloneable(args: unknown[]): unknown[] {
  return args.map((arg) =>
    typeof arg === 'function' || arg === undefined ? undefined : (JSON.parse(JSON.stringify(arg)) as unknown),
  );
}

function knownCode(code: string): ErrorCode {
  return (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'E_MAPPING_EVAL';
}
