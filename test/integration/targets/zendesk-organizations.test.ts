import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../electron/backend/connectors/framework/connector';
import {
  createZendeskConnector,
  type ZendeskConnector,
} from '../../../electron/backend/connectors/zendesk/zendesk.connector';
import { startZendeskSandbox, type ZendeskSandbox } from '../../../sandbox/zendesk/index';

// 100,000 organizations one create_or_update each take hours at 700 calls a minute: a stock
// tenant's create_many/update_many jobs carry 100 each (organizations OpenAPI fragment).
describe('Zendesk organizations in jobs of 100 against the sandbox', () => {
  let sandbox: ZendeskSandbox;
  let connector: ZendeskConnector;
  const routes = () => sandbox.control.requests().map((request) => request.route);
  const count = (route: string) => routes().filter((name) => name === route).length;
  const organizations = (from: number, count: number, suffix = ''): JsonObject[] =>
    Array.from({ length: count }, (_, offset) => ({
      name: `Bulk Org ${from + offset}${suffix}`,
      external_id: `BULK-${from + offset}`,
      notes: `Synced ${suffix || 'first'}`,
    }));

  beforeAll(async () => {
    sandbox = await startZendeskSandbox({ settings: { rateLimitPerMinute: null, jobDurationMs: 20 } });
    const connection = sandbox.connection();
    connector = createZendeskConnector({
      connection: { id: 'zendesk-organizations', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
      http: { timing: { baseDelayMs: 5, maxDelayMs: 50 } },
    });
  });
  afterAll(async () => {
    await connector?.close();
    await sandbox?.close();
  });

  it('250 new organizations: 3 show_many lookups and 3 create_many jobs, no call per record', async () => {
    sandbox.control.clearRequests();
    const records = organizations(1, 250);
    const results = await connector.write('organizations', records, { matchKey: ['external_id'] });
    expect(results.every((result) => result.outcome === 'created')).toBe(true);
    const byExternalId = new Map(sandbox.inspect.organizations().map((record) => [record.external_id, record.id]));
    results.forEach((result, index) =>
      expect(result.targetKey).toBe(String(byExternalId.get(records[index]?.external_id))),
    );
    expect(count('Zendesk organizations create_many')).toBe(3);
    expect(count('Zendesk show_many organizations')).toBe(3);
    expect(count('Zendesk organization create_or_update')).toBe(0);
    expect(sandbox.inspect.largestOrganizationBatch()).toBe(100);
    // Every other call polls a job: create_many + show_many + polls ≪ 250.
    expect(sandbox.control.requests().filter((request) => request.metered).length).toBeLessThan(30);
  });

  it('a failing record inside a job is reported on that record, never shifted', async () => {
    sandbox.control.clearRequests();
    const taken = 'Bulk Org 7';
    const records = [
      ...organizations(1, 3, ' renamed'), // existing: update_many
      { name: 'Fresh Org A', external_id: 'FRESH-A' },
      { name: taken, external_id: 'FRESH-B' }, // a new record whose name is taken: create_many fails it
      { name: 'Fresh Org C', external_id: 'FRESH-C' },
      { name: 'Bulk Org 9', external_id: 'BULK-5' }, // existing, renamed to a taken name: update_many fails it
      { name: 'Fresh Org D', external_id: 'FRESH-D', organization_fields: { credit_status: 'excellent' } },
    ];
    const results = await connector.write('organizations', records, { matchKey: ['external_id'] });
    expect(results.map((result) => result.outcome)).toEqual([
      'updated',
      'updated',
      'updated',
      'created',
      'failed',
      'created',
      'failed',
      'failed',
    ]);
    expect(results[4]?.error?.message).toMatch(/Name: has already been taken/);
    expect(results[6]?.error?.message).toMatch(/Name: has already been taken/);
    expect(results[7]?.error?.message).toMatch(/Credit status: excellent is not a valid option/);
    expect(results[0]).toMatchObject({ match: { by: 'external_id', value: 'BULK-1' } });
    const saved = sandbox.inspect.organizations();
    expect(saved.find((record) => record.external_id === 'BULK-2')?.name).toBe('Bulk Org 2 renamed');
    expect(saved.find((record) => record.external_id === 'FRESH-C')?.id).toBe(Number(results[5]?.targetKey));
    expect(saved.some((record) => record.external_id === 'FRESH-B')).toBe(false);
    expect(count('Zendesk organizations update_many')).toBe(1);
    expect(count('Zendesk organizations create_many')).toBe(1);
  });

  it('one new external id twice in a batch: created once, then updated, as an upsert per record would', async () => {
    const results = await connector.write(
      'organizations',
      [
        { name: 'Twice Org', external_id: 'TWICE-1' },
        { name: 'Once Org', external_id: 'ONCE-1' },
        { name: 'Twice Org Ltd', external_id: 'twice-1' },
      ],
      { matchKey: ['external_id'] },
    );
    expect(results.map((result) => result.outcome)).toEqual(['created', 'created', 'updated']);
    expect(results[2]?.targetKey).toBe(results[0]?.targetKey);
    expect(sandbox.inspect.organizations().find((record) => record.external_id === 'twice-1')?.name).toBe(
      'Twice Org Ltd',
    );
  });

  it('looks organizations up with the documented parameters only (show_many external_ids, search name)', async () => {
    sandbox.control.clearRequests();
    const byExternalId = await connector.lookup('organizations', 'external_id', ['BULK-1', 'NOPE']);
    const byName = await connector.lookup('organizations', 'name', ['bulk org 3 renamed', 'No Such Org']);
    expect(byExternalId.get('BULK-1')?.data.name).toBe('Bulk Org 1 renamed');
    expect(byExternalId.has('NOPE')).toBe(false);
    expect(byName.get('bulk org 3 renamed')?.data.external_id).toBe('BULK-3');
    expect(byName.has('No Such Org')).toBe(false);
    const calls = sandbox.control.requests();
    expect(calls.map((call) => [call.route, Object.keys(call.query).sort().join(',')])).toEqual([
      ['Zendesk show_many organizations', 'external_ids'],
      ['Zendesk search organizations', 'name'],
      ['Zendesk search organizations', 'name'],
    ]);
  });
});
