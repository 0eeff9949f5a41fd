import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../electron/backend/connectors/framework/connector';
import {
  createZendeskConnector,
  type ZendeskConnector,
} from '../../../electron/backend/connectors/zendesk/zendesk.connector';
import { startZendeskSandbox, type ZendeskSandbox } from '../../../sandbox/zendesk/index';

describe('Zendesk users and organizations against the sandbox', () => {
  let sandbox: ZendeskSandbox;
  let connector: ZendeskConnector;

  beforeAll(async () => {
    sandbox = await startZendeskSandbox({ settings: { rateLimitPerMinute: null } });
    const connection = sandbox.connection();
    connector = createZendeskConnector({
      connection: { id: 'zendesk-users', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
      http: { timing: { baseDelayMs: 5, maxDelayMs: 50 } },
    });
  });
  afterAll(async () => {
    await connector?.close();
    await sandbox?.close();
  });

  it('a users batch reports exactly the invalid records, with Zendesk’s own error text, in input order', async () => {
    // Support has enabled bulk import on this tenant (a stock one answers 403: see the fallback test).
    sandbox.control.setBulkImport(true);
    const existing = sandbox.inspect.users().find((user) => user.role === 'end-user') as Record<string, unknown>;
    const records: JsonObject[] = [
      { name: 'Valid One', email: 'valid.one@example.com', external_id: 'INFOR-C-1' },
      { name: 'Bad Mail', email: 'bad-mail@', external_id: 'INFOR-C-2' },
      { name: 'Existing By Email', email: String(existing.email) },
      { name: 'Bad Dropdown', email: 'dropdown@example.com', user_fields: { contact_type: 'warehouse' } },
      { name: '', email: 'nameless@example.com' },
      { name: 'Valid Two', email: 'valid.two@example.com', user_fields: { contact_type: 'billing' } },
    ];
    const results = await connector.write('users', records, { matchKey: ['external_id', 'email'] });

    const failed = results.flatMap((result, index) => (result.outcome === 'failed' ? [index] : []));
    expect(failed).toEqual([1, 3, 4]);
    // The texts are the job's own `details`, unchanged.
    const job = sandbox.inspect.jobs().at(-1) as {
      results: Array<{ status: string; details?: string; error?: string }>;
    };
    for (const index of failed) {
      expect(results[index]?.error).toEqual({ code: job.results[index]?.error, message: job.results[index]?.details });
    }
    expect(results[1]?.error?.message).toBe('Name: Email: bad-mail@ is not properly formatted');
    expect(results[3]?.error?.message).toMatch(/Contact type: warehouse is not a valid option/);
    expect(results[0]).toMatchObject({ outcome: 'created', match: { by: 'none' } });
    expect(results[2]).toMatchObject({ outcome: 'updated', targetKey: String(existing.id), match: { by: 'email' } });
    expect(results[5]?.outcome).toBe('created');
    const saved = sandbox.inspect.users().find((user) => user.email === 'valid.two@example.com');
    expect((saved?.user_fields as Record<string, unknown>).contact_type).toBe('billing');
    sandbox.control.setBulkImport(false);
  });

  it('stock tenant (bulk import off → 403): writes users one at a time via create_or_update, says so once, and remembers', async () => {
    const connection = sandbox.connection();
    const stock = createZendeskConnector({
      connection: { id: 'zendesk-stock', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
      http: { timing: { baseDelayMs: 5, maxDelayMs: 50 } },
    });
    try {
      const existing = sandbox.inspect.users().find((user) => user.role === 'end-user') as Record<string, unknown>;
      const warnings: string[] = [];
      sandbox.control.clearRequests();
      const results = await stock.write(
        'users',
        [
          { name: 'Single One', email: 'single.one@example.com', external_id: 'INFOR-S-1' },
          { name: 'Bad Mail', email: 'single-bad@' },
          { name: 'Existing By Email', email: String(existing.email) },
        ],
        { matchKey: ['external_id', 'email'], onWarning: (message) => warnings.push(message) },
      );
      expect(results.map((result) => result.outcome)).toEqual(['created', 'failed', 'updated']);
      expect(results[1]?.error).toMatchObject({ message: 'Name: Email: single-bad@ is not properly formatted' });
      expect(results[2]).toMatchObject({ targetKey: String(existing.id), match: { by: 'email' } });
      expect(sandbox.inspect.users().some((user) => user.email === 'single.one@example.com')).toBe(true);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/bulk user import.*off.*one at a time/i);
      const routes = () => sandbox.control.requests().map((request) => request.route);
      expect(routes().filter((route) => route === 'Zendesk users create_or_update_many')).toHaveLength(1);
      expect(routes().filter((route) => route === 'Zendesk user create_or_update')).toHaveLength(3);

      // The connection remembers: the next batch goes straight to single calls, and says so again.
      sandbox.control.clearRequests();
      const [again] = await stock.write('users', [{ name: 'Single Two', email: 'single.two@example.com' }], {
        matchKey: ['email'],
        onWarning: (message) => warnings.push(message),
      });
      expect(again?.outcome).toBe('created');
      expect(routes()).toEqual(['Zendesk user create_or_update']);
      expect(warnings).toHaveLength(2);
    } finally {
      await stock.close();
    }
  });

  it('single user writes ride out the per-minute limit (429 + Retry-After) through the shared client', async () => {
    const retries: number[] = [];
    const connection = sandbox.connection();
    const stock = createZendeskConnector({
      connection: { id: 'zendesk-stock-429', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
      http: { timing: { baseDelayMs: 5, maxDelayMs: 50 }, onRetry: (event) => retries.push(event.status ?? 0) },
    });
    try {
      sandbox.control.setFaults([
        { pathRegex: '^/api/v2/users/create_or_update(\\.json)?$', status: 429, times: 2, retryAfter: 1 },
      ]);
      const results = await stock.write(
        'users',
        [
          { name: 'Limited One', email: 'limited.one@example.com' },
          { name: 'Limited Two', email: 'limited.two@example.com' },
        ],
        { matchKey: ['email'] },
      );
      expect(results.map((result) => result.outcome)).toEqual(['created', 'created']);
      expect(retries.filter((status) => status === 429)).toHaveLength(2);
    } finally {
      sandbox.control.clearFaults();
      await stock.close();
    }
  });

  it('waits out the 30-open-jobs limit (429 + Retry-After) instead of failing the batch', async () => {
    sandbox.control.configure({ maxOpenJobs: 1, jobDurationMs: 400, bulkImportEnabled: true });
    try {
      const retries: number[] = [];
      const connection = sandbox.connection();
      const observed = createZendeskConnector({
        connection: { id: 'zendesk-jobs', settings: connection.settings, sandbox: true },
        secrets: connection.secrets,
        http: { timing: { baseDelayMs: 5, maxDelayMs: 50 }, onRetry: (event) => retries.push(event.status ?? 0) },
      });
      const [first, second] = await Promise.all([
        observed.write('users', [{ name: 'Job A', email: 'job.a@example.com' }], { matchKey: ['email'] }),
        observed.write('users', [{ name: 'Job B', email: 'job.b@example.com' }], { matchKey: ['email'] }),
      ]);
      await observed.close();
      expect([first?.[0]?.outcome, second?.[0]?.outcome]).toEqual(['created', 'created']);
      expect(retries).toContain(429);
    } finally {
      sandbox.control.configure({ maxOpenJobs: 30, jobDurationMs: 150, bulkImportEnabled: false });
    }
  });

  it('organizations upsert by external_id: 201 then 200, and duplicate names refused per record', async () => {
    const [created] = await connector.write(
      'organizations',
      [{ name: 'Infor Supplier 7001', external_id: 'SUPP-7001', organization_fields: { is_supplier: true } }],
      {
        matchKey: ['external_id'],
      },
    );
    const [updated] = await connector.write(
      'organizations',
      [{ name: 'Infor Supplier 7001 Ltd', external_id: 'supp-7001' }],
      { matchKey: ['external_id'] },
    );
    expect(created).toMatchObject({ outcome: 'created' });
    expect(updated).toMatchObject({
      outcome: 'updated',
      targetKey: created?.targetKey,
      match: { by: 'external_id', value: 'supp-7001' },
    });
    const hits = await connector.lookup('organizations', 'external_id', ['SUPP-7001', 'NOPE-1']);
    expect(hits.get('SUPP-7001')).toMatchObject({
      targetKey: created?.targetKey,
      data: { name: 'Infor Supplier 7001 Ltd' },
    });
    expect(hits.has('NOPE-1')).toBe(false);
  });

  it('discovers custom fields with dropdown options into EntitySchema', async () => {
    const schema = await connector.schema('organizations', { refresh: true });
    const custom = schema.fields.find((field) => field.name === 'organization_fields');
    const credit = custom?.children?.find((field) => field.name === 'credit_status');
    expect(credit).toMatchObject({ type: 'picklist', label: 'Credit status', nativeType: 'dropdown' });
    expect(credit?.picklist?.map((option) => option.value)).toEqual(['good', 'hold', 'blocked']);
    const tickets = await connector.schema('tickets', { refresh: true });
    const documentType = tickets.fields
      .find((field) => field.name === 'custom_fields')
      ?.children?.find((field) => field.name === '360004');
    expect(documentType?.picklist?.map((option) => option.value)).toEqual(['invoice', 'purchase_order']);
  });
});
