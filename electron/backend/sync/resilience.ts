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
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultResilience: Resilience = { attempts: 6, initialDelayMs: 2_000, maxDelayMs: 60_000 };

export function isTransient(error: unknown): boolean {
  if (error instanceof RetryableHttpError) return true;
  return error instanceof AppError && (error.code === 'E_HTTP_CIRCUIT_OPEN' || error.code === 'E_RATE_LIMITED' || error.code === 'E_HTTP_TIMEOUT');
}

export interface TransientRetryOptions {
  /**
   * Tries after the first one. Default `attempts` (page writes: the first try and `attempts` more);
   * the source re-read passes `attempts - 1`, so a window is read at most `attempts` times.
   */
  retries?: number;
  /** Waits of exactly initialDelay·2ⁿ (capped at maxDelay) instead of decorrelated jitter. */
  exactDelays?: boolean;
  /** Before each wait: the error, the number of the try that failed (from 1) and the wait. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * The engine's one retry policy for transient failures (storms, an open breaker, timeouts).
 * Pass the run's signal to `execute`: an aborted run is not retried.
 */
export function transientRetry(settings: Resilience = defaultResilience, options: TransientRetryOptions = {}): RetryPolicy {
  const policy = retry(handleWhen(isTransient), {
    maxAttempts: options.retries ?? settings.attempts,
    backoff: new ExponentialBackoff({
      initialDelay: settings.initialDelayMs,
      maxDelay: settings.maxDelayMs,
      ...(options.exactDelays ? { generator: noJitterGenerator } : {}),
    }),
  });
  const { onRetry } = options;
  if (onRetry) policy.onRetry((event) => onRetry('error' in event ? event.error : undefined, event.attempt, event.delay));
  return policy;
}
