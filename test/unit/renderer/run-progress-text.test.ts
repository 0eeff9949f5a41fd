import { describe, expect, it } from 'vitest';
import { runProgressHeadline } from '../../../renderer/src/features/flows/run-progress-text';

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
