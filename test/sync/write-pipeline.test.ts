import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

// Batches in flight at a target with latency: the Zoho simulator counts the calls it holds at once
// (`maxInFlight`), answers each after `callLatencyMs`, and refuses a call past its edition's
// concurrency with 429 (API-FACTS §2.4), so concurrency shows in its own counts, not in timings.
const customers = 2_000;

async function auditedOnce(world: SyncWorld, runId: string, expected: number) {
  const keys = new Set<string>();
  let total = 0;
  for (let offset = 0; ; offset += 1000) {
    const page = await world.api.call('audit.list', { runId: runId as never, limit: 1000, offset });
    total = page.total;
    for (const row of page.items) keys.add(row.sourceKey);
    if (offset + 1000 >= page.total) break;
  }
  expect(total).toBe(expected);
  expect(keys.size).toBe(expected);
}

describe('write batches in flight', () => {
  let world: SyncWorld;

  beforeAll(async () => {
    // Standard edition: 10 calls in flight; each call held 40 ms so batches overlap when the engine lets them.
    world = await syncWorld({ infor: { counts: { customers } }, zoho: { callLatencyMs: 40 } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('keeps several batches in flight, never more than the edition allows, and loses or duplicates nothing', async () => {
    world.zoho.inspect.resetInFlight();
    const flow = await world.flow({ name: 'In flight', expression: customerToZohoAccount, pageSize: 500 });
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.error).toBeNull();
    expect(run.counters).toMatchObject({ read: customers, created: customers, failed: 0 });
    const most = world.zoho.inspect.maxInFlight();
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(10);
    expect(world.zoho.control.stats().counters.concurrencyRefused ?? 0).toBe(0);
    const numbers = world.zoho.inspect.records('Accounts').map((account) => String(account.Infor_Customer_No));
    expect(numbers).toHaveLength(customers);
    expect(new Set(numbers).size).toBe(customers);
    await auditedOnce(world, run.id, customers);
  }, 120_000);

  it('a flow’s concurrency caps its batches in flight below the documented limit', async () => {
    world.zoho.inspect.resetInFlight();
    const flow = await world.flow({
      name: 'Two at a time',
      expression: customerToZohoAccount.replace('"Phone": PHNO', '"Phone": "x" & PHNO'),
      pageSize: 500,
      concurrency: 2,
    });
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.counters).toMatchObject({ read: customers, updated: customers, failed: 0 });
    expect(world.zoho.inspect.maxInFlight()).toBe(2);
  }, 120_000);
});

describe('a target that throttles below its documented concurrency', () => {
  let world: SyncWorld;

  beforeAll(async () => {
    // The connection says Standard (10 in flight) but this org refuses past 3: every call over it is a 429.
    world = await syncWorld({ infor: { counts: { customers } }, zoho: { callLatencyMs: 30, concurrency: 3 } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('halves the window on 429s, grows it back, says so in the run’s notes and writes every record once', async () => {
    // Batches of 20: a hundred writes, so after the halvings there are always writes enough to grow back on
    // (with 20 batches of 100, a loaded machine could spend them all on retries of the first episode).
    const flow = await world.flow({
      name: 'Throttled',
      expression: customerToZohoAccount,
      pageSize: 1000,
      batchSize: 20,
    });
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.error).toBeNull();
    expect(run.counters).toMatchObject({ read: customers, created: customers, failed: 0 });
    expect(world.zoho.control.stats().counters.concurrencyRefused).toBeGreaterThan(0);
    expect(run.notes).toContain('Zoho CRM throttled: writes in flight reduced from 10 to 5.');
    const note = run.notes.find((text) => text.startsWith('Zoho CRM throttled ') && text.includes('ended at'));
    expect(note).toBeDefined();
    // Grown back at least one step since, never above the documented 10.
    const [, smallest, steps, end] =
      /went down to (\d+), grew back (\d+) steps? and ended at (\d+) of 10/.exec(note!) ?? [];
    expect(Number(smallest)).toBeLessThanOrEqual(5);
    expect(Number(steps)).toBeGreaterThan(0);
    expect(Number(end)).toBeLessThanOrEqual(10);
    const numbers = world.zoho.inspect.records('Accounts').map((account) => String(account.Infor_Customer_No));
    expect(new Set(numbers).size).toBe(customers);
    expect(numbers).toHaveLength(customers);
    await auditedOnce(world, run.id, customers);
  }, 120_000);
});
