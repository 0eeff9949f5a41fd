import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerToZohoAccount, syncWorld, zohoWriteCalls, type SyncWorld } from './support/sync-harness';

const customers = 250;

describe('the daily-credit budget shown before a run', () => {
  let world: SyncWorld;
  let flowId: string;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers } } });
    flowId = (await world.flow({ name: 'Customers to accounts', expression: customerToZohoAccount, bulkThreshold: 0 }))
      .id;
  }, 60_000);
  afterAll(async () => world?.close());

  it('estimates a known flow from its last full read: the upsert calls Zoho then counted, in credits', async () => {
    const before = await world.api.call('flows.creditBudget', { ids: [flowId as never] });
    // Nothing to estimate from before the first run: said, not guessed.
    expect(before).toMatchObject([{ records: 0, unknownFlows: ['Customers to accounts'], low: 0, warn: false }]);
    expect(before[0]!.text).toMatch(/Not counted \(no earlier run to estimate from\): Customers to accounts/);

    world.zoho.control.resetStats();
    const run = await world.api.call('flows.run', { id: flowId as never });
    expect(run.counters.read).toBe(customers);
    const upserts = zohoWriteCalls(world.zoho);
    expect(upserts).toBe(3);

    const [budget] = await world.api.call('flows.creditBudget', { ids: [flowId as never] });
    expect(budget).toMatchObject({
      connectionId: world.target.id,
      flows: ['Customers to accounts'],
      records: customers,
      unknownFlows: [],
      // 1 credit per upsert call (what the simulator charges by default) … or 1 per 10 records.
      low: upserts,
      high: 25,
      left: 50_250,
      verdict: 'fits',
      warn: false,
    });
    expect(budget!.text).toMatch(/about 3–25 for 250 records \(3 upsert calls\) of 50,250 a day \(Standard\)\.$/);
  }, 120_000);
});
