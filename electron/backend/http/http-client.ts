import Bottleneck from 'bottleneck';
import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import { Agent, request as undiciRequest } from 'undici';
import { AppError } from '../../../shared/errors';
import { redact } from '../util/redact';
import { defaultBackoffTiming, parseRetryAfter, retryDelay, type BackoffTiming } from './backoff';
import { HostPolicy, type HostPolicyOptions } from './host-policy';
import { networkFailure, RetryableHttpError, timeoutFailure } from './http-errors';
import { SlidingWindowLimiter } from './sliding-window';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method?: HttpMethod;
  url: string;
  /** Adds to or overrides the connection's declared headers for this one call. */
  headers?: Record<string, string>;
  /** Sent as is: name its media type in `headers` (forms, multipart `$batch`, a zip upload as bytes). */
  body?: string | Uint8Array;
  /** Serialised as the body; goes out as `application/json` unless a Content-Type is declared or given. */
  json?: unknown;
  /**
   * Attach the connection's credentials (default: yes when the connection has an
   * authorizer). `false` marks a token call, which is not an API call: it gets
   * only its own headers, never the connection's declared ones.
   */
  auth?: boolean;
  /**
   * Parse the body as JSON inside the attempt, so a truncated body is retried like a reset; `bytes`
   * keeps a binary body (a zip download) in `HttpResponse.bytes`, its text only for error statuses.
   */
  expect?: 'json' | 'text' | 'bytes';
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Statuses handed back to the caller as they are, before any auth, quota or
   * retry judgement (token endpoints read their own 400/401 error bodies).
   */
  passStatuses?: number[];
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed body when `expect: 'json'` (undefined for an empty body). */
  data: unknown;
  /** The body as received when `expect: 'bytes'`. */
  bytes?: Uint8Array;
  url: string;
}

/**
 * Puts credentials on a request. `apply` returns a handle for `rejected`, which
 * is called when the server answered with an auth failure: return true when a
 * single retry with fresh credentials makes sense (OAuth), false otherwise.
 */
export interface RequestAuthorizer {
  apply(headers: Record<string, string>): Promise<unknown>;
  rejected(handle: unknown): Promise<boolean>;
}

export interface ErrorClassification {
  retryableStatuses: number[];
  retryableCodes: string[];
  /** Rate limiting, not failure: retried, never counted by the breaker (defaults to [429]). */
  throttleStatuses?: number[];
  authFailureStatuses: number[];
  authFailureCodes: string[];
  quotaStatuses: number[];
  quotaCodes: string[];
  /** Appended to the quota error: when the budget comes back (the descriptor's `quotaResets`). */
  quotaResets?: string;
  breakerThreshold: number;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  status?: number;
  code: string;
  retryAfterMs?: number;
}

export interface HttpConnectionOptions {
  connectionId: string;
  hosts: HostPolicyOptions;
  /** `window: 'sliding'` counts calls over a rolling window (APIs that count "the last minute"); default: fixed refills. */
  /** `requests` absent: no per-window cap (only `concurrency` bounds the calls). */
  rateLimit: { requests?: number; windowMs: number; concurrency: number; window?: 'fixed' | 'sliding' };
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries?: number;
  timing?: Partial<BackoffTiming>;
  /** How long the breaker stays open before letting one call through. */
  breakerHalfOpenAfterMs?: number;
  errors: ErrorClassification;
  authorizer?: RequestAuthorizer;
  /**
   * Headers every API call of this connection carries (the descriptor's
   * `headers`, templates already filled), lower-case names. `content-type`
   * describes a body (RFC 9110 §8.3), so it goes only with calls that have one.
   */
  headers?: Record<string, string>;
  /** Reads a system error code from a failed response body (`REQUEST_LIMIT_EXCEEDED`, `0x80072322`). */
  extractErrorCode?: (response: HttpResponse) => string | undefined;
  onRetry?: (event: RetryEvent) => void;
  /**
   * Ends every call of this client when it aborts (a connection test's Cancel
   * button or its overall deadline); a `TimeoutError` reason reads as E_NET_TIMEOUT.
   */
  signal?: AbortSignal;
  /**
   * Connection tests: a refused connection, a timeout or an unknown host is
   * the answer, so it is reported at once instead of retried.
   */
  failFast?: boolean;
}

