import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadOptions, ReadPage } from '../../../electron/backend/connectors/framework/connector';
import {
  createSalesforceConnector,
  type SalesforceConnector,
} from '../../../electron/backend/connectors/salesforce/salesforce.connector';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index';

/**
 * Salesforce as a source (issue 16): `SystemModstamp >= since` over several `nextRecordsUrl` pages
 * while records change, ties at the boundary, deletions through `queryAll` reported once, lookup
 * stamps, and a schema that lists what the read returns. Over HTTP against the simulator.
 */
describe('Salesforce accounts read incrementally', () => {
  let sandbox: SalesforceSandbox;
  let connector: SalesforceConnector;
  const stampOf = (row: Record<string, unknown>) =>
    new Date(Date.parse(String(row.SystemModstamp).replace(/\+0000$/, 'Z'))).toISOString();

  async function readAll(options: ReadOptions, between?: (page: number) => void) {
    const pages: ReadPage[] = [];
    for await (const page of connector.read('Account', options)) {
      pages.push(page);
      between?.(pages.length);
    }
    const records = pages.flatMap((page) => page.records);
    return { pages, records, keys: records.map((record) => record.key) };
  }

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ seedAccounts: 500 });
    const connection = sandbox.connection();
    connector = createSalesforceConnector({
      connection: { id: 'salesforce-incremental', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it('reads each record modified at or after `since` once while records change between pages', async () => {
    const rows = sandbox.inspect.records('Account');
    const since = rows.map(stampOf).sort()[200]!;
    const expected = rows.filter((row) => stampOf(row) >= since).map((row) => String(row.Id));
    const read = await readAll({ since, pageSize: 200 }, (page) => {
      // After the first page: one record already read and one not yet read change.
      if (page === 1) sandbox.control.modify('Account', [expected[0]!, expected[250]!]);
    });
    expect(read.pages.length).toBeGreaterThan(1);
    expect(new Set(read.keys).size).toBe(read.keys.length);
    expect(read.keys.sort()).toEqual([...expected].sort());
    expect(read.records.every((record) => record.stamp >= since && !record.deleted)).toBe(true);
  });

  it('includes records that share the `since` instant', async () => {
    sandbox.control.clock.set(Date.parse('2030-01-01T00:00:00.250Z'));
    const rows = sandbox.inspect.records('Account').slice(0, 3);
    sandbox.control.modify(
      'Account',
      rows.map((row) => String(row.Id)),
    );
    const read = await readAll({ since: '2030-01-01T00:00:00.250Z' });
    expect(read.keys.sort()).toEqual(rows.map((row) => String(row.Id)).sort());
  });

  it('reports records deleted since `since` once, as deleted, through queryAll', async () => {
    sandbox.control.clock.set(Date.parse('2030-01-02T00:00:00Z'));
    const [gone, alsoGone] = sandbox.inspect.records('Account').slice(10, 12);
    sandbox.control.remove('Account', [String(gone!.Id), String(alsoGone!.Id)]);
    const read = await readAll({ since: '2030-01-01T12:00:00Z', deletions: true });
    expect(read.records.map((record) => [record.key, record.deleted, record.stamp])).toEqual(
      [gone, alsoGone]
        .map((row) => [String(row!.Id), true, '2030-01-02T00:00:00.000Z'])
        .sort((left, right) => String(left[0]).localeCompare(String(right[0]))),
    );
    // The next window (from the newest stamp read, later than the deletion) does not report them again.
    const next = await readAll({ since: '2030-01-02T00:00:00.001Z', deletions: true });
    expect(next.records).toEqual([]);
    // Without `deletions`, a read does not see them at all.
    expect((await readAll({ since: '2030-01-01T12:00:00Z' })).records).toEqual([]);
  });

  it('keeps deletions 15 days (the Recycle Bin) and warns when a window reaches further back', async () => {
    sandbox.control.clock.set(Date.parse('2030-01-20T00:00:00Z'));
    const read = await readAll({ since: '2030-01-01T12:00:00Z', deletions: true });
    expect(read.records.filter((record) => record.deleted)).toEqual([]);
    const old = await readAll({ since: '2000-01-01T00:00:00Z', deletions: true, pageSize: 2000 });
    expect(old.pages[0]!.warnings?.join('\n')).toMatch(/15 days in the Recycle Bin/);
    sandbox.control.clock.set(Date.parse('2030-01-02T00:00:00Z'));
  });

  it('tells lookups the record stamp (SystemModstamp)', async () => {
    const [row] = sandbox.inspect.records('Account');
    const hits = await connector.lookup('Account', 'Id', [String(row!.Id)], { fields: ['Name'] });
    expect(hits.get(String(row!.Id))).toMatchObject({ targetKey: row!.Id, stamp: stampOf(row!) });
  });

  it('lists every field a read returns in the schema, Id and SystemModstamp included', async () => {
    const schema = await connector.schema('Account');
    const names = new Set(schema.fields.map((field) => field.name));
    const read = await readAll({ since: '2030-01-01T00:00:00Z', deletions: true });
    const returned = new Set(read.records.flatMap((record) => Object.keys(record.data)));
    expect(returned.has('Id') && returned.has('SystemModstamp')).toBe(true);
    expect([...returned].filter((name) => !names.has(name))).toEqual([]);
  });
});

describe('the Salesforce simulator refuses SOQL datetimes as Salesforce does', () => {
  let sandbox: SalesforceSandbox;
  let token: string;
  let base: string;

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ seedAccounts: 3 });
    const connection = sandbox.connection();
    const response = await fetch(`${String(connection.settings.myDomainUrl)}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(connection.settings.clientId),
        client_secret: String(connection.secrets.client_secret),
      }),
    });
    const body = (await response.json()) as { access_token: string; instance_url: string };
    token = body.access_token;
    base = `${body.instance_url}/services/data/v65.0`;
  });
  afterAll(() => sandbox.close());

  const query = async (soql: string) => {
    const response = await fetch(`${base}/query?q=${encodeURIComponent(soql)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as unknown;
    return {
      status: response.status,
      errorCode: Array.isArray(body) ? (body[0] as { errorCode: string }).errorCode : undefined,
    };
  };

  it('accepts a bare …Z literal, refuses a quoted one (INVALID_FIELD) and one without a zone (MALFORMED_QUERY)', async () => {
    expect(
      await query('SELECT Id FROM Account WHERE SystemModstamp >= 2020-01-01T00:00:00Z ORDER BY SystemModstamp, Id'),
    ).toEqual({
      status: 200,
      errorCode: undefined,
    });
    expect(await query("SELECT Id FROM Account WHERE SystemModstamp >= '2020-01-01T00:00:00Z'")).toEqual({
      status: 400,
      errorCode: 'INVALID_FIELD',
    });
    expect(await query('SELECT Id FROM Account WHERE SystemModstamp >= 2020-01-01T00:00:00')).toEqual({
      status: 400,
      errorCode: 'MALFORMED_QUERY',
    });
    expect(await query('SELECT Id FROM Account WHERE Nope__c >= 2020-01-01T00:00:00Z')).toEqual({
      status: 400,
      errorCode: 'INVALID_FIELD',
    });
  });
});
