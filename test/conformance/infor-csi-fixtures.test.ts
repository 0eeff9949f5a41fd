import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { readJsonFixture } from '../support/paths';
import { readAll } from './infor-lines-support';

const misc = readJsonFixture<Record<string, unknown>>('infor', 'mongoose_v2_misc_responses.json');
const configurationsBody = misc['GetConfigurations (GET /ido/configurations?configgroup=DEV)'] as {
  Configurations: string[];
};
const loadBody = readJsonFixture<{ Items: Array<Record<string, string>>; Bookmark: string }>(
  'infor',
  'mongoose_v2_LoadCollection_response_UserNames.json',
);
const infoBody = readJsonFixture<{ Keys: string[]; Properties: Array<Record<string, unknown>> }>(
  'infor',
  'mongoose_v2_GetPropertyInformation_response_UserNames.json',
);

/**
 * The real CSI payloads in ../shared/fixtures/infor, served byte for byte over HTTP to the whole
 * connector (sign-in against the Infor sandbox, reads against this replay gateway), and every
 * field of what comes out compared with what went in. The only invented answer is the empty page
 * after the fixture's last one (its `MoreRowsExist` is true).
 */
describe('Infor CSI: real fixtures through the connector', () => {
  let sandbox: InforSandbox;
  let gateway: http.Server;
  let gatewayUrl = '';
  const calls: Array<{ path: string; query: URLSearchParams; config: string | undefined }> = [];
  const open: InforConnector[] = [];

  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 5 } });
    const base = `/${sandbox.tenant}/CSI/IDORequestService/ido/`;
    gateway = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://gateway');
      const config = request.headers['x-infor-mongooseconfig'];
      calls.push({
        path: url.pathname,
        query: url.searchParams,
        config: typeof config === 'string' ? config : undefined,
      });
      const send = (body: unknown) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      const route = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : '';
      if (route === 'configurations') return send(configurationsBody);
      if (route === 'info/UserNames') return send(infoBody);
      if (route === 'load/UserNames')
        return send(
          url.searchParams.get('loadtype') === 'NEXT'
            ? { Items: [], Bookmark: null, MoreRowsExist: false, Success: true, Message: null }
            : loadBody,
        );
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all(open.map((connector) => connector.close()));
    await new Promise((resolve) => gateway.close(resolve));
    await sandbox.close();
  });

  function connector(extra: Record<string, string> = {}) {
    const parsed = parseIonApi(JSON.stringify({ ...sandbox.ionapi(), iu: gatewayUrl }));
    const made = new InforConnector({
      connection: {
        id: `csi-fixtures-${Math.random()}`,
        settings: {
          ...ionApiSettings(parsed),
          productLine: 'csi',
          entitySources: JSON.stringify({ customers: { ido: 'UserNames', keys: ['UserId'] } }),
          ...extra,
        },
        sandbox: true,
      },
      secrets: ionApiSecrets(parsed),
    });
    open.push(made);
    return made;
  }

  it('mongoose_v2_misc_responses.json configurations: the three sites, none chosen silently', async () => {
    expect(configurationsBody.Configurations).toEqual(['CSI_DALS', 'CSI_EMEA', 'CSI_LA']);
    expect(await connector().csiConfigurations()).toEqual(configurationsBody.Configurations);
    const error = await readAll(connector(), 'customers').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'E_INFOR_CSI_CONFIG_REQUIRED',
      details: { field: 'mongooseConfig', configurations: ['CSI_DALS', 'CSI_EMEA', 'CSI_LA'] },
    });
  });

  it('mongoose_v2_LoadCollection_response_UserNames.json: every record and field as the server sent it', async () => {
    calls.length = 0;
    const records = await readAll(connector({ mongooseConfig: 'CSI_EMEA' }), 'customers', { pageSize: 2 });
    expect(records).toEqual(
      loadBody.Items.map((item) => ({ key: item.UserId, stamp: '', data: { ...item }, raw: item })),
    );
    const loads = calls.filter((call) => call.path.endsWith('/load/UserNames'));
    expect(loads.map((call) => call.config)).toEqual(['CSI_EMEA', 'CSI_EMEA']);
    expect(loads[0]?.query.get('orderby')).toBe('UserId');
    expect(loads[0]?.query.get('recordcap')).toBe('2');
    // The fixture's bookmark goes back unchanged with loadtype=NEXT.
    expect([loads[1]?.query.get('loadtype'), loads[1]?.query.get('bookmark')]).toEqual(['NEXT', loadBody.Bookmark]);
  });

  it('mongoose_v2_GetPropertyInformation_response_UserNames.json: the schema holds every property as described', async () => {
    const schema = await connector({ mongooseConfig: 'CSI_DALS' }).schema('customers', { refresh: true });
    expect(schema.keyFields).toEqual(infoBody.Keys);
    expect(schema.fields).toHaveLength(infoBody.Properties.length);
    infoBody.Properties.forEach((property, index) => {
      expect(schema.fields[index]).toMatchObject({
        name: property.Name,
        type: 'number',
        nativeType: property.DataType,
        readOnly: property.ReadOnly,
        required: { onCreate: property.Required, onUpdate: false },
        externalId: infoBody.Keys.includes(String(property.Name)),
      });
    });
  });
});
