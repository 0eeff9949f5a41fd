import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import type { FlowId } from '../../shared/domain/flow';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { SyncEngine } from '../../electron/backend/sync/sync-engine';
import { syncService } from '../../electron/backend/sync/sync.service';
import { commitPage } from '../../electron/backend/sync/page-commit';
import { emptyCalls, emptyCounters } from '../../electron/backend/sync/runs.repository';
import { storeFile } from '../support/backend';
import { repoRoot } from '../support/paths';
import { until } from '../bundle/support/mlc-process';
import { customerToZohoAccount, fastBackend, syncWorld, type SyncWorld } from './support/sync-harness';

const child = path.join(repoRoot, 'test', 'sync', 'support', 'run-flow-child.ts');

function caught(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('a run holds its flow by a lease', () => {
  let world: SyncWorld;
  let other: Backend;
  let flowId: FlowId;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 3000 } } });
    flowId = (await world.flow({ name: 'Leased accounts', expression: customerToZohoAccount, pageSize: 500 })).id;
    // A second backend on the same SQLite file: another process (or host) sharing the data folder.
    other = createBackend({ runtime: 'cli', dataDir: world.dataDir, ...fastBackend });
  }, 60_000);
  afterAll(async () => {
    await other?.close();
    await world?.close();
  });

  const input = () => ({
    flowId,
    flowName: 'Leased accounts',
    trigger: 'cli' as const,
    dryRun: false,
    windowFrom: null,
    mappingHash: 'h',
  });

  it('refuses a fresh lease naming host, pid and the way out, takes over an expired one and says what the dead run knew', async () => {
    const mine = syncService(world.backend.context).runs;
    const theirs = syncService(other.context).runs;
    const { run: held } = mine.claimAndStart(input(), { leaseMs: 30_000 });

    const refused = caught(() => theirs.claimAndStart(input(), { leaseMs: 30_000 }));
    expect(refused.code).toBe('E_CONFLICT');
    expect(refused.message).toContain(`${os.hostname()} (pid ${process.pid})`);
    expect(refused.message).toContain(held.startedAt);
    expect(refused.message).toMatch(/If that process is gone, run `mlc unlock Leased accounts` or wait \d+ s/);

    // What the holder's heartbeat knew when it went quiet: 2 pages committed, 500 records in flight.
    const counters = { ...emptyCounters(), read: 1500, created: 1200, updated: 300 };
    mine.heartbeat(
      held.id,
      {
        counters,
        calls: { ...emptyCalls(), source: 3, target: 12 },
        progress: { pagesCommitted: 2, recordsInFlight: 500, pageSize: 500 },
      },
      30_000,
    );

    const later = Date.now() + 31_000;
    const { run: next, interrupted } = theirs.claimAndStart(input(), { leaseMs: 30_000, now: later });
    expect(interrupted.map((run) => run.id)).toEqual([held.id]);
    const dead = theirs.run(held.id);
    expect(dead.status).toBe('interrupted');
    expect(dead.error?.code).toBe('E_SYNC_INTERRUPTED');
    expect(dead.error?.message).toContain(
      'stopped during page 3; up to 500 records may have been written to the target after the last committed page (2); the next run re-reads them and they appear as updated',
    );
    expect(dead.counters).toEqual(counters);
    expect(dead.calls.target).toBe(12);
    expect(next.resumedFrom).toBe(held.id);

    // The old holder, alive after all, can neither renew, commit nor finish: it must stop writing.
    expect(
      caught(() =>
        mine.heartbeat(
          held.id,
          { counters, calls: emptyCalls(), progress: { pagesCommitted: 2, recordsInFlight: 0 } },
          30_000,
        ),
      ).code,
    ).toBe('E_SYNC_LEASE_LOST');
    const page = { audits: [], idMap: [], deadLetters: { add: [], clear: [] }, counters, calls: emptyCalls() };
    await expect(
      commitPage(
        syncService(world.backend.context).deps,
        held.id,
        flowId,
        { connectionId: world.target.id, entity: 'Accounts' },
        page,
      ),
    ).rejects.toMatchObject({ code: 'E_SYNC_LEASE_LOST' });
    expect(
      mine.finishRun(held.id, {
        status: 'succeeded',
        windowTo: '2030-01-01',
        counters,
        calls: emptyCalls(),
        watermark: { flowId, stamp: '2030-01-01' },
      }).status,
    ).toBe('interrupted');
    expect(mine.watermark(flowId)).toBeNull();

    // SQLite itself refuses a second leased running run of a flow.
    const file = storeFile(world.dataDir);
    try {
      expect(() => file.prepare("UPDATE runs SET status = 'running' WHERE id = ?").run(held.id)).toThrow(/UNIQUE/);
    } finally {
      file.close();
    }
    theirs.finishRun(next.id, { status: 'cancelled', windowTo: null, counters: emptyCounters(), calls: emptyCalls() });
  });

  it('runs replays beside the flow without a lease, and takes one that went silent for dead', () => {
    const runs = syncService(world.backend.context).runs;
    const replay = runs.startRun({ ...input(), trigger: 'replay' });
    // A replay does not hold the flow: a run starts beside it.
    const { run: beside } = runs.claimAndStart(input(), { leaseMs: 30_000 });
    expect(beside.resumedFrom).toBeNull();
    runs.finishRun(beside.id, { status: 'succeeded', windowTo: null, counters: emptyCounters(), calls: emptyCalls() });
    expect(runs.run(replay.id).status).toBe('running');
    // Silent for longer than any page takes: its process is gone, and the next claim says so.
    const { run: later } = runs.claimAndStart(input(), { leaseMs: 30_000, now: Date.now() + 16 * 60_000 });
    expect(runs.run(replay.id)).toMatchObject({ status: 'interrupted', error: { code: 'E_SYNC_INTERRUPTED' } });
    expect(later.resumedFrom).toBeNull();
    runs.finishRun(later.id, { status: 'cancelled', windowTo: null, counters: emptyCounters(), calls: emptyCalls() });
  });

  it('renews the lease from a timer while a page takes longer than the lease, and stops when unlocked', async () => {
    const timing = { leaseMs: 1_500, heartbeatMs: 100 };
    const engine = new SyncEngine(syncService(world.backend.context).deps, { lease: timing });
    const rival = new SyncEngine(syncService(other.context).deps, { lease: timing });
    // The first read answers after 6 s: no page is committed for four leases.
    world.infor.control.setFaults([{ id: 'slow-read', pathRegex: 'm3api-rest', latencyMs: 6_000, times: 1 }]);
    const running = engine.runFlow(flowId, { trigger: 'manual' });
    const runs = syncService(other.context).runs;
    const started = await until('the run to start', () =>
      runs.runs({ flowId }).find((run) => run.status === 'running'),
    );
    await until('two leases to pass', () =>
      Date.now() > Date.parse(started.startedAt) + 2 * timing.leaseMs ? true : undefined,
    );
    expect(runs.run(started.id).counters.read).toBe(0);
    const refused = await rival.runFlow(flowId).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('E_CONFLICT');

    // `mlc unlock` from the other process: the holder notices at its next heartbeat and stops.
    const released = runs.unlock(flowId, 'a test');
    expect(released.map((entry) => entry.run.id)).toEqual([started.id]);
    const finished = await running;
    world.infor.control.clearFaults();
    expect(finished.id).toBe(started.id);
    expect(finished.status).toBe('interrupted');
    expect(finished.error?.message).toContain('a test released it');
    expect(runs.watermark(flowId)).toBeNull();
  }, 60_000);

  it('lets two real processes on one data folder never run the same flow at once', async () => {
    const start = () => {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, world.dataDir, flowId], {
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: repoRoot,
      });
      let output = '';
      proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return {
        proc,
        done: new Promise<{ code: number | null; output: string }>((resolve) =>
          proc.on('exit', (code) => resolve({ code, output })),
        ),
      };
    };
    const runs = syncService(world.backend.context).runs;
    const before = new Set(runs.runs({ flowId }).map((run) => run.id));
    // Hold the first process inside its first read until the second has tried.
    world.infor.control.setFaults([{ id: 'hold', pathRegex: 'm3api-rest', latencyMs: 20_000, times: 1 }]);
    const first = start();
    const holding = await until(
      'the first process to hold the flow',
      () => runs.runs({ flowId }).find((run) => !before.has(run.id) && run.status === 'running'),
      30_000,
    );
    const second = await start().done;
    expect(second.code).not.toBe(0);
    expect(second.output).toContain('E_CONFLICT');
    expect(second.output).toContain(`pid ${first.proc.pid}`);
    const result = await first.done;
    world.infor.control.clearFaults();
    expect(result.code, result.output).toBe(0);
    const mine = runs.runs({ flowId }).filter((run) => !before.has(run.id));
    expect(mine.map((run) => [run.id, run.status])).toEqual([[holding.id, 'succeeded']]);

    // Started together, again and again: their runs never overlap and nothing is written twice.
    for (let round = 0; round < 3; round += 1) {
      const pair = await Promise.all([start().done, start().done]);
      expect(pair.filter((outcome) => outcome.code === 0).length).toBeGreaterThanOrEqual(1);
      for (const outcome of pair) if (outcome.code !== 0) expect(outcome.output).toContain('E_CONFLICT');
    }
    const all = runs
      .runs({ flowId, limit: 100 })
      .filter((run) => !before.has(run.id))
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (let index = 1; index < all.length; index += 1) {
      expect(all[index - 1]!.status).toBe('succeeded');
      expect(
        all[index]!.startedAt >= all[index - 1]!.finishedAt!,
        `${all[index - 1]!.id} and ${all[index]!.id} overlap`,
      ).toBe(true);
    }
    const numbers = world.zoho.inspect.records('Accounts').map((account) => account.Infor_Customer_No);
    expect(new Set(numbers).size).toBe(numbers.length);
  }, 180_000);
});
