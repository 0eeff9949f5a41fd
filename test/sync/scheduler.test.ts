import { fork } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Flow, FlowId, MappingId } from '../../shared/domain/flow';
import type { ConnectionId } from '../../shared/domain/connection';
import { describeSchedule, Scheduler } from '../../electron/backend/sync/scheduler';
import { createLogger, type Logger } from '../../electron/backend/util/log';
import { AppError } from '../../shared/errors';
import { createClient } from '../../shared/api/client';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { createHostBackend } from '../../electron/backend/host/host-backend';
import { customerToZohoAccount, fastBackend, syncWorld, type SyncWorld } from './support/sync-harness';
import { repoRoot } from '../support/paths';

function flow(id: string, schedule: Flow['schedule'], paused = false): Flow {
  return {
    id: id as FlowId,
    name: id,
    source: { connectionId: 'src' as ConnectionId, entity: 'customers', lookbackSeconds: 0 },
    mappingId: 'm' as MappingId,
    target: { connectionId: 'dst' as ConnectionId, entity: 'Accounts', matchKey: ['Account_Number'] },
    schedule,
    dependsOn: [],
    options: { dryRun: false },
    paused,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let scheduler: Scheduler | undefined;
afterEach(() => scheduler?.stop());

describe('schedules in plain words', () => {
  it('describes cron with its time zone and lists the next five runs', () => {
    const preview = describeSchedule(
      { kind: 'cron', cron: '30 2 * * 1-5', timeZone: 'Europe/Amsterdam' },
      5,
      new Date('2026-11-20T12:00:00Z'),
    );
    expect(preview.description).toMatch(/02:30.*Monday through Friday.*Europe\/Amsterdam/);
    // Friday 20 Nov → Monday 23 Nov 02:30 in Amsterdam (UTC+1) = 01:30Z.
    expect(preview.next[0]).toBe('2026-11-23T01:30:00.000Z');
    expect(preview.next).toHaveLength(5);
  });

  it('describes intervals and manual flows', () => {
    const from = new Date('2026-11-20T12:00:00Z');
    expect(describeSchedule({ kind: 'interval', everySeconds: 900, timeZone: 'UTC' }, 2, from)).toEqual({
      description: 'Every 15 minutes',
      next: ['2026-11-20T12:15:00.000Z', '2026-11-20T12:30:00.000Z'],
    });
    expect(describeSchedule({ kind: 'manual' }).next).toEqual([]);
  });

  it('refuses an invalid cron with E_SCHEDULE_INVALID', () => {
    expect(() => describeSchedule({ kind: 'cron', cron: '61 * * * * nope', timeZone: 'UTC' })).toThrow(/not valid/);
  });

  it('says in plain words when a cron has the wrong number of fields or the time zone is not one (issue 19)', () => {
    expect(() => describeSchedule({ kind: 'cron', cron: '0 6 * *', timeZone: 'UTC' })).toThrow(
      'A cron expression has five fields (minute hour day-of-month month day-of-week, e.g. 0 6 * * 1-5), or six with seconds first; “0 6 * *” has 4.',
    );
    for (const schedule of [
      { kind: 'cron', cron: '0 6 * * 1-5', timeZone: 'Europe/Pariss' },
      { kind: 'interval', everySeconds: 900, timeZone: 'Europe/Pariss' },
    ] as const) {
      let message = '';
      try {
        describeSchedule(schedule);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toBe(
        '“Europe/Pariss” is not a time zone. Use an IANA name such as Europe/Amsterdam, America/New_York or UTC.',
      );
    }
  });
});

describe('scheduler', () => {
  it('fires on schedule, never overlaps a running flow, and skips paused flows', async () => {
    const started: string[] = [];
    let overlaps = 0;
    const active = new Set<string>();
    const log = recordingLog();
    scheduler = new Scheduler({
      flows: () => [
        flow('every-second', { kind: 'cron', cron: '* * * * * *', timeZone: 'UTC' }),
        flow('paused', { kind: 'cron', cron: '* * * * * *', timeZone: 'UTC' }, true),
      ],
      lastRunAt: () => undefined,
      isRunning: (id) => active.has(id),
      run: async (id) => {
        if (active.has(id)) overlaps += 1;
        active.add(id);
        started.push(id);
        await sleep(1500); // longer than the tick: the next tick must be skipped
        active.delete(id);
      },
      log,
    });
    scheduler.start({ catchUp: false });
    await expect.poll(() => started.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await expect
      .poll(
        () =>
          log.lines.some(
            (line) => line.level === 'info' && line.message === 'skipped a tick: the flow is still running',
          ),
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(overlaps).toBe(0);
    expect(started.every((id) => id === 'every-second')).toBe(true);
  });

  it('runs a missed schedule once at start', async () => {
    const started: Array<[string, string]> = [];
    scheduler = new Scheduler({
      flows: () => [
        flow('hourly', { kind: 'cron', cron: '0 * * * *', timeZone: 'UTC' }),
        flow('fresh', { kind: 'interval', everySeconds: 3600, timeZone: 'UTC' }),
      ],
      lastRunAt: (id) =>
        id === 'hourly' ? new Date(Date.now() - 3 * 3600_000).toISOString() : new Date().toISOString(),
      isRunning: () => false,
      run: async (id, trigger) => {
        started.push([id, trigger]);
      },
      log: createLogger('error'),
    });
    scheduler.start();
    await sleep(20);
    expect(started).toEqual([['hourly', 'startup']]);
  });
});

describe('interval schedules', () => {
  it('wait one interval after the last run instead of firing at start', async () => {
    const started: string[] = [];
    scheduler = new Scheduler({
      flows: () => [flow('every-ten', { kind: 'interval', everySeconds: 10, timeZone: 'UTC' })],
      lastRunAt: () => new Date(Date.now() - 9_000).toISOString(),
      isRunning: () => false,
      run: async (id) => {
        started.push(id);
      },
      log: createLogger('error'),
    });
    scheduler.start();
    await sleep(300);
    expect(started).toEqual([]);
    const next = Date.parse(scheduler.nextRun('every-ten') ?? '');
    expect(next - Date.now()).toBeGreaterThan(0);
    expect(next - Date.now()).toBeLessThanOrEqual(2_000);
  });
});

/** A logger that keeps its lines, to tell an info from a warning. */
function recordingLog(): Logger & {
  lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
} {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const keep = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, fields });
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

describe('ticks that find the flow running elsewhere', () => {
  it('are skipped and logged at info, whether the engine throws or rejects E_CONFLICT', async () => {
    const log = recordingLog();
    const attempts = new Map<string, number>();
    const ticked: string[] = [];
    const everySecond = { kind: 'cron' as const, cron: '* * * * * *', timeZone: 'UTC' };
    scheduler = new Scheduler({
      flows: () => [flow('throws', everySecond), flow('rejects', everySecond)],
      lastRunAt: () => undefined,
      isRunning: () => false,
      run: (id) => {
        attempts.set(id, (attempts.get(id) ?? 0) + 1);
        const busy = new AppError('E_CONFLICT', `The flow “${id}” is already running in another process (run r-1).`);
        // The engine refuses a local overlap by throwing, another process's lease by rejecting.
        if (id === 'throws') throw busy;
        return Promise.reject(busy);
      },
      ticked: (id) => ticked.push(id),
      log,
    });
    scheduler.start({ catchUp: false });
    await expect
      .poll(
        () => log.lines.filter((line) => line.message.includes('running elsewhere')).map((line) => line.fields?.flow),
        { timeout: 10_000 },
      )
      .toEqual(expect.arrayContaining(['throws', 'rejects']));
    expect(log.lines.filter((line) => line.level !== 'info')).toEqual([]);
    expect(log.lines.find((line) => line.fields?.flow === 'rejects')?.fields?.reason).toMatch(
      /already running in another process/,
    );
    expect(ticked).toEqual(expect.arrayContaining(['throws', 'rejects']));
    // Skipped ticks leave the schedule in force.
    expect(scheduler.state(flow('throws', everySecond)).active).toBe(true);
  });

  it('still warns when a run does not start for another reason', async () => {
    const log = recordingLog();
    scheduler = new Scheduler({
      flows: () => [flow('gone', { kind: 'cron', cron: '* * * * * *', timeZone: 'UTC' })],
      lastRunAt: () => undefined,
      isRunning: () => false,
      run: () => Promise.reject(new AppError('E_NOT_FOUND', 'No flow with id gone.')),
      log,
    });
    scheduler.start({ catchUp: false });
    await expect
      .poll(() => log.lines.find((line) => line.level === 'warn')?.message, { timeout: 10_000 })
      .toBe('scheduled run did not start');
  });
});

describe('schedule state', () => {
  it('says which flows have a live job and when it fires, and keeps the others going when one schedule is unreadable', () => {
    const log = recordingLog();
    const flows = [
      flow('hourly', { kind: 'interval', everySeconds: 3600, timeZone: 'UTC' }),
      flow('paused', { kind: 'interval', everySeconds: 3600, timeZone: 'UTC' }, true),
      flow('manual', { kind: 'manual' }),
      flow('broken', { kind: 'cron', cron: '0 * * * *', timeZone: 'Nowhere/Atlantis' }),
    ];
    scheduler = new Scheduler({
      flows: () => flows,
      lastRunAt: () => undefined,
      isRunning: () => false,
      run: async () => undefined,
      log,
    });
    // Before start (a short-lived CLI command): nothing is live.
    expect(scheduler.state(flows[0]!)).toEqual({ active: false, paused: false, nextRun: null });
    scheduler.start({ catchUp: false });
    const hourly = scheduler.state(flows[0]!);
    expect(hourly.active).toBe(true);
    const inSeconds = (Date.parse(hourly.nextRun!) - Date.now()) / 1000;
    expect(inSeconds).toBeGreaterThan(3500);
    expect(inSeconds).toBeLessThanOrEqual(3601);
    expect(scheduler.state(flows[1]!)).toEqual({ active: false, paused: true, nextRun: null });
    expect(scheduler.state(flows[2]!)).toEqual({ active: false, paused: false, nextRun: null });
    expect(scheduler.state(flows[3]!).active).toBe(false);
    expect(log.lines).toEqual([
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ flow: 'broken' }) }),
    ]);

    // Pausing takes the job away at the next reload.
    flows[0] = { ...flows[0]!, paused: true };
    scheduler.reload();
    expect(scheduler.state(flows[0])).toEqual({ active: false, paused: true, nextRun: null });
  });
});

