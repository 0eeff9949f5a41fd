import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../electron/backend/connectors/framework/connector';
import {
  createSalesforceConnector,
  type SalesforceConnector,
} from '../../../electron/backend/connectors/salesforce/salesforce.connector';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index';

/** The Salesforce simulator refuses what the real API refuses; the connector keeps one bad record from sinking its batch. */
describe('Salesforce strictness: unknown fields and malformed ids', () => {
  let sandbox: SalesforceSandbox;
  let connector: SalesforceConnector;
  const upsertCalls = () => sandbox.control.stats().routes['Salesforce collections upsert']?.total ?? 0;

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ seedAccounts: 0 });
    const connection = sandbox.connection();
    connector = createSalesforceConnector({
      connection: { id: 'salesforce-strict', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  const account = (index: number, extra: JsonObject = {}): JsonObject => ({
    Infor_Customer_Number__c: `S${index}`,
    Name: `Strict ${index}`,
    Infor_Account_Kind__c: 'Customer',
    ...extra,
  });

  it('a field the object lacks fails the whole collection request with 400 INVALID_FIELD', async () => {
    const { settings } = sandbox.connection();
    const token = await fetch(`${String(settings.myDomainUrl)}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: settings.clientId,
        client_secret: sandbox.connection().secrets.client_secret,
      }),
    }).then(async (response) => ((await response.json()) as { access_token: string }).access_token);
    const response = await fetch(
      `${sandbox.url}/services/data/${String(settings.apiVersion)}/composite/sobjects/Account/Infor_Customer_Number__c`,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          allOrNone: false,
          records: [account(90), account(91, { Colour__c: 'red' })].map((record) => ({
            attributes: { type: 'Account' },
            ...record,
          })),
        }),
      },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual([
      {
        message: "No such column 'Colour__c' on sobject of type Account",
        errorCode: 'INVALID_FIELD',
        fields: ['Colour__c'],
      },
    ]);
    // Nothing of the request was saved, not even the valid record.
    expect(sandbox.inspect.count('Account')).toBe(0);
  });

  it('fails only the records that carry the unknown field and writes the rest', async () => {
    const before = upsertCalls();
    const results = await connector.write(
      'Account',
      [account(1), account(2, { Colour__c: 'red' }), account(3), account(4, { Colour__c: 'blue' }), account(5)],
      { matchKey: ['Infor_Customer_Number__c'] },
    );
    expect(results.map((result) => result.outcome)).toEqual(['created', 'failed', 'created', 'failed', 'created']);
    expect(results[1]!.error).toMatchObject({ code: 'INVALID_FIELD', field: 'Colour__c' });
    expect(results[1]!.error!.message).toContain("No such column 'Colour__c'");
    // One refused call, then one for the records that can be saved.
    expect(upsertCalls() - before).toBe(2);
  });

  it('answers MALFORMED_ID per record for a lookup or key that cannot be a Salesforce id', async () => {
    const [created] = await connector.write('Account', [account(10)], { matchKey: ['Infor_Customer_Number__c'] });
    const results = await connector.write(
      'Account',
      [account(11, { ParentId: 'not-an-id' }), account(12, { ParentId: created!.targetKey! })],
      { matchKey: ['Infor_Customer_Number__c'] },
    );
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      error: {
        code: 'MALFORMED_ID',
        field: 'ParentId',
        message: 'Parent Account ID: id value of incorrect type: not-an-id',
      },
    });
    expect(results[1]!.outcome).toBe('created');
    const byId = await connector.write('Account', [{ Id: '001-short', Name: 'By id' }], { matchKey: ['Id'] });
    expect(byId[0]).toMatchObject({ outcome: 'failed', error: { code: 'MALFORMED_ID', field: 'Id' } });
  });
});
