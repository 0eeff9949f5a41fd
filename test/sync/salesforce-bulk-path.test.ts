import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';

const customers = 2_500;
/** One customer Salesforce refuses (a parent account that does not exist) until the mapping is fixed. */
const refused = 'C0000007';
const mapping = (parent: string) =>
  `{ "Infor_Customer_Number__c": CUNO, "Name": CUNM, "BillingCity": TOWN, "ParentId": CUNO = "${refused}" ? ${parent} : null }`;

// A big load goes through Salesforce Bulk API 2.0: a handful of calls instead of 13 collections
// calls, the same audit rows and per-record errors, and a replay of a few records goes the normal way.
describe('M3 customers → Salesforce Accounts above the bulk threshold', () => {
  let infor: InforSandbox;
  let salesforce: SalesforceSandbox;
  let backend: Backend;
  let api: ApiClient;
  const folder = tempDir('mlc-salesforce-bulk-');
  const routes = () => salesforce.control.requests().map((request) => request.route);
  const count = (route: string) => routes().filter((name) => name === route).length;

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { customers } });
    salesforce = await startSalesforceSandbox({ seedAccounts: 0 });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
  });
  afterAll(async () => {
    await backend?.close();
    await salesforce?.close();
    await infor?.close();
    folder.remove();
  });

  async function flow(name: string, bulkThreshold?: number, pageSize?: number) {
    const source = await api.call('connections.importIonapi', {
      fileName: 'm3.ionapi',
      content: JSON.stringify(infor.ionapi('backend-service')),
      productLine: 'm3',
    });
    const settings = salesforce.connection();
    const target = await api.call('connections.create', {
      system: 'salesforce',
      name: `${settings.name} ${name}`,
      settings: settings.settings,
      secrets: settings.secrets,
      sandbox: true,
    });
    const saved = await api.call('mappings.save', {
      name,
      sourceEntity: 'customers',
      targetEntity: 'Account',
      expression: mapping('"001000000000404AAA"'),
    });
    return api.call('flows.save', {
      name,
      source: { connectionId: source.id, entity: 'customers', lookbackSeconds: 0 },
      mappingId: saved.id,
      target: { connectionId: target.id, entity: 'Account', matchKey: ['Infor_Customer_Number__c'] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: {
        dryRun: false,
        ...(bulkThreshold === undefined ? {} : { bulkThreshold }),
        ...(pageSize === undefined ? {} : { pageSize }),
      },
      paused: false,
    });
  }

  it('takes Bulk API 2.0, says so once, audits every record and replays a failure the normal way', async () => {
    const saved = await flow('Bulk accounts');
    salesforce.control.clearRequests();
    const run = await api.call('flows.run', { id: saved.id });
    expect(run.status).toBe('partial');
    expect(run.counters).toMatchObject({ read: customers, created: customers - 1, failed: 1 });
    expect(run.notes).toEqual([
      "Salesforce Account: Bulk API 2.0 for 2,500 records in 1 job (Salesforce's default bulk threshold is 2,000).",
    ]);
    // One job, no collections calls; the minimum is the job's best case, not 13 batches of 200.
    expect(count('Salesforce bulk create job')).toBe(1);
    expect(count('Salesforce collections upsert')).toBe(0);
    expect(salesforce.inspect.bulkJobs()).toEqual([expect.objectContaining({ rows: customers, state: 'JobComplete' })]);
    expect(run.calls.targetMinimum).toBe(6);
    expect(run.calls.target).toBeLessThan(13);
    expect(salesforce.inspect.count('Account')).toBe(customers - 1);

    // One audit row per record, with the target's id, and Salesforce's own error on the refused one.
    const audits = await api.call('audit.list', { runId: run.id, limit: 1 });
    expect(audits.total).toBe(customers);
    const created = await api.call('audit.list', { runId: run.id, outcome: 'created', limit: 1 });
    expect(created.items[0]?.targetKey).toMatch(/^001/);
    const failed = await api.call('audit.list', { runId: run.id, outcome: 'failed' });
    expect(failed.items.map((row) => row.sourceKey)).toEqual([refused]);
    // Salesforce's own code and text, from the job's failedResults (sf__Error).
    expect(failed.items[0]).toMatchObject({ errorCode: 'INVALID_CROSS_REFERENCE_KEY' });
    expect(failed.items[0]?.errorMessage).toContain('invalid cross reference id');

    // Fixed mapping, replay: one record, below the threshold, through sObject Collections.
    const current = await api.call('mappings.get', { id: saved.mappingId });
    await api.call('mappings.save', {
      id: current.id,
      name: current.name,
      sourceEntity: current.sourceEntity,
      targetEntity: current.targetEntity,
      expression: mapping('null'),
    });
    salesforce.control.clearRequests();
    const replay = await api.call('runs.replay', { runId: run.id, mapping: 'current' });
    expect(replay.status).toBe('succeeded');
    expect(replay.counters).toMatchObject({ created: 1, failed: 0 });
    expect(count('Salesforce collections upsert')).toBe(1);
    expect(count('Salesforce bulk create job')).toBe(0);
    expect(salesforce.inspect.findBy('Account', 'Infor_Customer_Number__c', refused)).toBeDefined();
  }, 120_000);

  it('a bulk threshold of 0 means never: normal batches, and the run says why', async () => {
    const saved = await flow('Never bulk', 0);
    salesforce.control.clearRequests();
    const run = await api.call('flows.run', { id: saved.id });
    expect(run.notes).toEqual([
      'Salesforce Account: Bulk API 2.0 is off for this flow (its bulk threshold is 0); records go in normal batches.',
    ]);
    expect(count('Salesforce bulk create job')).toBe(0);
    // The first flow wrote these accounts: unchanged ones are still written (a new flow knows no hashes).
    expect(count('Salesforce collections upsert')).toBe(13);
    expect(run.calls.targetMinimum).toBe(13);
  }, 120_000);

  it('a flow threshold above the load keeps normal batches; a dry run never takes the bulk path', async () => {
    const saved = await flow('High threshold', 5_000);
    salesforce.control.clearRequests();
    const run = await api.call('flows.run', { id: saved.id });
    // A run below the threshold took the usual path: nothing to explain.
    expect(run.notes).toEqual([]);
    expect(count('Salesforce bulk create job')).toBe(0);

    const low = await flow('Dry bulk', 100);
    salesforce.control.clearRequests();
    const dry = await api.call('flows.run', { id: low.id, dryRun: true });
    expect(dry.status).toBe('succeeded');
    expect(count('Salesforce bulk create job')).toBe(0);
    expect(dry.notes).toEqual([]);
  }, 120_000);

  it('keeps the page size a flow sets: pages of the threshold take bulk, a smaller last page goes in batches', async () => {
    const saved = await flow('Pages of 2,000', undefined, 2_000);
    salesforce.control.clearRequests();
    const run = await api.call('flows.run', { id: saved.id });
    expect(run.notes).toEqual([
      "Salesforce Account: Bulk API 2.0 for 2,000 records in 1 job (Salesforce's default bulk threshold is 2,000); 500 in normal batches (pages below the threshold).",
    ]);
    expect(salesforce.inspect.bulkJobs().at(-1)).toMatchObject({ rows: 2_000, state: 'JobComplete' });
    expect(count('Salesforce bulk create job')).toBe(1);
    expect(count('Salesforce collections upsert')).toBe(3);
    expect(run.calls.targetMinimum).toBe(6 + 3);
  }, 120_000);

  it('pages a flow keeps smaller than the threshold never take bulk, and the run says how to change that', async () => {
    const saved = await flow('Pages of 500', undefined, 500);
    salesforce.control.clearRequests();
    const run = await api.call('flows.run', { id: saved.id });
    expect(run.notes).toEqual([
      "Salesforce Account: normal batches for 2,500 records: no page reached the Bulk API 2.0 threshold (Salesforce's default bulk threshold is 2,000). The flow reads pages of 500 records, so a page never reaches it; raise its page size to use Bulk API 2.0.",
    ]);
    expect(count('Salesforce bulk create job')).toBe(0);
    expect(count('Salesforce collections upsert')).toBe(15);
  }, 120_000);
});
