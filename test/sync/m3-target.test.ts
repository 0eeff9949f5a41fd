import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';
import { accessToken } from '../integration/sandbox/infor-helpers';

/**
 * Infor M3 as a flow's target (issue 16), through the engine: customers of M3 company 200 become
 * customers of company 100 under new numbers. The first run creates them, the second writes nothing
 * new, and a change in the source moves exactly that record once, as an update.
 */
describe('a flow writes M3 customers', () => {
  let infor: InforSandbox;
  let backend: Backend;
  let api: ApiClient;
  const folder = tempDir('mlc-m3-target-');

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

  it('creates, then nothing, then exactly the changed record', async () => {
    const content = JSON.stringify(infor.ionapi('backend-service'));
    const source = await api.call('connections.importIonapi', { fileName: 'src.ionapi', content, productLine: 'm3' });
    await api.call('connections.update', { id: source.id, settings: { m3Company: '200' } });
    const target = await api.call('connections.importIonapi', {
      fileName: 'dst.ionapi',
      content,
      productLine: 'm3',
      name: 'M3 target',
    });
    expect(target.id).not.toBe(source.id);
    await api.call('connections.update', {
      id: target.id,
      settings: { m3Company: '100', m3CustomerTemplate: 'TMPLDOM' },
    });
    const mapping = await api.call('mappings.save', {
      name: 'M3 200 → M3 100',
      sourceEntity: 'customers',
      targetEntity: 'customers',
      expression: '{ "CUNO": "X" & $substring(CUNO, 1), "CUNM": CUNM, "CUA1": CUA1, "PHNO": PHNO }',
    });
    const flow = await api.call('flows.save', {
      name: 'M3 200 → M3 100',
      source: { connectionId: source.id as never, entity: 'customers', lookbackSeconds: 0 },
      mappingId: mapping.id,
      target: { connectionId: target.id as never, entity: 'customers', matchKey: ['CUNO'] },
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

    const second = await api.call('flows.run', { id: flow.id });
    expect(second.counters.created + second.counters.updated).toBe(0);
    expect(infor.control.dataStats().customers.overlay).toBe(25);

    // A change in the source company (an M3 write there) moves that one record, as an update.
    const token = await accessToken(infor);
    const m3 = `${infor.url}/${infor.tenant}/M3/m3api-rest/v2/execute`;
    const changed = await fetch(`${m3}/CRS610MI/ChgBasicData;cono=200?CUNO=C0000003&CUNM=Changed%20In%20200`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(changed.status).toBe(200);
    const third = await api.call('flows.run', { id: flow.id });
    expect(third.counters).toMatchObject({ created: 0, updated: 1, failed: 0 });
    const got = await fetch(`${m3}/CRS610MI/GetBasicData;cono=100?CUNO=X0000003`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await got.json()) as { results: Array<{ records: Array<Record<string, string>> }> };
    expect(body.results[0]?.records[0]?.CUNM?.trim()).toBe('Changed In 200');
  }, 120_000);
});
