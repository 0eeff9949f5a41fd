import type { FlowId, RunId } from '../../../shared/domain/flow';
import type { RunCounters, RunProgress } from '../../../shared/domain/run';

/** Turns counters into what a progress bar needs: rate over a sliding window and an ETA. */
export class ProgressMeter {
  private readonly samples: Array<{ at: number; done: number }> = [];
  private lastEmit = 0;
  private lastPhase: RunProgress['phase'] | undefined;

  constructor(
    private readonly runId: RunId,
    private readonly flowId: FlowId,
    private readonly emit: (progress: RunProgress) => void,
    private readonly minIntervalMs = 200,
  ) {}

  update(
    phase: RunProgress['phase'],
    counters: RunCounters,
    calls: number,
    total: number | null,
    force = false,
    pausedUntil?: string,
  ): void {
    const now = Date.now();
    const done = counters.read;
    this.samples.push({ at: now, done });
    while (this.samples.length > 2 && now - this.samples[0]!.at > 10_000) this.samples.shift();
    // A new phase is always told (the bar's label changes); counts within a phase are throttled.
    if (!force && phase === this.lastPhase && now - this.lastEmit < this.minIntervalMs) return;
    this.lastEmit = now;
    this.lastPhase = phase;
    const first = this.samples[0]!;
    const seconds = (now - first.at) / 1000;
    const rate = seconds > 0 ? (done - first.done) / seconds : 0;
    // An estimate that the run outgrew is no estimate any more.
    if (total !== null && done > total) total = null;
    const remaining = total === null ? null : Math.max(0, total - done);
    this.emit({
      runId: this.runId,
      flowId: this.flowId,
      phase,
      done,
      total,
      calls,
      recordsPerSecond: Math.round(rate * 10) / 10,
      etaSeconds: remaining === null || rate <= 0 ? null : Math.round(remaining / rate),
      counters: { ...counters },
      ...(pausedUntil ? { pausedUntil } : {}),
    });
  }
}
