import { afterEach, describe, expect, it } from 'vitest';
import os from 'node:os';
import {
  closeMappingPool,
  evaluateIsolated,
  holdMappingPool,
  warmMappingPool,
} from '../../../electron/backend/mapping/mapping-pool';
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

describe('a warm mapping pool', () => {
  it('starts its workers before the first task, and the tasks then start none', async () => {
    let started = 0;
    useWorkerSpawner((events) => {
      started += 1;
      return nodeSpawner(events);
    });
    // No backend holds the pool: nothing would close workers started now.
    await warmMappingPool();
    expect(started).toBe(0);
    const release = holdMappingPool();
    try {
      await warmMappingPool();
      const size = Math.min(2, os.availableParallelism());
      expect(started).toBe(size);
      // Warm already: a second call starts nothing.
      await warmMappingPool();
      expect(started).toBe(size);
      // A batch big enough to go to both workers runs on the started ones, with every result in order.
      const names = Array.from({ length: 100 }, (_, index) => ({ name: `n${index}` }));
      const results = await evaluateIsolated('$uppercase(name)', names);
      expect(results.map((result) => (result.ok ? result.value : result.error.message))).toEqual(
        names.map((record) => record.name.toUpperCase()),
      );
      expect(started).toBe(size);
    } finally {
      release();
    }
  });

  it('starts none where no worker can start, and the task says why', async () => {
    useWorkerSpawner(undefined);
    const release = holdMappingPool();
    try {
      closeMappingPool();
      // Inside Electron without an injected spawner: warming is quiet, the evaluation explains.
      const original = process.versions.electron;
      Object.defineProperty(process.versions, 'electron', { value: '39.2.0', configurable: true });
      try {
        await expect(warmMappingPool()).resolves.toBeUndefined();
        await expect(evaluateIsolated('name', [{ name: 'a' }])).rejects.toThrow(/useWorkerSpawner/);
      } finally {
        Object.defineProperty(process.versions, 'electron', { value: original, configurable: true });
      }
    } finally {
      release();
    }
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
