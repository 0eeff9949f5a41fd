import { afterEach, describe, expect, it } from 'vitest';
import type { Flow, FlowId, MappingId } from '../../shared/domain/flow';
import type { ConnectionId } from '../../shared/domain/connection';
import { describeSchedule, Scheduler } from '../../electron/backend/sync/scheduler';
import { createLogger } from '../../electron/backend/util/log';

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
    const preview = describeSchedule({ kind: 'cron', cron: '30 2 * * 1-5', timeZone: 'Europe/Amsterdam' }, 5, new Date('2026-11-20T12:00:00Z'));
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
});

describe('scheduler', () => {
  it('fires on schedule, never overlaps a running flow, and skips paused flows', async () => {
    const started: string[] = [];
    let running = 0;
    let overlaps = 0;
    const active = new Set<string>();
    scheduler = new Scheduler({
      flows: () => [flow('every-second', { kind: 'cron', cron: '* * * * * *', timeZone: 'UTC' }), flow('paused', { kind: 'cron', cron: '* * * * * *', timeZone: 'UTC' }, true)],
      lastRunAt: () => undefined,
      isRunning: (id) => active.has(id),
      run: async (id) => {
        if (active.has(id)) overlaps += 1;
        active.add(id);
        running += 1;
        started.push(id);
        await sleep(1500); // longer than the tick: the next tick must be skipped
        active.delete(id);
        running -= 1;
      },
      log: createLogger('error'),
    });
    scheduler.start({ catchUp: false });
    await sleep(3600);
    expect(overlaps).toBe(0);
    expect(started.every((id) => id === 'every-second')).toBe(true);
    expect(started.length).toBeGreaterThanOrEqual(1);
    // 3.6 s of ticks with 1.5 s runs: at most two starts, never four.
    expect(started.length).toBeLessThanOrEqual(2);
    expect(running).toBeLessThanOrEqual(1);
  });

  it('runs a missed schedule once at start', async () => {
    const started: Array<[string, string]> = [];
    scheduler = new Scheduler({
      flows: () => [flow('hourly', { kind: 'cron', cron: '0 * * * *', timeZone: 'UTC' }), flow('fresh', { kind: 'interval', everySeconds: 3600, timeZone: 'UTC' })],
      lastRunAt: (id) => (id === 'hourly' ? new Date(Date.now() - 3 * 3600_000).toISOString() : new Date().toISOString()),
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
