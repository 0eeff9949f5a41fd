/**
 * A rolling-window call limiter: at most `requests` calls in any span of
 * `windowMs`, and never a wait longer than that rule needs.
 *
 * Bottleneck's reservoir refills on a fixed timer, which both over-waits (a
 * call made late in one bucket still waits for the whole next refill) and
 * over-sends (a full bucket spent at the end of one interval and again at the
 * start of the next puts twice the limit into one rolling window). APIs that
 * count "N calls in the last minute" (Cin7 Core) need the rolling rule.
 *
 * A call's slot is dated when its answer arrives, not when it left: the
 * server counted it somewhere in between, so dating it at the end is the only
 * choice that stays under the limit whatever the network jitter, and it costs
 * at most one round trip per window.
 */
export interface SlidingWindowOptions {
  requests: number;
  windowMs: number;
  /** Monotonic clock in milliseconds; injectable for tests. */
  now?: () => number;
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class SlidingWindowLimiter {
  /** End times of finished calls still inside the window, oldest first. */
  private readonly finished: number[] = [];
  private inFlight = 0;
  private readonly waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private stopped = false;

  constructor(private readonly options: SlidingWindowOptions) {
    if (!(options.requests > 0) || !(options.windowMs > 0))
      throw new Error('A sliding window needs requests > 0 and windowMs > 0.');
    this.now = options.now ?? (() => performance.now());
  }

  /** Waits for a slot; call the returned function once the call's answer (or failure) is in. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.stopped) return Promise.reject(new Error('The rate limiter was stopped.'));
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** Milliseconds until the next slot frees up (0 when one is free now). */
  waitMs(): number {
    this.prune();
    if (this.inFlight + this.finished.length < this.options.requests) return 0;
    const oldest = this.finished[0];
    return oldest === undefined ? Number.POSITIVE_INFINITY : Math.max(0, oldest + this.options.windowMs - this.now());
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(new Error('The rate limiter was stopped.'));
    }
  }

  private prune(): void {
    const horizon = this.now() - this.options.windowMs;
    while (this.finished.length > 0 && (this.finished[0] as number) <= horizon) this.finished.shift();
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.waiters.length > 0) {
      const wait = this.waitMs();
      if (wait > 0) {
        // Infinity: every slot is in flight; the next release pumps again.
        if (Number.isFinite(wait)) this.timer = setTimeout(() => this.pump(), Math.ceil(wait));
        return;
      }
      const waiter = this.waiters.shift() as Waiter;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.inFlight += 1;
      let released = false;
      waiter.resolve(() => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        this.finished.push(this.now());
        this.pump();
      });
    }
  }
}
