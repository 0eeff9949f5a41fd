import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncWorld, zohoWriteCalls, type SyncWorld } from './support/sync-harness';

// A stock Zoho Accounts layout plus an org's custom fields holds more than the 50 fields one
// `fields=` list may name (API-FACTS §2.2; the sandbox answers 400 LIMIT_EXCEEDED past 50). A dry run
// compares every mapped field, so it must read them all, not the first 50.
const mapping = `{
  "Infor_Customer_No": CUNO,
  "Account_Name": CUNM,
  "Sales_Region": "EMEA"
}`;

describe('dry run against a Zoho org with more than 50 Accounts fields', () => {
  let world: SyncWorld;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 120 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('reads the mapped field past the first 50, so records already in Zoho diff as unchanged', async () => {
    const flow = await world.flow({ name: 'Region', expression: mapping, pageSize: 100 });
    const written = await world.api.call('flows.run', { id: flow.id });
    expect(written.status).toBe('succeeded');
    expect(world.zoho.inspect.records('Accounts').filter((record) => record.Sales_Region === 'EMEA')).toHaveLength(120);

    // A second flow with the same mapping has no watermark: its dry run looks every record up.
    const fresh = await world.flow({ name: 'Region, checked', expression: mapping, pageSize: 100 });
    world.zoho.control.resetStats();
    const dry = await world.api.call('flows.run', { id: fresh.id, dryRun: true });
    expect(dry.status).toBe('succeeded');
    expect(dry.counters).toMatchObject({ unchanged: 120, updated: 0, created: 0, failed: 0 });
    const rows = await world.api.call('audit.list', { runId: dry.id, outcome: 'updated' });
    expect(rows.total).toBe(0);
    expect(zohoWriteCalls(world.zoho)).toBe(0);
    // Every call stayed within Zoho's cap (the sandbox refuses more than 50 fields).
    expect(world.zoho.control.stats().byStatus['400'] ?? 0).toBe(0);
  }, 120_000);
});
