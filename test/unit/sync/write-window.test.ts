import { describe, expect, it } from 'vitest';
import { WriteWindow } from '../../../electron/backend/sync/write-window';
import { PagePipeline, pipelineDepth } from '../../../electron/backend/sync/page-pipeline';

/** A write the test finishes when it chooses: no timing decides the order. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Lets queued callbacks and Bottleneck's scheduling (on timers) run. */
const settle = async () => {
  for (let round = 0; round < 10; round += 1) await new Promise((resolve) => setTimeout(resolve, 1));
};

/** Waits until `condition` holds (what the test waits for is an event, not a duration). */
async function until(condition: () => boolean) {
  for (let round = 0; !condition(); round += 1) {
    if (round > 5_000) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('write window', () => {
  it('keeps up to its limit in flight, never more', async () => {
    const window = new WriteWindow({ limit: 3 });
    const gates = Array.from({ length: 6 }, () => deferred());
    let inFlight = 0;
    let most = 0;
    const all = gates.map((gate, index) =>
      window.run([`k${index}`], async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await gate.promise;
        inFlight -= 1;
      }),
    );
    await until(() => inFlight === 3);
    await settle();
    expect(inFlight).toBe(3);
    for (const gate of gates) gate.resolve();
    await Promise.all(all);
    expect(most).toBe(3);
  });

  it('starts a write sharing a key with one in flight only after that one settled, in order', async () => {
    const window = new WriteWindow({ limit: 10 });
    const first = deferred();
    const started: string[] = [];
    const a = window.run(['source\u0000C1', 'source\u0000C2'], async () => {
      started.push('first');
      await first.promise;
      started.push('first done');
    });
    const b = window.run(['source\u0000C3'], async () => void started.push('unrelated'));
    const c = window.run(['source\u0000C2'], async () => void started.push('second C2'));
    const d = window.run(['source\u0000C2'], async () => void started.push('third C2'));
    await until(() => started.length === 2);
    await settle();
    // The unrelated write went ahead; both later writes of C2 wait for the first.
    expect(started).toEqual(['first', 'unrelated']);
    first.resolve();
    await Promise.all([a, b, c, d]);
    expect(started).toEqual(['first', 'unrelated', 'first done', 'second C2', 'third C2']);
  });

  it('after a write that failed for good (its page fails, the run ends) no further write is sent', async () => {
    const window = new WriteWindow({ limit: 1 });
    const failed = window.run(['k'], async () => {
      throw new Error('LIMIT_REACHED');
    });
    let sent = 0;
    const later = window.run(['other'], async () => void (sent += 1));
    await expect(failed).rejects.toThrow('LIMIT_REACHED');
    await expect(later).rejects.toThrow('LIMIT_REACHED');
    expect(sent).toBe(0);
  });

  it('halves on a throttle once per episode, grows back by one per `growEvery` good writes, never above the limit', async () => {
    let throttles = 0;
    const reductions: string[] = [];
    const window = new WriteWindow({
      limit: 8,
      growEvery: 2,
      throttles: () => throttles,
      onReduced: (from, to) => reductions.push(`${from}→${to}`),
    });
    // Three writes in flight at size 8 all see the same throttle: one halving.
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    const writes = gates.map((gate, index) =>
      window.run([`t${index}`], () => {
        running += 1;
        return gate.promise;
      }),
    );
    await until(() => running === 3);
    throttles += 2;
    for (const gate of gates) gate.resolve();
    await Promise.all(writes);
    expect(reductions).toEqual(['8→4']);
    expect(window.current()).toBe(4);
    // Good writes widen it again, one step per two.
    for (let index = 0; index < 4; index += 1) await window.run([`g${index}`], async () => undefined);
    expect(window.current()).toBe(6);
    for (let index = 0; index < 20; index += 1) await window.run([`h${index}`], async () => undefined);
    expect(window.current()).toBe(8);
    expect(window.stats).toMatchObject({ reductions: 1, smallest: 4, largest: 8 });
  });

  it('a cap (a flow’s concurrency) lowers the start and the ceiling, never raises them', async () => {
    const capped = new WriteWindow({ limit: 10, cap: 3, growEvery: 1 });
    expect(capped.current()).toBe(3);
    for (let index = 0; index < 10; index += 1) await capped.run([`k${index}`], async () => undefined);
    expect(capped.current()).toBe(3);
    expect(new WriteWindow({ limit: 10, cap: 50 }).current()).toBe(10);
  });

  it('by default grows one step per window’s worth of good writes', async () => {
    let throttles = 0;
    const window = new WriteWindow({ limit: 8, throttles: () => throttles });
    throttles += 1;
    await window.run(['a'], async () => undefined);
    expect(window.current()).toBe(4);
    for (let index = 0; index < 3; index += 1) await window.run([`b${index}`], async () => undefined);
    expect(window.current()).toBe(4);
    await window.run(['c'], async () => undefined);
    expect(window.current()).toBe(5);
  });
});

describe('page pipeline', () => {
  it('commits pages in read order, whatever order their writes finish in', async () => {
    const committed: number[] = [];
    const pipeline = new PagePipeline<number>((page) => void committed.push(page), 3);
    const pages = [deferred<number>(), deferred<number>(), deferred<number>()];
    pages.forEach((page, index) => pipeline.push([`p${index}`], 10, page.promise));
    expect(pipeline.recordsInFlight()).toBe(30);
    pages[2]!.resolve(2);
    pages[1]!.resolve(1);
    const drained = pipeline.drain();
    await settle();
    expect(committed).toEqual([]);
    pages[0]!.resolve(0);
    await drained;
    expect(committed).toEqual([0, 1, 2]);
  });

  it('holds at most `depth` pages open, and a page sharing a key waits for the commit of the page holding it', async () => {
    const committed: number[] = [];
    const pipeline = new PagePipeline<number>((page) => void committed.push(page), 2);
    const first = deferred<number>();
    const second = deferred<number>();
    pipeline.push(['A', 'B'], 2, first.promise);
    pipeline.push(['C'], 1, second.promise);
    // Full: the third page waits for the first to commit.
    let admitted = false;
    const third = pipeline.admit(['D']).then(() => (admitted = true));
    await settle();
    expect(admitted).toBe(false);
    first.resolve(1);
    await third;
    expect(committed).toEqual([1]);
    // A page holding C (open in the second page) waits until the second page is committed.
    pipeline.push(['D'], 1, Promise.resolve(3));
    let sharedAdmitted = false;
    const shared = pipeline.admit(['C']).then(() => (sharedAdmitted = true));
    await settle();
    expect(sharedAdmitted).toBe(false);
    second.resolve(2);
    await shared;
    expect(committed).toEqual([1, 2]);
  });

  it('a failed page stops the commits: later pages settle but are not committed, and the failure is thrown', async () => {
    const committed: number[] = [];
    const pipeline = new PagePipeline<number>((page) => void committed.push(page), 3);
    pipeline.push(['a'], 1, Promise.resolve(1));
    pipeline.push(['b'], 1, Promise.reject(new Error('page 2 gave up')));
    pipeline.push(['c'], 1, Promise.resolve(3));
    await expect(pipeline.drain()).rejects.toThrow('page 2 gave up');
    expect(committed).toEqual([1]);
    expect(pipeline.recordsInFlight()).toBe(0);
  });
});

describe('commits between bursts of writes', () => {
  // The window's clock is the test's: a batch "takes" 100 ms because the test says so.
  function burst() {
    let time = 0;
    const window = new WriteWindow({ limit: 3, now: () => time });
    const gates = Array.from({ length: 4 }, () => deferred());
    let started = 0;
    const writes = gates.map((gate, index) =>
      window.run([`k${index}`], async () => {
        started += 1;
        await gate.promise;
      }),
    );
    return { window, gates, writes, started: () => started, at: (ms: number) => (time = ms) };
  }

  it('waits until the other batches of the burst that just ended have ended too', async () => {
    const { window, gates, writes, started, at } = burst();
    await until(() => started() === 3);
    at(100);
    gates[0]!.resolve();
    await writes[0];
    // The fourth batch starts in the freed slot; the burst's other two (started at 0) are still out.
    await until(() => started() === 4);
    let between = false;
    const waiting = window.betweenBursts().then(() => (between = true));
    await settle();
    expect(between).toBe(false);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await waiting;
    expect(between).toBe(true);
    gates[3]!.resolve();
    await Promise.all(writes);
  });

  it('waits half a batch at most, so a commit never waits on writes that are not a burst', async () => {
    const { window, gates, writes, started, at } = burst();
    await until(() => started() === 3);
    at(100);
    gates[0]!.resolve();
    await writes[0];
    let between = false;
    const waiting = window.betweenBursts().then(() => (between = true));
    await settle();
    expect(between).toBe(false);
    at(150);
    await waiting;
    expect(between).toBe(true);
    for (const gate of gates) gate.resolve();
    await Promise.all(writes);
  });

  it('keeps enough pages open to fill the window and have the next page ready', () => {
    // 1,000-record pages, 10 batches of 100 in flight: two pages straddle the window, one more is ready.
    expect(pipelineDepth({ limit: 10, batchSize: 100, pageSize: 1000 })).toBe(3);
    expect(pipelineDepth({ limit: 10, batchSize: 100, pageSize: 100 })).toBe(12);
    expect(pipelineDepth({ limit: 1, batchSize: 100, pageSize: 1000 })).toBe(3);
  });
});
