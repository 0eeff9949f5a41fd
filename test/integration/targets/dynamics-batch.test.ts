import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamicsConnector } from '../../../electron/backend/connectors/dynamics/dynamics.connector';
import { batchLimits } from '../../../electron/backend/connectors/dynamics/dynamics.descriptor';
import type { JsonObject } from '../../../electron/backend/connectors/framework/connector';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../../sandbox/dynamics/index';

/**
 * Issue 5: a `$batch` upsert of 2,500 accounts never sends a body over
 * 256 KB, and every refused record is reported on its own, in input order,
 * with Dataverse's own code and message.
 */
describe('Dynamics 365 $batch upsert of 2,500 records', () => {
  let sandbox: DynamicsSandbox;
  let connector: DynamicsConnector;
  const observed: Array<{ bytes: number; requests: number }> = [];

  beforeAll(async () => {
    sandbox = await startDynamicsSandbox({ counts: { account: 5, contact: 0, salesorder: 0, invoice: 0, quote: 0 } });
    const connection = sandbox.connection();
    connector = new DynamicsConnector(
      {
        connection: { id: 'dynamics-batch', settings: connection.settings, sandbox: true },
        secrets: connection.secrets,
      },
      { onBatch: (batch) => observed.push(batch) },
    );
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  // Seeded refusals, each with the error Dataverse gives for it.
  const invalid = new Map<number, { code: string; field?: string; message: RegExp }>([
    [
      17,
      {
        code: '0x80044331',
        field: 'name',
        message: /length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'/,
      },
    ],
    [
      999,
      {
        code: '0x8004431a',
        field: 'paymenttermscode',
        message: /value 7 of 'paymenttermscode' .* Accepted Values: 1,2,3,4/,
      },
    ],
    // OData conversion errors do not name the column.
    [1000, { code: '0x80048d19', message: /Cannot convert the literal 'lots' to the expected type 'Edm.Decimal'/ }],
    [
      1731,
      {
        code: '0x80060888',
        field: 'fax_number',
        message: /Could not find a property named 'fax_number' on type 'Microsoft.Dynamics.CRM.account'/,
      },
    ],
    [2499, { code: '0x80040217', message: /account With Id = .*NOPE.* Does Not Exist/ }],
  ]);

  function record(index: number): JsonObject {
    const number = String(index).padStart(5, '0');
    const base: JsonObject = {
      accountnumber: `B-${number}`,
      name: `Batch account ${number}`,
      mlc_inforcustomerno: `IC${number}`,
      paymenttermscode: (index % 4) + 1,
      creditlimit: index * 10,
      address1_city: 'Rotterdam',
      // Realistic free text makes the byte limit, not the 1,000-request limit, decide the split.
      description: `Imported from Infor CloudSuite customer ${number}. `.repeat(4),
    };
    if (index === 17) base.name = 'X'.repeat(161);
    if (index === 999) base.paymenttermscode = 7;
    if (index === 1000) base.creditlimit = 'lots';
    if (index === 1731) base.fax_number = '+31 10 000 0000';
    if (index === 2499) base['parentaccountid@odata.bind'] = "/accounts(accountnumber='NOPE')";
    if (index === 2000) base['parentaccountid@odata.bind'] = "/accounts(accountnumber='B-00001')";
    return base;
  }

  it('splits by body size, reports each failure in input order, and writes the rest', async () => {
    const records = Array.from({ length: 2500 }, (_, index) => record(index));
    sandbox.inspect.clearBatches();
    const results = await connector.write('account', records, { matchKey: ['accountnumber'] });

    // Every body the sandbox received, measured on arrival.
    const batches = sandbox.inspect.batches();
    expect(batches.length).toBeGreaterThan(Math.ceil(2500 / batchLimits.maxRequests));
    for (const batch of batches) {
      expect(batch.bytes).toBeLessThanOrEqual(256 * 1024);
      expect(batch.requests).toBeLessThanOrEqual(1000);
      expect(batch.continueOnError).toBe(true);
      expect(batch.status).toBe(200);
    }
    expect(batches.map((batch) => batch.bytes)).toEqual(observed.map((batch) => batch.bytes));
    expect(batches.reduce((sum, batch) => sum + batch.requests, 0)).toBe(2500);
    // The split is tight: every body but the last would have overflowed with one more part.
    expect(Math.min(...batches.slice(0, -1).map((batch) => batch.bytes))).toBeGreaterThan(256 * 1024 - 2048);

    expect(results).toHaveLength(2500);
    results.forEach((result, index) => {
      const expected = invalid.get(index);
      if (!expected) {
        expect(result.outcome, `record ${index}: ${JSON.stringify(result.error)}`).toBe('created');
        expect(result.targetKey).toMatch(/^[0-9a-f-]{36}$/);
        return;
      }
      expect(result.outcome, `record ${index}`).toBe('failed');
      expect(result.error?.code).toBe(expected.code);
      expect(result.error?.message).toMatch(expected.message);
      expect(result.error?.field).toBe(expected.field);
    });

    const stored = sandbox.inspect.records('account').filter((row) => String(row.accountnumber).startsWith('B-'));
    expect(stored).toHaveLength(2500 - invalid.size);
    const linked = sandbox.inspect.record('account', { accountnumber: 'B-02000' });
    expect(linked?._parentaccountid_value).toBe(
      sandbox.inspect.record('account', { accountnumber: 'B-00001' })?.accountid,
    );
    expect(results[5]?.targetKey).toBe(sandbox.inspect.record('account', { accountnumber: 'B-00005' })?.accountid);
  });

  it('finds keys holding / or & by $filter and writes them by id in the same batches as the others', async () => {
    // Dataverse refuses such keys in the URL (Microsoft Learn, "Define alternate keys using Power Apps").
    const records = ['U-1', 'U/2', 'U&3', 'U-4'].map((accountnumber) => ({
      accountnumber,
      name: `Unsafe ${accountnumber}`,
    }));
    sandbox.inspect.clearBatches();
    const created = await connector.write('account', records, { matchKey: ['accountnumber'] });
    expect(created.map((result) => result.outcome)).toEqual(['created', 'created', 'created', 'created']);
    const idOf = (accountnumber: string) => sandbox.inspect.record('account', { accountnumber })?.accountid;
    expect(created.map((result) => result.targetKey)).toEqual(records.map((record) => idOf(record.accountnumber)));
    // One lookup batch for the two unsafe keys, then one write batch carrying all four records.
    expect(sandbox.inspect.batches().map((batch) => batch.requests)).toEqual([1, 4]);

    const renamed = records.map((record) => ({ ...record, name: `Renamed ${record.accountnumber}` }));
    const updated = await connector.write('account', renamed, { matchKey: ['accountnumber'] });
    expect(updated.map((result) => result.outcome)).toEqual(['updated', 'updated', 'updated', 'updated']);
    expect(updated.map((result) => result.targetKey)).toEqual(created.map((result) => result.targetKey));
    expect(sandbox.inspect.record('account', { accountnumber: 'U&3' })?.name).toBe('Renamed U&3');
    expect(sandbox.inspect.records('account').filter((row) => String(row.accountnumber).startsWith('U'))).toHaveLength(
      4,
    );
  });

  it('fails a record whose key holding & several records answer, naming them', async () => {
    await connector.write(
      'account',
      [
        { accountnumber: 'D-1', name: 'Dup & Co' },
        { accountnumber: 'D-2', name: 'Dup & Co' },
      ],
      { matchKey: ['accountnumber'] },
    );
    const [result] = await connector.write('account', [{ name: 'Dup & Co', telephone1: '555' }], {
      matchKey: ['name'],
    });
    expect(result?.outcome).toBe('failed');
    expect(result?.error?.code).toBe('E_SYNC_AMBIGUOUS');
    expect(result?.error?.message).toContain("name 'Dup & Co'");
    for (const accountnumber of ['D-1', 'D-2']) {
      const row = sandbox.inspect.record('account', { accountnumber });
      expect(result?.error?.message).toContain(String(row?.accountid));
      expect(row?.telephone1).not.toBe('555');
    }
  });

  it('updates on the second run (200 instead of 201) and keeps one row per key', async () => {
    const records = Array.from({ length: 40 }, (_, index) => ({ ...record(index + 100), name: `Renamed ${index}` }));
    const results = await connector.write('account', records, { matchKey: ['accountnumber'] });
    expect(results.every((result) => result.outcome === 'updated')).toBe(true);
    expect(sandbox.inspect.record('account', { accountnumber: 'B-00100' })?.name).toBe('Renamed 0');
    expect(sandbox.inspect.records('account').filter((row) => row.accountnumber === 'B-00100')).toHaveLength(1);
  });
});
