import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Run, RunCounters } from '../../../shared/domain/run';

export interface FlowStatus {
  id: string;
  name: string;
  running: boolean;
  nextRun: string | null;
  lastRun: { id: string; status: Run['status']; trigger: Run['trigger']; finishedAt: string | null } | null;
}

export interface ServeMetrics {
  startedAt: string;
  uptimeSeconds: number;
  runs: Record<'total' | Run['status'], number>;
  records: RunCounters;
  failures: {
    runs: number;
    records: number;
    lastError: { flowId: string; code: string; message: string; at: string } | null;
  };
  calls: { source: number; target: number; sourceMinimum: number; targetMinimum: number };
  notifications: { received: number; rejected: number; echoes: number; targetedSyncs: number; channels: number };
  flows: FlowStatus[];
}

/** What the Prometheus registry asks of the daemon at scrape time. */
export interface MetricsSources {
  flows(): FlowStatus[];
  /** Dead letters waiting for a replay, per flow id. */
  deadLetters(flowId: string): number;
}

/**
 * Run durations in seconds: a page-sized run takes seconds, a first full load of a large
 * entity can take an hour or more.
 */
const durationBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];

/** Counters of what this daemon did since it started (the audit log holds the history). */
export class MetricsBook {
  readonly startedAt = new Date();
  readonly runs: ServeMetrics['runs'] = {
    total: 0,
    running: 0,
    succeeded: 0,
    partial: 0,
    failed: 0,
    cancelled: 0,
    interrupted: 0,
    skipped: 0,
  };
  readonly records: RunCounters = { read: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
  readonly calls = { source: 0, target: 0, sourceMinimum: 0, targetMinimum: 0 };
  readonly notifications = { received: 0, rejected: 0, echoes: 0, targetedSyncs: 0, channels: 0 };
  lastError: ServeMetrics['failures']['lastError'] = null;
  failedRuns = 0;

  /**
   * The Prometheus view through prom-client (process metrics included); its own registry, so
   * two daemons in one process (tests) never share series.
   */
  readonly registry = new Registry();
  private readonly promRuns: Counter<'flow' | 'status'>;
  private readonly promRecords: Counter<'flow' | 'outcome'>;
  private readonly promCalls: Counter<'flow' | 'role'>;
  private readonly promCallsMinimum: Counter<'flow' | 'role'>;
  private readonly promDuration: Histogram<'flow' | 'status'>;
  private readonly promLastSuccess: Gauge<'flow'>;
  private readonly flowNames = new Map<string, string>();

  constructor(sources?: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.promRuns = new Counter({
      name: 'mlc_runs_total',
      help: 'Runs finished, by flow and status.',
      labelNames: ['flow', 'status'],
      registers,
    });
    this.promRecords = new Counter({
      name: 'mlc_records_total',
      help: 'Records by flow and outcome (read = read from the source; failed ones wait as dead letters).',
      labelNames: ['flow', 'outcome'],
      registers,
    });
    this.promCalls = new Counter({
      name: 'mlc_api_calls_total',
      help: 'API calls made, by flow and system role.',
      labelNames: ['flow', 'role'],
      registers,
    });
    this.promCallsMinimum = new Counter({
      name: 'mlc_api_calls_minimum_total',
      help: 'The fewest calls the same records could have taken (compare with mlc_api_calls_total).',
      labelNames: ['flow', 'role'],
      registers,
    });
    this.promDuration = new Histogram({
      name: 'mlc_run_duration_seconds',
      help: 'How long finished runs took, by flow and status.',
      labelNames: ['flow', 'status'],
      buckets: durationBuckets,
      registers,
    });
    this.promLastSuccess = new Gauge({
      name: 'mlc_flow_last_success_timestamp_seconds',
      help: 'When a flow last finished a run that succeeded (Unix time); absent until one did.',
      labelNames: ['flow'],
      registers,
    });
    const { startedAt, notifications } = this;
    new Gauge({
      name: 'mlc_up',
      help: 'The daemon is serving.',
      registers,
      collect() {
        this.set(1);
      },
    });
    new Gauge({
      name: 'mlc_uptime_seconds',
      help: 'Seconds since start.',
      registers,
      collect() {
        this.set(Math.round((Date.now() - startedAt.getTime()) / 1000));
      },
    });
    new Counter({
      name: 'mlc_notifications_total',
      help: 'Zoho notifications by result.',
      labelNames: ['result'],
      registers,
      collect() {
        // Counters read from the book at scrape time: reset, then set to the totals so far.
        this.reset();
        this.inc({ result: 'accepted' }, notifications.received - notifications.rejected);
        this.inc({ result: 'rejected' }, notifications.rejected);
        this.inc({ result: 'echo' }, notifications.echoes);
      },
    });
    if (!sources) return;
    new Gauge({
      name: 'mlc_flow_running',
      help: 'Whether a flow is running now.',
      labelNames: ['flow'],
      registers,
      collect() {
        for (const flow of sources.flows()) this.set({ flow: flow.name }, flow.running ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mlc_flow_next_run_timestamp_seconds',
      help: 'When a flow runs next (Unix time).',
      labelNames: ['flow'],
      registers,
      collect() {
        this.reset();
        for (const flow of sources.flows())
          if (flow.nextRun) this.set({ flow: flow.name }, Math.round(Date.parse(flow.nextRun) / 1000));
      },
    });
    new Gauge({
      name: 'mlc_dead_letters',
      help: 'Records of a flow that failed and wait for a replay (mlc replay).',
      labelNames: ['flow'],
      registers,
      collect() {
        for (const flow of sources.flows()) this.set({ flow: flow.name }, sources.deadLetters(flow.id));
      },
    });
  }

  /** The label of a flow: its name, as the bundle and the logs show it. */
  nameFlow(flowId: string, name: string): void {
    this.flowNames.set(flowId, name);
  }

  record(run: Run): void {
    this.runs.total += 1;
    this.runs[run.status] += 1;
    const flow = this.flowNames.get(run.flowId) ?? run.flowId;
    this.promRuns.inc({ flow, status: run.status });
    for (const key of Object.keys(this.records) as Array<keyof RunCounters>) {
      const count = run.counters[key] ?? 0;
      this.records[key] += count;
      this.promRecords.inc({ flow, outcome: key }, count);
    }
    for (const key of Object.keys(this.calls) as Array<keyof typeof this.calls>) this.calls[key] += run.calls[key];
    this.promCalls.inc({ flow, role: 'source' }, run.calls.source);
    this.promCalls.inc({ flow, role: 'target' }, run.calls.target);
    this.promCallsMinimum.inc({ flow, role: 'source' }, run.calls.sourceMinimum);
    this.promCallsMinimum.inc({ flow, role: 'target' }, run.calls.targetMinimum);
    const finished = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
    const started = Date.parse(run.startedAt);
    if (Number.isFinite(started) && Number.isFinite(finished))
      this.promDuration.observe({ flow, status: run.status }, Math.max(0, finished - started) / 1000);
    if (run.status === 'succeeded') this.promLastSuccess.set({ flow }, Math.round(finished / 1000));
    if (run.status === 'failed') this.failedRuns += 1;
    if (run.error)
      this.lastError = {
        flowId: run.flowId,
        code: run.error.code,
        message: run.error.message,
        at: run.finishedAt ?? new Date().toISOString(),
      };
  }

  /** The Prometheus text exposition, with its content type. */
  async prometheus(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  snapshot(flows: FlowStatus[]): ServeMetrics {
    return {
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - this.startedAt.getTime()) / 1000),
      runs: { ...this.runs },
      records: { ...this.records },
      failures: { runs: this.failedRuns, records: this.records.failed, lastError: this.lastError },
      calls: { ...this.calls },
      notifications: { ...this.notifications },
      flows,
    };
  }
}
