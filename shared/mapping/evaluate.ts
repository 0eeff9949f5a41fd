import jsonata from 'jsonata';
import { AppError, type ErrorInfo } from '../errors';
import { LinearRegExp } from './regex-engine';

/**
 * Runs compiled JSONata. Expressions are compiled once and cached; every evaluation is
 * time-boxed and depth-limited by jsonata's own guardrails; regexes run on a linear-time engine
 * (regex-engine.ts); inputs must be plain JSON; batches yield to the event loop.
 * jsonata's guardrails only act between its steps, so the backend evaluates user mappings through
 * electron/backend/mapping/mapping-pool.ts (worker processes with hard memory and time limits) and
 * the mapper's preview runs in a Web Worker.
 */
export interface EvaluationLimits {
  /** Milliseconds per record. */
  timeoutMs?: number;
  /** Maximum nesting of jsonata's evaluator (recursion depth). */
  maxDepth?: number;
}

/** Values and functions visible to the expression as `$name`, e.g. `lookupRef` from the sync engine. */
export type Bindings = Record<string, unknown>;

/**
 * What a binding function sees as `this` when the sync engine calls it for a record: the record the
 * expression is evaluating (its input), so a binding such as `$parentId()` can answer per record.
 */
export interface BindingCall {
  input?: unknown;
}

export interface EvaluateOptions extends EvaluationLimits {
  bindings?: Bindings;
}

export const defaultLimits: Required<EvaluationLimits> = { timeoutMs: 1000, maxDepth: 300 };

// shared/ compiles without DOM or Node typings; both runtimes provide these globals.
declare function setTimeout(callback: () => void, milliseconds: number): unknown;

type Compiled = ReturnType<typeof jsonata>;
const cacheLimit = 500;
const cache = new Map<string, Compiled>();

