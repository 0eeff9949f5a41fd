import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZohoConnector } from '../../electron/backend/connectors/zoho/zoho.connector';
import { startZohoSandbox, type ZohoSandbox } from '../../sandbox/zoho/index';
import { zohoOpenApi } from '../support/openapi';
import { fieldMetadata, zohoModules } from '../../sandbox/zoho/zoho-modules';

/**
 * Every request and response the Zoho simulator exchanged with the connector,
 * checked against Zoho's own CRM v8 OpenAPI (zoho/crm-oas v8.0, our
 * `../shared/fixtures/zoho/oas`): bodies by schema, query parameters by the
 * operation's declared list. The simulator answers what the vendor documents,
 * and the connector sends only what the vendor accepts.
 */
const spec = zohoOpenApi();

describe('Zoho CRM exchanges against the Zoho v8 OpenAPI', () => {
  let sandbox: ZohoSandbox;
  beforeAll(async () => {
    sandbox = await startZohoSandbox({ seedAccounts: 30 });
  });
  afterAll(() => sandbox.close());

  const connector = () => {
    const connection = sandbox.connection();
    return createZohoConnector({
      connection: { id: `zoho-oas-${Math.random()}`, settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
  };

  it('reads, looks up, discovers and upserts only in shapes the OpenAPI allows', async () => {
    sandbox.control.captureBodies(true);
    sandbox.control.clearRequests();
    const zoho = connector();
    try {
      await zoho.schema('Accounts');
      for await (const page of zoho.read('Accounts', { pageSize: 20 })) expect(page.records.length).toBeGreaterThan(0);
      const results = await zoho.write(
        'Accounts',
        [
          { Infor_Customer_No: 'OAS-1', Account_Name: 'OpenAPI One', Account_Type: 'Customer' },
          // No mandatory Account_Name: a per-record error, which the OpenAPI describes too.
          { Infor_Customer_No: 'OAS-2', Account_Type: 'Customer' },
        ],
        { matchKey: ['Infor_Customer_No'] },
      );
      expect(results.map((result) => result.outcome)).toEqual(['created', 'failed']);
      const hits = await zoho.lookup!('Accounts', 'Infor_Customer_No', ['OAS-1', 'OAS-404']);
      expect([...hits.keys()]).toEqual(['OAS-1']);
    } finally {
      await zoho.close();
      sandbox.control.captureBodies(false);
    }
    const calls = sandbox.control.requests().filter((call) => call.metered);
    expect(new Set(calls.map((call) => spec.operation(call.method, call.path)?.template))).toEqual(
      new Set([
        '/crm/v8/settings/fields',
        '/crm/v8/{module_api_name}',
        '/crm/v8/{module_api_name}/upsert',
        '/crm/v8/{module_api_name}/search',
      ]),
    );
    expect(calls.flatMap((call) => spec.check(call))).toEqual([]);
  });

  it('reads changes and deleted records since a watermark only in shapes the OpenAPI allows', async () => {
    const since = new Date(sandbox.control.clock.now()).toISOString();
    sandbox.control.clock.advance(1000);
    const [edited, removed] = sandbox.inspect.records('Accounts').map((record) => String(record.id));
    sandbox.control.modify('Accounts', [edited!], {});
    sandbox.control.remove('Accounts', [removed!]);
    sandbox.control.captureBodies(true);
    sandbox.control.clearRequests();
    const zoho = connector();
    const keys: string[] = [];
    try {
      for await (const page of zoho.read('Accounts', { since, deletions: true, pageSize: 20 }))
        keys.push(...page.records.map((record) => `${record.deleted ? '-' : '+'}${record.key}`));
    } finally {
      await zoho.close();
      sandbox.control.captureBodies(false);
    }
    expect(keys).toEqual(expect.arrayContaining([`+${edited}`, `-${removed}`]));
    const calls = sandbox.control.requests().filter((call) => call.metered && call.route !== 'Zoho fields');
    expect(new Set(calls.map((call) => spec.operation(call.method, call.path)?.template))).toEqual(
      new Set(['/crm/v8/{module_api_name}', '/crm/v8/{module_api_name}/deleted']),
    );
    expect(calls.flatMap((call) => spec.check(call))).toEqual([]);
  });

  it('runs a Bulk Write (upload, job, polls) only in shapes bulk_write.json allows', async () => {
    const connection = sandbox.connection();
    const zoho = createZohoConnector({
      connection: {
        id: `zoho-oas-bulk-${Math.random()}`,
        settings: { ...connection.settings, bulkPollMs: 5 },
        sandbox: true,
      },
      secrets: connection.secrets,
    });
    sandbox.control.captureBodies(true);
    sandbox.control.clearRequests();
    try {
      const results = await zoho.write(
        'Accounts',
        [
          { Infor_Customer_No: 'OAS-B1', Account_Name: 'Bulk One', Account_Type: 'Customer' },
          { Infor_Customer_No: 'OAS-B2', Account_Type: 'Customer' },
        ],
        { matchKey: ['Infor_Customer_No'], bulk: true },
      );
      expect(results.map((result) => result.outcome)).toEqual(['created', 'failed']);
    } finally {
      await zoho.close();
      sandbox.control.captureBodies(false);
    }
    const calls = sandbox.control.requests().filter((call) => call.metered);
    // Not in these files: the Organization API (`/crm/v8/org`, its own OpenAPI file we do not hold) and
    // the result download, a zip at the `download_url` the job gave (no JSON to check).
    const checked = calls.filter(
      (call) => call.route !== 'Zoho org' && call.route !== 'Zoho modules' && call.route !== 'Zoho bulk write result',
    );
    expect(calls.map((call) => call.route)).toEqual([
      'Zoho org',
      'Zoho upload',
      'Zoho modules',
      'Zoho bulk write',
      'Zoho bulk write job',
      'Zoho bulk write job',
      'Zoho bulk write result',
    ]);
    expect(checked.map((call) => spec.operation(call.method, call.path)?.template)).toEqual([
      '/crm/v8/upload',
      '/crm/bulk/v8/write',
      '/crm/bulk/v8/write/{job_id}',
      '/crm/bulk/v8/write/{job_id}',
    ]);
    expect(checked.flatMap((call) => spec.check(call))).toEqual([]);
  });

  it('is not vacuous: a wrong body and an undeclared query parameter are reported', () => {
    const call = {
      method: 'GET',
      path: '/crm/v8/Accounts',
      query: { fields: 'Account_Name', colour: 'red' },
      route: 'Zoho list',
      metered: true,
      headers: {},
      hasBody: false,
      exchange: { status: 200, responseBody: JSON.stringify({ data: [{ id: 1 }], info: { more_records: 'no' } }) },
    };
    const problems = spec.check(call);
    expect(problems).toContain(
      'GET /crm/v8/Accounts: query parameter "colour" is not declared for /crm/v8/{module_api_name}',
    );
    expect(problems.some((problem) => problem.includes('/data/0/id must be string'))).toBe(true);
    expect(problems.some((problem) => problem.includes('/info/more_records must be boolean'))).toBe(true);
  });

  it("answers every module's field metadata in the OpenAPI's shape", () => {
    const problems = new Set<string>();
    for (const module of zohoModules) {
      const fields = module.fields.map((field, index) => fieldMetadata(module, field, index));
      const call = {
        method: 'GET',
        path: '/crm/v8/settings/fields',
        query: { module: module.api },
        route: 'Zoho fields',
        metered: true,
        headers: {},
        hasBody: false,
        exchange: { status: 200, responseBody: JSON.stringify({ fields }) },
      };
      for (const problem of spec.check(call)) problems.add(`${module.api}: ${problem}`);
    }
    expect([...problems]).toEqual([]);
  });

  it('enables and disables a notification channel only in shapes the OpenAPI allows', async () => {
    const zoho = connector();
    sandbox.control.captureBodies(true);
    sandbox.control.clearRequests();
    try {
      await zoho.watch.enable({
        channelId: '1000000068002',
        events: ['Accounts.all'],
        notifyUrl: 'https://example.com/zoho',
        token: 'tok-' + 'y'.repeat(20),
        lifetimeMs: 2 * 3600_000,
      });
      await zoho.watch.disable();
    } finally {
      sandbox.control.captureBodies(false);
      await zoho.close();
    }
    const calls = sandbox.control.requests().filter((call) => call.metered);
    expect(calls.map((call) => call.method)).toEqual(['POST', 'DELETE']);
    expect(calls.flatMap((call) => spec.check(call))).toEqual([]);
  });

  it('refuses a record id that is not all digits, in the OpenAPI error shape', async () => {
    const zoho = connector();
    try {
      const [created] = await zoho.write(
        'Accounts',
        [{ Infor_Customer_No: 'OAS-ID', Account_Name: 'Id Check', Account_Type: 'Customer' }],
        { matchKey: ['Infor_Customer_No'] },
      );
      sandbox.control.captureBodies(true);
      sandbox.control.clearRequests();
      const get = (id: string) =>
        zoho.http.request({
          url: `${String(sandbox.connection().settings.apiDomain)}/crm/v8/Accounts/${id}`,
          expect: 'json',
          passStatuses: [400],
        });
      const good = await get(created!.targetKey!);
      expect(good.status).toBe(200);
      const bad = await get('12ab');
      expect(bad.status).toBe(400);
      expect(bad.data).toEqual({
        code: 'INVALID_DATA',
        details: {},
        message: 'the id given seems to be invalid',
        status: 'error',
      });
      const calls = sandbox.control.requests().filter((call) => call.metered);
      expect(calls).toHaveLength(2);
      expect(calls.flatMap((call) => spec.check(call))).toEqual([]);
    } finally {
      sandbox.control.captureBodies(false);
      await zoho.close();
    }
  });

  it('keeps a 19-digit record id exact from the write to the read (ids are JSON strings, as the OpenAPI types them)', async () => {
    const zoho = connector();
    try {
      const [created] = await zoho.write(
        'Accounts',
        [{ Infor_Customer_No: 'OAS-19', Account_Name: 'Nineteen Digits', Account_Type: 'Customer' }],
        { matchKey: ['Infor_Customer_No'] },
      );
      // Real Zoho ids are 19 digits (API-FACTS §10), beyond 2^53: a number would lose its last digits.
      expect(created!.targetKey).toMatch(/^\d{19}$/);
      expect(Number(created!.targetKey) > Number.MAX_SAFE_INTEGER).toBe(true);
      const hits = await zoho.lookup!('Accounts', 'Infor_Customer_No', ['OAS-19']);
      expect(hits.get('OAS-19')!.targetKey).toBe(created!.targetKey);
      const stored = sandbox.inspect.records('Accounts').find((record) => record.id === created!.targetKey);
      expect(stored).toBeDefined();
    } finally {
      await zoho.close();
    }
  });
});
