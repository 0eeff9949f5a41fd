/**
 * Cin7's "60 calls per minute per API application", as a rolling window over
 * arrival times, and the log of every authenticated call so tests can check
 * any window of a run afterwards.
 */
export interface Cin7CallRecord {
  /** Arrival, in epoch milliseconds with sub-millisecond precision. */
  at: number;
  method: string;
  path: string;
  status: number;
  /** True when the call was turned away for being over the limit. */
  limited: boolean;
}

export interface Cin7RateLimit {
  requests: number;
  windowMs: number;
}

export class Cin7CallLog {
  readonly calls: Cin7CallRecord[] = [];
  /** Most objects one write call carried. */
  largestBatch = 0;
  /** Arrivals still inside the window, for the limit check. */
  private recent: number[] = [];

  constructor(public limit: Cin7RateLimit | null) {}

  /** Counts the call; true when it is over the limit. Rejected calls count too, as the API application still made them. */
  arrive(at: number): boolean {
    const limit = this.limit;
    if (!limit) return false;
    this.recent = this.recent.filter((stamp) => stamp > at - limit.windowMs);
    const over = this.recent.length >= limit.requests;
    this.recent.push(at);
    return over;
  }

  record(call: Cin7CallRecord): void {
    this.calls.push(call);
  }

  reset(): void {
    this.calls.length = 0;
    this.largestBatch = 0;
    this.recent = [];
  }
}

/** Most calls seen in any rolling window of `windowMs` (for tests and `/__sandbox` inspection). */
export function busiestWindow(stamps: number[], windowMs: number): { count: number; from: number } {
  const sorted = [...stamps].sort((left, right) => left - right);
  let best = { count: 0, from: sorted[0] ?? 0 };
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start += 1;
    if (end - start + 1 > best.count) best = { count: end - start + 1, from: sorted[start] as number };
  }
  return best;
}
