import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerToZohoAccount, syncWorld, zohoWriteCalls, type SyncWorld } from './support/sync-harness';

const customers = 10_000;

describe('M3 customers → Zoho accounts, incrementally', () => {
  let world: SyncWorld;
  let flowId: string;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers } } });
    // Normal batches here (the bulk path has its own tests): 10,000 would reach Zoho's Bulk Write threshold.
    flowId = (await world.flow({ name: 'Customers to accounts', expression: customerToZohoAccount, bulkThreshold: 0 }))
      .id;
  }, 60_000);
  afterAll(async () => world?.close());

  it('creates every account in the minimum number of write calls', async () => {
    world.zoho.control.resetStats();
    const run = await world.api.call('flows.run', { id: flowId as never });
    expect(run.status).toBe('succeeded');
    expect(run.counters).toMatchObject({ read: customers, created: customers, updated: 0, failed: 0 });
    expect(world.zoho.inspect.count('Accounts')).toBe(customers);
    const minimum = Math.ceil(customers / 100);
    expect(zohoWriteCalls(world.zoho)).toBe(minimum);
    expect(run.calls.targetMinimum).toBe(minimum);
    expect(run.calls.target).toBeGreaterThanOrEqual(minimum);
    // Values arrive as mapped.
    const sample = world.zoho.inspect.findBy('Accounts', 'Infor_Customer_No', 'C0000042');
    expect(sample).toMatchObject({ Account_Number: 'C0000042' });
    expect(String(sample?.Account_Name ?? '')).not.toBe('');
  }, 240_000);

  it('makes no write call when nothing changed', async () => {
    world.zoho.control.resetStats();
    const run = await world.api.call('flows.run', { id: flowId as never });
    expect(run.status).toBe('succeeded');
    expect(run.counters.created + run.counters.updated).toBe(0);
    expect(zohoWriteCalls(world.zoho)).toBe(0);
    expect(run.calls.targetMinimum).toBe(0);
  }, 120_000);

  it('updates exactly the records modified in the source', async () => {
    const modified = world.infor.control.modify('customers', 100) as string[];
    expect(modified).toHaveLength(100);
    world.zoho.control.resetStats();
    const run = await world.api.call('flows.run', { id: flowId as never });
    expect(run.counters.updated).toBe(100);
    expect(run.counters.created).toBe(0);
    expect(zohoWriteCalls(world.zoho)).toBe(1);
    const audit = await world.api.call('audit.list', { runId: run.id, outcome: 'updated', limit: 1000 });
    expect(audit.items.map((row) => row.sourceKey).sort()).toEqual([...modified].sort());
    expect(world.zoho.inspect.count('Accounts')).toBe(customers);
  }, 120_000);
});
