import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import type { Connection } from '../../shared/domain/connection';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../sandbox/dynamics/index';
import { tempDir } from '../support/paths';
import { connectInforAndTarget } from './support/connect';
import { fastBackend } from './support/sync-harness';

/**
 * ERP numbers such as `ACME/01` or `A&B` mapped onto a Dataverse alternate key: Dataverse refuses
 * a record addressed by such a key in the URL (Microsoft Learn, "Define alternate keys using Power
 * Apps"), so the connector must find those records by `$filter` and write them by id. Both the
 * per-record `$batch` path and the bulk path: created once, updated on a rerun, never duplicated.
 */
describe('Dynamics alternate-key values Dataverse refuses in the URL', () => {
  let infor: InforSandbox;
  let dynamics: DynamicsSandbox;
  let backend: Backend;
  let api: ApiClient;
  let connections: { source: Connection; target: Connection };
  const folder = tempDir('mlc-dynamics-unsafe-keys-');

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { customers: 4 } });
    dynamics = await startDynamicsSandbox({ counts: { account: 2, contact: 0, salesorder: 0, invoice: 0, quote: 0 } });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
    connections = await connectInforAndTarget(api, infor, 'dynamics', dynamics.connection());
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await infor?.close();
    await dynamics?.close();
    folder.remove();
  });

  /** A flow from the M3 customers whose first two numbers map onto keys holding `/` and `&`. */
  const flow = async (prefix: string, bulkThreshold: number) => {
    const expression = `{
      "accountnumber": CUNO = "C0000001" ? "${prefix}ACME/01" : CUNO = "C0000002" ? "${prefix}A&B" : "${prefix}" & CUNO,
      "name": CUNM,
      "description": "M3 change " & $string(LMTS)
    }`;
    const mapping = await api.call('mappings.save', {
      name: `Unsafe keys ${prefix}`,
      sourceEntity: 'customers',
      targetEntity: 'account',
      expression,
    });
    return api.call('flows.save', {
      name: `Unsafe keys ${prefix}`,
      source: { connectionId: connections.source.id, entity: 'customers', lookbackSeconds: 0 },
      mappingId: mapping.id,
      target: { connectionId: connections.target.id, entity: 'account', matchKey: ['accountnumber'] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false, bulkThreshold },
      paused: false,
    });
  };
  const accounts = (prefix: string) =>
    dynamics.inspect
      .records('account')
      .map((row) => String(row.accountnumber))
      .filter((number) => number.startsWith(prefix))
      .sort();

  it.each([
    ['per-record $batch path', 'R-', 0],
    ['bulk path', 'B-', 1],
  ])(
    'creates keys holding / and & once and updates them on a rerun (%s)',
    async (_path, prefix, threshold) => {
      const saved = await flow(prefix, threshold);
      const first = await api.call('flows.run', { id: saved.id });
      const failures = (await api.call('audit.list', { runId: first.id, outcome: 'failed', limit: 10 })).items;
      expect(failures.map((row) => `${row.sourceKey}: ${row.errorMessage}`)).toEqual([]);
      expect(first.counters).toMatchObject({ read: 4, created: 4, failed: 0 });
      expect(accounts(prefix)).toEqual(
        [`${prefix}A&B`, `${prefix}ACME/01`, `${prefix}C0000003`, `${prefix}C0000004`].sort(),
      );

      // Each result carries the Dataverse id of the account written (the id map is built from it).
      const written = (await api.call('audit.list', { runId: first.id, outcome: 'created', limit: 10 })).items;
      const idOf = (number: string) =>
        String(dynamics.inspect.records('account').find((row) => row.accountnumber === number)?.accountid);
      expect(Object.fromEntries(written.map((row) => [row.sourceKey, row.targetKey]))).toMatchObject({
        C0000001: idOf(`${prefix}ACME/01`),
        C0000002: idOf(`${prefix}A&B`),
      });

      // Every customer changes in M3 (its change stamp is mapped): the rerun updates the same four accounts.
      infor.control.modify('customers', 4);
      const second = await api.call('flows.run', { id: saved.id });
      expect(second.counters).toMatchObject({ read: 4, created: 0, updated: 4, failed: 0 });
      expect(accounts(prefix)).toHaveLength(4);
      const updated = (await api.call('audit.list', { runId: second.id, outcome: 'updated', limit: 10 })).items;
      expect(updated.find((row) => row.sourceKey === 'C0000002')?.targetKey).toBe(idOf(`${prefix}A&B`));
      expect(dynamics.inspect.record('account', { accountnumber: `${prefix}A&B` })?.description).toMatch(/^M3 change /);
    },
    120_000,
  );
});
