import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

/**
 * Issue 19: after a replay, the original run's failed rows say they were replayed (and how it went),
 * and the run says how many of its failed records are still waiting ("Replay all failed" shows it).
 */
describe('failed rows after a replay', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 5 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('mark the rows a replay wrote, keep the rest waiting, and count what is left', async () => {
    const base = customerToZohoAccount.replace(/\}$/, '');
    const refusing = (keys: string[]) =>
      `${base},\n  "Description": CUNO in ${JSON.stringify(keys)} ? $error("refused") : "ok"\n}`;
    const flow = await world.flow({ name: 'Refusing two', expression: refusing(['C0000002', 'C0000004']) });
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.counters).toMatchObject({ failed: 2, created: 3 });
    const before = await world.api.call('audit.list', { runId: run.id, outcome: 'failed' });
    expect(before.waiting).toBe(2);
    expect(before.items.map((row) => row.later)).toEqual([undefined, undefined]);

    // The mapping is fixed for one of the two; replay both with it.
    const {
      hash: _hash,
      updatedAt: _updatedAt,
      ...mapping
    } = await world.api.call('mappings.get', {
      id: flow.mappingId,
    });
    await world.api.call('mappings.save', { ...mapping, expression: refusing(['C0000004']) });
    const replay = await world.api.call('runs.replay', { runId: run.id, mapping: 'current' });
    expect(replay.counters).toMatchObject({ read: 2, failed: 1 });

    const after = await world.api.call('audit.list', { runId: run.id, outcome: 'failed' });
    expect(after.items.map((row) => [row.sourceKey, row.later])).toEqual([
      ['C0000002', { runId: replay.id, trigger: 'replay', outcome: 'created' }],
      ['C0000004', { runId: replay.id, trigger: 'replay', outcome: 'failed' }],
    ]);
    expect(after.waiting).toBe(1);

    // Fixed for both: nothing left.
    await world.api.call('mappings.save', { ...mapping, expression: refusing([]) });
    await world.api.call('runs.replay', { runId: run.id, mapping: 'current' });
    const done = await world.api.call('audit.list', { runId: run.id, outcome: 'failed' });
    expect(done.waiting).toBe(0);
    expect(done.items.map((row) => row.later?.outcome)).toEqual(['created', 'created']);
    // Without a run there is no count; an unknown run lists nothing, as before.
    expect((await world.api.call('audit.list', { flowId: flow.id })).waiting).toBeUndefined();
    expect(await world.api.call('audit.list', { runId: 'no-such-run' as typeof run.id })).toEqual({
      total: 0,
      items: [],
    });
  });
});
