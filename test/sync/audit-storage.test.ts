import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlowId, RunId } from '../../shared/domain/flow';
import { openDatabase, type Db } from '../../electron/backend/store/database';
import { SqliteAuditRepository, type AuditInput } from '../../electron/backend/sync/audit.repository';
import { storeFile } from '../support/backend';
import { tempDir } from '../support/paths';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

const folders: Array<{ remove(): void }> = [];
afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));

function store(): { db: Db; file: string } {
  const folder = tempDir('mlc-audit-');
  folders.push(folder);
  const file = `${folder.dir}/mlc.sqlite`;
  return { db: openDatabase({ file }), file };
}

const flowId = 'flow-a' as FlowId;
const runId = 'run-1' as RunId;

function addRun(db: Db, id: string, dryRun = 0): void {
  db.prepare(
    `INSERT INTO runs (id, flow_id, trigger, status, dry_run, counters, calls, mapping_hash, started_at)
     VALUES (?, ?, 'manual', 'succeeded', ?, '{}', '{}', 'h1', '2026-12-01T00:00:00.000Z')`,
  ).run(id, flowId, dryRun);
}

const m3Raw = {
  OKCUNO: 'C0000001  ',
  OKCUNM: 'Müller & Söhne GmbH                     ',
  OKPHNO: '+49 30 1234    ',
  OKCRLM: '1500.00',
};
const m3Payload = { CUNO: 'C0000001', CUNM: 'Müller & Söhne GmbH', PHNO: '+49 30 1234', CRLM: 1500 };

const audits: AuditInput[] = [
  // M3: the raw row (prefixed, padded) beside the normalised one, and what the mapping made of it.
  {
    sourceKey: 'C0000001',
    sourceStamp: '2026-12-01T10:00:00.000Z',
    sourcePayload: m3Payload,
    sourceRaw: m3Raw,
    transformedPayload: { Account_Name: 'Müller & Söhne GmbH', Phone: '+49 30 1234' },
    targetKey: 'z-1',
    outcome: 'created',
    errorCode: null,
    errorMessage: null,
    attempt: 1,
    mappingHash: 'h1',
    diff: null,
  },
  // A source whose raw record is the normalised one: stored once.
  {
    sourceKey: 'K2',
    sourceStamp: 's2',
    sourcePayload: { id: 'K2', nested: { list: [1, 2.5, null, true, 'x\u2028y'] } },
    sourceRaw: { id: 'K2', nested: { list: [1, 2.5, null, true, 'x\u2028y'] } },
    transformedPayload: null,
    targetKey: null,
    outcome: 'failed',
    errorCode: 'E_TARGET',
    errorMessage: 'refused',
    attempt: 2,
    mappingHash: 'h1',
    diff: null,
  },
  // No raw at all, and an empty payload.
  {
    sourceKey: 'K3',
    sourceStamp: 's3',
    sourcePayload: {},
    sourceRaw: null,
    transformedPayload: { a: '' },
    targetKey: 't3',
    outcome: 'updated',
    errorCode: null,
    errorMessage: null,
    attempt: 1,
    mappingHash: 'h1',
    diff: [{ field: 'a', before: 'b', after: '' }],
  },
  // A raw record that is not the payload's fields under a prefix (lines beside the row): kept whole.
  {
    sourceKey: 'K4',
    sourceStamp: 's4',
    sourcePayload: { ORNO: 'P1', lines: [{ ITNO: 'A', QTY: 2 }] },
    sourceRaw: { IAORNO: 'P1  ', lines: [{ IBITNO: 'A  ', IBQTY: '2.000' }] },
    transformedPayload: { id: 'P1' },
    targetKey: 'p-1',
    outcome: 'unchanged',
    errorCode: null,
    errorMessage: null,
    attempt: 1,
    mappingHash: 'h2',
    diff: null,
  },
];

