import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { RetryableHttpError } from '../../electron/backend/http/http-errors';
import {
  isTransient,
  longWaitMs,
  maxPausesPerCall,
  realClock,
  withPauses,
} from '../../electron/backend/sync/resilience';

// What the HTTP client throws when a system asks to wait longer than it waits itself.
const longWait = (ms: number) =>
  new AppError('E_RATE_LIMITED', 'example.test asked to wait 300 s before calling again.', {
    status: 429,
    retryAfterMs: ms,
  });

describe('pauses for a long Retry-After', () => {
  it('are waits, never transient retries; a storm without a long wait still is', () => {
    expect(longWaitMs(longWait(300_000))).toBe(300_000);
    expect(isTransient(longWait(300_000))).toBe(false);
    expect(isTransient(new AppError('E_RATE_LIMITED', 'kept answering 429'))).toBe(true);
    expect(longWaitMs(new RetryableHttpError('E_RATE_LIMITED', 'kept answering 429', 429, 1_000))).toBeUndefined();
  });

  it('make the call again after each wait, and give up after a bounded number of them', async () => {
    const waits: number[] = [];
    let calls = 0;
    const answer = await withPauses(
      async () => {
        calls += 1;
        if (calls < 3) throw longWait(calls * 60_000);
        return 'done';
      },
      async (ms) => void waits.push(ms),
    );
    expect(answer).toBe('done');
    expect(waits).toEqual([60_000, 120_000]);

    waits.length = 0;
    await expect(
      withPauses(
        () => Promise.reject(longWait(1_000)),
        async (ms) => void waits.push(ms),
      ),
    ).rejects.toMatchObject({ code: 'E_RATE_LIMITED' });
    expect(waits).toHaveLength(maxPausesPerCall);
  });

  it('end at once when the run is cancelled during the wait', async () => {
    const controller = new AbortController();
    const sleeping = realClock.sleep(3_600_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toMatchObject({ code: 'E_SYNC_CANCELLED' });
    await expect(realClock.sleep(3_600_000, controller.signal)).rejects.toMatchObject({ code: 'E_SYNC_CANCELLED' });
  });
});
