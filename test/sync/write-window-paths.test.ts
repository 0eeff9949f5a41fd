import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flow } from '../../shared/domain/flow';
import type { Run } from '../../shared/domain/run';
import { syncTargetKeys } from '../../electron/backend/sync/targeted-sync';
import { syncService } from '../../electron/backend/sync/sync.service';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

// Replays and reconciles write through the same window as a sync (write-window.ts): the Zoho
// simulator counts the calls it holds at once (`maxInFlight`), answers each after `callLatencyMs`
// and refuses a call past its edition's concurrency with 429 (API-FACTS §2.4), so concurrency shows
// in its own counts, never in timings.
const customers = 1_000;

// Every account points at a parent Zoho does not have: the target refuses each record.
const refused = customerToZohoAccount.replace(
  '"Phone": PHNO',
  '"Phone": PHNO, "Parent_Account": { "id": "404000000000404" }',
);

/** Every audit row of a run, in the order the log lists them (by id). */
async function auditKeys(world: SyncWorld, runId: string): Promise<string[]> {
  const keys: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await world.api.call('audit.list', { runId: runId as never, limit: 1000, offset });
    keys.push(...page.items.map((row) => row.sourceKey));
    if (offset + 1000 >= page.total) return keys;
  }
}

/** Saves the flow's mapping with another expression (a fix), as the designer would. */
async function remap(world: SyncWorld, flow: Flow, expression: string) {
  const {
    hash: _hash,
    updatedAt: _updatedAt,
    ...mapping
  } = await world.api.call('mappings.get', {
    id: flow.mappingId,
  });
  await world.api.call('mappings.save', { ...mapping, expression });
}

/** A flow that fails every record, run once: its dead letters are the replay's input. */
async function failedRun(world: SyncWorld, name: string, extra: { concurrency?: number } = {}) {
  // Bulk threshold 0: replay pages stay at 1,000 dead letters (a bulk target's replay pages reach its threshold).
  const flow = await world.flow({
    name,
    expression: refused,
    pageSize: 1000,
    batchSize: 20,
    bulkThreshold: 0,
    ...extra,
  });
  const run = await world.api.call('flows.run', { id: flow.id });
  expect(run.counters).toMatchObject({ read: customers, failed: customers });
  return { flow, run };
}

function accountNumbers(world: SyncWorld): string[] {
  return world.zoho.inspect.records('Accounts').map((account) => String(account.Infor_Customer_No));
}

