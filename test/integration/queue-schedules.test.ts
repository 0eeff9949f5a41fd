// `mlc serve --queue --no-work` against a real redis-server: the bundle's schedules become BullMQ job
// schedulers (cron with its time zone, intervals as `every`), stale ones go, /health shows each next
// slot, and /ready says when Redis stops answering.
import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueSettings, type RunJobData, type RunJobResult } from '../../electron/backend/runtime/queue-connection';
import { syncJobSchedulers } from '../../electron/backend/runtime/queue-schedules';
import { startServe } from '../../electron/backend/runtime/serve-daemon';
import type { Logger } from '../../electron/backend/util/log';
import { tempDir } from '../support/paths';
import { until } from '../bundle/support/mlc-process';
import { startRedis, type TestRedis } from '../support/redis';
import { syncWorld, type SyncWorld } from '../sync/support/sync-harness';
import { designInforToZoho, writeSandboxFiles, type Designed } from '../bundle/support/infor-to-zoho';

const weekdaysAtSix = { kind: 'cron' as const, cron: '0 6 * * 1-5', timeZone: 'Europe/Amsterdam' };
const everyTenMinutes = { kind: 'interval' as const, everySeconds: 600, timeZone: 'UTC' };

/** Log lines kept in memory, to check what the daemon said. */
function memoryLogger(): Logger & { lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  const keep = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') };
}

describe('queue mode: job schedulers and readiness', () => {
  let world: SyncWorld;
  let redis: TestRedis;
  let designed: Designed;
  const server = tempDir('mlc-queue-schedules-');
  let bundleFile: string;

  beforeAll(async () => {
    redis = await startRedis();
    world = await syncWorld({ infor: { counts: { customers: 2, salesOrders: 2 } } });
    designed = await designInforToZoho(world.api, world.source, world.target, {
      accounts: weekdaysAtSix,
      orders: everyTenMinutes,
    });
    const exported = await world.api.call('bundles.export', { name: 'Schedules' });
    bundleFile = path.join(server.dir, exported.fileName);
    fs.writeFileSync(bundleFile, exported.content);
    writeSandboxFiles(server.dir, world.infor, world.zoho);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await redis?.stop();
    server.remove();
  });

  it('upserts one scheduler per scheduled flow, removes stale ones, shows next slots, and is not ready while Redis does not answer', async () => {
    const settings = queueSettings(redis.url, {});
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue<RunJobData, RunJobResult>(settings.name, { connection });
    const log = memoryLogger();
    try {
      // A scheduler left by a flow an earlier bundle had.
      await queue.upsertJobScheduler('flow:gone', { every: 60_000 }, { data: { flowId: 'gone' } });
      const daemon = await startServe({
        bundleFile,
        env: { ...process.env, MLC_HOME: server.dir },
        logger: log,
        port: 0,
        queue: settings,
        work: false,
      });
      try {
        const schedulers = await queue.getJobSchedulers(0, -1, true);
        const byKey = new Map(schedulers.map((scheduler) => [scheduler.key, scheduler]));
        expect([...byKey.keys()].sort()).toEqual([`flow:${designed.accounts.id}`, `flow:${designed.orders.id}`].sort());
        expect(byKey.get(`flow:${designed.accounts.id}`)).toMatchObject({
          pattern: '0 6 * * 1-5',
          tz: 'Europe/Amsterdam',
          template: { data: { flowId: designed.accounts.id } },
        });
        expect(byKey.get(`flow:${designed.orders.id}`)).toMatchObject({ every: 600_000 });
        // Six in the morning, Amsterdam time, on a weekday.
        const accountsNext = new Date(byKey.get(`flow:${designed.accounts.id}`)!.next!);
        const local = new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Europe/Amsterdam',
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hour12: false,
        }).format(accountsNext);
        expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 06:00$/);
        expect(log.lines.map((line) => line.message)).toContain(
          'removed the job scheduler of a flow no longer scheduled in this bundle',
        );

        const health = (await (await fetch(`${daemon.url}/health`)).json()) as {
          flows: Array<{ id: string; nextRun: string | null }>;
        };
        const next = new Map(health.flows.map((flow) => [flow.id, flow.nextRun]));
        expect(next.get(designed.accounts.id)).toBe(accountsNext.toISOString());
        expect(next.get(designed.orders.id)).toBe(
          new Date(byKey.get(`flow:${designed.orders.id}`)!.next!).toISOString(),
        );

        const ready = await fetch(`${daemon.url}/ready`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({ status: 'ready', queue: { reachable: true } });
        // Redis stops answering every client for 10 s (CLIENT PAUSE; UNPAUSE would be paused too): not
        // ready (the readiness PING gives up after 2 s), then ready again once the pause ends.
        const admin = new Redis(redis.url);
        try {
          await admin.call('CLIENT', 'PAUSE', '10000', 'ALL');
          const paused = await fetch(`${daemon.url}/ready`);
          expect(paused.status).toBe(503);
          expect(await paused.json()).toMatchObject({ status: 'unavailable', queue: { error: expect.any(String) } });
        } finally {
          admin.disconnect();
        }
        await until('ready again after the pause', async () =>
          (await fetch(`${daemon.url}/ready`)).status === 200 ? true : undefined,
        );
      } finally {
        await daemon.stop();
      }

      // Again with the orders flow paused: its scheduler goes, the other stays as it was.
      const flows = [
        { ...designed.accounts, schedule: weekdaysAtSix },
        { ...designed.orders, schedule: everyTenMinutes, paused: true },
      ];
      const before = await queue.getJobScheduler(`flow:${designed.accounts.id}`);
      expect(await syncJobSchedulers(queue, flows, settings, log)).toEqual([designed.accounts.id]);
      expect(await syncJobSchedulers(queue, flows, settings, log)).toEqual([designed.accounts.id]);
      const after = await queue.getJobSchedulers(0, -1);
      expect(after.map((scheduler) => scheduler.key)).toEqual([`flow:${designed.accounts.id}`]);
      expect(after[0]!.next).toBe(before!.next);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }, 60_000);
});
