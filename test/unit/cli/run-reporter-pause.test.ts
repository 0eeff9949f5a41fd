import { describe, expect, it } from 'vitest';
import { RunReporter } from '../../../electron/backend/cli/run-reporter';
import type { RunProgress } from '../../../shared/domain/run';

const paused: RunProgress = {
  runId: 'run-1' as RunProgress['runId'],
  flowId: 'flow-1' as RunProgress['flowId'],
  phase: 'paused',
  done: 100,
  total: null,
  calls: 4,
  recordsPerSecond: 0,
  etaSeconds: null,
  counters: { read: 100, created: 100, updated: 0, unchanged: 0, skipped: 0, failed: 0 },
  pausedUntil: '2026-03-02T09:05:00.000Z',
};

describe('mlc run while a run is paused for a long Retry-After', () => {
  it('says until when on a terminal', () => {
    const written: string[] = [];
    const reporter = new RunReporter(
      { out: () => undefined, err: () => undefined, isTty: true, env: {} },
      new Map([['flow-1', 'Customers']]),
      (text) => void written.push(text),
    );
    reporter.progress(paused);
    expect(written.join('')).toContain('paused until 09:05 UTC (the system asked to wait)');
  });

  it('puts the instant in the JSON line', () => {
    const lines: string[] = [];
    const reporter = new RunReporter(
      { out: (line) => void lines.push(line), err: () => undefined, isTty: false, env: {} },
      new Map(),
    );
    reporter.progress(paused);
    expect(JSON.parse(lines[0]!)).toMatchObject({ phase: 'paused', pausedUntil: '2026-03-02T09:05:00.000Z' });
  });
});