describe('long-lived hosts run their schedules', () => {
  let world: SyncWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('the `mlc studio` backend fires an interval flow, reports its next run, and stops when paused', async () => {
    world = await syncWorld({ infor: { counts: { customers: 20 } } });
    // A second backend on the same data folder, built as `mlc studio` builds its own.
    const host = createHostBackend({ runtime: 'web', dataDir: world.dataDir, ...fastBackend });
    try {
      const api = createClient(inProcessTransport(host));
      const changed: string[][] = [];
      const off = api.on('flows.changed', (event) => changed.push(event.ids));
      const mapping = await api.call('mappings.save', {
        name: 'Every ten seconds',
        sourceEntity: 'customers',
        targetEntity: 'Accounts',
        expression: customerToZohoAccount,
      });
      const saved = await api.call('flows.save', {
        name: 'Every ten seconds',
        source: { connectionId: world.source.id, entity: 'customers', lookbackSeconds: 0 },
        mappingId: mapping.id,
        target: { connectionId: world.target.id, entity: 'Accounts', matchKey: ['Infor_Customer_No'] },
        schedule: { kind: 'interval', everySeconds: 10, timeZone: 'UTC' },
      });
      expect(changed).toContainEqual([saved.id]);
      const listed = (await api.call('flows.list', {}))[0]!;
      expect(listed.scheduleState).toMatchObject({ active: true, paused: false });
      expect(Date.parse(listed.scheduleState.nextRun!) - Date.now()).toBeGreaterThan(5_000);
      expect(listed.lastRun).toBeNull();
      // The short-lived CLI backend on the same folder schedules nothing.
      expect((await world.api.call('flows.list', {}))[0]!.scheduleState).toEqual({
        active: false,
        paused: false,
        nextRun: null,
      });

      const scheduled = async () =>
        (await api.call('runs.list', { flowId: saved.id })).filter((run) => run.trigger === 'schedule');
      await expect
        .poll(async () => (await scheduled()).filter((run) => run.status !== 'running').length, {
          timeout: 45_000,
          interval: 250,
        })
        .toBeGreaterThanOrEqual(1);
      const [first] = await scheduled();
      expect(first).toMatchObject({ status: 'succeeded', counters: { read: 20, created: 20 } });
      const after = (await api.call('flows.list', {}))[0]!;
      expect(after.lastRun?.trigger).toBe('schedule');
      // The next run is the live job's, one interval after the tick.
      expect(Date.parse(after.scheduleState.nextRun!)).toBeGreaterThan(Date.parse(first!.startedAt));

      const due = Date.parse(after.scheduleState.nextRun!);
      await api.call('flows.pause', { id: saved.id, paused: true });
      const paused = (await api.call('flows.list', {}))[0]!;
      expect(paused.scheduleState).toEqual({ active: false, paused: true, nextRun: null });
      const count = (await scheduled()).length;
      // The only way to see a tick not happen: wait past the moment it was due.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()) + 2_500));
      expect((await scheduled()).length).toBe(count);
      off();
    } finally {
      await host.close();
    }
  }, 120_000);

  it('the desktop backend host (utility process) fires an interval flow', async () => {
    world = await syncWorld({ infor: { counts: { customers: 5 } } });
    const host = desktopHost(world.dataDir);
    try {
      const mapping = await host.invoke<{ id: string }>('mappings.save', {
        name: 'Desktop',
        sourceEntity: 'customers',
        targetEntity: 'Accounts',
        expression: customerToZohoAccount,
      });
      await host.invoke('flows.save', tenSecondFlow(world, mapping.id));
      const finished = () =>
        host.messages.find(
          (message) =>
            message.type === 'event' && message.event === 'runs.changed' && message.payload?.status !== 'running',
        );
      await expect.poll(finished, { timeout: 45_000, interval: 250 }).toBeDefined();
      expect(await host.invoke('runs.get', { id: finished()!.payload!.runId })).toMatchObject({
        trigger: 'schedule',
        status: 'succeeded',
      });
      expect(host.messages.some((message) => message.type === 'event' && message.event === 'flows.changed')).toBe(true);
    } finally {
      await host.stop();
    }
  }, 120_000);

  it('two hosts on one data folder never run a flow at once: the second skips its tick, and a pause in one stops both', async () => {
    world = await syncWorld({ infor: { counts: { customers: 5 } } });
    // Slow Infor pages: a run lasts longer than the few seconds between the two hosts' ticks.
    world.infor.control.addFault({ path: '/MLC_SANDBOX/M3/', latencyMs: 6_000 });
    const first = desktopHost(world.dataDir);
    const second = desktopHost(world.dataDir);
    try {
      await second.invoke('app.info', {});
      const mapping = await first.invoke<{ id: string }>('mappings.save', {
        name: 'Shared',
        sourceEntity: 'customers',
        targetEntity: 'Accounts',
        expression: customerToZohoAccount,
      });
      const flow = await first.invoke<{ id: string }>('flows.save', tenSecondFlow(world, mapping.id));
      // The second host learns of the flow from the store, not from a call.
      await expect
        .poll(
          async () =>
            (await second.invoke<Array<{ scheduleState: { active: boolean } }>>('flows.list', {}))[0]?.scheduleState
              .active,
          { timeout: 20_000, interval: 250 },
        )
        .toBe(true);

      const skipped = () =>
        [first, second]
          .flatMap((host) => host.logLines())
          .filter((line) => line.message === 'skipped a tick: the flow is running elsewhere');
      await expect.poll(() => skipped().length, { timeout: 60_000, interval: 250 }).toBeGreaterThanOrEqual(1);
      expect(skipped()[0]!.level).toBe('info');
      expect(
        [first, second]
          .flatMap((host) => host.logLines())
          .filter((line) => line.message === 'scheduled run did not start' || line.level === 'error'),
      ).toEqual([]);

      await first.invoke('flows.pause', { id: flow.id, paused: true });
      await expect
        .poll(
          async () =>
            (await second.invoke<Array<{ scheduleState: { active: boolean; paused: boolean } }>>('flows.list', {}))[0]
              ?.scheduleState,
          { timeout: 20_000, interval: 250 },
        )
        .toEqual({
          active: false,
          paused: true,
          nextRun: null,
        });
      const runs = () =>
        first.invoke<Array<{ startedAt: string; finishedAt: string | null; status: string }>>('runs.list', {
          flowId: flow.id,
        });
      await expect
        .poll(async () => (await runs()).every((run) => run.status !== 'running'), { timeout: 30_000, interval: 250 })
        .toBe(true);
      const before = (await runs()).length;
      // Past the moment either host would have fired next.
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      const all = await runs();
      expect(all.length).toBe(before);
      // Never two at once: each run started after the one before it ended.
      const ordered = [...all].sort((left, right) => left.startedAt.localeCompare(right.startedAt));
      for (let index = 1; index < ordered.length; index += 1)
        expect(ordered[index]!.startedAt >= ordered[index - 1]!.finishedAt!).toBe(true);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  }, 180_000);
});

interface HostMessage {
  type: string;
  id?: number;
  event?: string;
  payload?: { status?: string; runId?: string };
  result?: { ok: boolean; value?: unknown };
}

/** The built desktop backend host under plain Node, with a shim for Electron's parentPort (see test/integration/backend-host.test.ts). */
function desktopHost(dataDir: string) {
  const child = fork(path.join(repoRoot, 'dist', 'backend', 'host.js'), [], {
    execArgv: ['--import', path.join(repoRoot, 'test', 'support', 'parent-port-shim.mjs')],
    env: { ...process.env, MLC_HOME: dataDir, MLC_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const messages: HostMessage[] = [];
  let stderr = '';
  child.on('message', (message: HostMessage) => messages.push(message));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // No key from the shell: the host reads the data folder's key file, as the CLI that stored the secrets did.
  child.send({ type: 'init' });
  let next = 0;
  return {
    messages,
    logLines: () =>
      stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: string; message: string }),
    async invoke<T = unknown>(method: string, input: unknown): Promise<T> {
      const id = (next += 1);
      child.send({ type: 'invoke', id, method, input });
      await expect
        .poll(() => messages.some((message) => message.type === 'result' && message.id === id), { timeout: 20_000 })
        .toBe(true);
      const { result } = messages.find((message) => message.type === 'result' && message.id === id)!;
      expect(result, method).toMatchObject({ ok: true });
      return result!.value as T;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'shutdown' });
      await exited;
    },
  };
}

function tenSecondFlow(world: SyncWorld, mappingId: string) {
  return {
    name: 'Every ten seconds',
    source: { connectionId: world.source.id, entity: 'customers', lookbackSeconds: 0 },
    mappingId,
    target: { connectionId: world.target.id, entity: 'Accounts', matchKey: ['Infor_Customer_No'] },
    schedule: { kind: 'interval', everySeconds: 10, timeZone: 'UTC' },
  };
}
