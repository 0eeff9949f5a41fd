import { AppError, type ErrorCode } from '../../../shared/errors';

/**
 * A failure worth another attempt (429, 5xx, timeouts, resets, truncated bodies).
 * After the last attempt it surfaces as itself: an `AppError` with a precise code.
 */
export class RetryableHttpError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number | undefined,
    readonly retryAfterMs: number | undefined,
    details?: unknown,
  ) {
    super(code, message, details);
  }
}

/** Undici and Node socket failures that a new connection may fix. */
export function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  return /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_SOCKET|UND_ERR_CLOSED|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|UND_ERR_CONNECT_TIMEOUT)$/.test(
    code,
  );
}
