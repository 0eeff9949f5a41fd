// Queue mode, graceful stop: SIGTERM to the worker running a flow ends the run after its current page
// (checkpointed, status cancelled), hands the job back to the queue instead of failing or completing
// it, and exits 0; the next worker runs that same job to the end. Nothing is lost or duplicated.
import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../shared/domain/run';
import type { RunJobData, RunJobResult } from '../../electron/backend/runtime/queue-connection';
import { tempDir } from '../support/paths';
import { startRedis, type TestRedis } from '../support/redis';
import { customerToZohoAccount, syncWorld, type SyncWorld } from '../sync/support/sync-harness';
import { writeSandboxFiles } from '../bundle/support/infor-to-zoho';
import { jsonLines, runMlc, until } from '../bundle/support/mlc-process';
import { queueTestStore } from './support/queue-store';
import { event, start, type Spawned } from './support/queue-processes';

const customers = 400;
const pageSize = 50;

// One signal: the run ends after its page. Two: the second aborts what is in flight. Either way the job
// goes back to the queue and the next worker re-reads from the last committed page.
describe.each([{ signals: 1 }, { signals: 2 }])(
  'queue mode: stopping a worker with $signals signal(s)',
  ({ signals }) => {
    let world: SyncWorld;
    let redis: TestRedis;
    let flowId: string;
    const server = tempDir('mlc-queue-stop-');
    let bundleFile: string;

    beforeAll(async () => {
      redis = await startRedis();
      world = await syncWorld({ infor: { counts: { customers } } });
      const flow = await world.flow({ name: 'Customers to accounts', expression: customerToZohoAccount, pageSize });
      const { id, createdAt: _created, updatedAt: _updated, ...rest } = flow;
      await world.api.call('flows.save', {
        ...rest,
        id,
        schedule: { kind: 'cron', cron: '*/3 * * * * *', timeZone: 'UTC' },
      });
      flowId = id;
      const exported = await world.api.call('bundles.export', { name: 'Graceful' });
      bundleFile = path.join(server.dir, exported.fileName);
      fs.writeFileSync(bundleFile, exported.content);
      writeSandboxFiles(server.dir, world.infor, world.zoho);
      world.infor.control.addFault({ id: 'slow', latencyMs: 250 });
    }, 60_000);
    afterAll(async () => {
      await world?.close();
      await redis?.stop();
      server.remove();
    });

    // Once: the refusals do not depend on signals.
    if (signals === 1)
      it('mlc worker refuses without a queue, a queue that is not Redis, and a store that is not PostgreSQL', async () => {
        const env = { MLC_HOME: server.dir };
        const noQueue = await runMlc(['worker', bundleFile], env);
        expect(noQueue.code).toBe(2);
        expect(noQueue.stderr).toContain('give the Redis queue with --queue');
        const badUrl = await runMlc(['worker', bundleFile, '--queue', 'http://127.0.0.1:6379'], env);
        expect(badUrl.stderr).toContain('The queue URL must be a Redis URL');
        const store = await runMlc(
          ['worker', bundleFile, '--queue', redis.url, '--store', 'mysql://127.0.0.1:1/none'],
          env,
        );
        expect(store.code).not.toBe(0);
        expect(store.stderr).toContain('--store takes a postgres:// or postgresql:// URL');
      }, 60_000);

    it('mid-run: the run stops, the job goes back to the queue, the next worker finishes it', async () => {
      const store = await queueTestStore(server.dir);
      const env = { MLC_HOME: server.dir, MLC_LOG_LEVEL: 'info', MLC_QUEUE_URL: redis.url, ...store.env };
      const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
      const queue = new Queue<RunJobData, RunJobResult>('mlc-runs', { connection });
      const daemon = start(['serve', bundleFile, '--port', '0', '--no-work'], env);
      const spawned: Spawned[] = [daemon];
      try {
        await event(daemon, 'listening');
        const first = start(['worker', bundleFile], env);
        spawned.push(first);
        await event(first, 'working');
        const running = await until(
          'the first run two pages in',
          async () => {
            for (const job of await queue.getJobs(['active'])) {
              const progress = job.progress as { runId?: string; read?: number };
              if (progress.runId && (progress.read ?? 0) >= 2 * pageSize)
                return { job: job.id!, runId: progress.runId };
            }
            return undefined;
          },
          60_000,
          50,
        );
        first.child.kill('SIGTERM');
        if (signals === 2) {
          await until('the first signal to be taken', () =>
            jsonLines(first.stderr()).some((line) => String(line.message).startsWith('signal received'))
              ? true
              : undefined,
          );
          first.child.kill('SIGTERM');
        }
        expect(await first.exited).toBe(0);
        const messages = jsonLines(first.stderr()).map((line) => line.message);
        expect(messages).toContain('signal received: no new jobs; running flows stop after their current page');
        expect(messages).toContain('stopped');
        // Handed back: neither failed nor completed, waiting for a worker.
        const handedBack = (await queue.getJob(running.job))!;
        expect(await handedBack.getState()).toBe('waiting');
        expect(handedBack.attemptsMade).toBe(0);

        const second = start(['worker', bundleFile], env);
        spawned.push(second);
        await event(second, 'working');
        const finished = await until(
          'the handed-back job to complete',
          async () => {
            const job = await queue.getJob(running.job);
            return job && (await job.getState()) === 'completed' ? job.returnvalue : undefined;
          },
          90_000,
          200,
        );
        expect(finished.status).toBe('succeeded');
        await queue.pause();
        await until('no job running', async () => ((await queue.getActiveCount()) === 0 ? true : undefined), 30_000);
        second.child.kill('SIGTERM');
        daemon.child.kill('SIGTERM');
        expect(await second.exited).toBe(0);
        expect(await daemon.exited).toBe(0);
        expect(await queue.getJobs(['failed'])).toEqual([]);

        const opened = await store.open();
        try {
          const runs: Run[] = await opened.store.runs.runs({ flowId, limit: 500 });
          const stopped = runs.find((run) => run.id === running.runId)!;
          expect(stopped.status).toBe('cancelled');
          // One signal: stopped after its current page, committed with what it had done. Two: aborted,
          // with only what had committed by then (pages read ahead of their commits are not counted).
          if (signals === 1) expect(stopped.counters.read).toBeGreaterThanOrEqual(2 * pageSize);
          expect(stopped.counters.read).toBeLessThan(customers);
          const accounts = world.zoho.inspect.records('Accounts');
          expect(accounts).toHaveLength(customers);
          expect(new Set(accounts.map((account) => String(account.Infor_Customer_No))).size).toBe(customers);
        } finally {
          await opened.close();
        }
      } finally {
        for (const child of spawned) if (child.child.exitCode === null) child.child.kill('SIGKILL');
        await queue.close();
        connection.disconnect();
        await store.close();
      }
    }, 240_000);
  },
);
