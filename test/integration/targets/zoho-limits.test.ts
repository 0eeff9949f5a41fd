import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZohoConnector, type ZohoConnector } from '../../../electron/backend/connectors/zoho/zoho.connector';
import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho/index';

/**
 * Zoho publishes calls in flight per edition and daily credits, no per-minute limit (API-FACTS §2.4,
 * §10): the connector keeps to the first and imposes no per-minute cap of its own.
 */
describe('Zoho connector: the documented limits, not a self-imposed one', () => {
  let sandbox: ZohoSandbox;
  const open: ZohoConnector[] = [];
  const make = (settings: Record<string, string | number> = {}) => {
    const connection = sandbox.connection();
    const connector = createZohoConnector({
      connection: { id: `limits-${open.length}`, settings: { ...connection.settings, ...settings }, sandbox: true },
      secrets: connection.secrets,
      now: () => sandbox.control.clock.now(),
    });
    open.push(connector);
    return connector;
  };

  beforeAll(async () => {
    sandbox = await startZohoSandbox({ seedAccounts: 5 });
  });
  afterAll(async () => {
    await Promise.all(open.map((connector) => connector.close()));
    await sandbox.close();
  });

  it('makes more than 600 calls inside one minute when the simulator allows them (no per-minute limiter)', async () => {
    const connector = make();
    expect(connector.http.limits()).toEqual({ requests: null, windowMs: 60_000, concurrency: 10 });
    const base = await connector.apiBase();
    // The simulator's clock is pinned, so every call lands in the same minute (on the wall clock a
    // slow run could straddle a minute's end). The old 600/min reservoir held call 601 for the rest
    // of the minute; now all 700 go through at once.
    sandbox.control.clock.set(sandbox.control.clock.now());
    try {
      const calls = Array.from({ length: 700 }, () =>
        connector.http.request({ method: 'GET', url: `${base}/crm/v8/settings/modules` }),
      );
      const responses = await Promise.all(calls);
      expect(responses.every((response) => response.status === 200)).toBe(true);
      expect(sandbox.inspect.busiestMinute()).toBeGreaterThanOrEqual(700);
      expect(sandbox.control.stats().counters.throttled ?? 0).toBe(0);
    } finally {
      sandbox.control.clock.set(null);
    }
  });

  it('keeps a per-minute cap only when the connection sets one', () => {
    expect(make({ rateLimitPerMinute: 120 }).http.limits().requests).toBe(120);
  });

  it('keeps no more calls in flight than the edition allows, by the simulator’s own count', async () => {
    const edition = await startZohoSandbox({ seedAccounts: 1, concurrency: 5, callLatencyMs: 100 });
    try {
      const connection = edition.connection();
      const connector = createZohoConnector({
        connection: { id: 'free', settings: { ...connection.settings, edition: 'free' }, sandbox: true },
        secrets: connection.secrets,
        now: () => edition.control.clock.now(),
      });
      open.push(connector);
      expect(connector.http.limits().concurrency).toBe(5);
      const writes = Array.from({ length: 30 }, (_, index) =>
        connector.write('Accounts', [{ Account_Name: `Limits ${index}` }], { matchKey: ['Account_Name'] }),
      );
      const results = (await Promise.all(writes)).flat();
      expect(results.map((result) => result.outcome)).toEqual(Array.from({ length: 30 }, () => 'created'));
      // The Free edition's 5: reached (the calls did overlap) and never passed (no 429 from the simulator).
      expect(edition.inspect.maxInFlight()).toBe(5);
      expect(edition.control.stats().counters.concurrencyRefused ?? 0).toBe(0);
      expect(edition.inspect.count('Accounts')).toBe(31);
    } finally {
      await edition.close();
    }
  });

  it('the simulator refuses a call past the edition’s concurrency with 429 TOO_MANY_REQUESTS (API-FACTS §2.4)', async () => {
    const strict = await startZohoSandbox({ seedAccounts: 1, concurrency: 2, callLatencyMs: 200 });
    try {
      const connection = strict.connection();
      // Told Ultimate (25) against an org that allows 2, with no retries: the third call is refused.
      const connector = createZohoConnector({
        connection: { id: 'over', settings: { ...connection.settings, edition: 'ultimate' }, sandbox: true },
        secrets: connection.secrets,
        now: () => strict.control.clock.now(),
        http: { maxRetries: 0 },
      });
      open.push(connector);
      const base = await connector.apiBase();
      const answers = await Promise.allSettled(
        Array.from({ length: 3 }, () =>
          connector.http.request({ method: 'GET', url: `${base}/crm/v8/settings/modules` }),
        ),
      );
      expect(answers.filter((answer) => answer.status === 'fulfilled')).toHaveLength(2);
      expect(strict.control.stats().counters.concurrencyRefused).toBe(1);
      expect(strict.inspect.maxInFlight()).toBe(2);
    } finally {
      await strict.close();
    }
  });

  it('takes each edition’s documented concurrency, Standard when none is set', () => {
    expect(make().http.limits().concurrency).toBe(10);
    expect(make({ edition: 'professional' }).http.limits().concurrency).toBe(15);
    expect(make({ edition: 'enterprise' }).http.limits().concurrency).toBe(20);
    expect(make({ edition: 'ultimate' }).http.limits().concurrency).toBe(25);
  });
});
