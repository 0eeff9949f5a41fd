import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';
import { poll, runAndKill } from './support/kill-child';

// SIGKILL while several write batches (of this page and the next) are in flight: the Zoho
// simulator holds each call 40 ms, so at the kill it is answering batches no page commit holds.
const customers = 4_000;
const pageSize = 500;
const kills = 5;

describe('crash safety with batches in flight', () => {
  let world: SyncWorld;
  let flowId: string;
  let store: Database.Database;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers } }, zoho: { callLatencyMs: 40 } });
    flowId = (await world.flow({ name: 'Customers in flight', expression: customerToZohoAccount, pageSize })).id;
    await world.backend.close();
    store = new Database(path.join(world.dataDir, 'mlc.sqlite'));
    store.pragma('busy_timeout = 5000');
  }, 60_000);
  afterAll(async () => {
    store?.close();
    await world?.reopen();
    await world?.close();
  });

  it(`loses and duplicates nothing across ${kills} SIGKILLs with several batches in flight`, async () => {
    const inFlightAtKill: number[] = [];
    let last = '';
    for (let attempt = 0; attempt < kills; attempt += 1) {
      world.zoho.inspect.resetInFlight();
      // Each run re-reads the window: pages an earlier run committed come back unchanged (no writes),
      // so each kill comes one page later than the one before, where this run is writing again.
      const pages = attempt + 1;
      const { outcome, runId } = await runAndKill(store, world.dataDir, flowId, pages, () =>
        inFlightAtKill.push(world.zoho.inspect.maxInFlight()),
      );
      expect(outcome, `kill ${attempt} after ${pages} pages`).toBe('killed');
      last = runId;
      await poll("the killed run's lease to expire", () => {
        const row = store.prepare('SELECT lease_until FROM runs WHERE id = ?').get(runId) as
          { lease_until: string } | undefined;
        return row && Date.parse(row.lease_until) < Date.now() ? true : undefined;
      });
    }
    // The first child (a fresh run: page 1's five batches go out together) had several batches in
    // flight when it died; none ever had more than the edition's 10.
    expect(inFlightAtKill[0]).toBeGreaterThan(1);
    for (const most of inFlightAtKill) expect(most).toBeLessThanOrEqual(10);

    await world.reopen();
    const final = await world.api.call('flows.run', { id: flowId as never });
    expect(final.status).toBe('succeeded');
    expect(final.resumedFrom).toBe(last);

    const accounts = world.zoho.inspect.records('Accounts');
    const numbers = accounts.map((account) => String(account.Infor_Customer_No));
    expect(accounts).toHaveLength(customers);
    expect(new Set(numbers).size).toBe(customers);
    // The audit log agrees with the target: each key's latest successful row names the record Zoho holds.
    const byNumber = new Map(accounts.map((account) => [String(account.Infor_Customer_No), account]));
    const latest = new Map<string, string | null>();
    for (let offset = 0; ; offset += 1000) {
      const page = await world.api.call('audit.list', { flowId: flowId as never, limit: 1000, offset });
      for (const row of page.items) if (row.outcome !== 'failed') latest.set(row.sourceKey, row.targetKey);
      if (offset + 1000 >= page.total) break;
    }
    expect(latest.size).toBe(customers);
    for (const [key, targetKey] of latest) expect(targetKey, key).toBe(String(byNumber.get(key)?.id));
  }, 300_000);
});
