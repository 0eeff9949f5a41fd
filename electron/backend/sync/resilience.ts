import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
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

export function transientRetry(settings: Resilience = defaultResilience, onRetry?: (error: unknown, attempt: number) => void): RetryPolicy {
  const policy = retry(handleWhen(isTransient), {
    maxAttempts: settings.attempts,
    backoff: new ExponentialBackoff({ initialDelay: settings.initialDelayMs, maxDelay: settings.maxDelayMs }),
  });
  if (onRetry) policy.onRetry((event) => onRetry('error' in event ? event.error : undefined, event.attempt));
  return policy;
}
