import { describe, expect, it } from 'vitest';
import { runOutcomeCounts, runProgressHeadline } from '../../../renderer/src/features/flows/run-progress-text';

describe('the run progress headline', () => {
  it('says until when a paused run waits, in the viewer’s time', () => {
    const paused = { phase: 'paused' as const, pausedUntil: '2026-03-02T09:05:00.000Z' };
    expect(runProgressHeadline(paused, false, 'UTC')).toBe('Running · Paused until 09:05 (the system asked to wait)');
    expect(runProgressHeadline(paused, true, 'Europe/Berlin')).toBe(
      'Dry run · Paused until 10:05 (the system asked to wait)',
    );
  });

  it('names the other phases as before', () => {
    expect(runProgressHeadline(undefined, false)).toBe('Running · Starting');
    expect(runProgressHeadline({ phase: 'writing' }, false)).toBe('Running · Writing to target');
    expect(runProgressHeadline({ phase: 'done' }, true)).toBe('Dry run finished');
  });
});

describe('a finished run’s counts on its flow card', () => {
  const none = { read: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
  it('adds up a two-way run: skipped records with the echoes and deletions among them, and conflicts', () => {
    expect(runOutcomeCounts({ ...none, read: 1060, skipped: 1060, echoes: 1000 }, false)).toBe(
      '1,060 read · 0 created · 0 updated · 0 unchanged · 1,060 skipped (1,000 echoes)',
    );
    expect(
      runOutcomeCounts({ ...none, read: 3, updated: 1, unchanged: 1, skipped: 1, deleted: 1, conflicts: 1 }, false),
    ).toBe('3 read · 0 created · 1 updated · 1 unchanged · 1 skipped (1 deleted in source) · 1 conflict resolved');
  });
  it('says what a dry run would do, and failures, as before', () => {
    expect(runOutcomeCounts({ ...none, read: 1000, created: 1000 }, true)).toBe(
      '1,000 read · 1,000 would be created · 0 would change · 0 unchanged',
    );
    expect(runOutcomeCounts({ ...none, read: 5, updated: 2, failed: 3 }, false)).toBe(
      '5 read · 0 created · 2 updated · 0 unchanged · 3 failed',
    );
  });
});
