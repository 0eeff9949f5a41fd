import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamicsConnector } from '../../../electron/backend/connectors/dynamics/dynamics.connector';
import type { RetryEvent } from '../../../electron/backend/http/http-client';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../../sandbox/dynamics/index';

/** Dataverse semantics the simulator must get right (API-FACTS §5, §7), checked over real HTTP. */
describe('Dynamics 365 sandbox semantics', () => {
  let sandbox: DynamicsSandbox;
  let token: string;
  const api = (path: string) => `${sandbox.url}/api/data/v9.2/${path}`;
  const call = (path: string, init: RequestInit = {}) =>
    fetch(api(path), {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'content-type': 'application/json',
        ...(init.headers as Record<string, string>),
      },
    });
  const fetchToken = async () => {
    const connection = sandbox.connection();
    const response = await fetch(`${sandbox.url}/${sandbox.tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(connection.settings.clientId),
        client_secret: connection.secrets.client_secret!,
        scope: `${sandbox.url}/.default`,
      }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };

  beforeAll(async () => {
    sandbox = await startDynamicsSandbox({ counts: { account: 12, contact: 0, salesorder: 0, invoice: 0, quote: 0 } });
    token = await fetchToken();
  });
  afterAll(() => sandbox.close());

  it('refuses a wrong secret with AADSTS7000215 and expired tokens with 401', async () => {
    const refused = await fetch(`${sandbox.url}/${sandbox.tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(sandbox.connection().settings.clientId),
        client_secret: 'nope',
        scope: `${sandbox.url}/.default`,
      }),
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    sandbox.control.clock.advance(3600 * 1000);
    const expired = await call('WhoAmI');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer /);
    sandbox.control.clock.set(null);
    token = await fetchToken();
    expect((await call('WhoAmI')).status).toBe(200);
  });

  it("refuses a missing or wrong scope with Entra's own AADSTS codes", async () => {
    const connection = sandbox.connection();
    const ask = async (scope: string | undefined) => {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(connection.settings.clientId),
        client_secret: connection.secrets.client_secret!,
      });
      if (scope !== undefined) form.set('scope', scope);
      const response = await fetch(`${sandbox.url}/${sandbox.tenant}/oauth2/v2.0/token`, {
        method: 'POST',
        body: form,
      });
      const body = (await response.json()) as { error: string; error_codes: number[]; error_description: string };
      return { status: response.status, error: body.error, codes: body.error_codes, text: body.error_description };
    };
    expect(await ask(undefined)).toMatchObject({ status: 400, error: 'invalid_request', codes: [900144] });
    const bare = await ask(sandbox.url);
    expect(bare).toMatchObject({ status: 400, error: 'invalid_scope', codes: [1002012] });
    expect(bare.text).toMatch(/^AADSTS1002012: .*\/\.default suffixed to the resource identifier/);
    expect(await ask(`${sandbox.url}/.default https://graph.microsoft.com/.default`)).toMatchObject({
      status: 400,
      error: 'invalid_scope',
      codes: [70011],
    });
    expect(await ask('https://other.crm.dynamics.com/.default')).toMatchObject({
      status: 400,
      error: 'invalid_resource',
      codes: [500011],
    });
  });

  it('refuses OData system query options Dataverse does not support ($skip, unknown $ names) with 400', async () => {
    for (const query of ['accounts?$skip=5', 'accounts?$select=name&$search=x', 'accounts?$colour=red']) {
      const response = await call(query);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
        /^The query parameter \$\w+ is not supported$/,
      );
    }
    // A custom (non-$) query option is not a system option and stays ignored.
    expect((await call('accounts?$select=name&$top=1&tag=x')).status).toBe(200);
  });

  it('upserts by alternate key: 204 both ways, 201/200 with return=representation, If-Match 404, If-None-Match 412', async () => {
    const body = JSON.stringify({ name: 'Upsert Ltd' });
    expect((await call("accounts(accountnumber='U-1')", { method: 'PATCH', body })).status).toBe(204);
    const again = await call("accounts(accountnumber='U-1')", { method: 'PATCH', body });
    expect(again.status).toBe(204);
    expect(again.headers.get('odata-entityid')).toMatch(/accounts\([0-9a-f-]{36}\)$/);
    const represent = { prefer: 'return=representation' };
    expect(
      (await call("accounts(accountnumber='U-2')?$select=name", { method: 'PATCH', body, headers: represent })).status,
    ).toBe(201);
    const updated = await call("accounts(accountnumber='U-2')?$select=name", {
      method: 'PATCH',
      body,
      headers: represent,
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ name: 'Upsert Ltd' });
    const missing = await call("accounts(accountnumber='U-404')", {
      method: 'PATCH',
      body,
      headers: { 'if-match': '*' },
    });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/Does Not Exist/);
    const exists = await call("accounts(accountnumber='U-1')", {
      method: 'PATCH',
      body,
      headers: { 'if-none-match': '*' },
    });
    expect(exists.status).toBe(412);
    expect(((await exists.json()) as { error: { message: string } }).error.message).toBe(
      'A record with matching key values already exists.',
    );
    const noKey = await call("accounts(telephone1='1')", { method: 'PATCH', body });
    expect(noKey.status).toBe(400);
  });

  it('stops a $batch at the first failure (400) unless continue-on-error (200, every part answered)', async () => {
    const part = (index: number, name: string) =>
      `--batch_x\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: ${index}\r\n\r\nPATCH /api/data/v9.2/accounts(accountnumber='S-${index}') HTTP/1.1\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ name })}\r\n`;
    const body = part(1, 'ok') + part(2, 'N'.repeat(200)) + part(3, 'ok') + '--batch_x--\r\n';
    const headers = { 'content-type': 'multipart/mixed; boundary=batch_x' };
    const stopped = await call('$batch', { method: 'POST', body, headers });
    expect(stopped.status).toBe(400);
    const stoppedText = await stopped.text();
    expect(stoppedText.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 400']);
    expect(stoppedText).toContain('0x80044331');
    expect(sandbox.inspect.record('account', { accountnumber: 'S-3' })).toBeUndefined();
    const continued = await call('$batch', {
      method: 'POST',
      body,
      headers: { ...headers, prefer: 'odata.continue-on-error' },
    });
    expect(continued.status).toBe(200);
    expect((await continued.text()).match(/HTTP\/1\.1 \d{3}/g)).toEqual([
      'HTTP/1.1 204',
      'HTTP/1.1 400',
      'HTTP/1.1 204',
    ]);
    expect(sandbox.inspect.record('account', { accountnumber: 'S-3' })).toBeDefined();
  });

  it('refuses a record addressed by an alternate key holding / < > * % & : \\ ? + # (GET, PATCH, DELETE, in $batch)', async () => {
    // Microsoft Learn, "Define alternate keys using Power Apps": GET or PATCH by such a key won't work.
    for (const value of ['ACME/01', 'A&B', 'X+Y', 'Q?', 'P%', 'C:1', 'a\\b', '<t>', 'S*', 'H#1']) {
      const path = `accounts(accountnumber=${encodeURIComponent(`'${value}'`)})`;
      const patched = await call(path, { method: 'PATCH', body: JSON.stringify({ name: 'Refused' }) });
      expect(patched.status, value).toBe(400);
      expect(((await patched.json()) as { error: { code: string } }).error.code).toBe('0x80060888');
      expect((await call(path)).status, value).toBe(400);
      expect((await call(path, { method: 'DELETE' })).status, value).toBe(400);
      expect(sandbox.inspect.record('account', { accountnumber: value })).toBeUndefined();
    }
    // The same value is an ordinary column value: created by POST, found by $filter.
    const created = await call('accounts', {
      method: 'POST',
      body: JSON.stringify({ accountnumber: 'A&B', name: 'Amp' }),
    });
    expect(created.status).toBe(204);
    const found = await call(`accounts?$select=accountid&$filter=${encodeURIComponent("accountnumber eq 'A&B'")}`);
    expect(((await found.json()) as { value: unknown[] }).value).toHaveLength(1);
    const part = (index: number, key: string) =>
      `--batch_k\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: ${index}\r\n\r\nPATCH /api/data/v9.2/accounts(accountnumber=${encodeURIComponent(`'${key}'`)}) HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{"name":"k"}\r\n`;
    const batch = await call('$batch', {
      method: 'POST',
      body: part(1, 'K-1') + part(2, 'A&B') + part(3, 'K/3') + '--batch_k--\r\n',
      headers: { 'content-type': 'multipart/mixed; boundary=batch_k', prefer: 'odata.continue-on-error' },
    });
    expect((await batch.text()).match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 204', 'HTTP/1.1 400', 'HTTP/1.1 400']);
    expect(sandbox.inspect.record('account', { accountnumber: 'A&B' })).toMatchObject({ name: 'Amp' });
  });

  it('runs UpsertMultiple all-or-nothing', async () => {
    const targets = (bad: boolean) => ({
      Targets: [
        { '@odata.type': 'Microsoft.Dynamics.CRM.account', accountnumber: 'M-1', name: 'Multi 1' },
        {
          '@odata.type': 'Microsoft.Dynamics.CRM.account',
          accountnumber: 'M-2',
          name: 'Multi 2',
          customertypecode: bad ? 42 : 3,
        },
      ],
    });
    const failed = await call('accounts/Microsoft.Dynamics.CRM.UpsertMultiple', {
      method: 'POST',
      body: JSON.stringify(targets(true)),
    });
    expect(failed.status).toBe(400);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('0x8004431a');
    expect(sandbox.inspect.record('account', { accountnumber: 'M-1' })).toBeUndefined();
    const done = await call('accounts/Microsoft.Dynamics.CRM.UpsertMultiple', {
      method: 'POST',
      body: JSON.stringify(targets(false)),
    });
    // Microsoft Learn, UpsertMultiple Action: "returns 204 NoContent. The UpsertMultipleResponse complex type is not returned."
    expect(done.status).toBe(204);
    expect(await done.text()).toBe('');
    expect(sandbox.inspect.record('account', { accountnumber: 'M-2' })).toBeDefined();
  });

  it('caps odata.maxpagesize at 5,000 and pages with an opaque nextLink', async () => {
    const big = await call('accounts?$select=name', { headers: { prefer: 'odata.maxpagesize=9000' } });
    expect(big.headers.get('preference-applied')).toBe('odata.maxpagesize=5000');
    const small = (await (
      await call('accounts?$select=name', { headers: { prefer: 'odata.maxpagesize=5' } })
    ).json()) as { value: unknown[]; '@odata.nextLink': string };
    expect(small.value).toHaveLength(5);
    expect(small['@odata.nextLink']).toMatch(/\$skiptoken=%3Ccookie/);
  });

  describe('through the connector', () => {
    let connector: DynamicsConnector;
    const retries: RetryEvent[] = [];
    beforeAll(() => {
      const connection = sandbox.connection();
      connector = new DynamicsConnector({
        connection: {
          id: 'dynamics-semantics',
          settings: { ...connection.settings, duplicateDetection: true },
          sandbox: true,
        },
        secrets: connection.secrets,
        http: { timing: { baseDelayMs: 5, maxDelayMs: 50 }, maxRetries: 3, onRetry: (event) => retries.push(event) },
      });
    });
    afterAll(() => connector.close());

    it('reports duplicate detection per record by its code, whatever the status', async () => {
      const existing = sandbox.inspect.record('account', { accountnumber: 'ACC-00003' });
      const results = await connector.write(
        'account',
        [
          { accountnumber: 'D-1', name: String(existing?.name).toUpperCase() },
          { accountnumber: 'D-2', name: 'Unique Name BV' },
        ],
        { matchKey: ['accountnumber'] },
      );
      expect(results[0]).toMatchObject({ outcome: 'failed', error: { code: '0x80040333' } });
      expect(results[0]?.error?.message).toMatch(
        /^Duplicate detected: A record was not created or updated because a duplicate/,
      );
      expect(results[1]?.outcome).toBe('created');
    });

    it('waits out a service-protection 429 for its Retry-After', async () => {
      await connector.test();
      retries.length = 0;
      sandbox.control.throttle('0x80072321', 1, 1);
      const started = Date.now();
      const found = await connector.lookup('account', 'accountnumber', ['ACC-00001', 'ACC-00002', 'NOT-THERE']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(retries).toHaveLength(1);
      expect(retries[0]).toMatchObject({ status: 429, retryAfterMs: 1000 });
      expect([...found.keys()].sort()).toEqual(['ACC-00001', 'ACC-00002']);
      expect(found.get('ACC-00001')?.targetKey).toBe(
        sandbox.inspect.record('account', { accountnumber: 'ACC-00001' })?.accountid,
      );
    });

    it('discovers option sets, lengths, alternate keys and lookup bindings', async () => {
      const schema = await connector.schema('account', { refresh: true });
      const field = (name: string) => schema.fields.find((candidate) => candidate.name === name);
      expect(schema.keyFields.sort()).toEqual(['accountnumber', 'mlc_inforcustomerno']);
      expect(field('accountnumber')).toMatchObject({ externalId: true, maxLength: 20, type: 'string' });
      expect(field('name')).toMatchObject({ maxLength: 160, required: { onCreate: true, onUpdate: false } });
      expect(field('paymenttermscode')?.picklist).toEqual([
        { value: 1, label: 'Net 30', active: true },
        { value: 2, label: '2% 10, Net 30', active: true },
        { value: 3, label: 'Net 45', active: true },
        { value: 4, label: 'Net 60', active: true },
      ]);
      expect(field('parentaccountid@odata.bind')).toMatchObject({ type: 'reference', referenceTo: 'account' });
      expect(field('modifiedon')).toMatchObject({ readOnly: true, type: 'datetime' });
      expect(field('parentaccountidname')).toBeUndefined();
      const contact = await connector.schema('contact', { refresh: true });
      expect(
        contact.fields
          .filter((candidate) => candidate.name.startsWith('parentcustomerid'))
          .map((candidate) => candidate.name),
      ).toEqual(['parentcustomerid_account@odata.bind', 'parentcustomerid_contact@odata.bind']);
    });
  });
});
