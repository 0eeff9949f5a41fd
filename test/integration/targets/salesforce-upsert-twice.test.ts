import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../electron/backend/connectors/framework/connector';
import {
  createSalesforceConnector,
  type SalesforceConnector,
} from '../../../electron/backend/connectors/salesforce/salesforce.connector';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index';

const accounts = (count: number, suffix = ''): JsonObject[] =>
  Array.from({ length: count }, (_, index) => ({
    Infor_Customer_Number__c: `C${String(index).padStart(6, '0')}`,
    Name: `Customer ${index}${suffix}`,
    Infor_Account_Kind__c: 'Customer',
    BillingCity: 'Boston',
  }));

describe('Salesforce upsert of 1,000 accounts, twice', () => {
  let sandbox: SalesforceSandbox;
  let connector: SalesforceConnector;
  const upsertCalls = () => sandbox.control.stats().routes['Salesforce collections upsert']?.total ?? 0;

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ seedAccounts: 0, dailyRequests: 40 });
    const connection = sandbox.connection();
    connector = createSalesforceConnector({
      connection: { id: 'salesforce-upsert-twice', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it('creates 1,000 in five calls, then updates them all without creating any', async () => {
    const write = connector.descriptor.entities.Account!.write;
    const maxBatch = write.mode === 'read-only' ? 0 : write.maxBatch;
    const first = await connector.write('Account', accounts(1000), { matchKey: ['Infor_Customer_Number__c'] });
    expect(upsertCalls()).toBe(Math.ceil(1000 / maxBatch));
    expect(first.filter((result) => result.outcome === 'created')).toHaveLength(1000);
    expect(sandbox.inspect.count('Account')).toBe(1000);
    expect(sandbox.inspect.largestBatch('Account')).toBe(maxBatch);

    const second = await connector.write('Account', accounts(1000, ' (renamed)'), {
      matchKey: ['Infor_Customer_Number__c'],
    });
    expect(upsertCalls()).toBe(2 * Math.ceil(1000 / maxBatch));
    expect(second.filter((result) => result.outcome === 'created')).toHaveLength(0);
    expect(second.every((result) => result.outcome === 'updated' || result.outcome === 'unchanged')).toBe(true);
    expect(second.map((result) => result.targetKey)).toEqual(first.map((result) => result.targetKey));
    expect(sandbox.inspect.findBy('Account', 'Infor_Customer_Number__c', 'C000999')?.Name).toBe(
      'Customer 999 (renamed)',
    );
    // Sforce-Limit-Info is recorded on the connector.
    expect(connector.apiUsage()).toMatchObject({ limit: 40 });
    expect(connector.apiUsage()!.used).toBeGreaterThanOrEqual(10);
  });

  it('reports exactly the three invalid records of a batch, with Salesforce’s own error text', async () => {
    const records: JsonObject[] = accounts(200).map((record) => ({
      ...record,
      Infor_Customer_Number__c: `B${String(record.Infor_Customer_Number__c)}`,
    }));
    delete records[5]!.Name;
    records[50] = { ...records[50], Infor_Account_Kind__c: 'Competitor' };
    records[150] = { ...records[150], Name: 'y'.repeat(256) };
    const results = await connector.write('Account', records, { matchKey: ['Infor_Customer_Number__c'] });
    expect(results.flatMap((result, index) => (result.outcome === 'failed' ? [index] : []))).toEqual([5, 50, 150]);
    expect(results[5]!.error).toEqual({
      code: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name]',
      field: 'Name',
    });
    expect(results[50]!.error).toEqual({
      code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      message: 'Infor Account Kind: bad value for restricted picklist field: Competitor',
      field: 'Infor_Account_Kind__c',
    });
    expect(results[150]!.error).toMatchObject({ code: 'STRING_TOO_LONG', field: 'Name' });
    expect(results[150]!.error!.message).toMatch(/^Account Name: data value too large: y+ \(max length=255\)$/);
  });

  it('stops cleanly with E_QUOTA_EXCEEDED once the daily allocation is used up (403, never retried)', async () => {
    const before = sandbox.control.stats().total;
    let failure: unknown;
    try {
      for (let round = 0; round < 40; round += 1)
        await connector.write('Account', accounts(1), { matchKey: ['Infor_Customer_Number__c'] });
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'E_QUOTA_EXCEEDED' });
    expect((failure as Error).message).toMatch(/quota|REQUEST_LIMIT_EXCEEDED/);
    expect(sandbox.control.stats().byStatus['403']).toBe(1);
    expect(sandbox.control.stats().total - before).toBeLessThanOrEqual(40);
  });
});