describe('audit payload storage', () => {
  it('reads back every payload exactly as it was recorded, and stores a raw equal to the payload as nothing', () => {
    const { db } = store();
    addRun(db, runId);
    const repo = new SqliteAuditRepository(db);
    const ids = repo.record(runId, flowId, audits, '2026-12-01T10:00:00.000Z');

    const read = repo.audits({ runId }).items;
    expect(read.map(({ id: _id, createdAt: _at, runId: _run, flowId: _flow, ...rest }) => rest)).toEqual(audits);
    expect(repo.auditById(ids.get('C0000001')!).sourceRaw).toEqual(m3Raw);
    expect(repo.latestAudit(flowId, 'K2')?.sourceRaw).toEqual(audits[1]!.sourceRaw);
    expect(repo.lastWritten(flowId, 'C0000001')).toEqual(audits[0]!.transformedPayload);
    expect(repo.lastWritten(flowId, 'K2')).toBeUndefined();
    expect(repo.recentInputs(flowId, 'h1', 10)).toEqual([
      { sourceKey: 'K3', payload: {} },
      { sourceKey: 'C0000001', payload: m3Payload },
    ]);
    const stored = db
      .prepare('SELECT source_key, payload_encoding, length(source_raw) AS raw FROM audit ORDER BY id')
      .all();
    // One deflated column per row; the others only say whether there is a raw record.
    expect(stored).toEqual([
      { source_key: 'C0000001', payload_encoding: 2, raw: 0 },
      { source_key: 'K2', payload_encoding: 2, raw: 0 },
      { source_key: 'K3', payload_encoding: 2, raw: null },
      { source_key: 'K4', payload_encoding: 2, raw: 0 },
    ]);
  });

  it('keeps the fields a narrowed read held with the payload', () => {
    const { db } = store();
    addRun(db, runId);
    const repo = new SqliteAuditRepository(db);
    const narrowed = { ...audits[0]!, sourceFields: ['CRLM', 'CUNM', 'CUNO', 'PHNO'] };
    const ids = repo.record(runId, flowId, [narrowed, audits[2]!], '2026-12-01T10:00:00.000Z');
    expect(repo.auditById(ids.get('C0000001')!).sourceFields).toEqual(narrowed.sourceFields);
    expect(repo.auditById(ids.get('K3')!)).not.toHaveProperty('sourceFields');
  });

  it('still reads rows of encoding 1 (three columns deflated apart, raw derived or whole)', () => {
    const { db } = store();
    addRun(db, runId);
    // Exactly what the previous code wrote: a flow dictionary, then each column deflated with it
    // (raw and transformed also with the row's source text after it); raw behind a form byte.
    const dictionary = Buffer.from(JSON.stringify(m3Payload) + JSON.stringify(m3Raw) + JSON.stringify({ Phone: '' }));
    const dictionaryId = Number(
      db
        .prepare('INSERT INTO audit_dictionaries (flow_id, content, created_at) VALUES (?, ?, ?)')
        .run(flowId, dictionary, '2026-11-01T00:00:00.000Z').lastInsertRowid,
    );
    const sourceText = JSON.stringify(m3Payload);
    const withSource = Buffer.concat([dictionary, Buffer.from(sourceText)]);
    const pack = (text: string, preset?: Buffer) =>
      zlib.deflateRawSync(text, { level: 9, ...(preset ? { dictionary: preset } : {}) });
    const insert = db.prepare(
      `INSERT INTO audit (run_id, flow_id, source_key, source_stamp, source_payload, source_raw, transformed_payload,
         payload_encoding, payload_dictionary, target_key, outcome, error_code, error_message, attempt, mapping_hash,
         diff, created_at)
       VALUES (?, ?, ?, 's1', ?, ?, ?, 1, ?, 'z-1', 'created', NULL, NULL, 1, 'h1', NULL, '2026-11-01T00:00:00.000Z')`,
    );
    const derived = {
      p: 'OK',
      v: ['C0000001  ', 'Müller & Söhne GmbH                     ', '+49 30 1234    ', '1500.00'],
    };
    insert.run(
      runId,
      flowId,
      'derived',
      pack(sourceText, dictionary),
      Buffer.concat([Buffer.from([1]), pack(JSON.stringify(derived))]),
      pack(JSON.stringify({ Phone: '+49 30 1234' }), withSource),
      dictionaryId,
    );
    insert.run(
      runId,
      flowId,
      'whole',
      pack(sourceText, dictionary),
      Buffer.concat([Buffer.from([0]), pack(JSON.stringify(m3Raw), withSource)]),
      null,
      dictionaryId,
    );
    const repo = new SqliteAuditRepository(db);
    const [first, second] = repo.audits({ runId }).items.sort((a, b) => a.id - b.id);
    expect(first).toMatchObject({
      sourcePayload: m3Payload,
      sourceRaw: m3Raw,
      transformedPayload: { Phone: '+49 30 1234' },
    });
    expect(second).toMatchObject({ sourcePayload: m3Payload, sourceRaw: m3Raw, transformedPayload: null });
    expect(first).not.toHaveProperty('sourceFields');
    expect(repo.lastWritten(flowId, 'derived')).toEqual({ Phone: '+49 30 1234' });
  });

  it('still reads rows written before the encoding (JSON text, marker 0)', () => {
    const { db } = store();
    addRun(db, runId);
    // Exactly what the previous code wrote.
    db.prepare(
      `INSERT INTO audit (run_id, flow_id, source_key, source_stamp, source_payload, source_raw, transformed_payload, target_key,
         outcome, error_code, error_message, attempt, mapping_hash, diff, created_at)
       VALUES (?, ?, 'C0000001', 's1', ?, ?, ?, 'z-1', 'created', NULL, NULL, 1, 'h1', NULL, '2026-11-01T00:00:00.000Z')`,
    ).run(runId, flowId, JSON.stringify(m3Payload), JSON.stringify(m3Raw), JSON.stringify({ Phone: '+49 30 1234' }));
    const repo = new SqliteAuditRepository(db);
    const [old] = repo.audits({ runId }).items;
    expect(old).toMatchObject({
      sourcePayload: m3Payload,
      sourceRaw: m3Raw,
      transformedPayload: { Phone: '+49 30 1234' },
    });
    expect(repo.lastWritten(flowId, 'C0000001')).toEqual({ Phone: '+49 30 1234' });
    expect(repo.recentInputs(flowId, 'h1', 1)).toEqual([{ sourceKey: 'C0000001', payload: m3Payload }]);

    // A new row beside it reads the same way.
    repo.record(runId, flowId, [audits[0]!], '2026-12-01T00:00:00.000Z');
    const [, fresh] = repo.audits({ runId }).items;
    expect(fresh).toMatchObject({ sourcePayload: m3Payload, sourceRaw: m3Raw });
  });
});