export interface CallCounts {
  total: number;
  byHost: Record<string, number>;
}

/**
 * The only way backend code reaches the network. One instance per connection
 * owns that connection's host policy, rate limiter, concurrency cap, breaker,
 * retries and call counts.
 */
export class HttpConnection {
  readonly hostPolicy: HostPolicy;
  private readonly limiter: Bottleneck;
  private readonly slidingWindow: SlidingWindowLimiter | undefined;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly retryPolicy: RetryPolicy;
  private readonly timing: BackoffTiming;
  private readonly agent: Agent;
  private readonly counts: CallCounts = { total: 0, byHost: {} };
  private throttled = 0;

  constructor(private readonly options: HttpConnectionOptions) {
    this.hostPolicy = new HostPolicy(options.hosts);
    this.timing = { ...defaultBackoffTiming, ...options.timing };
    const { requests, windowMs, concurrency } = options.rateLimit;
    this.slidingWindow =
      options.rateLimit.window === 'sliding' && requests !== undefined
        ? new SlidingWindowLimiter({ requests, windowMs })
        : undefined;
    // With a sliding window Bottleneck only caps concurrency; the window decides when a call may leave.
    // Without a per-window limit (Zoho publishes none) it caps concurrency only: no reservoir to wait for.
    this.limiter = new Bottleneck(
      this.slidingWindow || requests === undefined
        ? { maxConcurrent: concurrency }
        : {
            maxConcurrent: concurrency,
            reservoir: requests,
            reservoirRefreshAmount: requests,
            reservoirRefreshInterval: windowMs,
          },
    );
    this.breaker = circuitBreaker(
      handleWhen(
        (error) => error instanceof RetryableHttpError && error.code !== 'E_RATE_LIMITED' && (error.status ?? 0) >= 500,
      ),
      {
        halfOpenAfter: options.breakerHalfOpenAfterMs ?? 30_000,
        breaker: new ConsecutiveBreaker(options.errors.breakerThreshold),
      },
    );
    this.retryPolicy = retry(
      handleWhen((error) => error instanceof RetryableHttpError),
      { maxAttempts: options.maxRetries ?? 4, backoff: new RetryAfterBackoff(this.timing, 1) },
    );
    this.retryPolicy.onRetry((event) => {
      const error = 'error' in event ? event.error : undefined;
      const retryable = error instanceof RetryableHttpError ? error : undefined;
      options.onRetry?.({
        attempt: event.attempt,
        delayMs: event.delay,
        status: retryable?.status,
        code: retryable?.code ?? 'E_REMOTE',
        retryAfterMs: retryable?.retryAfterMs,
      });
    });
    this.agent = new Agent({ connect: { timeout: options.timeoutMs }, keepAliveTimeout: 4_000 });
  }

  get connectionId(): string {
    return this.options.connectionId;
  }

  /** The limits this client enforces: `requests` null = no per-window cap. */
  limits(): { requests: number | null; windowMs: number; concurrency: number } {
    const { requests, windowMs, concurrency } = this.options.rateLimit;
    return { requests: requests ?? null, windowMs, concurrency };
  }

  /** Answers that said "too many requests" so far (the system's throttle statuses): the engine's write window halves on them. */
  throttleCount(): number {
    return this.throttled;
  }

