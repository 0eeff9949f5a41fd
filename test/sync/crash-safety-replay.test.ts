import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';
import { poll } from './support/kill-child';

// SIGKILL while a replay has several write batches in flight: the Zoho simulator holds each call
// 40 ms, so at the kill it is answering batches whose records are still dead letters in the store.
const customers = 3_000;
const child = path.join(repoRoot, 'test', 'sync', 'support', 'replay-child.ts');

// Every account points at a parent Zoho does not have: the target refuses each record.
const refused = customerToZohoAccount.replace(
  '"Phone": PHNO',
  '"Phone": PHNO, "Parent_Account": { "id": "404000000000404" }',
);

/** Starts a replay in its own process and SIGKILLs it once `ready` says so; resolves when it is gone. */
function replayAndKill(dataDir: string, runId: string, ready: () => boolean): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, runId], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: repoRoot,
    });
    let stderr = '';
    let exited = false;
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    poll('the replay to be writing', () => (exited ? null : ready() ? true : undefined))
      .then(() => proc.kill('SIGKILL'))
      .catch((error: unknown) => {
        proc.kill('SIGKILL');
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    proc.on('exit', (code, signal) => {
      exited = true;
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`replay process failed (${code}): ${stderr.slice(-2000)}`));
    });
  });
}

describe('crash safety of a replay with batches in flight', () => {
  let world: SyncWorld;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers } }, zoho: { callLatencyMs: 40 } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('a replay killed mid-write and replayed again loses and duplicates nothing', async () => {
    const flow = await world.flow({
      name: 'Replay crash',
      expression: refused,
      pageSize: 1000,
      batchSize: 50,
      bulkThreshold: 0,
    });
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.counters).toMatchObject({ read: customers, failed: customers });
    const {
      hash: _hash,
      updatedAt: _updatedAt,
      ...mapping
    } = await world.api.call('mappings.get', {
      id: flow.mappingId,
    });
    await world.api.call('mappings.save', { ...mapping, expression: customerToZohoAccount });
    await world.backend.close();

    // Killed once its first page of dead letters is committed and later pages' batches are in flight
    // (pages are loaded and written ahead of their commits): the store is watched read-only.
    world.zoho.inspect.resetInFlight();
    // Read-only use (as crash-safety.test.ts): a read-only connection could not open the WAL files.
    const store = new Database(path.join(world.dataDir, 'mlc.sqlite'));
    store.pragma('busy_timeout = 5000');
    const count = store.prepare('SELECT COUNT(*) AS n FROM audit WHERE flow_id = ? AND attempt = 2');
    const committed = () => (count.get(flow.id) as { n: number }).n;
    let outcome: 'killed' | 'finished';
    try {
      outcome = await replayAndKill(world.dataDir, run.id, () => committed() >= 1_000);
    } finally {
      store.close();
    }
    expect(outcome).toBe('killed');
    const atKill = world.zoho.inspect.records('Accounts').length;
    expect(atKill).toBeLessThan(customers);
    expect(world.zoho.inspect.maxInFlight()).toBeGreaterThan(1);

    // Zoho still counts the killed process's calls until it has answered them (the simulator holds
    // each 40 ms, longer on a loaded machine): replaying into them would meet its concurrency limit.
    await poll('the killed replay’s calls to end', () => (world.zoho.inspect.inFlight() === 0 ? true : undefined));
    await world.reopen();
    const again = await world.api.call('runs.replay', { runId: run.id, mapping: 'current' });
    expect(again.error).toBeNull();
    expect(again.counters.failed).toBe(0);
    // What the killed replay committed is no dead letter any more; the rest (some written, unrecorded) is.
    expect(again.counters.read).toBeLessThan(customers);
    expect(again.counters.read).toBeGreaterThanOrEqual(customers - atKill);

    const accounts = world.zoho.inspect.records('Accounts');
    const numbers = accounts.map((account) => String(account.Infor_Customer_No));
    expect(accounts).toHaveLength(customers);
    expect(new Set(numbers).size).toBe(customers);
    const left = await world.api.call('audit.list', { runId: run.id, outcome: 'failed', limit: 1 });
    expect(left.waiting).toBe(0);
    // The audit log agrees with the target: each key's latest successful row names the record Zoho holds.
    const byNumber = new Map(accounts.map((account) => [String(account.Infor_Customer_No), account]));
    const latest = new Map<string, string | null>();
    for (let offset = 0; ; offset += 1000) {
      const page = await world.api.call('audit.list', { flowId: flow.id, limit: 1000, offset });
      for (const row of page.items) if (row.outcome !== 'failed') latest.set(row.sourceKey, row.targetKey);
      if (offset + 1000 >= page.total) break;
    }
    expect(latest.size).toBe(customers);
    for (const [key, targetKey] of latest) expect(targetKey, key).toBe(String(byNumber.get(key)?.id));
  }, 300_000);
});
