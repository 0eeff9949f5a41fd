import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../sandbox/dynamics/index';
import { syncService } from '../../electron/backend/sync/sync.service';
import { tempDir } from '../support/paths';
import { connectInfor, connectSystem, saveFlow } from './support/connect';
import { fastBackend } from './support/sync-harness';

/**
 * A target system as a flow's source, through the engine: Dataverse change tracking gives a delta
 * link the engine keeps beside the watermark and hands to the next run, which then gets changes and
 * deletions; a contact deleted in Dynamics is reported (skipped, counted as deleted), never written.
 */
describe('deletions and resume cursors of a source', () => {
  let infor: InforSandbox;
  let dynamics: DynamicsSandbox;
  let backend: Backend;
  let api: ApiClient;
  const folder = tempDir('mlc-source-deletions-');

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { customers: 5 } });
    dynamics = await startDynamicsSandbox({
      counts: { account: 2, contact: 6, salesorder: 0, invoice: 0, quote: 0 },
      changeTracking: ['contact'],
    });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
  });
  afterAll(async () => {
    await backend?.close();
    await infor?.close();
    await dynamics?.close();
    folder.remove();
  });

  it('keeps the delta link between runs and reports a deleted contact once', async () => {
    const connection = dynamics.connection();
    const source = await connectSystem(api, 'dynamics', connection);
    const target = await connectInfor(api, infor, { settings: { m3Company: '100', m3CustomerTemplate: 'TMPLDOM' } });
    const { flow } = await saveFlow(
      api,
      { source, target },
      {
        name: 'Dynamics contacts → M3 customers',
        sourceEntity: 'contact',
        targetEntity: 'customers',
        expression: '{ "CUNO": mlc_inforcontactid, "CUNM": $substring(fullname, 0, 36), "CUA1": "Street 1" }',
        matchKey: 'CUNO',
      },
    );
    const first = await api.call('flows.run', { id: flow.id });
    expect(first.counters).toMatchObject({ read: 6, created: 6, failed: 0, deleted: 0 });
    // The first incremental run starts tracking: it ends with a delta link, which the engine keeps.
    const second = await api.call('flows.run', { id: flow.id });
    expect(second.error).toBeNull();
    expect(second.counters.created + second.counters.updated).toBe(0);
    const cursor = () => syncService(backend.context).runs.readCursor(flow.id);
    const kept = cursor();
    expect(kept).toMatch(/\$deltatoken=/);

    const [gone] = dynamics.inspect.records('contact');
    dynamics.control.remove('contact', [String(gone!.contactid)]);
    const third = await api.call('flows.run', { id: flow.id });
    expect(third.error).toBeNull();
    // The third run followed the kept delta link (only a delta read reports deletions) and kept the next one.
    expect(cursor()).toMatch(/\$deltatoken=/);
    expect(cursor()).not.toBe(kept);
    expect(third.counters).toMatchObject({ deleted: 1, created: 0, updated: 0, failed: 0 });
    const [row] = (await api.call('audit.list', { runId: third.id, outcome: 'skipped', limit: 10 })).items.filter(
      (audit) => audit.errorCode === 'DELETED',
    );
    expect(row?.sourceKey).toBe(String(gone!.contactid));
    expect(row?.errorMessage).toMatch(/Deleted in the source/);
    // The M3 customer stays.
    expect(infor.control.dataStats().customers.overlay).toBe(6);

    // Reported once: the next run's delta has nothing more.
    const fourth = await api.call('flows.run', { id: flow.id });
    expect(fourth.counters.deleted).toBe(0);
  }, 120_000);
});
