import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsmPartyRows } from '../../sandbox/infor/fsm/fsm-classes';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { inforConnectors, readAll } from './infor-lines-support';

/**
 * FSM (issue 14): fields are found by sampling records (`_fields=_all`), as public clients do,
 * never through an invented `classes/{C}/fields` route; records are keyed by the whole key, so a
 * customer number that exists in two customer groups stays two records.
 */
describe('Infor FSM: sampled fields, whole keys', () => {
  let sandbox: InforSandbox;
  const connectors = inforConnectors(() => sandbox);
  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 60 } });
  });
  afterAll(async () => {
    await connectors.closeAll();
    await sandbox.close();
  });

  it('the schema is what a sample of records carries, found without a fields route', async () => {
    sandbox.control.clearRequests();
    const schema = await connectors.make('fsm').schema('customers', { refresh: true });
    expect(schema.keyFields).toEqual(['CustomerGroup', 'Customer']);
    expect(schema.fields.map((field) => field.name)).toEqual([
      'CustomerGroup',
      'Customer',
      'Name',
      'AddressLine1',
      'Municipality',
      'PostalCode',
      'Country',
      'PhoneNumber',
      'EmailAddress',
      'Currency',
      'TermsCode',
      'CreditLimit',
      'Active',
      'CreateDate',
      'UpdateStamp',
    ]);
    expect(schema.fields.find((field) => field.name === 'UpdateStamp')?.type).toBe('datetime');
    const paths = sandbox.control
      .requests()
      .filter((call) => call.metered)
      .map((call) => `${call.path}?_fields=${call.query._fields}`);
    expect(paths).toEqual([`/${sandbox.tenant}/FSM/fsm/soap/classes/Customer/lists/_generic?_fields=_all`]);
  });

  it('never asks for more than the stock 1000 records per call', async () => {
    sandbox.control.clearRequests();
    await readAll(connectors.make('fsm'), 'customers', { pageSize: 5000 });
    const limits = sandbox.control
      .requests()
      .filter((call) => call.metered)
      .map((call) => call.query._limit);
    expect(limits).toEqual(['1000']);
  });

  it('a number in two groups is two records, each with its own data', async () => {
    // A page ends between the twins: the next page resumes after group 1000's row, not after the number.
    const records = await readAll(connectors.make('fsm'), 'customers', { pageSize: 8 });
    expect(records).toHaveLength(fsmPartyRows(60));
    expect(new Set(records.map((record) => record.key)).size).toBe(records.length);
    const twins = records.filter((record) => record.data.Customer === 'C0000008');
    expect(twins.map((record) => record.key)).toEqual(['1000/C0000008', '2000/C0000008']);
    expect(twins[0]?.data.Name).not.toBe(twins[1]?.data.Name);
  });
});
