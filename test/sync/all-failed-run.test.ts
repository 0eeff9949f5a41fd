import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedRunStatus } from '../../electron/backend/sync/run-status';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

/** Issue 19: a run where every record failed achieved nothing; "partial" hid that. */
describe('the status a finished run gets from its records', () => {
  const counters = { read: 3, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
  it('is failed only when no record got through', () => {
    expect(finishedRunStatus(counters)).toBe('succeeded');
    expect(finishedRunStatus({ ...counters, failed: 3 })).toBe('failed');
    expect(finishedRunStatus({ ...counters, failed: 2, created: 1 })).toBe('partial');
    expect(finishedRunStatus({ ...counters, failed: 2, unchanged: 1 })).toBe('partial');
    expect(finishedRunStatus({ ...counters, failed: 2, skipped: 1 })).toBe('partial');
  });

  let world: SyncWorld;
  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 4 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('ends a flow run whose mapping refuses every record as failed, and one that refuses some as partial', async () => {
    const base = customerToZohoAccount.replace(/\}$/, '');
    const all = await world.flow({
      name: 'All refused',
      expression: `${base},\n  "Description": $error("refused")\n}`,
    });
    const run = await world.api.call('flows.run', { id: all.id });
    expect(run.counters).toMatchObject({ read: 4, failed: 4 });
    expect(run.status).toBe('failed');

    const some = await world.flow({
      name: 'One refused',
      expression: `${base},\n  "Description": CUNO = "C0000002" ? $error("refused") : "ok"\n}`,
    });
    const partial = await world.api.call('flows.run', { id: some.id });
    expect(partial.counters).toMatchObject({ failed: 1, created: 3 });
    expect(partial.status).toBe('partial');
  });
});
