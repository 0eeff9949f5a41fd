import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../../electron/backend/util/sleep';

describe('sleep', () => {
  it('leaves no abort listener behind, however many waits share one signal (job polls of a long run)', async () => {
    const controller = new AbortController();
    for (let index = 0; index < 20; index += 1) await sleep(0, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it("rejects with the signal's reason on abort, before or during the wait", async () => {
    const early = new AbortController();
    early.abort(new Error('cancelled before'));
    await expect(sleep(10_000, early.signal)).rejects.toThrow('cancelled before');
    const late = new AbortController();
    const waiting = sleep(10_000, late.signal);
    late.abort(new Error('cancelled during'));
    await expect(waiting).rejects.toThrow('cancelled during');
    expect(getEventListeners(late.signal, 'abort')).toHaveLength(0);
  });
});
