import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JsonObject } from '../../../electron/backend/connectors/framework/connector';
import {
  createSalesforceConnector,
  type SalesforceConnector,
} from '../../../electron/backend/connectors/salesforce/salesforce.connector';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index';
import { readFixture } from '../../support/paths';

// Salesforce refuses a URI over 16,384 bytes with 414 and recommends at most 2,000 characters, since it
// augments the SOQL server-side (Salesforce Knowledge 000386264). The sandbox here is an org where the
// recommended length is the real one. A lookup naming every Account field and 200 ids is 6.6 KB.
const recommendedUri = 2_000;
const describeFixture = JSON.parse(
  (parse(readFixture('salesforce', 'describe_Account_cassette.yaml')) as { response: { body: { string: string } } })
    .response.body.string,
) as { fields: Array<{ name: string; type: string }> };
const fixtureFields = describeFixture.fields.filter((field) => !['address', 'location'].includes(field.type));

const accounts = (count: number): JsonObject[] =>
  Array.from({ length: count }, (_, index) => ({
    Infor_Customer_Number__c: `C${String(index).padStart(6, '0')}`,
    Name: `Customer ${index}`,
    BillingCity: 'Boston',
    Sic: '5045',
  }));

describe('Salesforce lookups keep URLs under the length Salesforce accepts', () => {
  let sandbox: SalesforceSandbox;
  let connector: SalesforceConnector;
  const queries = () => sandbox.control.stats().routes['Salesforce query']?.total ?? 0;

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ seedAccounts: 0, maxUriLength: recommendedUri });
    const connection = sandbox.connection();
    connector = createSalesforceConnector({
      connection: { id: 'salesforce-url-length', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
    await connector.write('Account', accounts(200), { matchKey: ['Infor_Customer_Number__c'] });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it('looks 200 accounts up with every field of a stock Account, in several calls none of them refused', async () => {
    const fields = await connector.readFields('Account');
    // The stock fields of the describe fixture (not its org's own packages and custom fields).
    const standard = fixtureFields.filter((field) => !field.name.includes('__')).map((field) => field.name);
    expect(standard.filter((name) => !fields.includes(name))).toEqual([
      'RecordTypeId',
      'BillingGeocodeAccuracy',
      'ShippingGeocodeAccuracy',
      'IsPartner',
      'IsCustomerPortal',
      'ChannelProgramName',
      'ChannelProgramLevelName',
      'CleanStatus',
      'DandbCompanyId',
      'OperatingHoursId',
    ]);
    const values = accounts(200).map((record) => String(record.Infor_Customer_Number__c));
    // What one call would have sent: twice what Salesforce takes and more.
    const single = new URLSearchParams({
      q: `SELECT ${fields.join(', ')} FROM Account WHERE Infor_Customer_Number__c IN (${values.map((value) => `'${value}'`).join(', ')})`,
    }).toString();
    expect(single.length).toBeGreaterThan(2 * recommendedUri);
    const before = queries();
    const hits = await connector.lookup('Account', 'Infor_Customer_Number__c', values);
    expect(hits.size).toBe(200);
    for (const field of fields) expect(hits.get('C000199')!.data).toHaveProperty(field);
    expect(hits.get('C000199')!.data).toMatchObject({ Name: 'Customer 199', Sic: '5045', BillingCity: 'Boston' });
    expect(sandbox.control.stats().byStatus['414'] ?? 0).toBe(0);
    expect(queries() - before).toBeGreaterThan(1);
  });
});