/** The compiled form of an expression, shared by everyone who evaluates the same text with the same limits. */
export function compiledExpression(text: string, limits: EvaluationLimits = {}): Compiled {
  const timeout = limits.timeoutMs ?? defaultLimits.timeoutMs;
  const stack = limits.maxDepth ?? defaultLimits.maxDepth;
  const key = `${timeout}:${stack}:${text}`;
  const hit = cache.get(key);
  if (hit) {
    // Re-insert so the map's order doubles as least-recently-used.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  let compiled: Compiled;
  try {
    // The linear-time engine: jsonata's time box cannot interrupt a backtracking RegExp (regex-engine.ts).
    compiled = jsonata(text, { timeout, stack, RegexEngine: LinearRegExp as unknown as RegExpConstructor });
    checkRegexes(compiled.ast());
  } catch (error) {
    throw toMappingError(error, 'E_MAPPING_COMPILE');
  }
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}

/** Compiles every regex literal with the linear engine now, so an unsupported one fails at compile time, not on some record. */
function checkRegexes(node: unknown, depth = 0): void {
  if (!node || typeof node !== 'object' || depth > 500) return;
  if (Array.isArray(node)) {
    for (const item of node) checkRegexes(item, depth + 1);
    return;
  }
  const value = (node as { type?: unknown; value?: unknown }).value;
  if ((node as { type?: unknown }).type === 'regex' && value instanceof RegExp) new LinearRegExp(value);
  for (const [key, child] of Object.entries(node))
    if (key !== 'value' && child && typeof child === 'object') checkRegexes(child, depth + 1);
}

export async function evaluateExpression(
  text: string,
  input: unknown,
  options: EvaluateOptions = {},
): Promise<unknown> {
  const compiled = compiledExpression(text, options);
  assertPlainJson(input);
  try {
    return normalise(await compiled.evaluate(input, options.bindings));
  } catch (error) {
    throw toMappingError(error, 'E_MAPPING_EVAL');
  }
}

export type RecordResult = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

export interface EvaluateManyOptions extends EvaluateOptions {
  /** Yield to the event loop after this many milliseconds of work (default 8). */
  yieldAfterMs?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: { readonly aborted: boolean };
}

/**
 * One result per record, in order; a failing record never stops the batch. Cancellation is checked
 * before every record; the loop yields to the event loop after `yieldAfterMs` of work, so an abort
 * (or anything else queued) gets its turn during a long batch.
 */
export async function evaluateMany(
  text: string,
  records: readonly unknown[],
  options: EvaluateManyOptions = {},
): Promise<RecordResult[]> {
  const compiled = compiledExpression(text, options);
  const results: RecordResult[] = new Array<RecordResult>(records.length);
  const yieldAfter = options.yieldAfterMs ?? 8;
  const { bindings, signal } = options;
  let sliceStart = Date.now();
  for (let index = 0; index < records.length; index += 1) {
    if (signal?.aborted) throw new AppError('E_MAPPING_EVAL', 'Evaluation cancelled.');
    const record = records[index];
    try {
      assertPlainJson(record);
      results[index] = { ok: true, value: normalise(await compiled.evaluate(record, bindings)) };
    } catch (error) {
      results[index] = { ok: false, error: toMappingError(error, 'E_MAPPING_EVAL').toInfo() };
    }
    if (Date.now() - sliceStart >= yieldAfter) {
      options.onProgress?.(index + 1, records.length);
      await yieldToEventLoop();
      sliceStart = Date.now();
    }
  }
  options.onProgress?.(records.length, records.length);
  return results;
}

/**
 * Lets pending I/O, due timers and other tasks run, then resumes. Node's setImmediate does this
 * without the at-least-1 ms sleep of setTimeout(0), which on a busy machine also gives up the
 * process's turn on the CPU: with it evaluateMany ran 1.2-1.9x as long as raw jsonata (issue 17).
 * Browsers have no setImmediate and keep setTimeout. Looked up per call, so fake timers apply.
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (immediate) immediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** Rejects what JSON cannot carry (functions, class instances, cycles), so run time equals preview. */
export function assertPlainJson(value: unknown, depth = 0, seen: Set<object> = new Set()): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AppError('E_MAPPING_EVAL', `Input holds a non-finite number (${value}).`);
    return;
  }
  if (typeof value !== 'object' || depth > 200) {
    throw new AppError(
      'E_MAPPING_EVAL',
      depth > 200 ? 'Input is nested too deeply.' : `Input holds a ${typeof value}, not JSON.`,
    );
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
    throw new AppError('E_MAPPING_EVAL', 'Input holds an object that is not plain JSON (a Date or class instance?).');
  }
  if (seen.has(value)) throw new AppError('E_MAPPING_EVAL', 'Input has a cycle.');
  seen.add(value);
  for (const item of Array.isArray(value) ? value : Object.values(value)) assertPlainJson(item, depth + 1, seen);
  seen.delete(value);
}

/** Whether `value` as JSON would be longer than `limit` characters, counted without building the JSON (which could itself be too big). */
export function exceedsJsonSize(value: unknown, limit: number): boolean {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') size += item.length + 2;
    else if (Array.isArray(item)) {
      size += 2 + item.length;
      for (const child of item) stack.push(child);
    } else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        size += key.length + 4;
        stack.push(child);
      }
    } else size += 8;
    if (size > limit) return true;
  }
  return false;
}

/**
 * jsonata marks result arrays as sequences with extra properties and leaves undefined members;
 * hand back plain JSON, always a fresh copy (never the caller's input). Plain loops rather than
 * Object.entries/map: this runs on every result, and without the [key, value] pairs it is about 3x
 * faster.
 */
function normalise(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    const out: unknown[] = new Array<unknown>(items.length);
    for (let index = 0; index < items.length; index += 1) out[index] = normalise(items[index]);
    return out;
  }
  const out: Record<string, unknown> = {};
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const item = source[key];
    if (item !== undefined) out[key] = normalise(item);
  }
  return out;
}

export function toMappingError(error: unknown, fallback: 'E_MAPPING_EVAL' | 'E_MAPPING_COMPILE'): AppError {
  if (error instanceof AppError) return error;
  const details = (error ?? {}) as { code?: string; message?: string; position?: number; token?: string };
  const message = details.message ?? String(error);
  const info = { jsonataCode: details.code, position: details.position, token: details.token };
  if (details.code === 'D1012') return new AppError('E_MAPPING_TIMEOUT', message, info);
  if (details.code === 'D1011') return new AppError('E_MAPPING_DEPTH', message, info);
  return new AppError(fallback, message, info);
}
