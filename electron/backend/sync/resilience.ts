import { ExponentialBackoff, handleWhen, noJitterGenerator, retry, type RetryPolicy } from 'cockatiel';
import { AppError } from '../../../shared/errors';
import { RetryableHttpError } from '../http/http-errors';

/**
 * The HTTP client already retries each call a few times. A storm longer than
 * that (minutes of 429s, a breaker that opened on a 5xx burst) would end the run
 * although the systems are fine again a little later, so the engine retries the
 * whole batch or page with longer waits before giving up.
 */
export interface Resilience {
  /** Tries in all, the first one included, for a page write and for a read of the window alike. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultResilience: Resilience = { attempts: 6, initialDelayMs: 2_000, maxDelayMs: 60_000 };

/** What the engine logs (with `attempt`) before it tries a page's target call (a write, a dry run's lookup) again. */
export const targetInterrupted = 'target call interrupted; trying the batch again';

/**
 * The wait a system asked for when it is longer than the HTTP client waits on its own (the client
 * then fails the call with E_RATE_LIMITED carrying `retryAfterMs`, e.g. Dataverse service protection's
 * Retry-After of minutes, API-FACTS §10): the run pauses that long instead of retrying every few seconds.
 */
export function longWaitMs(error: unknown): number | undefined {
  if (!(error instanceof AppError) || error.code !== 'E_RATE_LIMITED') return undefined;
  const wait = (error.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof wait === 'number' && Number.isFinite(wait) && wait > 0 ? wait : undefined;
}

/** The engine's clock: tests pass one whose sleeps end at once, so a pause of minutes takes none. */
export interface EngineClock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when the run is cancelled meanwhile. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: EngineClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new AppError('E_SYNC_CANCELLED', 'The run was cancelled.'));
      const onAbort = () => {
        clearTimeout(timer);
        reject(new AppError('E_SYNC_CANCELLED', 'The run was cancelled.'));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Pauses in a row for one call before the run gives up (a system that never stops asking to wait). */
export const maxPausesPerCall = 10;

/**
 * Runs `call`; when it fails with a long wait, `pause` waits it out (the run shows "paused until")
 * and the call is made again. Other failures pass through to the transient-retry policy around it.
 */
export async function withPauses<T>(
  call: () => Promise<T>,
  pause: ((waitMs: number) => Promise<void>) | undefined,
): Promise<T> {
  for (let pauses = 0; ; pauses += 1) {
    try {
      return await call();
    } catch (error) {
      const wait = longWaitMs(error);
      if (wait === undefined || !pause || pauses >= maxPausesPerCall) throw error;
      await pause(wait);
    }
  }
}

export function isTransient(error: unknown): boolean {
  if (error instanceof RetryableHttpError) return true;
  // A long Retry-After is waited out by pausing (`withPauses`), never by retrying every few seconds.
  if (longWaitMs(error) !== undefined) return false;
  return (
    error instanceof AppError &&
    (error.code === 'E_HTTP_CIRCUIT_OPEN' || error.code === 'E_RATE_LIMITED' || error.code === 'E_HTTP_TIMEOUT')
  );
}

export interface TransientRetryOptions {
  /** Waits of exactly initialDelay·2ⁿ (capped at maxDelay) instead of decorrelated jitter. */
  exactDelays?: boolean;
  /** Before each wait: the error, the number of the try that failed (from 1) and the wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * The engine's one retry policy for transient failures (storms, an open breaker, timeouts):
 * page writes and reads of the window both make at most `settings.attempts` tries.
 * Pass the run's signal to `execute`: an aborted run is not retried.
 */
export function transientRetry(
  settings: Resilience = defaultResilience,
  options: TransientRetryOptions = {},
): RetryPolicy {
  const policy = retry(handleWhen(isTransient), {
    // cockatiel's `maxAttempts` counts the tries after the first one; `attempts` counts them all.
    maxAttempts: Math.max(0, settings.attempts - 1),
    backoff: new ExponentialBackoff({
      initialDelay: settings.initialDelayMs,
      maxDelay: settings.maxDelayMs,
      ...(options.exactDelays ? { generator: noJitterGenerator } : {}),
    }),
  });
  const { onRetry } = options;
  if (onRetry)
    policy.onRetry((event) => onRetry('error' in event ? event.error : undefined, event.attempt, event.delay));
  return policy;
}