describe('audit size per record', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 200 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('keeps an M3 customer synced into Zoho in at most 1 KB of payload columns', async () => {
    const flow = await world.flow({ name: 'Size', expression: customerToZohoAccount });
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.counters).toMatchObject({ read: 200, created: 200 });
    const file: Database.Database = storeFile(world.dataDir);
    const { rows, bytes } = file
      .prepare(
        `SELECT COUNT(*) AS rows, SUM(length(source_payload) + IFNULL(length(source_raw), 0)
           + IFNULL(length(transformed_payload), 0)) AS bytes FROM audit WHERE run_id = ?`,
      )
      .get(run.id) as { rows: number; bytes: number };
    console.log(
      JSON.stringify(
        file
          .prepare(
            'SELECT avg(length(source_payload)) p, avg(length(source_raw)) r, avg(length(transformed_payload)) t FROM audit',
          )
          .get(),
      ),
    );
    file.close();
    expect(rows).toBe(200);
    expect(bytes / rows).toBeLessThanOrEqual(1024);
    // Reads give the record back whole: the raw row as M3 sent it (prefixed names, M3's own text).
    const [first] = (await world.api.call('audit.list', { runId: run.id, limit: 1 })).items;
    expect(first!.sourceRaw).toMatchObject({ OKCUNO: 'C0000001', OKLMDT: expect.stringMatching(/^\d{8}$/) });
    expect(first!.sourcePayload).toMatchObject({ CUNO: 'C0000001', LMDT: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
  }, 120_000);
});
