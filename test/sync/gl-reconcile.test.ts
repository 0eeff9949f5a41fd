import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import type { Connection } from '../../shared/domain/connection';
import type { Flow } from '../../shared/domain/flow';
import type { Run } from '../../shared/domain/run';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { syncService } from '../../electron/backend/sync/sync.service';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { InforData } from '../../sandbox/infor/data/records';
import { startCin7Sandbox, type Cin7Sandbox } from '../../sandbox/cin7/index';
import type { Cin7Record } from '../../sandbox/cin7/cin7-data';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';
import { connectInforAndTarget, saveFlow } from './support/connect';
import { m3GlAccountsToCin7 } from './gl-reconcile-mapping';

const seed = 1;
const counts = { customers: 5, suppliers: 5, salesOrders: 5, purchaseOrders: 5, invoices: 5, glAccounts: 12 };

/** What the mapping makes of M3's dimension-1 accounts, from the simulator's own data. */
function expectedAccounts(): Cin7Record[] {
  const truth = new InforData(seed, counts);
  const out: Cin7Record[] = [];
  for (let index = 0; index < counts.glAccounts; index += 2) {
    const account = truth.glAccount(index);
    const balance = account.kind === 'balance';
    out.push({
      Code: String(100_000 + (index / 2) * 10),
      Name: account.name,
      Type: balance ? 'CURRENT' : 'EXPENSE',
      Class: balance ? 'ASSET' : 'EXPENSE',
      Status: account.active ? 'ACTIVE' : 'ARCHIVED',
    });
  }
  return out;
}

