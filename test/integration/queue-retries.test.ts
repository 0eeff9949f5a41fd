// Queue mode, retries: a run that fails throws in its job, and BullMQ retries the job with exponential
// backoff until MLC_QUEUE_ATTEMPTS is used up; the job then fails visibly with the run's error. Once the
// system answers again, the next slot succeeds. In process (`startServe` with work), on a real Redis.
import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueSettings, type RunJobData, type RunJobResult } from '../../electron/backend/runtime/queue-connection';
import { startServe } from '../../electron/backend/runtime/serve-daemon';
import type { Logger } from '../../electron/backend/util/log';
import { tempDir } from '../support/paths';
import { startRedis, type TestRedis } from '../support/redis';
import { customerToZohoAccount, fastBackend, syncWorld, type SyncWorld } from '../sync/support/sync-harness';
import { writeSandboxFiles } from '../bundle/support/infor-to-zoho';
import { until } from '../bundle/support/mlc-process';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('queue mode: retries with backoff', () => {
  let world: SyncWorld;
  let redis: TestRedis;
  let flowId: string;
  const server = tempDir('mlc-queue-retries-');
  let bundleFile: string;

  beforeAll(async () => {
    redis = await startRedis();
    world = await syncWorld({ infor: { counts: { customers: 20 } } });
    const flow = await world.flow({ name: 'Customers to accounts', expression: customerToZohoAccount });
    const { id, createdAt: _created, updatedAt: _updated, ...rest } = flow;
    await world.api.call('flows.save', {
      ...rest,
      id,
      schedule: { kind: 'cron', cron: '*/2 * * * * *', timeZone: 'UTC' },
    });
    flowId = id;
    const exported = await world.api.call('bundles.export', { name: 'Retries' });
    bundleFile = path.join(server.dir, exported.fileName);
    fs.writeFileSync(bundleFile, exported.content);
    writeSandboxFiles(server.dir, world.infor, world.zoho);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await redis?.stop();
    server.remove();
  });

  it('retries a failed run with exponential backoff, fails the job after the last attempt, and the next slot succeeds', async () => {
    const env = { ...process.env, MLC_HOME: server.dir, MLC_QUEUE_ATTEMPTS: '2', MLC_QUEUE_BACKOFF_MS: '200' };
    const settings = queueSettings(redis.url, env);
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue<RunJobData, RunJobResult>(settings.name, { connection });
    // Infor refuses every data call: each run fails.
    world.infor.control.addFault({ id: 'down', pathRegex: '/M3/', status: 500 });
    const daemon = await startServe({ bundleFile, env, logger: quiet, port: 0, queue: settings, backend: fastBackend });
    try {
      const failed = await until(
        'a job to fail after its attempts',
        async () => (await queue.getJobs(['failed']))[0],
        60_000,
        100,
      );
      expect(failed.attemptsMade).toBe(2);
      expect(failed.failedReason).toMatch(/^Run \S+ failed: /);
      expect(failed.opts.backoff).toEqual({ type: 'exponential', delay: 200 });
      // Both attempts ran, each as a failed run of the flow in the store.
      const failedRuns = (await daemon.headless.deps.runs.runs({ flowId, limit: 100 })).filter(
        (run) => run.trigger === 'schedule' && run.status === 'failed',
      );
      expect(failedRuns.length).toBeGreaterThanOrEqual(2);

      world.infor.control.clearFaults();
      await until(
        'a later slot to succeed',
        async () => (await queue.getJobs(['completed'])).find((job) => job.returnvalue.status === 'succeeded'),
        60_000,
        100,
      );
      expect(world.zoho.inspect.records('Accounts')).toHaveLength(20);
    } finally {
      await daemon.stop();
      await queue.close();
      connection.disconnect();
    }
  }, 120_000);
});
