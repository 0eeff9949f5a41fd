import { describe, expect, it } from 'vitest';
import { decideRestart, defaultRestartPolicy, type RestartDecision } from '../../../electron/main/restart-policy';

/** Crashes the desktop shell sees, in order; each decision feeds the next. */
function crashAt(times: number[]): RestartDecision[] {
  let crashes: number[] = [];
  return times.map((now) => {
    const decision = decideRestart(crashes, now);
    crashes = decision.crashes;
    return decision;
  });
}

describe('backend restart policy', () => {
  it('waits 1 s, 2 s, 4 s… between restarts and gives up after five within two minutes', () => {
    const decisions = crashAt([0, 1_000, 3_000, 7_000, 15_000, 31_000]);
    expect(decisions.map((decision) => (decision.restart ? decision.delayMs : 'give up'))).toEqual([
      1000,
      2000,
      4000,
      8000,
      16_000,
      'give up',
    ]);
  });

  it('forgets crashes older than the window', () => {
    const decisions = crashAt([0, 10_000, 20_000, 30_000, 40_000, 40_000 + defaultRestartPolicy.windowMs + 1]);
    expect(decisions.at(-1)).toEqual({
      restart: true,
      delayMs: 1000,
      crashes: [40_000 + defaultRestartPolicy.windowMs + 1],
    });
  });

  it('caps the delay', () => {
    const decision = decideRestart([0, 1, 2, 3, 4, 5, 6], 7, { ...defaultRestartPolicy, maxRestarts: 100 });
    expect(decision).toMatchObject({ restart: true, delayMs: defaultRestartPolicy.maxDelayMs });
  });
});
