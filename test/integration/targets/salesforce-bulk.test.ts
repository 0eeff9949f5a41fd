import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../electron/backend/connectors/framework/connector';
import { parseBulkError, recordsToCsv } from '../../../electron/backend/connectors/salesforce/salesforce-bulk';
import {
  createSalesforceConnector,
  type SalesforceConnector,
} from '../../../electron/backend/connectors/salesforce/salesforce.connector';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index';

/** Salesforce Bulk API 2.0 ingest against the strict simulator over HTTP (issue 15, "Bulk APIs for big loads"). */
describe('Salesforce Bulk API 2.0 upsert jobs', () => {
  let sandbox: SalesforceSandbox;
  let connector: SalesforceConnector;
  const routes = () => sandbox.control.requests().map((request) => request.route);

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ seedAccounts: 0 });
    connector = connect(sandbox, 'salesforce-bulk');
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  const account = (index: number, extra: JsonObject = {}): JsonObject => ({
    Infor_Customer_Number__c: `B${index}`,
    Name: `Bulk ${index}`,
    Infor_Account_Kind__c: 'Customer',
    ...extra,
  });

  it('created, updated and failed per record, in input order, through one job', async () => {
    await connector.write('Account', [account(1), account(2)], { matchKey: ['Infor_Customer_Number__c'] });
    sandbox.control.clearRequests();
    const results = await connector.write(
      'Account',
      [
        account(3),
        account(1, { Name: 'Bulk 1 renamed' }),
        account(4, { Name: null }),
        account(5, { Infor_Account_Kind__c: 'Martian' }),
        account(2, { NumberOfEmployees: 12, AnnualRevenue: 1500.5 }),
      ],
      { matchKey: ['Infor_Customer_Number__c'], bulk: true },
    );
    expect(results.map((result) => result.outcome)).toEqual(['created', 'updated', 'failed', 'failed', 'updated']);
    expect(results[0]!.targetKey).toMatch(/^001/);
    expect(results[1]!.targetKey).toBe(sandbox.inspect.findBy('Account', 'Infor_Customer_Number__c', 'B1')!.Id);
    expect(results[1]!.match).toEqual({ by: 'external_id', value: 'B1' });
    // `#N/A` set Name to null: Salesforce's own per-row error, parsed from sf__Error.
    expect(results[2]!.error).toEqual({
      code: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name]',
      field: 'Name',
    });
    expect(results[3]!.error).toMatchObject({
      code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      field: 'Infor_Account_Kind__c',
    });
    expect(sandbox.inspect.findBy('Account', 'Infor_Customer_Number__c', 'B1')!.Name).toBe('Bulk 1 renamed');
    expect(sandbox.inspect.findBy('Account', 'Infor_Customer_Number__c', 'B2')).toMatchObject({
      NumberOfEmployees: 12,
      AnnualRevenue: 1500.5,
    });
    expect(routes()).toEqual([
      'Salesforce bulk create job',
      'Salesforce bulk upload',
      'Salesforce bulk set state',
      ...routes().filter((route) => route === 'Salesforce bulk job info'),
      'Salesforce bulk successful results',
      'Salesforce bulk failed results',
    ]);
    expect(routes()).not.toContain('Salesforce collections upsert');
  });

  it('a value with a comma, quotes, a line break and non-ASCII text round-trips', async () => {
    const description = 'Line one, with a comma\n"Quoted" line two — Müller & Søn, 東京';
    const [result] = await connector.write(
      'Account',
      [account(10, { Description: description, Name: 'Café, "Zürich"' })],
      {
        matchKey: ['Infor_Customer_Number__c'],
        bulk: true,
      },
    );
    expect(result!.outcome).toBe('created');
    expect(sandbox.inspect.findBy('Account', 'Infor_Customer_Number__c', 'B10')).toMatchObject({
      Description: description,
      Name: 'Café, "Zürich"',
    });
  });

  it('dates, amounts, a relationship by external id, and #N/A clearing a field on update', async () => {
    const document = (extra: JsonObject): JsonObject => ({
      Infor_Document_No__c: 'INV-1',
      Name: 'Invoice 1',
      Document_Type__c: 'Invoice',
      Account__r: { Infor_Customer_Number__c: 'B1' },
      ...extra,
    });
    const [created] = await connector.write(
      'Infor_Document__c',
      [document({ Document_Date__c: '2024-01-15', Amount__c: 1234.56, Status__c: 'Open' })],
      { matchKey: ['Infor_Document_No__c'], bulk: true },
    );
    expect(created!.outcome).toBe('created');
    const account = sandbox.inspect.findBy('Account', 'Infor_Customer_Number__c', 'B1')!;
    expect(sandbox.inspect.findBy('Infor_Document__c', 'Infor_Document_No__c', 'INV-1')).toMatchObject({
      Account__c: account.Id,
      Document_Date__c: '2024-01-15',
      Amount__c: 1234.56,
      Status__c: 'Open',
    });
    const [updated] = await connector.write('Infor_Document__c', [document({ Status__c: null })], {
      matchKey: ['Infor_Document_No__c'],
      bulk: true,
    });
    expect(updated!.outcome).toBe('updated');
    // Null went as #N/A and cleared the field; the fields left out of this write kept their values.
    expect(sandbox.inspect.findBy('Infor_Document__c', 'Infor_Document_No__c', 'INV-1')).toMatchObject({
      Status__c: null,
      Document_Date__c: '2024-01-15',
    });
    const [wrongDate] = await connector.write('Infor_Document__c', [document({ Document_Date__c: '15.01.2024' })], {
      matchKey: ['Infor_Document_No__c'],
      bulk: true,
    });
    expect(wrongDate!.error).toMatchObject({ code: 'INVALID_TYPE_ON_FIELD_IN_RECORD', field: 'Document_Date__c' });
  });

  it('writes the CSV Salesforce documents: quoted values, #N/A for null, relationships as Rel.Field', () => {
    const { csv } = recordsToCsv([
      { Infor_Customer_Number__c: 'X1', Name: 'A "B", C', Phone: null },
      { Infor_Customer_Number__c: 'X2', Parent: { Infor_Customer_Number__c: 'X1' }, Active__c: true },
    ]);
    expect(csv).toBe(
      '"Infor_Customer_Number__c","Name","Phone","Parent.Infor_Customer_Number__c","Active__c"\n' +
        // An empty cell leaves the field as it is on update.
        '"X1","A ""B"", C","#N/A",,\n' +
        '"X2",,,"X1","true"\n',
    );
    expect(
      parseBulkError('DUPLICATE_VALUE:duplicate value found: Infor_Customer_Number__c:Infor_Customer_Number__c --'),
    ).toEqual({
      code: 'DUPLICATE_VALUE',
      message: 'duplicate value found: Infor_Customer_Number__c',
      field: 'Infor_Customer_Number__c',
    });
  });

  it('duplicate external ids in one job fail each, matched back in turn', async () => {
    const results = await connector.write('Account', [account(20), account(21), account(20, { Name: 'again' })], {
      matchKey: ['Infor_Customer_Number__c'],
      bulk: true,
    });
    expect(results.map((result) => result.outcome)).toEqual(['failed', 'created', 'failed']);
    expect(results[0]!.error?.code).toBe('DUPLICATE_EXTERNAL_ID');
  });

  it('a job that fails as a whole fails every record with the job error message', async () => {
    const results = await connector.write('Account', [account(30), account(31, { Colour__c: 'red' })], {
      matchKey: ['Infor_Customer_Number__c'],
      bulk: true,
    });
    expect(results.map((result) => result.outcome)).toEqual(['failed', 'failed']);
    for (const result of results)
      expect(result.error?.message).toContain('InvalidBatch : Field name not found : Colour__c');
    expect(sandbox.inspect.findBy('Account', 'Infor_Customer_Number__c', 'B30')).toBeUndefined();
    expect(sandbox.inspect.bulkJobs().at(-1)?.state).toBe('Failed');
  });

  it('the simulator refuses an upload that is not text/csv and a second upload, like Salesforce', async () => {
    const { settings, secrets } = sandbox.connection();
    const token = await fetch(`${settings.myDomainUrl}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: settings.clientId,
        client_secret: secrets.client_secret,
      }),
    }).then(async (response) => ((await response.json()) as { access_token: string }).access_token);
    const base = `${sandbox.url}/services/data/${settings.apiVersion}/jobs/ingest`;
    const headers = { authorization: `Bearer ${token}` };
    const job = (await (
      await fetch(base, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          object: 'Account',
          externalIdFieldName: 'Infor_Customer_Number__c',
          contentType: 'CSV',
          operation: 'upsert',
          lineEnding: 'LF',
        }),
      })
    ).json()) as { id: string; state: string };
    expect(job.state).toBe('Open');
    const csv = 'Infor_Customer_Number__c,Name\nB40,Forty\n';
    const asJson = await fetch(`${base}/${job.id}/batches`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: csv,
    });
    expect(asJson.status).toBe(415);
    const upload = () =>
      fetch(`${base}/${job.id}/batches`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'text/csv' },
        body: csv,
      });
    expect((await upload()).status).toBe(201);
    const again = await upload();
    expect(again.status).toBe(409);
    expect(((await again.json()) as Array<{ errorCode: string }>)[0]!.errorCode).toBe('INVALIDJOBSTATE');
    const results = await fetch(`${base}/${job.id}/successfulResults/`, { headers });
    expect(results.status).toBe(409);
  });

  it('a cancelled run aborts its job: nothing is written and the call ends with the cancellation', async () => {
    const slow = await startSalesforceSandbox({ seedAccounts: 0, bulkPollsBeforeDone: 1_000 });
    const client = connect(slow, 'salesforce-bulk-cancel');
    try {
      const controller = new AbortController();
      const writing = client.write('Account', [account(50), account(51)], {
        matchKey: ['Infor_Customer_Number__c'],
        bulk: true,
        signal: controller.signal,
      });
      // Cancel once the job is being polled (no timing: the simulator's request log says when).
      while (!slow.control.requests().some((request) => request.route === 'Salesforce bulk job info'))
        await new Promise((resolve) => setImmediate(resolve));
      controller.abort(new Error('cancelled by the test'));
      await expect(writing).rejects.toThrow();
      expect(slow.inspect.bulkJobs()).toEqual([expect.objectContaining({ rows: 2, state: 'Aborted' })]);
      expect(slow.inspect.count('Account')).toBe(0);
    } finally {
      await client.close();
      await slow.close();
    }
  });
});

function connect(sandbox: SalesforceSandbox, id: string): SalesforceConnector {
  const connection = sandbox.connection();
  return createSalesforceConnector({
    connection: { id, settings: connection.settings, sandbox: true },
    secrets: connection.secrets,
  });
}