describe('replays and reconciles keep several batches in flight', () => {
  let world: SyncWorld;

  beforeAll(async () => {
    // Standard edition: 10 calls in flight; each call held 40 ms so batches overlap when the engine lets them.
    world = await syncWorld({ infor: { counts: { customers } }, zoho: { callLatencyMs: 40 } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('a replay of many failed rows writes batches side by side, each record once, audited in order', async () => {
    const { flow, run } = await failedRun(world, 'Replayed in flight');
    const failedKeys = await auditKeys(world, run.id);
    await remap(world, flow, customerToZohoAccount);
    world.zoho.inspect.resetInFlight();
    const replay = await world.api.call('runs.replay', { runId: run.id, mapping: 'current' });
    expect(replay.error).toBeNull();
    expect(replay.counters).toMatchObject({ read: customers, created: customers, failed: 0 });
    const most = world.zoho.inspect.maxInFlight();
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(10);
    expect(world.zoho.control.stats().counters.concurrencyRefused ?? 0).toBe(0);
    const numbers = accountNumbers(world);
    expect(numbers).toHaveLength(customers);
    expect(new Set(numbers).size).toBe(customers);
    // Batches finish in any order; the audit rows still follow the dead letters' order (by source key).
    expect(await auditKeys(world, replay.id)).toEqual([...failedKeys].sort());
    const left = await world.api.call('audit.list', { runId: run.id, outcome: 'failed', limit: 1 });
    expect(left.waiting).toBe(0);
  }, 120_000);

  it('a targeted sync of many drifted records writes batches side by side', async () => {
    const flow = (await world.api.call('flows.list', {})).find((candidate) => candidate.name === 'Replayed in flight')!;
    // Someone renamed every account in Zoho: each one drifted from what the mapping makes.
    const ids = world.zoho.inspect.records('Accounts').map((account) => String(account.id));
    world.zoho.control.modify('Accounts', ids, { Account_Name: 'Renamed in Zoho' });
    world.zoho.inspect.resetInFlight();
    const run = await syncTargetKeys(syncService(world.backend.context).deps, flow.id, ids);
    expect(run?.error).toBeNull();
    expect(run?.counters).toMatchObject({ read: customers, updated: customers, failed: 0 });
    const most = world.zoho.inspect.maxInFlight();
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(10);
    const accounts = world.zoho.inspect.records('Accounts');
    expect(accounts).toHaveLength(customers);
    expect(accounts.some((account) => account.Account_Name === 'Renamed in Zoho')).toBe(false);
  }, 120_000);

  it('a flow capped at one write in flight replays one batch at a time', async () => {
    const { run } = await failedRun(world, 'Replayed serially', { concurrency: 1 });
    world.zoho.inspect.resetInFlight();
    const replay = await world.api.call('runs.replay', { runId: run.id, mapping: 'original' });
    // Refused again, every batch of it: fifty writes, never two at once.
    expect(replay.counters).toMatchObject({ read: customers, failed: customers });
    expect(world.zoho.inspect.maxInFlight()).toBe(1);
  }, 120_000);

  it('a fixing reconcile writes its fixes side by side, each record once', async () => {
    const flow = await world.flow({
      name: 'Reconciled in flight',
      expression: customerToZohoAccount.replace('"Billing_City": TOWN', '"Billing_City": "R " & TOWN'),
      pageSize: 1000,
      batchSize: 20,
    });
    const { id: _id, createdAt: _created, updatedAt: _updated, ...input } = flow;
    await world.api.call('flows.save', {
      ...input,
      id: flow.id,
      options: { ...input.options, reconcile: { fix: true } },
    });
    world.zoho.inspect.resetInFlight();
    const run: Run = await world.api.call('flows.run', { id: flow.id });
    expect(run.error).toBeNull();
    // The first test created every account with the plain city: each one differs and is fixed.
    expect(run.counters).toMatchObject({ read: customers, updated: customers, failed: 0 });
    const most = world.zoho.inspect.maxInFlight();
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(10);
    const accounts = world.zoho.inspect.records('Accounts');
    expect(accounts).toHaveLength(customers);
    expect(accounts.every((account) => String(account.Billing_City).startsWith('R '))).toBe(true);
    expect(new Set(await auditKeys(world, run.id)).size).toBe(customers);
  }, 120_000);
});

describe('a replay at a target that throttles below its documented concurrency', () => {
  let world: SyncWorld;

  beforeAll(async () => {
    // The connection says Standard (10 in flight) but this org refuses past 3: every call over it is a 429.
    world = await syncWorld({ infor: { counts: { customers } }, zoho: { callLatencyMs: 30, concurrency: 3 } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('halves the window on 429s, says so in the replay’s notes and writes every record once', async () => {
    const { flow, run } = await failedRun(world, 'Replayed throttled');
    await remap(world, flow, customerToZohoAccount);
    world.zoho.control.resetStats();
    const replay = await world.api.call('runs.replay', { runId: run.id, mapping: 'current' });
    expect(replay.error).toBeNull();
    expect(replay.counters).toMatchObject({ read: customers, created: customers, failed: 0 });
    expect(world.zoho.control.stats().counters.concurrencyRefused ?? 0).toBeGreaterThan(0);
    expect(replay.notes).toContain('Zoho CRM throttled: writes in flight reduced from 10 to 5.');
    expect(replay.notes.some((text) => /^Zoho CRM throttled .*ended at \d+ of 10\.$/.test(text))).toBe(true);
    const numbers = accountNumbers(world);
    expect(numbers).toHaveLength(customers);
    expect(new Set(numbers).size).toBe(customers);
  }, 120_000);
});
