/**
 * Service protection (API-FACTS §5.4): per user, a 5-minute sliding window of
 * request count and execution time, plus a concurrency cap. Over a limit →
 * 429 + Retry-After with one of the three documented codes.
 */
export interface ProtectionLimits {
  requests: number;
  executionMs: number;
  concurrent: number;
  windowMs: number;
  /** Execution time one operation costs (a `$batch` costs one per part). */
  operationCostMs: number;
}

export const defaultProtectionLimits: ProtectionLimits = {
  requests: 6000,
  executionMs: 1_200_000,
  concurrent: 52,
  windowMs: 300_000,
  operationCostMs: 2,
};

export interface Throttle {
  code: string;
  message: string;
  retryAfterSeconds: number;
}

export class ServiceProtection {
  limits: ProtectionLimits = { ...defaultProtectionLimits };
  private requests: number[] = [];
  private execution: Array<{ at: number; cost: number }> = [];
  private inFlight = 0;
  /** Forced throttles for tests: the next N calls get this code. */
  private forced: { code: string; remaining: number; retryAfterSeconds: number } | undefined;

  constructor(private readonly now: () => number) {}

  force(code: string, times: number, retryAfterSeconds: number): void {
    this.forced = { code, remaining: times, retryAfterSeconds };
  }

  reset(limits: Partial<ProtectionLimits> = {}): void {
    this.limits = { ...defaultProtectionLimits, ...limits };
    this.requests = [];
    this.execution = [];
    this.forced = undefined;
  }

  /** Admits a request or says why not; admitted requests must call `done()`. */
  admit(): Throttle | undefined {
    const now = this.now();
    this.prune(now);
    if (this.forced && this.forced.remaining > 0) {
      this.forced.remaining -= 1;
      return throttle(this.forced.code, this.limits, this.forced.retryAfterSeconds);
    }
    if (this.inFlight >= this.limits.concurrent) return throttle('0x80072326', this.limits, 1);
    if (this.requests.length >= this.limits.requests) {
      return throttle(
        '0x80072322',
        this.limits,
        Math.max(1, Math.ceil((this.requests[0]! + this.limits.windowMs - now) / 1000)),
      );
    }
    if (this.executionUsed() >= this.limits.executionMs) {
      return throttle(
        '0x80072321',
        this.limits,
        Math.max(1, Math.ceil((this.execution[0]!.at + this.limits.windowMs - now) / 1000)),
      );
    }
    this.requests.push(now);
    this.inFlight += 1;
    return undefined;
  }

  done(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** One operation's execution time. */
  charge(): void {
    this.execution.push({ at: this.now(), cost: this.limits.operationCostMs });
  }

  headers(): Record<string, string> {
    return {
      'x-ms-ratelimit-burst-remaining-xrm-requests': String(Math.max(0, this.limits.requests - this.requests.length)),
      'x-ms-ratelimit-time-remaining-xrm-requests': (
        Math.max(0, this.limits.executionMs - this.executionUsed()) / 1000
      ).toFixed(2),
    };
  }

  private executionUsed(): number {
    return this.execution.reduce((sum, entry) => sum + entry.cost, 0);
  }

  private prune(now: number): void {
    const from = now - this.limits.windowMs;
    while (this.requests.length > 0 && this.requests[0]! <= from) this.requests.shift();
    while (this.execution.length > 0 && this.execution[0]!.at <= from) this.execution.shift();
  }
}

function throttle(code: string, limits: ProtectionLimits, retryAfterSeconds: number): Throttle {
  const minutes = limits.windowMs / 1000;
  const message =
    code === '0x80072322'
      ? `Number of requests exceeded the limit of ${limits.requests} over time window of ${minutes} seconds.`
      : code === '0x80072321'
        ? `Combined execution time of incoming requests exceeded limit of ${limits.executionMs} milliseconds over time window of ${minutes} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`
        : `Number of concurrent requests exceeded the limit of ${limits.concurrent}.`;
  return { code, message, retryAfterSeconds };
}
