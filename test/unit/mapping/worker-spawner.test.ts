import { afterEach, describe, expect, it } from 'vitest';
import { closeMappingPool, evaluateIsolated } from '../../../electron/backend/mapping/mapping-pool';
import type { WorkerMessage } from '../../../electron/backend/mapping/worker-protocol';
import {
  nodeSpawner,
  useWorkerSpawner,
  workerSpawner,
  type Exit,
  type WorkerSpawner,
} from '../../../electron/backend/mapping/worker-spawner';

afterEach(() => useWorkerSpawner(undefined));

describe('which spawner starts mapping workers', () => {
  it('is the Node one for mlc and tests', () => {
    expect(workerSpawner({})).toBe(nodeSpawner);
  });

  it('refuses inside Electron until the backend host injects one (the app’s binary cannot run as Node)', () => {
    expect(() => workerSpawner({ electron: '39.2.0' })).toThrow(
      /start as Electron utility processes.*useWorkerSpawner/,
    );
    const injected: WorkerSpawner = (events) => nodeSpawner(events);
    useWorkerSpawner(injected);
    expect(workerSpawner({ electron: '39.2.0' })).toBe(injected);
    expect(workerSpawner({})).toBe(injected);
  });

  it('is what the mapping pool starts its workers with', async () => {
    let started = 0;
    useWorkerSpawner((events) => {
      started += 1;
      return nodeSpawner(events);
    });
    const results = await evaluateIsolated('$uppercase(name)', [{ name: 'ada' }, { name: 'bo' }]);
    expect(results).toEqual([
      { ok: true, value: 'ADA' },
      { ok: true, value: 'BO' },
    ]);
    expect(started).toBeGreaterThan(0);
    closeMappingPool();
  });
});

describe('the worker protocol over the Node spawner', () => {
  it('starts, calls a binding back, streams one result per record in order, finishes, and exits when killed', async () => {
    const messages: WorkerMessage[] = [];
    let exited: (exit: Exit) => void = () => undefined;
    const exit = new Promise<Exit>((resolve) => (exited = resolve));
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const link = nodeSpawner({
      message(message) {
        messages.push(message);
        if (message.kind === 'call')
          link.send({ kind: 'reply', id: message.id, ok: true, value: `#${String(message.args[0])}` });
        if (message.kind === 'done') finished();
      },
      exit: exited,
    });
    link.hold(true);
    expect(
      link.send({
        kind: 'task',
        task: 7,
        text: '$tag(n) & $suffix',
        records: [{ n: 1 }, { n: 2 }],
        limits: { timeoutMs: 5000 },
        values: { suffix: '!' },
        functions: [{ name: 'tag', arity: 1 }],
      }),
    ).toBe(true);
    await done;
    expect(messages.map((message) => message.kind)).toEqual(['start', 'call', 'result', 'call', 'result', 'done']);
    expect(messages.filter((message) => message.kind === 'call').map((message) => message.index)).toEqual([0, 1]);
    expect(messages.flatMap((message) => (message.kind === 'result' ? [[message.index, message.result]] : []))).toEqual(
      [
        [0, { ok: true, value: '#1!' }],
        [1, { ok: true, value: '#2!' }],
      ],
    );
    link.kill();
    expect(await exit).toEqual({ code: null, signal: 'SIGKILL' });
    // Gone: nothing more reaches it.
    expect(link.send({ kind: 'reply', id: 1, ok: true, value: null })).toBe(false);
  });
});
