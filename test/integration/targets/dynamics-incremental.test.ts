import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamicsConnector } from '../../../electron/backend/connectors/dynamics/dynamics.connector';
import type { ReadOptions, ReadPage, SourceRecord } from '../../../electron/backend/connectors/framework/connector';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../../sandbox/dynamics/index';

/**
 * Dataverse as a source (issue 16): `modifiedon ge` reads over several pages while records change,
 * ties at the second-precision boundary, deletions through change tracking and its delta links,
 * the expired-token fallback, and lookup stamps. Over HTTP against the simulator.
 */
const t0 = Date.parse('2026-03-02T08:00:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();

async function readAll(connector: DynamicsConnector, options: ReadOptions, between?: (page: number) => void) {
  const pages: ReadPage[] = [];
  for await (const page of connector.read('contact', options)) {
    pages.push(page);
    between?.(pages.length);
  }
  const records = pages.flatMap((page) => page.records);
  return {
    pages,
    records,
    keys: records.map((record) => record.key),
    warnings: pages.flatMap((page) => page.warnings ?? []),
    cursor: pages.at(-1)?.cursor,
  };
}

function connect(sandbox: DynamicsSandbox, id: string): DynamicsConnector {
  const connection = sandbox.connection();
  return new DynamicsConnector({
    connection: { id, settings: connection.settings, sandbox: true },
    secrets: connection.secrets,
  });
}

describe('Dataverse contacts read incrementally', () => {
  let sandbox: DynamicsSandbox;
  let connector: DynamicsConnector;
  let ids: string[];

  beforeAll(async () => {
    sandbox = await startDynamicsSandbox({ counts: { account: 2, contact: 16, salesorder: 0, invoice: 0, quote: 0 } });
    connector = connect(sandbox, 'dynamics-incremental');
    ids = sandbox.inspect.records('contact').map((row) => String(row.contactid));
    // Contacts 0–7 one second apart, 8–11 all in the same second (a tie), 12–15 later.
    ids.forEach((id, index) => sandbox.control.modify('contact', [id], at(index < 8 ? index : index < 12 ? 8 : index)));
    sandbox.control.clock.set(t0 + 3600_000);
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it('reads each record modified at or after `since` once, ties at the second included, stamps and keys as ISO and ids', async () => {
    // 8.4 s: Dataverse keeps `modifiedon` to the second, so the records of second 8 may be later than it.
    const read = await readAll(connector, { since: at(8.4), pageSize: 3 });
    expect(read.pages.length).toBeGreaterThan(2);
    // Oldest first; the id orders the tie.
    expect(read.keys).toEqual([...ids.slice(8, 12).sort(), ...ids.slice(12)]);
    expect(read.records.slice(0, 4).map((record) => record.stamp)).toEqual([at(8), at(8), at(8), at(8)]);
    expect(read.records[0]!.data.contactid).toBe(read.records[0]!.key);
  });

  it('never gives a record twice when records change while it pages, and loses none', async () => {
    const changedAt = t0 + 3600_000;
    const before = await readAll(connector, { since: at(4), pageSize: 3 }, (page) => {
      // After the first page: one record already read and one not yet read are changed (now).
      if (page === 1) sandbox.control.modify('contact', [ids[4]!, ids[9]!], changedAt);
    });
    expect(new Set(before.keys).size).toBe(before.keys.length);
    expect(before.warnings.join('\n')).toMatch(/changed while it was being read/);
    // The next run starts at the newest stamp read (the engine's watermark) and gets the rest.
    const watermark = before.records
      .map((record) => record.stamp)
      .sort()
      .at(-1)!;
    const after = await readAll(connector, { since: watermark, pageSize: 3 });
    const seen = new Map<string, string>();
    for (const record of [...before.records, ...after.records]) seen.set(record.key, record.stamp);
    expect([...seen.keys()].sort()).toEqual(ids.slice(4).sort());
    // Both changed records arrive with their new stamp.
    expect(seen.get(ids[4]!)).toBe(new Date(changedAt).toISOString());
    expect(seen.get(ids[9]!)).toBe(new Date(changedAt).toISOString());
  });

  it('tells lookups the record stamp (modifiedon)', async () => {
    const [row] = sandbox.inspect.records('contact');
    const hits = await connector.lookup('contact', 'mlc_inforcontactid', [String(row!.mlc_inforcontactid)]);
    expect(hits.get(String(row!.mlc_inforcontactid))).toMatchObject({
      targetKey: row!.contactid,
      stamp: new Date(Date.parse(String(row!.modifiedon))).toISOString(),
    });
  });

  it('reports no deletions while the table does not track changes (a stock org), and says so', async () => {
    sandbox.control.changeTracking('contact', false);
    const read = await readAll(connector, { since: at(12), deletions: true, pageSize: 5 });
    // The two records changed in the test before are newer than everything else.
    expect(read.keys).toEqual([...ids.slice(12), ...[ids[4]!, ids[9]!].sort()]);
    expect(read.cursor).toBeUndefined();
    expect(read.warnings.join('\n')).toMatch(/change tracking is off/);
  });
});

// Unconfirmed whether Dataverse ignores or refuses `odata.track-changes` on an untracked table: the
// connector never asks it there, so a read works under both.
describe.each(['ignore', 'refuse'] as const)(
  'Dataverse deletions where change tracking is off (preference: %s)',
  (untrackedPreference) => {
    let sandbox: DynamicsSandbox;
    let connector: DynamicsConnector;

    beforeAll(async () => {
      sandbox = await startDynamicsSandbox({
        counts: { account: 2, contact: 4, salesorder: 0, invoice: 0, quote: 0 },
        untrackedPreference,
      });
      connector = connect(sandbox, `dynamics-untracked-${untrackedPreference}`);
    });
    afterAll(async () => {
      await connector.close();
      await sandbox.close();
    });

    it('reads every changed record and says deletions are not reported', async () => {
      const read = await readAll(connector, { since: '2000-01-01T00:00:00Z', deletions: true, cursor: 'stale' });
      expect(read.keys.sort()).toEqual(
        sandbox.inspect
          .records('contact')
          .map((row) => String(row.contactid))
          .sort(),
      );
      expect(read.cursor).toBeUndefined();
      expect(read.warnings.join('\n')).toMatch(/change tracking is off/);
    });
  },
);

describe('Dataverse deletions through change tracking', () => {
  let sandbox: DynamicsSandbox;
  let connector: DynamicsConnector;
  let ids: string[];

  beforeAll(async () => {
    sandbox = await startDynamicsSandbox({
      counts: { account: 2, contact: 10, salesorder: 0, invoice: 0, quote: 0 },
      changeTracking: ['contact'],
    });
    connector = connect(sandbox, 'dynamics-tracking');
    ids = sandbox.inspect.records('contact').map((row) => String(row.contactid));
    ids.forEach((id, index) => sandbox.control.modify('contact', [id], at(index)));
    sandbox.control.clock.set(t0 + 3600_000);
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it('hands back a delta link, then reads changes and deletions from it, each once', async () => {
    const first = await readAll(connector, { since: at(5), deletions: true, pageSize: 2 });
    expect(first.keys.sort()).toEqual(ids.slice(5).sort());
    expect(first.cursor).toMatch(/\$deltatoken=/);
    expect(first.records.some((record) => record.deleted)).toBe(false);

    sandbox.control.remove('contact', [ids[1]!, ids[7]!]);
    sandbox.control.modify('contact', [ids[2]!]);
    const second = await readAll(connector, { since: at(5), deletions: true, cursor: first.cursor, pageSize: 2 });
    const deleted = second.records.filter((record) => record.deleted);
    expect(deleted.map((record) => record.key).sort()).toEqual([ids[1], ids[7]].sort());
    expect(deleted[0]).toMatchObject({ stamp: '', data: { contactid: deleted[0]!.key } });
    expect(second.records.filter((record) => !record.deleted).map((record) => record.key)).toEqual([ids[2]]);
    expect(second.cursor).toMatch(/\$deltatoken=/);

    const third = await readAll(connector, { since: at(5), deletions: true, cursor: second.cursor });
    expect(third.records).toEqual([]);
    expect(third.cursor).toMatch(/\$deltatoken=/);
  });

  it('falls back to `since` with a warning when the delta token has expired', async () => {
    const first = await readAll(connector, { since: at(8), deletions: true });
    sandbox.control.expireDeltaTokens();
    const read = await readAll(connector, { since: at(8), deletions: true, cursor: first.cursor });
    expect(read.warnings.join('\n')).toMatch(/no longer keeps the changes.*0x80044352|expired/i);
    // ids[2] changed in the test before.
    expect(read.keys.sort()).toEqual([ids[2], ids[8], ids[9]].sort());
    expect(read.cursor).toMatch(/\$deltatoken=/);
    expect(read.records.every((record: SourceRecord) => !record.deleted)).toBe(true);
  });
});

describe('Dataverse tables as a source tree', () => {
  let sandbox: DynamicsSandbox;
  let connector: DynamicsConnector;

  beforeAll(async () => {
    sandbox = await startDynamicsSandbox({ counts: { account: 3, contact: 3, salesorder: 0, invoice: 0, quote: 0 } });
    connector = connect(sandbox, 'dynamics-source-schema');
  });
  afterAll(async () => {
    await connector.close();
    await sandbox.close();
  });

  it.each(['contact', 'account'])(
    'lists every column a read of %s returns, its id and stamp included',
    async (entity) => {
      const schema = await connector.schema(entity);
      const names = new Set(schema.fields.map((field) => field.name));
      const returned = new Set<string>();
      for await (const page of connector.read(entity, { since: '2000-01-01T00:00:00Z' }))
        for (const record of page.records) for (const name of Object.keys(record.data)) returned.add(name);
      expect(returned.size).toBeGreaterThan(5);
      expect([...returned].filter((name) => !names.has(name))).toEqual([]);
      expect(names.has(`${entity}id`) && names.has('modifiedon')).toBe(true);
    },
  );
});
