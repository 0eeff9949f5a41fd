import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

const rejected = ['C0000003', 'C0000150', 'C0000299'];
// Points three accounts at a parent that does not exist: Zoho itself refuses them.
const brokenMapping = customerToZohoAccount.replace(
  '"Phone": PHNO',
  `"Phone": PHNO,
  "Parent_Account": CUNO in ${JSON.stringify(rejected)} ? { "id": "404000000000404" } : undefined`,
);

describe('storms, dead letters and replay', () => {
  let world: SyncWorld;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 3000 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('rides out a 429 storm and a 5xx burst on both sides without losing a record', async () => {
    const flow = await world.flow({ name: 'Storm', expression: customerToZohoAccount, pageSize: 500 });
    world.zoho.control.setFaults([
      { id: 'storm-429', pathRegex: 'upsert', status: 429, after: 5, times: 12 },
      { id: 'burst-503', pathRegex: 'upsert', status: 503, after: 20, times: 7 },
    ]);
    world.infor.control.setFaults([
      { id: 'source-429', pathRegex: 'm3api-rest', status: 429, retryAfter: 1, after: 2, times: 2 },
      { id: 'source-502', pathRegex: 'm3api-rest', status: 502, after: 4, times: 6 },
    ]);
    const run = await world.api.call('flows.run', { id: flow.id });
    world.zoho.control.clearFaults();
    world.infor.control.clearFaults();
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.counters).toMatchObject({ read: 3000, created: 3000, failed: 0 });
    expect(world.zoho.control.stats().faultsHit).toBe(19);
    expect(world.infor.control.stats().faultsHit).toBe(8);
    expect(world.zoho.inspect.count('Accounts')).toBe(3000);
    const numbers = new Set(world.zoho.inspect.records('Accounts').map((account) => account.Infor_Customer_No));
    expect(numbers.size).toBe(3000);
  }, 180_000);

  it('dead-letters records the target refuses, with its own error, and replays them after the fix', async () => {
    const flow = await world.flow({ name: 'Rejects', expression: brokenMapping });
    world.infor.control.modify('customers', [...rejected, 'C0000001']);
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.status).toBe('partial');
    expect(run.counters.failed).toBe(3);
    const failed = await world.api.call('audit.list', { runId: run.id, outcome: 'failed' });
    expect(failed.items.map((row) => row.sourceKey).sort()).toEqual(rejected);
    for (const row of failed.items) {
      // Zoho's own code and text, not ours.
      expect(row.errorCode).toBe('INVALID_DATA');
      expect(row.errorMessage).toMatch(/the id given seems to be invalid/);
      expect(row.transformedPayload).toMatchObject({ Parent_Account: { id: '404000000000404' } });
    }

    // Replaying with the same mapping fails again, as a new attempt.
    const again = await world.api.call('runs.replay', { runId: run.id, mapping: 'original' });
    expect(again.counters.failed).toBe(3);
    const attempts = await world.api.call('audit.list', { runId: again.id });
    expect(attempts.items.every((row) => row.attempt === 2)).toBe(true);

    // Fix the mapping, replay with the current one: all three land.
    const mapping = await world.api.call('mappings.get', { id: flow.mappingId });
    await world.api.call('mappings.save', {
      id: mapping.id,
      name: mapping.name,
      sourceEntity: mapping.sourceEntity,
      targetEntity: mapping.targetEntity,
      expression: customerToZohoAccount,
    });
    const fixed = await world.api.call('runs.replay', { runId: run.id, mapping: 'current' });
    expect(fixed.status).toBe('succeeded');
    expect(fixed.counters.updated + fixed.counters.created).toBe(3);
    for (const key of rejected) expect(world.zoho.inspect.findBy('Accounts', 'Infor_Customer_No', key)).toBeDefined();
    // Nothing is left to replay.
    const nothing = await world.api.call('runs.replay', { runId: run.id, mapping: 'current' });
    expect(nothing.counters.read).toBe(0);
  }, 120_000);

  it('exports a run’s audit rows as CSV and JSON Lines', async () => {
    const run = (await world.api.call('runs.list', {})).find((candidate) => candidate.counters.read > 0);
    const csv = await world.api.call('audit.export', { runId: run!.id, format: 'csv' });
    const lines = csv.content.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,runId,sourceKey,sourceStamp,outcome,/);
    expect(lines.length).toBe(csv.rows + 1);
    const jsonl = await world.api.call('audit.export', { runId: run!.id, format: 'jsonl' });
    const rows = jsonl.content
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { runId: string });
    expect(rows.every((row) => row.runId === run!.id)).toBe(true);
  });
});
