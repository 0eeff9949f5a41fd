import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerToZohoAccount, syncWorld, zohoWriteCalls, type SyncWorld } from './support/sync-harness';

// Zoho answers LIMIT_REACHED once the org's daily API credits are gone (Zoho CRM "API Limits";
// the code is in the v8 OAS, fixtures/zoho/oas/record.json). Retrying burns nothing but time and
// the next window's credits: the run stops at the first refusal and says when credits come back.
describe('Zoho daily credits used up', () => {
  let world: SyncWorld;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 250 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('stops the run at the first LIMIT_REACHED, marks nothing failed, and the next run sends the rest', async () => {
    // One write in flight: with several, a write already on the wire when the first refusal comes back is
    // refused too (never retried either), and "exactly one refusal" would depend on timing.
    const flow = await world.flow({
      name: 'Credits run out',
      expression: customerToZohoAccount,
      pageSize: 100,
      concurrency: 1,
    });
    // Credits for the calls before the first write and that write, none for the second page's write.
    world.zoho.control.resetStats();
    const probe = await world.api.call('flows.run', { id: flow.id, dryRun: true });
    expect(probe.status).toBe('succeeded');
    const used = world.zoho.inspect.credits().used;
    world.zoho.control.apiOptions.dailyCredits = used + 1;
    world.zoho.control.resetStats();

    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('E_QUOTA_EXCEEDED');
    expect(run.error?.message).toMatch(/LIMIT_REACHED/);
    expect(run.error?.message).toMatch(/rolling 24-hour window/);
    // One refusal, never retried.
    expect(world.zoho.control.stats().counters.creditsRefused).toBe(1);
    const written = world.zoho.inspect.count('Accounts');
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(250);
    // Records never sent are not failures: they simply wait for the next run.
    expect((await world.api.call('audit.list', { runId: run.id, outcome: 'failed' })).total).toBe(0);
    expect(run.counters.failed).toBe(0);

    world.zoho.control.apiOptions.dailyCredits = 50_000;
    const next = await world.api.call('flows.run', { id: flow.id });
    expect(next.status).toBe('succeeded');
    expect(world.zoho.inspect.count('Accounts')).toBe(250);
    expect(zohoWriteCalls(world.zoho)).toBeGreaterThan(0);
  }, 120_000);
});
