import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSalesforceConnector,
  type SalesforceConnector,
} from '../../../electron/backend/connectors/salesforce/salesforce.connector';
import { createZohoConnector, type ZohoConnector } from '../../../electron/backend/connectors/zoho/zoho.connector';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index';
import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho/index';

/**
 * The simulators refuse a write whose body is not declared JSON, as the real
 * systems may (API-FACTS §10), so a connector that forgets the header fails here.
 * A byte-array body makes fetch send no Content-Type at all.
 */
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('Zoho simulator: writes must be declared application/json', () => {
  let sandbox: ZohoSandbox;
  let connector: ZohoConnector;
  beforeAll(async () => {
    sandbox = await startZohoSandbox({ seedAccounts: 5 });
    const connection = sandbox.connection();
    connector = createZohoConnector({
      connection: { id: 'zoho-content-type', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it('answers 400 INVALID_DATA naming the header, and accepts the same body labelled JSON', async () => {
    const token = (await connector.tokens!.get()).accessToken;
    const url = `${sandbox.url}/crm/v8/Accounts/upsert`;
    const body = {
      data: [{ Account_Name: 'Typed', Account_Type: 'Customer' }],
      duplicate_check_fields: ['Account_Name'],
    };
    const refused = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${token}` },
      body: bytes(body),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      code: 'INVALID_DATA',
      status: 'error',
      details: { header: 'Content-Type', expected_value: 'application/json' },
    });
    const accepted = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
      body: bytes(body),
    });
    expect(accepted.status).toBeLessThan(300);
  });
});

/** Zoho's own curl examples send JSON labelled as a form: the live server may accept it, so the strict check is a switch. */
describe('Zoho simulator with requireJsonContentType off (a lenient tenant)', () => {
  let sandbox: ZohoSandbox;
  let connector: ZohoConnector;
  beforeAll(async () => {
    sandbox = await startZohoSandbox({ seedAccounts: 0, requireJsonContentType: false });
    const connection = sandbox.connection();
    connector = createZohoConnector({
      connection: { id: 'zoho-lenient', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it('accepts an untyped JSON write, and typed writes from the connector work the same', async () => {
    const token = (await connector.tokens!.get()).accessToken;
    const url = `${sandbox.url}/crm/v8/Accounts/upsert`;
    const body = {
      data: [{ Account_Name: 'Untyped', Account_Type: 'Customer' }],
      duplicate_check_fields: ['Account_Name'],
    };
    const accepted = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${token}` },
      body: bytes(body),
    });
    expect(accepted.status).toBeLessThan(300);
    const written = await connector.write('Accounts', [{ Account_Name: 'Typed', Account_Type: 'Customer' }], {
      matchKey: ['Account_Name'],
    });
    expect(written.map((result) => result.outcome)).toEqual(['created']);
    expect(sandbox.inspect.count('Accounts')).toBe(2);
  });
});

describe('Salesforce simulator: writes must be declared application/json', () => {
  let sandbox: SalesforceSandbox;
  let connector: SalesforceConnector;
  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ seedAccounts: 0 });
    const connection = sandbox.connection();
    connector = createSalesforceConnector({
      connection: { id: 'salesforce-content-type', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE in its error-list shape, and accepts the same body labelled JSON', async () => {
    const token = (await connector.tokens!.get()).accessToken;
    const url = `${sandbox.url}/services/data/${sandbox.connection().settings.apiVersion}/composite/sobjects/Account/Infor_Customer_Number__c`;
    const body = {
      allOrNone: false,
      records: [{ attributes: { type: 'Account' }, Infor_Customer_Number__c: 'CT1', Name: 'Typed' }],
    };
    const refused = await fetch(url, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}` },
      body: bytes(body),
    });
    expect(refused.status).toBe(415);
    expect(await refused.json()).toEqual([
      { errorCode: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/MediaType of '.*' is not supported/) },
    ]);
    const accepted = await fetch(url, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: bytes(body),
    });
    expect(accepted.status).toBe(200);
    expect(sandbox.inspect.count('Account')).toBe(1);
  });
});
