import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';
import { connectInfor } from './support/connect';

/**
 * CloudSuite Industrial as a flow's target (issue 16), through the engine: the customers of M3
 * company 200 become SLCustomers bill-to rows (CustSeq 0) under new numbers. The first run inserts
 * them through IDO updates, the second writes nothing.
 */
describe('a flow writes CSI customers', () => {
  let infor: InforSandbox;
  let backend: Backend;
  let api: ApiClient;
  const folder = tempDir('mlc-csi-target-');

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { customers: 30 } });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
  });
  afterAll(async () => {
    await backend?.close();
    await infor?.close();
    folder.remove();
  });

  it('inserts each customer once, then writes nothing', async () => {
    const source = await connectInfor(api, infor, { settings: { m3Company: '200' } });
    const target = await connectInfor(api, infor, {
      name: 'CSI target',
      productLine: 'csi',
      settings: { mongooseConfig: `${infor.tenant}_DALS` },
    });
    const mapping = await api.call('mappings.save', {
      name: 'M3 200 → CSI customers',
      sourceEntity: 'customers',
      targetEntity: 'customers',
      expression: '{ "CustNum": "M" & $substring(CUNO, 2), "CustSeq": 0, "Name": CUNM, "Addr_1": CUA1 }',
    });
    const flow = await api.call('flows.save', {
      name: 'M3 200 → CSI customers',
      source: { connectionId: source.id as never, entity: 'customers', lookbackSeconds: 0 },
      mappingId: mapping.id,
      target: { connectionId: target.id as never, entity: 'customers', matchKey: ['CustNum', 'CustSeq'] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false },
      paused: false,
    });
    const first = await api.call('flows.run', { id: flow.id });
    if (first.counters.failed > 0) {
      const [failure] = (await api.call('audit.list', { runId: first.id, outcome: 'failed', limit: 1 })).items;
      throw new Error(`${first.counters.failed} failed, e.g. ${failure?.errorCode}: ${failure?.errorMessage}`);
    }
    expect(first.error).toBeNull();
    expect(first.counters).toMatchObject({ read: 25, created: 25, failed: 0 });
    expect(infor.control.dataStats().customers.overlay).toBe(25);

    const updates = () => infor.control.requests().filter((call) => call.path.includes('/ido/update/')).length;
    const before = updates();
    const second = await api.call('flows.run', { id: flow.id });
    expect(second.counters.created + second.counters.updated + second.counters.failed).toBe(0);
    expect(updates()).toBe(before);
  }, 120_000);
});
