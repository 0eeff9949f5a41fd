import Bottleneck from 'bottleneck';
import type { Flow } from '../../../shared/domain/flow';
import type { Connector } from '../connectors/framework/connector';
import { mark } from './run-timeline';

export interface WriteWindowOptions {
  /** The target's documented concurrency for the connection: the window never goes above it. */
  limit: number;
  /** A lower ceiling (a flow's `options.concurrency`): the window starts there and never goes above it. */
  cap?: number;
  /**
   * Good writes (made at the current size) that widen a reduced window by one. Default: the
   * current size, one step per window's worth of writes (TCP's additive increase, per round trip).
   */
  growEvery?: number;
  /** The target's count of "too many requests" answers so far (429s, retried inside the HTTP client). */
  throttles?: () => number;
  /** Told when a throttle halved the window. */
  onReduced?: (from: number, to: number) => void;
  /** Milliseconds on a monotonic clock (default performance.now; tests set the time themselves). */
  now?: () => number;
}

/**
 * The write batches a run has in flight at once (AIMD): up to the target's documented concurrency,
 * halved when the target throttles, widened again by one per `growEvery` good writes, never above
 * the limit. The HTTP client's own limiter still caps the real calls; this decides how many batches
 * the engine keeps outstanding. Two writes that share a key (a source key, a match key value) never
 * overlap: the later one starts once the earlier one has settled, so a target never sees them race.
 */
export class WriteWindow {
  readonly limit: number;
  private size: number;
  private readonly limiter: Bottleneck;
  /** Bumped at every reduction: one throttle episode halves the window once, not once per batch caught in it. */
  private epoch = 0;
  private throttlesSeen: number;
  private good = 0;
  /** Start times (on the window's clock) of the batches in flight, and how long the last one took. */
  private readonly inFlight = new Set<{ started: number }>();
  private lastDuration = 0;
  private readonly last = new Map<string, Promise<void>>();
  /** A write that failed for good (its page fails, so the run ends): no write starts after it. */
  private halted: { error: unknown } | undefined;
  /** Reductions and widenings so far (run notes and tests read them). */
  readonly stats = { reductions: 0, widenings: 0, smallest: 0, largest: 0 };

  private readonly now: () => number;

  constructor(private readonly options: WriteWindowOptions) {
    this.now = options.now ?? (() => performance.now());
    this.limit = Math.max(1, Math.floor(Math.min(options.limit, options.cap ?? options.limit)));
    this.size = this.limit;
    this.stats.smallest = this.stats.largest = this.size;
    this.throttlesSeen = options.throttles?.() ?? 0;
    this.limiter = new Bottleneck({ maxConcurrent: this.size });
  }

  /**
   * Resolves once the burst of writes the last finished batch belonged to has ended: no batch in
   * flight started more than half a batch's duration ago (or after that long at most). Batches
   * started together end together; a page's commit (synchronous SQLite, ~50 ms for a 1,000-record
   * page) run at the first end of a burst held the other ends, and with them the next batches,
   * until it was done: every round of writes took ~60 ms longer (MLC_SYNC_TIMELINE, issue 17).
   * Run between bursts, the commit costs the writes nothing.
   */
  async betweenBursts(): Promise<void> {
    const half = this.lastDuration / 2;
    const until = this.now() + half;
    for (;;) {
      const now = this.now();
      let oldest = now;
      for (const flight of this.inFlight) oldest = Math.min(oldest, flight.started);
      if (now - oldest <= half || now >= until) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(5, until - now))));
    }
  }

  /** Batches allowed in flight now. */
  current(): number {
    return this.size;
  }

  /** Runs `write` once no earlier write holding one of `keys` is in flight and the window has room. */
  run<T>(keys: Iterable<string>, write: () => Promise<T>): Promise<T> {
    const held = [...new Set(keys)];
    const earlier = held.map((key) => this.last.get(key)).filter((done): done is Promise<void> => done !== undefined);
    const task = (async () => {
      if (earlier.length > 0) await Promise.all(earlier);
      return this.limiter.schedule(() => this.observe(write));
    })();
    const done = task.then(
      () => undefined,
      () => undefined,
    );
    for (const key of held) this.last.set(key, done);
    void done.then(() => {
      for (const key of held) if (this.last.get(key) === done) this.last.delete(key);
    });
    return task;
  }

  private async observe<T>(write: () => Promise<T>): Promise<T> {
    // A quota used up, a refused batch after all its tries: the run stops, so nothing more is sent.
    if (this.halted) throw this.halted.error;
    const epoch = this.epoch;
    mark('batch.start');
    const flight = { started: this.now() };
    this.inFlight.add(flight);
    try {
      const result = await write();
      mark('batch.end');
      this.settled(epoch, true);
      return result;
    } catch (error) {
      mark('batch.end', { failed: true });
      this.halted ??= { error };
      this.settled(epoch, false);
      throw error;
    } finally {
      this.inFlight.delete(flight);
      this.lastDuration = this.now() - flight.started;
    }
  }

  private settled(epoch: number, ok: boolean) {
    const throttles = this.options.throttles?.() ?? 0;
    if (throttles > this.throttlesSeen) {
      this.throttlesSeen = throttles;
      // Only a write started at the current size says that size is too much.
      if (epoch === this.epoch) this.resize(Math.max(1, Math.floor(this.size / 2)));
      return;
    }
    // Growth counts writes made at the current size only.
    if (!ok || epoch !== this.epoch) return;
    this.good += 1;
    if (this.good >= Math.max(1, this.options.growEvery ?? this.size) && this.size < this.limit) {
      this.stats.widenings += 1;
      this.resize(this.size + 1);
    }
  }

  private resize(size: number) {
    const from = this.size;
    this.good = 0;
    if (size === from) return;
    this.size = size;
    if (size < from) {
      this.epoch += 1;
      this.stats.reductions += 1;
      this.options.onReduced?.(from, size);
    }
    this.stats.smallest = Math.min(this.stats.smallest, size);
    this.stats.largest = Math.max(this.stats.largest, size);
    this.limiter.updateSettings({ maxConcurrent: size });
  }
}

/** The run's note on a window that was reduced: how far, and where it ended. */
export function windowNote(label: string, window: WriteWindow): string {
  const { reductions, widenings, smallest } = window.stats;
  return `${label} throttled ${reductions === 1 ? 'once' : `${reductions} times`}: writes in flight went down to ${smallest}, grew back ${widenings} ${widenings === 1 ? 'step' : 'steps'} and ended at ${window.current()} of ${window.limit}.`;
}

/**
 * A run's window for a flow's writes to `target`: the connection's documented concurrency for the
 * flow's entity, capped by the flow's `options.concurrency`, halved on the target's throttles (each
 * reduction told to `warn`, the run's once-per-message warning). Every path that writes a flow's
 * records (syncs, replays, reconciles, targeted syncs) takes its window from here, so all keep the
 * same limits and guarantees.
 */
export function flowWriteWindow(
  target: Pick<Connector, 'descriptor' | 'writeConcurrency' | 'throttleCount'>,
  flow: Pick<Flow, 'target' | 'options'>,
  warn?: (message: string) => void,
): WriteWindow {
  return new WriteWindow({
    limit: target.writeConcurrency?.(flow.target.entity) ?? 1,
    cap: flow.options.concurrency,
    throttles: () => target.throttleCount?.() ?? 0,
    onReduced: (from, to) =>
      warn?.(`${target.descriptor.label} throttled: writes in flight reduced from ${from} to ${to}.`),
  });
}