describe('GL accounts Infor ↔ Cin7: reconcile runs report, fix, then find nothing to do', () => {
  const folder = tempDir('mlc-gl-reconcile-');
  const expected = expectedAccounts();
  // Two match, two differ (Name; Status), two are missing in Cin7, and Cin7 has one Infor lacks.
  const [same1, same2, renamed, archived, missing1, missing2] = expected as [
    Cin7Record,
    Cin7Record,
    Cin7Record,
    Cin7Record,
    Cin7Record,
    Cin7Record,
  ];
  const cin7Only = { Code: '999', Name: 'Suspense', Type: 'CURRLIAB', Class: 'LIABILITY', Status: 'ACTIVE' };
  let infor: InforSandbox;
  let cin7: Cin7Sandbox;
  let backend: Backend;
  let api: ApiClient;
  let source: Connection;
  let target: Connection;
  let flow: Flow;

  beforeAll(async () => {
    infor = await startInforSandbox({ seed, counts });
    cin7 = await startCin7Sandbox({
      rateLimit: null,
      counts: { suppliers: 0, customers: 0, purchases: 0 },
      accounts: [
        same1,
        same2,
        { ...renamed, Name: `${String(renamed.Name)} (old)` },
        { ...archived, Status: archived.Status === 'ACTIVE' ? 'ARCHIVED' : 'ACTIVE' },
        cin7Only,
      ],
    });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
    ({ source, target } = await connectInforAndTarget(api, infor, 'cin7', cin7.connection()));
    ({ flow } = await saveFlow(
      api,
      { source, target },
      {
        name: 'GL accounts',
        sourceEntity: 'glAccounts',
        targetEntity: 'Account',
        expression: m3GlAccountsToCin7,
        matchKey: 'Code',
      },
    ));
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await Promise.all([infor?.close(), cin7?.close()]);
    folder.remove();
  });

  const reconcile = async (fix: boolean, dryRun?: boolean, pageSize?: number): Promise<Run> => {
    const {
      id: _id,
      createdAt: _created,
      updatedAt: _updated,
      ...input
    } = await api.call('flows.get', {
      id: flow.id,
    });
    const options = { ...input.options, reconcile: { fix }, ...(pageSize ? { pageSize } : {}) };
    await api.call('flows.save', { ...input, id: flow.id, options });
    cin7.inspect.clearCalls();
    return api.call('flows.run', { id: flow.id, dryRun });
  };
  const writes = () => cin7.inspect.calls().filter((call) => call.method !== 'GET');
  const rows = async (run: Run) => (await api.call('audit.list', { runId: run.id, limit: 1000 })).items;
  const byCode = (code: unknown) => cin7.inspect.accounts().find((account) => account.Code === code);

  it('a report-only run writes nothing and reports exactly the differences', async () => {
    const before = cin7.inspect.accounts();
    const run = await reconcile(false);
    expect(run.status).toBe('succeeded');
    expect(writes()).toEqual([]);
    expect(cin7.inspect.accounts()).toEqual(before);
    // 12 FCHACC rows: 6 dimension-1 accounts compared, 6 other-dimension rows the mapping leaves out.
    expect(run.counters).toMatchObject({ read: 12, created: 0, updated: 0, unchanged: 2, skipped: 10, failed: 0 });
    expect(run.windowFrom).toBeNull();

    const audit = await rows(run);
    const of = (code: unknown) => audit.find((row) => (row.transformedPayload as Cin7Record | null)?.Code === code)!;
    expect([same1, same2].map((account) => of(account.Code).outcome)).toEqual(['unchanged', 'unchanged']);
    expect(of(renamed.Code)).toMatchObject({
      outcome: 'skipped',
      targetKey: renamed.Code,
      diff: [{ field: 'Name', before: `${String(renamed.Name)} (old)`, after: renamed.Name }],
    });
    expect(of(renamed.Code).errorMessage).toMatch(/^Differs from Cin7 Core \d+: Name\. Reported only/);
    expect(of(archived.Code).diff).toEqual([
      { field: 'Status', before: archived.Status === 'ACTIVE' ? 'ARCHIVED' : 'ACTIVE', after: archived.Status },
    ]);
    for (const account of [missing1, missing2]) {
      expect(of(account.Code)).toMatchObject({ outcome: 'skipped', targetKey: null });
      expect(of(account.Code).errorMessage).toMatch(/^Missing in Cin7 Core/);
    }
    expect(audit.filter((row) => row.errorMessage === 'The mapping returned nothing for this record.')).toHaveLength(6);
    expect(run.notes).toContain(
      'Reconcile: 2 match, 2 differ (reported), 2 only in Infor M3 (reported), 1 only in Cin7 Core (reported, never deleted: 999), 6 not mapped.',
    );
    // Its watermark stays where it was (none; a sync would keep the newest stamp): a later sync still reads everything.
    expect(await syncService(backend.context).deps.runs.watermark(flow.id)).toBeNull();
  }, 60_000);

  it('a dry run of a fixing reconcile only reports', async () => {
    const run = await reconcile(true, true);
    expect(writes()).toEqual([]);
    expect(run.counters).toMatchObject({ created: 0, updated: 0, unchanged: 2, skipped: 10 });
    expect(run.notes[0]).toMatch(/^Reconcile \(dry run\): 2 match, 2 differ \(reported\)/);
  }, 60_000);

  it('a fixing run writes exactly the differing and missing accounts; a third run writes nothing', async () => {
    const run = await reconcile(true);
    expect(run.status).toBe('succeeded');
    expect(run.counters).toMatchObject({ read: 12, created: 2, updated: 2, unchanged: 2, skipped: 6, failed: 0 });
    expect(
      writes()
        .map((call) => call.method)
        .sort(),
    ).toEqual(['POST', 'POST', 'PUT', 'PUT']);
    for (const account of expected) expect(byCode(account.Code)).toMatchObject(account);
    // Cin7's own account stays: reconcile reports records only the target has, never deletes them.
    expect(byCode('999')).toMatchObject(cin7Only);
    const audit = await rows(run);
    const fixed = audit.find((row) => row.outcome === 'updated' && row.targetKey === renamed.Code)!;
    expect(fixed.diff).toEqual([{ field: 'Name', before: `${String(renamed.Name)} (old)`, after: renamed.Name }]);
    expect(run.notes).toContain(
      'Reconcile: 2 match, 2 differ (fixed), 2 only in Infor M3 (created), 1 only in Cin7 Core (reported, never deleted: 999), 6 not mapped.',
    );

    // The id map pairs every compared account with its Cin7 code, as a sync leaves it.
    const compared = audit.filter((row) => row.transformedPayload !== null);
    expect(compared).toHaveLength(6);
    const paired = await syncService(backend.context).deps.idMap.entries(
      flow.id,
      compared.map((row) => row.sourceKey),
    );
    expect([...paired.values()].map((entry) => entry.targetKey).sort()).toEqual(
      expected.map((account) => account.Code).sort(),
    );

    const again = await reconcile(true);
    expect(writes()).toEqual([]);
    expect(again.counters).toMatchObject({ read: 12, created: 0, updated: 0, unchanged: 6, skipped: 6, failed: 0 });
    expect(again.notes).toContain(
      'Reconcile: 6 match, 0 differ (fixed), 0 only in Infor M3 (created), 1 only in Cin7 Core (reported, never deleted: 999), 6 not mapped.',
    );
    // One list call per side per run, nothing more.
    expect(again.calls).toMatchObject({ target: 1, targetMinimum: 1 });
    expect(await syncService(backend.context).deps.runs.watermark(flow.id)).toBeNull();
  }, 60_000);

  it('reads the source again after a storm that outlasts the HTTP retries, counting each record once', async () => {
    infor.control.resetStats();
    // 429s (they never open the breaker) from the third M3 call on, more than one call's retries take.
    infor.control.setFaults([{ id: 'storm', pathRegex: 'm3api-rest', status: 429, after: 2, times: 8 }]);
    try {
      const run = await reconcile(true, false, 4);
      expect(infor.control.stats().faultsHit).toBe(8);
      expect(run.error).toBeNull();
      expect(run.counters).toMatchObject({ read: 12, created: 0, updated: 0, unchanged: 6, skipped: 6, failed: 0 });
      const audit = await rows(run);
      expect(new Set(audit.map((row) => row.sourceKey)).size).toBe(12);
      expect(audit).toHaveLength(12);
      expect(writes()).toEqual([]);
    } finally {
      infor.control.clearFaults();
    }
  }, 60_000);
});
