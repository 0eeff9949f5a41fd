// Queue mode end to end: `mlc serve --queue --no-work` keeps a BullMQ job scheduler on a real
// redis-server, two `mlc worker` processes take the jobs against one store, and one worker is
// SIGKILLed in the middle of a run. Every slot ends with exactly one run (the killed one plus its
// takeover count once), the target holds every record once, and the audit log agrees with it.
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
import { jsonLines, until } from '../bundle/support/mlc-process';
import { queueTestStore } from './support/queue-store';
import { event, start, type Spawned } from './support/queue-processes';

const customers = 600;
const pageSize = 50;
// A slot every 3 seconds; the first (full) run takes longer, so slots also meet a flow running elsewhere.
const everyThreeSeconds = { kind: 'cron' as const, cron: '*/3 * * * * *', timeZone: 'UTC' };
// Short leases and locks so a killed worker's run and job are taken over within seconds, yet long
// enough that a busy machine's pauses never make a live worker look dead (its job would run twice).
const timings = {
  MLC_RUN_LEASE_MS: '5000',
  MLC_RUN_HEARTBEAT_MS: '300',
  MLC_QUEUE_LOCK_MS: '5000',
  MLC_QUEUE_STALLED_MS: '1000',
  MLC_QUEUE_BACKOFF_MS: '500',
};

