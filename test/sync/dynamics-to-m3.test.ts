import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { DynamicsConnector } from '../../electron/backend/connectors/dynamics/dynamics.connector';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../sandbox/dynamics/index';
import { tempDir } from '../support/paths';
import { connectInfor, connectSystem, saveFlow } from './support/connect';
import { fastBackend } from './support/sync-harness';

/**
 * Issue 16, "Dynamics contacts → Infor M3 customers": Dataverse read incrementally as a flow's
 * source, M3 as its target, through the engine. The first run creates the customers, the second
 * writes nothing (it reads again only the records of the watermark's own second), and a contact
 * changed in Dynamics moves exactly that customer once.
 */
describe('a flow from Dataverse contacts to M3 customers', () => {
  let infor: InforSandbox;
  let dynamics: DynamicsSandbox;
  let backend: Backend;
  let api: ApiClient;
  const folder = tempDir('mlc-dynamics-m3-');
  const contacts = 12;

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { customers: 5 } });
    dynamics = await startDynamicsSandbox({
      counts: { account: 3, contact: contacts, salesorder: 0, invoice: 0, quote: 0 },
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

  it('creates, then writes nothing, then moves exactly the changed contact', async () => {
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
        expression:
          '{ "CUNO": mlc_inforcontactid, "CUNM": $substring(fullname, 0, 36), "CUA1": $substring($string(address1_line1 ? address1_line1 : "No address"), 0, 36) }',
        matchKey: 'CUNO',
      },
    );
    const first = await api.call('flows.run', { id: flow.id });
    if (first.counters.failed > 0) {
      const [failure] = (await api.call('audit.list', { runId: first.id, outcome: 'failed', limit: 1 })).items;
      throw new Error(`${first.counters.failed} failed, e.g. ${failure?.errorCode}: ${failure?.errorMessage}`);
    }
    expect(first.error).toBeNull();
    expect(first.counters).toMatchObject({ read: contacts, created: contacts, failed: 0 });

    // `modifiedon ge` the watermark: only the contacts of its own second come again, and change nothing.
    const stamps = dynamics.inspect.records('contact').map((row) => String(row.modifiedon));
    const newest = stamps.sort().at(-1);
    const second = await api.call('flows.run', { id: flow.id });
    expect(second.error).toBeNull();
    expect(second.counters.read).toBe(stamps.filter((stamp) => stamp === newest).length);
    expect(second.counters.created + second.counters.updated + second.counters.failed).toBe(0);

    // A person renames one contact in Dynamics: that customer alone is updated in M3.
    const [row] = dynamics.inspect.records('contact');
    const writer = new DynamicsConnector({
      connection: { id: 'dynamics-editor', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
    dynamics.control.clock.set(Date.parse(newest!) + 60_000);
    const [written] = await writer.write(
      'contact',
      [{ mlc_inforcontactid: row!.mlc_inforcontactid!, lastname: 'Renamed' }],
      {
        matchKey: ['mlc_inforcontactid'],
      },
    );
    await writer.close();
    expect(written?.outcome).toBe('updated');
    const third = await api.call('flows.run', { id: flow.id });
    // Read: the renamed contact, and again those of the watermark's second (written as unchanged).
    const ties = dynamics.inspect
      .records('contact')
      .filter((contact) => contact.modifiedon === newest && contact.contactid !== row!.contactid).length;
    expect(third.counters).toMatchObject({ read: 1 + ties, created: 0, updated: 1, failed: 0 });
  }, 120_000);
});
