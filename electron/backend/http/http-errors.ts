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
  const code = errorCode(error);
  return /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_SOCKET|UND_ERR_CLOSED|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|UND_ERR_CONNECT_TIMEOUT)$/.test(
    code,
  );
}

/** OpenSSL and Node certificate failures: the name resolved and the port answered, but not with trusted TLS. */
const tlsCodes =
  /^(ERR_SSL_|ERR_TLS_|ERR_OSSL_|EPROTO$|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|HOSTNAME_MISMATCH$)/;

export interface NetworkFailureOptions {
  /** Connection tests: a refused port is an answer, not a hiccup, so it is not tried again. */
  failFast?: boolean;
}

/**
 * Names a socket-level failure so people can act on it: a name that does not
 * resolve, a port nobody listens on, a host that never answers, a TLS handshake
 * that fails. These are network problems, never credential problems. Returns
 * undefined for errors that are not socket failures.
 *
 * DNS "no such name" and TLS failures do not heal by retrying; a temporary DNS
 * failure (EAI_AGAIN), a timeout and, outside connection tests, a refused
 * connection (a server restarting) may, so those stay retryable.
 */
export function networkFailure(
  error: unknown,
  url: URL,
  timeoutMs: number,
  options: NetworkFailureOptions = {},
): AppError | undefined {
  const code = errorCode(error);
  const host = url.hostname;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const details = { host, port: Number(port), cause: code };
  if (
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EAI_FAIL' ||
    code === 'EAI_NONAME' ||
    code === 'EAI_NODATA'
  ) {
    const message = `Cannot reach ${host} — the name does not resolve (DNS ${code}). Check the network or VPN, and the host name.`;
    return code === 'EAI_AGAIN' && !options.failFast
      ? new RetryableHttpError('E_NET_DNS', message, undefined, undefined, details)
      : new AppError('E_NET_DNS', message, details);
  }
  if (code === 'ECONNREFUSED') {
    const message = `Cannot reach ${host} — nothing accepts connections on port ${port} (connection refused). Check the address and port, the network or VPN, and that the server runs.`;
    return options.failFast
      ? new AppError('E_NET_REFUSED', message, details)
      : new RetryableHttpError('E_NET_REFUSED', message, undefined, undefined, details);
  }
  if (
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'ETIMEDOUT'
  ) {
    return timeoutFailure(url, timeoutMs, options);
  }
  if (tlsCodes.test(code)) {
    return new AppError(
      'E_NET_TLS',
      `Secure connection to ${host} failed (TLS ${code}) — the server's certificate is not trusted, or it does not speak https on port ${port}. A proxy that inspects traffic causes this too; check the URL and the network.`,
      details,
    );
  }
  if (isNetworkError(error) || (error as Error | undefined)?.name === 'SocketError') {
    return new RetryableHttpError(
      'E_REMOTE',
      `Connection to ${host} failed (${code || 'socket error'}).`,
      undefined,
      undefined,
      details,
    );
  }
  return undefined;
}

/** The host accepted nothing or answered nothing within the time allowed. */
export function timeoutFailure(url: URL, timeoutMs: number, options: NetworkFailureOptions = {}): AppError {
  const seconds = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 100) / 10} s` : `${timeoutMs} ms`;
  const message = `${url.hostname} did not answer within ${seconds} — check the network or VPN; the server may be down or overloaded.`;
  const details = { host: url.hostname, timeoutMs };
  return options.failFast
    ? new AppError('E_NET_TIMEOUT', message, details)
    : new RetryableHttpError('E_NET_TIMEOUT', message, undefined, undefined, details);
}

function errorCode(error: unknown): string {
  const own = (error as { code?: unknown } | undefined)?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof cause === 'string' ? cause : '';
}
