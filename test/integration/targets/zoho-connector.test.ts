import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedTokenStore } from '../../../electron/backend/connectors/framework/token-store';
import { asyncSqliteStore } from '../../../electron/backend/store/sqlite-async-store';
import { verifyZohoNotification } from '../../../electron/backend/connectors/zoho/zoho-notifications';
import { createZohoConnector, type ZohoConnector } from '../../../electron/backend/connectors/zoho/zoho.connector';
import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho/index';
import { SqliteSecretsRepository } from '../../../electron/backend/secrets/secrets.repository';
import { SecretVault } from '../../../electron/backend/secrets/secret-vault';
import { openDatabase, type Db } from '../../../electron/backend/store/database';
import { zohoKnownHosts, zohoSettingsSchema } from '../../../shared/connectors/zoho.settings';
import { tempDir } from '../../support/paths';

describe('Zoho connector against its sandbox', () => {
  let sandbox: ZohoSandbox;
  let db: Db;
  let vault: SecretVault;
  const folder = tempDir('mlc-zoho-');
  const open: ZohoConnector[] = [];
  const make = (id: string, shared = false) => {
    const connection = sandbox.connection();
    // Shared connectors stand for processes using one saved connection (one token row).
    const connector = createZohoConnector({
      connection: { id: shared ? 'shared' : id, settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
      tokenStore: shared ? new SharedTokenStore(asyncSqliteStore(db).connectionCaches, vault, 'shared') : undefined,
      // The sandbox clock is stepped below; token and channel expiry follow it.
      now: () => sandbox.control.clock.now(),
    });
    open.push(connector);
    return connector;
  };

  beforeAll(async () => {
    sandbox = await startZohoSandbox({ seedAccounts: 30, issuanceCap: 3 });
    db = openDatabase({ file: `${folder.dir}/store.sqlite` });
    vault = new SecretVault(new SqliteSecretsRepository(db), { dataDir: folder.dir, env: {} });
    db.prepare(
      "INSERT INTO connections (id, system, name, settings, sandbox, created_at, updated_at) VALUES ('shared', 'zoho', 'Zoho', '{}', 1, '', '')",
    ).run();
  });
  afterAll(async () => {
    await Promise.all(open.map((connector) => connector.close()));
    await sandbox.close();
    db.close();
    folder.remove();
  });

  it('shares one token across processes through the store, and stops at Zoho’s issuance cap with a clear message', async () => {
    const before = sandbox.control.stats().counters.tokensIssued ?? 0;
    // Two "processes": separate connectors, one SQLite store; both ask at once.
    const [desktop, cli] = [make('shared', true), make('shared', true)];
    const results = await Promise.all([desktop.test(), cli.test(), desktop.test()]);
    expect(results.every((result) => result.ok)).toBe(true);
    expect((sandbox.control.stats().counters.tokensIssued ?? 0) - before).toBe(1);
    expect(results[0]!.tokenLifetimeSeconds).toBe(3600);

    // Unshared connectors each mint one: the fourth inside ten minutes is refused.
    for (let index = 0; index < 2; index += 1) expect((await make(`solo-${index}`).test()).ok).toBe(true);
    const refused = await make('solo-refused').test();
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('E_AUTH_REFRESH_FAILED');
    expect(refused.error?.message).toMatch(/too many requests.*wait ten minutes|wait ten minutes/i);
    sandbox.control.clock.advance(11 * 60_000);
    expect((await make('solo-later').test()).ok).toBe(true);
  });

  it('sends only Zoho-oauthtoken (the sandbox refuses Bearer) and routes calls to the token’s api_domain', async () => {
    const bearer = await fetch(`${sandbox.url}/crm/v8/Accounts?fields=Account_Name`, {
      headers: { authorization: 'Bearer 1000.abc.def' },
    });
    expect(bearer.status).toBe(401);
    expect(await bearer.json()).toEqual({
      code: 'INVALID_TOKEN',
      details: {},
      message: 'invalid oauth token',
      status: 'error',
    });
    const connector = make('domain', true);
    expect(await connector.apiBase()).toBe(sandbox.url);
  });

  it('looks records up by external id and by record id', async () => {
    const connector = make('lookup', true);
    await connector.write(
      'Accounts',
      [
        { Infor_Customer_No: 'L(1),x', Account_Name: 'Needs escaping' },
        { Infor_Customer_No: 'L2', Account_Name: 'Plain' },
      ],
      { matchKey: ['Infor_Customer_No'] },
    );
    const values = ['L(1),x', 'l2', 'missing', ...Array.from({ length: 12 }, (_, index) => `none-${index}`)];
    const hits = await connector.lookup('Accounts', 'Infor_Customer_No', values);
    expect([...hits.keys()].sort()).toEqual(['L(1),x', 'l2']);
    expect(hits.get('l2')!.data.Account_Name).toBe('Plain');
    const byId = await connector.lookup('Accounts', 'id', [hits.get('l2')!.targetKey]);
    expect(byId.get(hits.get('l2')!.targetKey)?.data.Infor_Customer_No).toBe('L2');
  });

  it('brings back every field asked for, past the 50 one call may name, merged by id', async () => {
    const connector = make('lookup', true);
    await connector.write(
      'Accounts',
      [
        { Infor_Customer_No: 'F1', Account_Name: 'Wide one', Sales_Region: 'APAC' },
        { Infor_Customer_No: 'F2', Account_Name: 'Wide two', Sales_Region: 'EMEA' },
      ],
      { matchKey: ['Infor_Customer_No'] },
    );
    const fields = (await connector.schema('Accounts')).fields.map((field) => field.name);
    expect(fields.length).toBeGreaterThan(50);
    const before = sandbox.control.stats();
    const hits = await connector.lookup('Accounts', 'Infor_Customer_No', ['F1', 'F2'], { fields });
    expect(hits.get('F1')!.data).toMatchObject({ Account_Name: 'Wide one', Sales_Region: 'APAC' });
    expect(hits.get('F2')!.data).toMatchObject({ Account_Name: 'Wide two', Sales_Region: 'EMEA' });
    for (const field of fields) expect(hits.get('F1')!.data).toHaveProperty(field);
    // Two calls (a search, then the rest by id), none refused for naming more than 50 fields.
    const after = sandbox.control.stats();
    const calls = (route: string, stats: typeof before) => stats.routes[route]?.total ?? 0;
    expect(calls('Zoho search', after) - calls('Zoho search', before)).toBe(1);
    expect(calls('Zoho list', after) - calls('Zoho list', before)).toBe(1);
    expect(after.byStatus['400'] ?? 0).toBe(before.byStatus['400'] ?? 0);
  });

  it('enables, renews and disables a watch channel, and verifies callbacks', async () => {
    const connector = make('watch', true);
    const token = 'tok-' + 'x'.repeat(20);
    const channel = await connector.watch.enable({
      channelId: '1000000068001',
      events: ['Accounts.all', 'Deals.all'],
      notifyUrl: 'https://example.com/zoho',
      token,
      lifetimeMs: 2 * 3600_000,
    });
    expect(channel.expiresAt - sandbox.control.clock.now()).toBeGreaterThan(3600_000);
    expect(sandbox.inspect.watches().map((watch) => watch.channel_id)).toEqual(['1000000068001']);
    // Asking for more than a week silently gets one hour from Zoho; the connector caps it at a week.
    sandbox.control.clock.advance(90 * 60_000);
    expect(await connector.watch.renewDue(3600_000)).toEqual(['1000000068001']);
    expect(connector.watch.channels()[0]!.expiresAt).toBeGreaterThan(sandbox.control.clock.now() + 3600_000);
    await connector.write('Accounts', [{ Infor_Customer_No: 'W1', Account_Name: 'Watched' }], {
      matchKey: ['Infor_Customer_No'],
    });
    const notification = sandbox.inspect.notifications().at(-1)!;
    const check = verifyZohoNotification(JSON.parse(JSON.stringify(notification)), {
      channelId: '1000000068001',
      token,
    });
    expect(check).toMatchObject({ ok: true, module: 'Accounts', operation: 'insert' });
    // The ids are 19-digit strings end to end; as JSON numbers they would round to other records.
    const written = sandbox.inspect.records('Accounts').find((record) => record.Infor_Customer_No === 'W1')!;
    expect(check.ok && check.ids).toEqual([written.id]);
    expect(String(written.id)).toMatch(/^\d{19}$/);
    const rounded = verifyZohoNotification(
      { ...notification, ids: [Number(written.id)] },
      { channelId: '1000000068001', token },
    );
    expect(rounded).toMatchObject({ ok: false, reason: expect.stringContaining('ids must be strings') });
    expect(verifyZohoNotification({ ...notification, token: 'forged' }, { channelId: '1000000068001', token }).ok).toBe(
      false,
    );
    await connector.watch.disable();
    expect(sandbox.inspect.watches()).toHaveLength(0);
  });

  it('refuses more than 100 records per upsert call with LIMIT_EXCEEDED', async () => {
    const connector = make('limit', true);
    const token = await connector.apiBase().then(() => connector.tokens!.peek()!.accessToken);
    const response = await fetch(`${sandbox.url}/crm/v8/Accounts/upsert`, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: Array.from({ length: 101 }, (_, index) => ({ Account_Name: `A${index}` })) }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'LIMIT_EXCEEDED', details: { limit: 100 } });
  });

  it('knows every data centre’s hosts, Canada’s own accounts domain included, and validates settings', () => {
    expect(zohoKnownHosts()).toEqual(
      expect.arrayContaining([
        'accounts.zohocloud.ca',
        'www.zohoapis.ca',
        'accounts.zoho.eu',
        'www.zohoapis.com.au',
        'sandbox.zohoapis.com',
      ]),
    );
    expect(zohoSettingsSchema.safeParse({ dataCentre: 'ca', clientId: '1000.ABC' }).success).toBe(true);
    const bad = zohoSettingsSchema.safeParse({ dataCentre: 'mars', clientId: 'abc' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((issue) => issue.message).join(' ')).toMatch(/data centre.*|1000\./);
  });
});
