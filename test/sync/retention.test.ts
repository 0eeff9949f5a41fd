import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeFile } from '../support/backend';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

describe('audit retention', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 40 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('drops audit rows older than the setting but keeps every dead letter until it is replayed', async () => {
    // One record the target refuses (a parent account that does not exist) stays a dead letter.
    const expression = customerToZohoAccount.replace(
      '"Phone": PHNO',
      '"Phone": PHNO, "Parent_Account": CUNO = "C0000007" ? { "id": "404000000000404" } : undefined',
    );
    const flow = await world.flow({ name: 'Retention', expression });
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.counters).toMatchObject({ read: 40, failed: 1 });

    expect(await world.api.call('audit.retention', {})).toMatchObject({ days: 90, pruned: 0 });
    // Age the whole run by 45 days in the real SQLite file, as time would.
    const file = storeFile(world.dataDir);
    file
      .prepare("UPDATE audit SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '-45 days') WHERE run_id = ?")
      .run(run.id);
    file.close();
    expect(await world.api.call('audit.retention', { days: 60 })).toMatchObject({ days: 60, pruned: 0 });
    const pruned = await world.api.call('audit.retention', { days: 30 });
    expect(pruned).toEqual({ days: 30, pruned: 39 });
    expect((await world.api.call('audit.retention', {})).days).toBe(30);

    const left = await world.api.call('audit.list', { runId: run.id });
    expect(left.items.map((row) => [row.sourceKey, row.outcome])).toEqual([['C0000007', 'failed']]);
    // …and it can still be replayed.
    const replay = await world.api.call('runs.replay', { runId: run.id, mapping: 'original' });
    expect(replay.counters).toMatchObject({ read: 1, failed: 1 });
  }, 120_000);
});
