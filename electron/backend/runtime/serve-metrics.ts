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

  record(run: Run): void {
    this.runs.total += 1;
    this.runs[run.status] += 1;
    for (const key of Object.keys(this.records) as Array<keyof RunCounters>)
      this.records[key] += run.counters[key] ?? 0;
    for (const key of Object.keys(this.calls) as Array<keyof typeof this.calls>) this.calls[key] += run.calls[key];
    if (run.status === 'failed') this.failedRuns += 1;
    if (run.error)
      this.lastError = {
        flowId: run.flowId,
        code: run.error.code,
        message: run.error.message,
        at: run.finishedAt ?? new Date().toISOString(),
      };
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

/** The same figures in the Prometheus text format, for scrapers. */
export function prometheusText(metrics: ServeMetrics): string {
  const lines: string[] = [];
  const family = (
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    samples: Array<[Record<string, string>, number]>,
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const text = Object.entries(labels)
        .map(([key, label]) => `${key}="${label.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`)
        .join(',');
      lines.push(`${name}${text ? `{${text}}` : ''} ${value}`);
    }
  };
  family('mlc_up', 'gauge', 'The daemon is serving.', [[{}, 1]]);
  family('mlc_uptime_seconds', 'gauge', 'Seconds since start.', [[{}, metrics.uptimeSeconds]]);
  family(
    'mlc_runs_total',
    'counter',
    'Runs finished by status.',
    Object.entries(metrics.runs)
      .filter(([status]) => status !== 'total' && status !== 'running')
      .map(([status, value]) => [{ status }, value]),
  );
  family(
    'mlc_records_total',
    'counter',
    'Records by outcome (read = read from the source).',
    Object.entries(metrics.records).map(([outcome, value]) => [{ outcome }, value]),
  );
  family('mlc_calls_total', 'counter', 'API calls made, by system role.', [
    [{ role: 'source' }, metrics.calls.source],
    [{ role: 'target' }, metrics.calls.target],
  ]);
  family('mlc_calls_minimum_total', 'counter', 'Theoretical minimum calls for the same records.', [
    [{ role: 'source' }, metrics.calls.sourceMinimum],
    [{ role: 'target' }, metrics.calls.targetMinimum],
  ]);
  family('mlc_notifications_total', 'counter', 'Zoho notifications by result.', [
    [{ result: 'accepted' }, metrics.notifications.received - metrics.notifications.rejected],
    [{ result: 'rejected' }, metrics.notifications.rejected],
    [{ result: 'echo' }, metrics.notifications.echoes],
  ]);
  family(
    'mlc_flow_running',
    'gauge',
    'Whether a flow is running now.',
    metrics.flows.map((flow) => [{ flow: flow.name }, flow.running ? 1 : 0]),
  );
  family(
    'mlc_flow_next_run_timestamp_seconds',
    'gauge',
    'When a flow runs next (Unix time).',
    metrics.flows
      .filter((flow) => flow.nextRun)
      .map((flow) => [{ flow: flow.name }, Math.round(Date.parse(flow.nextRun!) / 1000)]),
  );
  return `${lines.join('\n')}\n`;
}
