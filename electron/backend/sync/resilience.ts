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

export function isTransient(error: unknown): boolean {
  if (error instanceof RetryableHttpError) return true;
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
