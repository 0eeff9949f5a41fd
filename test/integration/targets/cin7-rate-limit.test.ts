import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCin7Connector, type Cin7Connector } from '../../../electron/backend/connectors/cin7/cin7.connector';
import type { JsonObject, WriteResult } from '../../../electron/backend/connectors/framework/connector';
import { startCin7Sandbox, type Cin7Sandbox } from '../../../sandbox/cin7';

// Cin7 allows 60 calls per minute; the window is scaled to 2 s so the run takes seconds, not minutes.
const limit = { requests: 60, windowMs: 2_000 };

describe('Cin7 rate limit: 300 suppliers through a rolling 60-call window', () => {
  let sandbox: Cin7Sandbox;
  let connector: Cin7Connector;

  beforeAll(async () => {
    sandbox = await startCin7Sandbox({ rateLimit: limit, counts: { suppliers: 25, customers: 0 } });
    const connection = sandbox.connection();
    connector = createCin7Connector({
      connection: { id: 'cin7-rate-limit', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
      rateLimit: { windowMs: limit.windowMs },
    });
  });

  afterAll(async () => {
    await connector?.close();
    await sandbox?.close();
  });

  it('never exceeds the limit in any window and finishes within 10% of the fastest schedule', async () => {
    const existing = sandbox.inspect.suppliers().slice(0, 20);
    const records: JsonObject[] = [];
    // 10 known by stored ID, 10 only by name (renamed case), 280 new.
    existing.forEach((supplier, index) => {
      const base = { Name: String(supplier.Name), TaxRule: 'BAS Excluded', Comments: `synced ${index}` };
      records.push(index < 10 ? { ...base, ID: String(supplier.ID).toUpperCase() } : base);
    });
    for (let index = 0; index < 280; index += 1) {
      records.push({
        Name: `Infor Supplier ${String(index).padStart(4, '0')}`,
        TaxRule: 'BAS Excluded',
        Currency: 'AUD',
        PaymentTerm: '30 days',
        Status: 'Active',
      });
    }
    sandbox.inspect.clearCalls();

    const results: WriteResult[] = [];
    for (let start = 0; start < records.length; start += 100) {
      results.push(
        ...(await connector.write('Supplier', records.slice(start, start + 100), { matchKey: ['ID', 'Name'] })),
      );
    }

    expect(results.filter((result) => result.outcome === 'failed')).toEqual([]);
    expect(results.slice(0, 10).every((result) => result.outcome === 'updated' && result.match?.by === 'id')).toBe(
      true,
    );
    expect(results.slice(10, 20).every((result) => result.outcome === 'updated' && result.match?.by === 'name')).toBe(
      true,
    );
    expect(
      results
        .slice(20)
        .every((result) => result.outcome === 'created' && result.match?.by === 'none' && result.targetKey),
    ).toBe(true);
    expect(sandbox.inspect.suppliers()).toHaveLength(25 + 280);

    const calls = sandbox.inspect.calls();
    expect(calls.filter((call) => call.limited)).toEqual([]);
    // One list call (the directory) plus one write per supplier: the theoretical minimum.
    expect(calls).toHaveLength(1 + records.length);

    const arrivals = calls.map((call) => call.at).sort((left, right) => left - right);
    for (let index = 0; index + limit.requests < arrivals.length; index += 1) {
      const span = (arrivals[index + limit.requests] as number) - (arrivals[index] as number);
      expect(span, `calls ${index}..${index + limit.requests} arrived within one window`).toBeGreaterThanOrEqual(
        limit.windowMs,
      );
    }
    expect(sandbox.inspect.busiestWindow(limit.windowMs).count).toBeLessThanOrEqual(limit.requests);

    // Fastest legal schedule: call k may start no earlier than floor(k / L) windows after the first.
    const fastest = Math.floor((arrivals.length - 1) / limit.requests) * limit.windowMs;
    const actual = (arrivals.at(-1) as number) - (arrivals[0] as number);
    expect(actual).toBeGreaterThanOrEqual(fastest);
    expect(actual).toBeLessThanOrEqual(fastest * 1.1);
  });
});
