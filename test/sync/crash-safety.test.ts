import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';
import { poll, runAndKill } from './support/kill-child';

const customers = 10_000;
const pageSize = 500;
const kills = 20;
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