describe('queue mode (BullMQ on Redis)', () => {
  let world: SyncWorld;
  let redis: TestRedis;
  let flowId: string;
  const server = tempDir('mlc-queue-');
  let bundleFile: string;

  beforeAll(async () => {
    redis = await startRedis();
    world = await syncWorld({ infor: { counts: { customers } } });
    const flow = await world.flow({ name: 'Customers to accounts', expression: customerToZohoAccount, pageSize });
    const { id, createdAt: _created, updatedAt: _updated, ...rest } = flow;
    await world.api.call('flows.save', { ...rest, id, schedule: everyThreeSeconds });
    flowId = id;
    const exported = await world.api.call('bundles.export', { name: 'Queue mode' });
    bundleFile = path.join(server.dir, exported.fileName);
    fs.writeFileSync(bundleFile, exported.content);
    writeSandboxFiles(server.dir, world.infor, world.zoho);
    // Every Infor call waits, so the first full read takes several seconds: long enough to kill it mid-run.
    world.infor.control.addFault({ id: 'slow', latencyMs: 250 });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await redis?.stop();
    server.remove();
  });

  it('two workers share the slots; a worker killed mid-run is taken over: once per slot, nothing lost or duplicated, audit equals target', async () => {
    const store = await queueTestStore(server.dir);
    const env = { MLC_HOME: server.dir, MLC_LOG_LEVEL: 'info', MLC_QUEUE_URL: redis.url, ...timings, ...store.env };
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue<RunJobData, RunJobResult>('mlc-runs', { connection });
    const daemon = start(['serve', bundleFile, '--port', '0', '--no-work'], env);
    let workers: Spawned[] = [];
    try {
      await event(daemon, 'listening');
      // Workers start once the daemon has created the store: processes migrating one fresh store at
      // the same instant can collide (see the report; the store layer's migration lock is H1's).
      workers = [start(['worker', bundleFile], env), start(['worker', bundleFile], env)];
      for (const worker of workers) await event(worker, 'working');
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((scheduler) => [scheduler.key, scheduler.pattern, scheduler.tz])).toEqual([
        [`flow:${flowId}`, '*/3 * * * * *', 'UTC'],
      ]);

      // Kill the worker running the first (full) run once it has read three pages (the job's progress says
      // which run and which process).
      const victim = await until(
        'a run three pages in',
        async () => {
          for (const job of await queue.getJobs(['active'])) {
            const progress = job.progress as { runId?: string; pid?: number; read?: number };
            if (progress.runId && progress.pid && (progress.read ?? 0) >= 3 * pageSize)
              return { id: progress.runId, owner_pid: progress.pid, job: job.id! };
          }
          return undefined;
        },
        60_000,
        50,
      );
      const killed = workers.find((worker) => worker.child.pid === victim.owner_pid)!;
      expect(killed, 'the run belongs to one of the two workers').toBeDefined();
      killed.child.kill('SIGKILL');
      await killed.exited;
      const survivor = workers.find((worker) => worker !== killed)!;

      // The survivor takes the stalled job over, then the dead run's lease, and goes on with later slots.
      const results = async () =>
        (await queue.getJobs(['completed'])).map((job) => ({
          id: job.id!,
          result: job.returnvalue,
          processedOn: job.processedOn ?? 0,
          finishedOn: job.finishedOn ?? 0,
        }));
      const diagnose = async (error: unknown): Promise<never> => {
        const jobs = await queue.getJobs(['completed', 'failed', 'active', 'wait', 'delayed']);
        const states = await Promise.all(
          jobs.map(async (job) => ({
            id: job.id,
            state: await job.getState(),
            result: job.returnvalue,
            failed: job.failedReason,
            stalled: job.stalledCounter,
          })),
        );
        throw new Error(
          `${(error as Error).message}\nkilled run ${victim.id}\njobs: ${JSON.stringify(states)}\nsurvivor: ${survivor.stderr().slice(-6000)}`,
        );
      };
      await until(
        'the killed run taken over and two later slots done',
        async () => {
          const done = await results();
          const takeover = done.find((job) => job.result.resumedFrom === victim.id);
          if (!takeover) return undefined;
          const later = done.filter(
            (job) => job.result.status === 'succeeded' && job.processedOn > takeover.finishedOn,
          );
          return later.length >= 2 ? true : undefined;
        },
        90_000,
        200,
      ).catch(diagnose);
      // The killed slot's job itself ended with a run (the takeover, or a fresh one after it).
      expect((await results()).map((job) => job.id)).toContain(victim.job);
      // Quiet the queue before stopping, so no run is cut short by the stop itself.
      await queue.pause();
      await until('no job running', async () => ((await queue.getActiveCount()) === 0 ? true : undefined), 30_000);
      survivor.child.kill('SIGTERM');
      daemon.child.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);
      expect(await daemon.exited).toBe(0);

      expect(await queue.getJobs(['failed'])).toEqual([]);
      const done = await results();
      expect(new Set(done.map((job) => job.id)).size).toBe(done.length);
      const logs = jsonLines(survivor.stderr()).map((line) => line.message);
      expect(logs).toContain('run finished');
      expect(jsonLines(killed.stderr()).map((line) => line.message)).toContain('run starting');

      // Once per slot: each finished job names its own run, and every scheduled run in the store is
      // one of those, or the killed run, which exactly one of them resumed after.
      const opened = await store.open();
      try {
        const runs: Run[] = await opened.store.runs.runs({ flowId, limit: 500 });
        const byId = new Map(runs.map((run) => [run.id as string, run]));
        const slotRuns = done.map((job) => job.result.runId);
        expect(new Set(slotRuns).size).toBe(slotRuns.length);
        for (const job of done) expect(byId.get(job.result.runId)?.status, job.id).toBe(job.result.status);
        expect(
          done.map((job) => job.result.status).filter((status) => status !== 'succeeded' && status !== 'skipped'),
        ).toEqual([]);
        expect(byId.get(victim.id)?.status).toBe('interrupted');
        expect(runs.filter((run) => run.resumedFrom === victim.id)).toHaveLength(1);
        expect(
          runs
            .map((run) => run.id as string)
            .filter((id) => id !== victim.id && !slotRuns.includes(id))
            .sort(),
        ).toEqual([]);
        // Slots that found the flow running in another worker are recorded as skipped, saying why.
        for (const run of runs.filter((run) => run.status === 'skipped'))
          expect(run.error?.code, run.id).toBe('E_CONFLICT');

        // 0 lost, 0 duplicated.
        const accounts = world.zoho.inspect.records('Accounts');
        const numbers = accounts.map((account) => String(account.Infor_Customer_No));
        expect(accounts).toHaveLength(customers);
        expect(new Set(numbers).size).toBe(customers);

        // The audit equals the target: each key's latest successful row names the record Zoho holds.
        const byNumber = new Map(accounts.map((account) => [String(account.Infor_Customer_No), String(account.id)]));
        const latest = new Map<string, string | null>();
        // In audit id order, so the last row kept per key is its latest.
        for await (const row of opened.store.audit.iterateAudits({ flowId }))
          if (row.outcome !== 'failed') latest.set(row.sourceKey, row.targetKey);
        expect(latest.size).toBe(customers);
        for (const [key, targetKey] of latest) expect(targetKey, key).toBe(byNumber.get(key));
      } finally {
        await opened.close();
      }
    } finally {
      for (const spawned of [daemon, ...workers]) if (spawned.child.exitCode === null) spawned.child.kill('SIGKILL');
      await queue.close();
      connection.disconnect();
      await store.close();
    }
  }, 240_000);
});
