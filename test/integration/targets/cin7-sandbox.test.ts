import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createCin7Connector, type Cin7Connector } from '../../../electron/backend/connectors/cin7/cin7.connector';
import { startCin7Sandbox, type Cin7Sandbox } from '../../../sandbox/cin7';

describe('Cin7 sandbox quirks through the connector', () => {
  let sandbox: Cin7Sandbox;
  let connector: Cin7Connector;
  const statuses: number[] = [];

  beforeAll(async () => {
    sandbox = await startCin7Sandbox({ rateLimit: null });
    const connection = sandbox.connection();
    connector = createCin7Connector({
      connection: { id: 'cin7-quirks', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
      http: { timing: { baseDelayMs: 5, maxDelayMs: 50 }, onRetry: (event) => statuses.push(event.status ?? 0) },
    });
  });
  afterAll(async () => {
    await connector?.close();
    await sandbox?.close();
  });

  const call = (method: 'GET' | 'DELETE', path: string, key = sandbox.connection().secrets.applicationKey) =>
    request(`${sandbox.connection().settings.baseUrl}${path}`, {
      method,
      headers: { 'api-auth-accountid': sandbox.connection().secrets.accountId, 'api-auth-applicationkey': key },
    });

  it('refuses wrong keys with 403, has no supplier DELETE, and filters Name by prefix', async () => {
    const refused = await call('GET', '/supplier', 'wrong');
    expect(refused.statusCode).toBe(403);
    expect(await refused.body.text()).toBe('Incorrect credentials!');
    const deleted = await call('DELETE', '/supplier?ID=x');
    expect(deleted.statusCode).toBe(405);
    await deleted.body.dump();
    const name = String(sandbox.inspect.suppliers()[0]?.Name);
    const prefix = await call('GET', `/supplier?name=${encodeURIComponent(name.slice(0, 4))}&includedeprecated=true`);
    const body = (await prefix.body.json()) as { Total: number; SupplierList: Array<{ Name: string }> };
    expect(body.Total).toBeGreaterThan(0);
    for (const supplier of body.SupplierList)
      expect(supplier.Name.toLowerCase().startsWith(name.slice(0, 4).toLowerCase())).toBe(true);
  });

  it('answers over the limit with 503 (switch) and no Retry-After; the connector backs off on that answer', async () => {
    sandbox.control.setSwitches({ overLimitStatus: 503 });
    sandbox.control.setRateLimit({ requests: 1, windowMs: 10_000 });
    try {
      await (await call('GET', '/me')).body.dump();
      const over = await call('GET', '/me');
      expect(over.statusCode).toBe(503);
      expect(over.headers['retry-after']).toBeUndefined();
      expect(await over.body.text()).toBe('You reached 1 calls per minute API limit');
    } finally {
      sandbox.control.setRateLimit(null);
    }
    // Deterministic version for the client: the next two writes meet the same answer, then pass.
    sandbox.control.setFaults([
      {
        path: '/ExternalApi/v2/supplier',
        method: 'POST',
        status: 503,
        times: 2,
        body: 'You reached 60 calls per minute API limit',
      },
    ]);
    statuses.length = 0;
    try {
      const [result] = await connector.write(
        'Supplier',
        [{ Name: `Burst supplier ${Date.now()}`, TaxRule: 'BAS Excluded' }],
        { matchKey: ['ID', 'Name'] },
      );
      expect(result?.outcome).toBe('created');
      expect(statuses).toEqual([503, 503]);
    } finally {
      sandbox.control.clearFaults();
      sandbox.control.setSwitches({ overLimitStatus: 429 });
    }
  });

  it('reads an error model sent with HTTP 200 as a per-record failure with Cin7’s text', async () => {
    sandbox.control.setSwitches({ errorsWithHttp200: true });
    try {
      const [result] = await connector.write('Supplier', [{ Name: `No tax ${Date.now()}`, TaxRule: 'Imaginary Tax' }], {
        matchKey: ['Name'],
      });
      expect(result).toMatchObject({
        outcome: 'failed',
        error: { code: '400', message: "TaxRule 'Imaginary Tax' not found in Tax Rules.", field: 'TaxRule' },
      });
    } finally {
      sandbox.control.setSwitches({ errorsWithHttp200: false });
    }
  });

  it('normalises stamps printed without a zone and with any number of fraction digits', async () => {
    sandbox.control.setSwitches({ datesWithoutZone: true });
    try {
      for await (const page of connector.read('Supplier', { pageSize: 10 })) {
        const raw = page.records.map((record) => (record.raw as { LastModifiedOn: string }).LastModifiedOn);
        expect(raw.some((stamp) => !stamp.endsWith('Z'))).toBe(true);
        for (const record of page.records) expect(record.stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        break;
      }
    } finally {
      sandbox.control.setSwitches({ datesWithoutZone: false });
    }
  });
});
