import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';
import { connectInfor } from './support/connect';
import { accessToken } from '../integration/sandbox/infor-helpers';

/**
 * Infor LN and FSM as a flow's target (issue 16), through the engine: M3 company 200's customers
 * become LN business partners and its suppliers FSM vendors (group 1000) under new numbers. The
 * first run creates them, the second writes nothing new, a change in the source moves exactly that
 * record once, as an update.
 */
describe('flows write LN business partners and FSM vendors', () => {
  let infor: InforSandbox;
  let backend: Backend;
  let api: ApiClient;
  const folder = tempDir('mlc-ln-fsm-target-');

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { customers: 20, suppliers: 8 } });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
  });
  afterAll(async () => {
    await backend?.close();
    await infor?.close();
    folder.remove();
  });

  async function failures(runId: string) {
    const items = (await api.call('audit.list', { runId, outcome: 'failed', limit: 3 })).items;
    return items.map((item) => `${item.errorCode}: ${item.errorMessage}`).join('; ');
  }

  it('creates, then nothing, then exactly the changed record', async () => {
    const source = await connectInfor(api, infor, { settings: { m3Company: '200' } });
    const ln = await connectInfor(api, infor, { name: 'LN', productLine: 'ln' });
    const fsm = await connectInfor(api, infor, { name: 'FSM', productLine: 'fsm' });
    const flowOf = async (name: string, entity: string, target: string, expression: string, matchKey: string[]) => {
      const mapping = await api.call('mappings.save', { name, sourceEntity: entity, targetEntity: entity, expression });
      return api.call('flows.save', {
        name,
        source: { connectionId: source.id as never, entity, lookbackSeconds: 0 },
        mappingId: mapping.id,
        target: { connectionId: target as never, entity, matchKey },
        schedule: { kind: 'manual' },
        dependsOn: [],
        options: { dryRun: false },
        paused: false,
      });
    };
    const toLn = await flowOf(
      'M3 200 → LN',
      'customers',
      ln.id,
      '{ "BusinessPartner": "L" & $substring(CUNO, 1), "Name": $substring(CUNM, 0, 35), "Telephone": PHNO }',
      ['BusinessPartner'],
    );
    const toFsm = await flowOf(
      'M3 200 → FSM',
      'suppliers',
      fsm.id,
      '{ "VendorGroup": "1000", "Vendor": "F" & $substring(SUNO, 1), "VendorName": SUNM }',
      ['Vendor'],
    );

    for (const flow of [toLn, toFsm]) {
      const first = await api.call('flows.run', { id: flow.id });
      if (first.counters.failed > 0) throw new Error(`${first.counters.failed} failed: ${await failures(first.id)}`);
      expect(first.error).toBeNull();
      expect(first.counters.read).toBeGreaterThan(0);
      expect(first.counters).toMatchObject({ created: first.counters.read, updated: 0, failed: 0 });
      const second = await api.call('flows.run', { id: flow.id });
      expect(second.counters.created + second.counters.updated).toBe(0);
    }

    // A change in the source company moves that one customer, as an update LN reads back.
    const token = await accessToken(infor);
    const m3 = `${infor.url}/${infor.tenant}/M3/m3api-rest/v2/execute`;
    const changed = await fetch(`${m3}/CRS610MI/ChgBasicData;cono=200?CUNO=C0000003&CUNM=Changed%20In%20200`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(changed.status).toBe(200);
    const third = await api.call('flows.run', { id: toLn.id });
    expect(third.counters).toMatchObject({ created: 0, updated: 1, failed: 0 });
    const got = await fetch(
      `${infor.url}/${infor.tenant}/LN/lnapi/odata/tcapi.comBusinessPartner/BusinessPartners('L0000003')`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(((await got.json()) as { Name: string }).Name).toBe('Changed In 200');
  }, 120_000);
});
