import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { configurations } from '../../sandbox/infor/csi/csi-routes';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { inforConnectors, readAll } from './infor-lines-support';

/**
 * CSI on a multi-site tenant (issue 14): `/configurations` lists three sites, and the user picks
 * one; date filters use a literal SQL Server reads the same under every DATEFORMAT; a property
 * the IDO lacks is refused by the server and reported by name.
 */
describe('Infor CSI: sites, date literals, unknown properties', () => {
  let sandbox: InforSandbox;
  const connectors = inforConnectors(() => sandbox);
  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 30, salesOrders: 8 } });
  });
  afterAll(async () => {
    await connectors.closeAll();
    await sandbox.close();
  });

  it('several configurations and none chosen: an error listing them, not the first one silently', async () => {
    const error = await readAll(connectors.make('csi'), 'customers').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('E_INFOR_CSI_CONFIG_REQUIRED');
    for (const config of configurations(sandbox.tenant)) expect((error as AppError).message).toContain(config);
    expect((error as AppError).details).toMatchObject({ configurations: configurations(sandbox.tenant) });
  });

  it('the chosen site: its rows, its configuration header and its site header on every call', async () => {
    const [dals, emea] = configurations(sandbox.tenant);
    sandbox.control.clearRequests();
    const fromEmea = await readAll(connectors.make('csi', { mongooseConfig: emea, csiSite: 'EMEA' }), 'customers', {
      pageSize: 10,
    });
    const calls = sandbox.control.requests().filter((call) => call.metered);
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) {
      expect(call.headers['x-infor-mongooseconfig']).toBe(emea);
      expect(call.headers['x-infor-site']).toBe('EMEA');
    }
    const fromDals = await readAll(connectors.make('csi', { mongooseConfig: dals }), 'customers', { pageSize: 10 });
    expect(fromEmea.map((record) => record.key)).toEqual(fromDals.map((record) => record.key));
    expect(fromEmea[0]?.data.Name).not.toEqual(fromDals[0]?.data.Name);
    // Read straight from the simulator's EMEA site: every field the connector returns is the site's.
    const session = await fetch(
      `${sandbox.url}/${sandbox.tenant}/CSI/IDORequestService/ido/load/SLCustomers?properties=CustNum,Name&recordcap=1`,
      {
        headers: { 'x-infor-mongooseconfig': emea!, authorization: `Bearer ${await token(sandbox)}` },
      },
    );
    const body = (await session.json()) as { Items: Array<{ Name: string }> };
    expect(fromEmea[0]?.data.Name).toBe(body.Items[0]?.Name);
  });

  it('a chosen configuration reads all of its rows, with or without a server that needs the site header', async () => {
    const connector = connectors.make('csi', { mongooseConfig: configurations(sandbox.tenant)[0] });
    expect((await readAll(connector, 'customers', { pageSize: 50 })).length).toBe(30);
    sandbox.control.setLinesBehaviour({ csiRequireSite: true });
    try {
      const withSite = connectors.make('csi', { mongooseConfig: configurations(sandbox.tenant)[2], csiSite: 'LA' });
      expect((await readAll(withSite, 'customers', { pageSize: 50 })).length).toBe(30);
      const error = await readAll(connector, 'customers').catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'E_REMOTE', message: expect.stringContaining('X-Infor-Site') });
    } finally {
      sandbox.control.setLinesBehaviour({ csiRequireSite: false });
    }
  });

  it('incremental reads under a dmy session: exactly the records changed since the watermark', async () => {
    const [dals] = configurations(sandbox.tenant);
    // Changed on 5 January; the watermark is 1 February. Written as yyyy-MM-dd, a dmy server reads 2 January.
    const changed = sandbox.control.modify('customers', ['C0000004'], new Date(Date.UTC(2034, 0, 5)));
    const connector = connectors.make('csi', { mongooseConfig: dals });
    expect(await readAll(connector, 'customers', { since: '2034-02-01T00:00:00.000Z' })).toEqual([]);
    const since = await readAll(connector, 'customers', { since: '2034-01-05T00:00:00.000Z' });
    expect(since.map((record) => record.key)).toEqual(changed.map((key) => `${key}/0`));
    // A day above 12 is out of range when read as a month: the old literal failed the whole read.
    expect(await readAll(connector, 'customers', { since: '2034-01-13T00:00:00.000Z' })).toEqual([]);
    const filters = sandbox.control
      .requests()
      .map((call) => call.query.filter)
      .filter((filter): filter is string => Boolean(filter));
    expect(filters).toContain("RecordDate >= '2034-01-13T00:00:00.000'");
  });

  it('a stamp property the IDO lacks: the server refuses, the connector names the property and the IDO', async () => {
    const [dals] = configurations(sandbox.tenant);
    const connector = connectors.make('csi', {
      mongooseConfig: dals,
      entitySources: JSON.stringify({ customers: { stamp: 'ModifiedOn' } }),
    });
    const error = await readAll(connector, 'customers', { since: '2030-01-01T00:00:00.000Z' }).catch(
      (caught: unknown) => caught,
    );
    expect((error as AppError).code).toBe('E_INFOR_CSI_UNKNOWN_PROPERTY');
    expect((error as AppError).message).toContain('ModifiedOn');
    expect((error as AppError).message).toContain('SLCustomers');
    expect((error as AppError).details).toMatchObject({ property: 'ModifiedOn', ido: 'SLCustomers' });
  });
});

async function token(sandbox: InforSandbox): Promise<string> {
  const file = sandbox.ionapi() as Record<string, string>;
  const response = await fetch(`${file.pu}${file.ot}`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      username: file.saak ?? '',
      password: file.sask ?? '',
      client_id: file.ci ?? '',
      client_secret: file.cs ?? '',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