  /** Network calls made so far (every attempt, token calls included). */
  callCounts(): CallCounts {
    return { total: this.counts.total, byHost: { ...this.counts.byHost } };
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new AppError('E_INVALID_INPUT', `Not a URL: ${redact(request.url).slice(0, 200)}`);
    }
    this.hostPolicy.check(url);
    const signal = anySignal(request.signal, this.options.signal);
    try {
      return await this.retryPolicy.execute(() => this.attempt(url, request), signal);
    } catch (error) {
      if (this.options.signal?.aborted && !request.signal?.aborted) throw this.stopped(url, request);
      if (error instanceof BrokenCircuitError) {
        throw new AppError(
          'E_HTTP_CIRCUIT_OPEN',
          `Stopped calling ${url.host} after ${this.options.errors.breakerThreshold} server errors in a row; it will be tried again shortly.`,
        );
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.slidingWindow?.stop();
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
    // A cancelled or timed-out test may leave a TLS handshake pending; closing gracefully would wait for it.
    if (this.options.signal?.aborted) await this.agent.destroy();
    else await this.agent.close();
  }

  private async attempt(url: URL, request: HttpRequest): Promise<HttpResponse> {
    return this.breaker.execute(async () => {
      const useAuth = (request.auth ?? true) && this.options.authorizer !== undefined;
      let response = await this.send(url, request, useAuth);
      if (
        this.isAuthFailure(response.response) &&
        useAuth &&
        (await this.options.authorizer!.rejected(response.handle))
      ) {
        response = await this.send(url, request, useAuth);
      }
      return this.judge(url, request, response.response);
    });
  }

  private isAuthFailure(response: HttpResponse): boolean {
    const { errors } = this.options;
    if (errors.authFailureStatuses.includes(response.status)) return true;
    if (response.status < 400 || errors.authFailureCodes.length === 0) return false;
    const code = this.options.extractErrorCode?.(response);
    return code !== undefined && errors.authFailureCodes.includes(code);
  }

  private judge(url: URL, request: HttpRequest, response: HttpResponse): HttpResponse {
    const { status } = response;
    const { errors } = this.options;
    if (request.passStatuses?.includes(status)) {
      response.data = safeJson(response.text);
      return response;
    }
    if (status >= 300 && status < 400) {
      throw new AppError(
        'E_HTTP_REDIRECT',
        `${url.host} answered ${status} (redirect); redirects are not followed so credentials stay with the configured hosts.`,
        { status },
      );
    }
    if (this.isAuthFailure(response)) {
      throw new AppError(
        'E_AUTH_FAILED',
        `${url.host} refused the credentials (HTTP ${status}) even after a fresh token.`,
        { status },
      );
    }
    const code = status >= 400 ? this.options.extractErrorCode?.(response) : undefined;
    if (errors.quotaStatuses.includes(status) || (code !== undefined && errors.quotaCodes.includes(code))) {
      throw new AppError(
        'E_QUOTA_EXCEEDED',
        `${url.host} says the API quota is used up (HTTP ${status}${code ? ` ${code}` : ''}).${errors.quotaResets ? ` ${errors.quotaResets}` : ''}`,
        {
          status,
          code,
        },
      );
    }
    if (errors.retryableStatuses.includes(status) || (code !== undefined && errors.retryableCodes.includes(code))) {
      const retryAfterMs = parseRetryAfter(response.headers['retry-after'], this.timing.now());
      const rateLimited = (errors.throttleStatuses ?? [429]).includes(status);
      if (rateLimited) this.throttled += 1;
      if (retryAfterMs !== undefined && retryAfterMs > this.timing.maxRetryAfterMs) {
        throw new AppError(
          'E_RATE_LIMITED',
          `${url.host} asked to wait ${Math.round(retryAfterMs / 1000)} s before calling again.`,
          {
            status,
            retryAfterMs,
          },
        );
      }
      throw new RetryableHttpError(
        rateLimited ? 'E_RATE_LIMITED' : 'E_HTTP_STATUS',
        rateLimited
          ? `${url.host} kept answering ${status} (too many requests).`
          : `${url.host} answered HTTP ${status}.`,
        status,
        retryAfterMs,
        { status },
      );
    }
    if (request.expect === 'json' && status < 300 && response.text.trim() !== '') {
      try {
        response.data = JSON.parse(response.text.replace(/^\uFEFF/, ''));
      } catch {
        throw new RetryableHttpError(
          'E_REMOTE',
          `${url.host} sent a body that is not valid JSON (truncated?).`,
          status,
          undefined,
        );
      }
    } else if (request.expect === 'json' && status >= 300) {
      response.data = safeJson(response.text);
    }
    return response;
  }

  private async send(
    url: URL,
    request: HttpRequest,
    useAuth: boolean,
  ): Promise<{ response: HttpResponse; handle: unknown }> {
    const headers = this.headersFor(request);
    const handle = useAuth ? await this.options.authorizer!.apply(headers) : undefined;
    return this.limiter.schedule(async () => {
      const releaseSlot = await this.slidingWindow?.acquire(anySignal(request.signal, this.options.signal));
      // The clock starts when the request leaves the queue, not while it waits for the limiter.
      const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = anySignal(request.signal, this.options.signal, timeout)!;
      this.count(url.host);
      try {
        const answer = await abortable(
          undiciRequest(url, {
            method: request.method ?? 'GET',
            headers,
            body: request.json !== undefined ? JSON.stringify(request.json) : request.body,
            signal,
            dispatcher: this.agent,
          }),
          signal,
        );
        if (request.expect === 'bytes') {
          const bytes = new Uint8Array(await answer.body.arrayBuffer());
          // Error answers are JSON or text the judgement reads; a binary success has no text.
          const text = answer.statusCode >= 300 ? Buffer.from(bytes).toString('utf8') : '';
          return {
            response: {
              status: answer.statusCode,
              headers: answer.headers,
              text,
              data: undefined,
              bytes,
              url: url.toString(),
            },
            handle,
          };
        }
        const text = await answer.body.text();
        return {
          response: { status: answer.statusCode, headers: answer.headers, text, data: undefined, url: url.toString() },
          handle,
        };
      } catch (error) {
        if (request.signal?.aborted) throw error;
        if (this.options.signal?.aborted) throw this.stopped(url, request);
        const failFast = { failFast: this.options.failFast };
        if (timeout.aborted) throw timeoutFailure(url, timeoutMs, failFast);
        throw networkFailure(error, url, timeoutMs, failFast) ?? error;
      } finally {
        releaseSlot?.();
      }
    });
  }

  /** Declared headers, then the JSON default, then the call's own: later ones win. Credentials come after, from the authorizer. */
  private headersFor(request: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const hasBody = request.body !== undefined || request.json !== undefined;
    if (request.auth ?? true) {
      for (const [name, value] of Object.entries(this.options.headers ?? {})) {
        if (name === 'content-type' && !hasBody) continue;
        headers[name] = value;
      }
    }
    if (request.json !== undefined) headers['content-type'] ??= 'application/json';
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    return headers;
  }

  /** The client-wide signal ended the call: the deadline passed, or someone pressed Cancel. */
  private stopped(url: URL, request: HttpRequest): AppError {
    const reason: unknown = this.options.signal?.reason;
    if ((reason as { name?: unknown } | undefined)?.name === 'TimeoutError') {
      return timeoutFailure(url, request.timeoutMs ?? this.options.timeoutMs, { failFast: true });
    }
    return new AppError('E_NET_CANCELLED', `Cancelled before ${url.hostname} answered.`);
  }

  private count(host: string): void {
    this.counts.total += 1;
    this.counts.byHost[host] = (this.counts.byHost[host] ?? 0) + 1;
  }
}

/** Cockatiel backoff that honours a Retry-After carried by the failure, else full jitter. */
class RetryAfterBackoff implements IBackoff<IRetryBackoffContext<unknown>> {
  readonly duration: number;

  constructor(
    private readonly timing: BackoffTiming,
    attempt: number,
    context?: IRetryBackoffContext<unknown>,
  ) {
    const error = context && 'error' in context.result ? context.result.error : undefined;
    const retryAfterMs = error instanceof RetryableHttpError ? error.retryAfterMs : undefined;
    this.duration = context ? retryDelay(attempt, retryAfterMs, timing) : 0;
  }

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return new RetryAfterBackoff(this.timing, context.attempt, context);
  }
}

/**
 * Undici ignores an abort while a connection is still being set up (a TLS
 * handshake with a host that never answers runs to the connect timeout), so
 * the caller stops waiting on the signal itself; the attempt dies with the agent.
 */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // The attempt already started fails on the same abort: that failure is this one, not an unhandled second.
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
}
