import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import type { ProductLine } from '../../electron/backend/connectors/infor/infor-sources';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import { configurations } from '../../sandbox/infor/csi/csi-routes';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';

/**
 * Templated descriptor headers (`X-Infor-LnCompany: {lnCompany}`, `X-Infor-MongooseConfig:
 * {mongooseConfig}`) go out filled from the connection's settings on every API call, and not
 * at all when the setting is empty, as the simulator records them on the wire.
 */
describe('Infor headers declared as templates', () => {
  let sandbox: InforSandbox;
  const open: InforConnector[] = [];
  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 30 } });
  });
  afterAll(async () => {
    await Promise.all(open.map((connector) => connector.close()));
    await sandbox.close();
  });

  function connector(productLine: ProductLine, extra: Record<string, string>) {
    const parsed = parseIonApi(JSON.stringify(sandbox.ionapi()));
    const made = new InforConnector({
      connection: {
        id: `headers-${productLine}-${Math.random()}`,
        settings: { ...ionApiSettings(parsed), productLine, ...extra },
        sandbox: true,
      },
      secrets: ionApiSecrets(parsed),
    });
    open.push(made);
    return made;
  }

  async function apiCalls(read: () => AsyncIterable<unknown>) {
    sandbox.control.clearRequests();
    for await (const _page of read()) break;
    return sandbox.control.requests().filter((call) => call.metered);
  }

  it('LN: the company from the settings on every call, none when it is not set', async () => {
    const withCompany = await apiCalls(() => connector('ln', { lnCompany: '200' }).read('customers', { pageSize: 10 }));
    expect(withCompany.length).toBeGreaterThan(0);
    for (const call of withCompany) expect(call.headers['x-infor-lncompany']).toBe('200');
    const without = await apiCalls(() => connector('ln', { lnCompany: '' }).read('customers', { pageSize: 10 }));
    for (const call of without) expect(call.headers['x-infor-lncompany']).toBeUndefined();
  });

  it('CSI: the configured configuration on every call; without one on a multi-site tenant, no data call at all', async () => {
    const [first, second] = configurations(sandbox.tenant);
    expect(second).toBeDefined();
    const chosen = await apiCalls(() =>
      connector('csi', { mongooseConfig: second! }).read('customers', { pageSize: 10 }),
    );
    expect(chosen.length).toBeGreaterThan(0);
    for (const call of chosen) expect(call.headers['x-infor-mongooseconfig']).toBe(second);
    // Several sites, none chosen: reading the first silently would read another site's data (issue 14).
    sandbox.control.clearRequests();
    await expect(
      (async () => {
        for await (const _page of connector('csi', {}).read('customers', { pageSize: 10 })) break;
      })(),
    ).rejects.toMatchObject({ code: 'E_INFOR_CSI_CONFIG_REQUIRED' });
    const calls = sandbox.control.requests().filter((call) => call.metered);
    expect(calls.map((call) => call.path)).toEqual([`/${sandbox.tenant}/CSI/IDORequestService/ido/configurations`]);
    expect(first).toBeDefined();
  });
});
