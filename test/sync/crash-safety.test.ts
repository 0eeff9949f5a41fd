import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

const customers = 10_000;
const pageSize = 500;
const kills = 20;
const child = path.join(repoRoot, 'test', 'sync', 'support', 'run-flow-child.ts');
// Short leases so the next process can take over a killed run's flow within seconds.
const lease = { MLC_RUN_LEASE_MS: '1500', MLC_RUN_HEARTBEAT_MS: '200' };

interface RunRow {
  id: string;
  status: string;
  progress: string | null;
  lease_until: string | null;
}

async function poll<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/**
 * Starts the engine in its own process and SIGKILLs it as soon as the store
 * shows its run has committed `pages` pages — the child is then inside the
 * next page, writing records the audit log does not hold yet.
 */
function runAndKill(
  store: Database.Database,
  dataDir: string,
  flowId: string,
  pages: number,
): Promise<{ outcome: 'killed' | 'finished'; runId: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, flowId], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: repoRoot,
      env: { ...process.env, ...lease },
    });
    let stderr = '';
    let runId = '';
    let exited = false;
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // This child's own run: the killed one before it stays 'running' until this child takes the flow over.
    const running = store.prepare(
      "SELECT id, status, progress, lease_until FROM runs WHERE flow_id = ? AND status = 'running' AND owner_pid = ?",
    );
    poll(`the child to commit ${pages} pages`, () => {
      if (exited) return null;
      const row = running.get(flowId, proc.pid) as RunRow | undefined;
      if (!row?.progress) return undefined;
      runId = row.id;
      return (JSON.parse(row.progress) as { pagesCommitted: number }).pagesCommitted >= pages ? row : undefined;
    })
      .then(() => proc.kill('SIGKILL'))
      .catch((error: unknown) => {
        proc.kill('SIGKILL');
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    proc.on('exit', (code, signal) => {
      exited = true;
      if (signal === 'SIGKILL') resolve({ outcome: 'killed', runId });
      else if (code === 0) resolve({ outcome: 'finished', runId });
      else reject(new Error(`engine process failed (${code}): ${stderr.slice(-2000)}`));
    });
  });
}

describe('crash safety', () => {
  let world: SyncWorld;
  let flowId: string;
  let store: Database.Database;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers } } });
    flowId = (await world.flow({ name: 'Customers to accounts', expression: customerToZohoAccount, pageSize })).id;
    // The child processes open the same store; this process must not hold runs open.
    await world.backend.close();
    // Read-only use: the test watches the children's commits in the SQLite file.
    store = new Database(path.join(world.dataDir, 'mlc.sqlite'));
    store.pragma('busy_timeout = 5000');
  }, 60_000);
  afterAll(async () => {
    store?.close();
    await world?.reopen();
    await world?.close();
  });

  it(`loses and duplicates nothing across ${kills} SIGKILLs, each inside a page the test chose`, async () => {
    const killed: string[] = [];
    const killedAt: number[] = [];
    for (let attempt = 0; attempt < kills; attempt += 1) {
      // Pages 1..15 of 20: always mid-run, at a different point each time.
      const pages = 1 + ((attempt * 7) % 15);
      const { outcome, runId } = await runAndKill(store, world.dataDir, flowId, pages);
      expect(outcome, `kill ${attempt} after ${pages} pages`).toBe('killed');
      killed.push(runId);
      killedAt.push(pages);
      // The killed run holds the flow until its lease expires; the next process takes it over then.
      await poll("the killed run's lease to expire", () => {
        const row = store.prepare('SELECT lease_until FROM runs WHERE id = ?').get(runId) as
          { lease_until: string } | undefined;
        return row && Date.parse(row.lease_until) < Date.now() ? true : undefined;
      });
    }

    // The next process finishes the job.
    await world.reopen();
    const final = await world.api.call('flows.run', { id: flowId as never });
    expect(final.status).toBe('succeeded');
    expect(final.resumedFrom).toBe(killed.at(-1));

    // Each killed run says what is known: where it stopped, what it had done, and the next run says it resumed.
    const runs = await world.api.call('runs.list', { flowId: flowId as never, limit: 100 });
    const byId = new Map(runs.map((run) => [run.id as string, run]));
    for (const [index, runId] of killed.entries()) {
      const run = byId.get(runId)!;
      expect(run.status).toBe('interrupted');
      expect(run.error?.code).toBe('E_SYNC_INTERRUPTED');
      expect(run.error?.message).toMatch(
        /stopped during page \d+( or just before it)?; up to \d+ records may have been written to the target after the last committed page/,
      );
      // Not "calls 1": what the dead process did up to its last commit or heartbeat.
      expect(run.calls.source).toBeGreaterThanOrEqual(killedAt[index]!);
      expect(run.counters.read).toBeGreaterThanOrEqual(killedAt[index]! * pageSize);
      const next = index + 1 < killed.length ? byId.get(killed[index + 1]!)! : final;
      expect(next.resumedFrom).toBe(runId);
    }

    const accounts = world.zoho.inspect.records('Accounts');
    const numbers = accounts.map((account) => String(account.Infor_Customer_No));
    expect(accounts).toHaveLength(customers);
    expect(new Set(numbers).size).toBe(customers);

    // Every value is what the mapping makes of the source record.
    const byNumber = new Map(accounts.map((account) => [String(account.Infor_Customer_No), account]));
    const source = world.infor.control as unknown as {
      record?: (entity: string, key: string) => Record<string, unknown> | undefined;
    };
    for (const key of ['C0000001', 'C0005000', 'C0010000']) {
      const account = byNumber.get(key)!;
      expect(account.Account_Number).toBe(key);
      if (source.record)
        expect(account.Account_Name).toBe(String(source.record('customers', key)?.CUNM ?? account.Account_Name));
    }

    // The audit log agrees with the target: each key's latest successful row names the record Zoho holds.
    const audit = await world.api.call('audit.list', { flowId: flowId as never, limit: 1000, offset: 0 });
    expect(audit.total).toBeGreaterThanOrEqual(customers);
    const latest = new Map<string, string | null>();
    for (let offset = 0; offset < audit.total; offset += 1000) {
      const page = await world.api.call('audit.list', { flowId: flowId as never, limit: 1000, offset });
      for (const row of page.items) if (row.outcome !== 'failed') latest.set(row.sourceKey, row.targetKey);
    }
    expect(latest.size).toBe(customers);
    for (const [key, targetKey] of latest) expect(targetKey, key).toBe(String(byNumber.get(key)?.id));
  }, 600_000);
});
