/**
 * Backoff arithmetic kept apart from the client so tests can check it without
 * timers: exponential growth with *full jitter* (a uniform draw between 0 and
 * the exponential ceiling), unless the server said when to come back.
 */
export interface BackoffTiming {
  /** First retry's ceiling; doubles per attempt. */
  baseDelayMs: number;
  /** Ceiling for any computed delay. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails instead. */
  maxRetryAfterMs: number;
  /** Uniform [0, 1) source; injectable so tests can pin the jitter. */
  random: () => number;
  /** Clock for HTTP-date Retry-After values. */
  now: () => number;
}

export const defaultBackoffTiming: BackoffTiming = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  random: Math.random,
  now: Date.now,
};

/** Ceiling of the jitter window for retry `attempt` (1-based). */
export function backoffCeiling(attempt: number, timing: Pick<BackoffTiming, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(timing.maxDelayMs, timing.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** Full jitter: uniform in [0, ceiling]. */
export function fullJitterDelay(
  attempt: number,
  timing: Pick<BackoffTiming, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  return Math.floor(timing.random() * (backoffCeiling(attempt, timing) + 1));
}

/**
 * Milliseconds a `Retry-After` value asks for: delta-seconds (`120`) or an
 * HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** The wait before retry `attempt`: the server's Retry-After when given (never less), else full jitter. */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, timing: BackoffTiming): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  return fullJitterDelay(attempt, timing);
}
