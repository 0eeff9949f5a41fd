import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

/**
 * Issue 17: a sync reads only the columns its mapping uses (plus the key, the change stamp and the
 * change date), and a replay through a mapping that now reads more refuses rather than transform a
 * record that lacks those columns.
 */
describe('reading only the mapped columns', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 5 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  /** Every column the EXPORTMI selects on OCUSMA named since the log was cleared. */
  const selectedColumns = () => {
    const columns = new Set<string>();
    for (const request of world.infor.control.requests()) {
      if (!request.path.includes('/EXPORTMI/Select')) continue;
      const match = /^(.*) from OCUSMA\b/.exec(request.query.QERY ?? '');
      for (const name of match?.[1]?.split(',') ?? []) columns.add(name.trim());
    }
    return [...columns].sort();
  };

  it('asks M3 for exactly the mapped columns, the key, the stamp and the change date', async () => {
    const flow = await world.flow({ name: 'Narrow', expression: customerToZohoAccount });
    world.infor.control.clearRequests();
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.counters).toMatchObject({ read: 5, created: 5 });
    expect(selectedColumns()).toEqual(
      ['OKCUNO', 'OKLMTS', 'OKLMDT', 'OKCUNM', 'OKCUA1', 'OKTOWN', 'OKPONO', 'OKCSCD', 'OKPHNO'].sort(),
    );
    const [row] = (await world.api.call('audit.list', { runId: run.id, limit: 1 })).items;
    expect(row!.sourceFields).toEqual(['CSCD', 'CUA1', 'CUNM', 'CUNO', 'LMDT', 'LMTS', 'PHNO', 'PONO', 'TOWN']);
    expect(Object.keys(row!.sourcePayload as object).sort()).toEqual(row!.sourceFields);
  });

  it('reads every column for a mapping that may reach any field', async () => {
    const flow = await world.flow({
      name: 'Whole',
      expression: `{ "Infor_Customer_No": CUNO, "Account_Name": CUNM, "Description": $string($keys($)) }`,
    });
    world.infor.control.clearRequests();
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.counters).toMatchObject({ read: 5 });
    expect(selectedColumns().length).toBeGreaterThan(100);
    const [row] = (await world.api.call('audit.list', { runId: run.id, limit: 1 })).items;
    expect(row).not.toHaveProperty('sourceFields');
  });

  it('refuses to replay a narrowed record through a mapping that reads more, naming the record', async () => {
    const base = customerToZohoAccount.replace(/\}$/, '');
    const refusing = `${base},\n  "Description": CUNO = "C0000002" ? $error("refused") : "ok"\n}`;
    const flow = await world.flow({ name: 'Widened', expression: refusing });
    const run = await world.api.call('flows.run', { id: flow.id });
    // The earlier flows wrote the same Zoho accounts: these update them.
    expect(run.counters).toMatchObject({ read: 5, failed: 1 });

    const {
      hash: _hash,
      updatedAt: _updatedAt,
      ...mapping
    } = await world.api.call('mappings.get', { id: flow.mappingId });
    // Fixed, and now also reading the payment terms, which the first run did not read.
    await world.api.call('mappings.save', { ...mapping, expression: `${base},\n  "Description": TEPY\n}` });
    const widened = await world.api.call('runs.replay', { runId: run.id, mapping: 'current' });
    expect(widened.status).toBe('failed');
    expect(widened.error?.code).toBe('E_REPLAY_FIELDS');
    expect(widened.error?.message).toContain('Record C0000002');
    expect(widened.error?.message).toContain('TEPY');
    expect(widened.counters).toMatchObject({ read: 0, failed: 0 });

    // A fix that reads nothing new replays as before.
    await world.api.call('mappings.save', { ...mapping, expression: `${base},\n  "Description": CUNM\n}` });
    const fixed = await world.api.call('runs.replay', { runId: run.id, mapping: 'current' });
    expect(fixed.status).toBe('succeeded');
    expect(fixed.counters).toMatchObject({ read: 1, failed: 0 });
  });
});
