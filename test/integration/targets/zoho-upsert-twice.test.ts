import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../electron/backend/connectors/framework/connector';
import { createZohoConnector, type ZohoConnector } from '../../../electron/backend/connectors/zoho/zoho.connector';
import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho/index';

const accounts = (count: number, suffix = ''): JsonObject[] =>
  Array.from({ length: count }, (_, index) => ({
    Infor_Customer_No: `C${String(index).padStart(6, '0')}`,
    Account_Name: `Customer ${index}${suffix}`,
    Account_Type: 'Customer',
    Billing_City: 'Berlin',
  }));

describe('Zoho upsert of 1,000 accounts, twice', () => {
  let sandbox: ZohoSandbox;
  let connector: ZohoConnector;
  const upsertCalls = () => sandbox.control.stats().routes['Zoho upsert']?.total ?? 0;

  beforeAll(async () => {
    sandbox = await startZohoSandbox({ seedAccounts: 0 });
    const connection = sandbox.connection();
    connector = createZohoConnector({
      connection: { id: 'zoho-upsert-twice', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it('creates 1,000 in ten calls, then updates them all without creating any', async () => {
    const batch = connector.descriptor.entities.Accounts!.write;
    const maxBatch = batch.mode === 'read-only' ? 0 : batch.maxBatch;
    const first = await connector.write('Accounts', accounts(1000), { matchKey: ['Infor_Customer_No'] });
    expect(upsertCalls()).toBe(Math.ceil(1000 / maxBatch));
    expect(first.filter((result) => result.outcome === 'created')).toHaveLength(1000);
    expect(sandbox.inspect.count('Accounts')).toBe(1000);
    expect(sandbox.inspect.largestBatch('Accounts')).toBe(maxBatch);

    const second = await connector.write('Accounts', accounts(1000, ' (renamed)'), { matchKey: ['Infor_Customer_No'] });
    expect(upsertCalls()).toBe(2 * Math.ceil(1000 / maxBatch));
    expect(second.filter((result) => result.outcome === 'created')).toHaveLength(0);
    expect(second.every((result) => result.outcome === 'updated' || result.outcome === 'unchanged')).toBe(true);
    expect(second.map((result) => result.targetKey)).toEqual(first.map((result) => result.targetKey));
    expect(sandbox.inspect.count('Accounts')).toBe(1000);
    expect(sandbox.inspect.findBy('Accounts', 'Infor_Customer_No', 'C000999')?.Account_Name).toBe(
      'Customer 999 (renamed)',
    );
  });

  it('reports exactly the three invalid records of a batch, with Zoho’s own error text', async () => {
    const records: JsonObject[] = accounts(100).map((record) => ({
      ...record,
      Infor_Customer_No: `B${String(record.Infor_Customer_No)}`,
    }));
    records[10] = { ...records[10], Phone: 'call me maybe' };
    delete records[42]!.Account_Name;
    records[77] = { ...records[77], Account_Name: 'x'.repeat(201) };
    const results = await connector.write('Accounts', records, { matchKey: ['Infor_Customer_No'] });
    const failed = results.flatMap((result, index) => (result.outcome === 'failed' ? [index] : []));
    expect(failed).toEqual([10, 42, 77]);
    expect(results[10]!.error).toMatchObject({ code: 'INVALID_DATA', field: 'Phone' });
    expect(results[10]!.error!.message).toMatch(/^invalid data \(Phone: expected phone\)/);
    expect(results[42]!.error).toMatchObject({ code: 'MANDATORY_NOT_FOUND', field: 'Account_Name' });
    expect(results[42]!.error!.message).toMatch(/^required field not found/);
    expect(results[77]!.error).toMatchObject({ code: 'INVALID_DATA', field: 'Account_Name' });
    expect(results[77]!.error!.message).toContain('at most 200 characters');
    expect(results.filter((result) => result.outcome === 'created')).toHaveLength(97);
  });
});
