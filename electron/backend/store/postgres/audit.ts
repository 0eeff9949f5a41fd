import type { FlowId, RunId } from '../../../../shared/domain/flow';
import type { RecordAudit, RecordOutcome } from '../../../../shared/domain/run';
import { AppError } from '../../../../shared/errors';
import { decodePayloads, dictionaryContent, encodePayloads, type StoredPayloads } from '../../sync/audit-codec';
import type { AuditInput, AuditQuery } from '../../sync/audit.repository';
import { iterateAuditsByKeyset, type AsyncAuditRepository, type AuditFilter } from '../async-store';
import type { Sql, SqlParam } from './sql';

/**
 * SqliteAuditRepository's semantics (sync/audit.repository.ts) in PostgreSQL, with the same audit
 * codec: payload columns are `bytea` holding exactly the bytes the SQLite store keeps in its BLOBs.
 */
export class PgAuditRepository implements AsyncAuditRepository {
  constructor(private readonly sql: Sql) {}

  /** Dictionaries for one read; not cached across calls (as in SQLite: a rolled-back page may have written one). */
  private dictionaries(): (id: number) => Promise<Buffer> {
    const seen = new Map<number, Buffer>();
    return async (id) => {
      let content = seen.get(id);
      if (!content) {
        const row = (
          await this.sql.query<{ content: Buffer }>('SELECT content FROM audit_dictionaries WHERE id = $1', [id])
        )[0];
        if (!row) throw new AppError('E_INTERNAL', `Audit dictionary ${id} is missing.`);
        content = row.content;
        seen.set(id, content);
      }
      return content;
    };
  }

  /** Decodes rows: the dictionaries they name are fetched first, then the codec runs synchronously. */
  private async decode<R extends StoredPayloads>(
    rows: R[],
  ): Promise<Array<{ row: R; payloads: ReturnType<typeof decodePayloads> }>> {
    const fetch = this.dictionaries();
    const loaded = new Map<number, Buffer>();
    for (const row of rows)
      if (row.payload_dictionary !== null && !loaded.has(row.payload_dictionary))
        loaded.set(row.payload_dictionary, await fetch(row.payload_dictionary));
    const lookup = (id: number) => {
      const content = loaded.get(id);
      if (!content) throw new AppError('E_INTERNAL', `Audit dictionary ${id} is missing.`);
      return content;
    };
    return rows.map((row) => ({ row, payloads: decodePayloads(row, lookup) }));
  }

  private async read(rows: AuditRow[]): Promise<RecordAudit[]> {
    return (await this.decode(rows)).map(({ row, payloads }) => toAudit(row, payloads));
  }

  private async flowDictionary(sql: Sql, flowId: string, sample: AuditInput): Promise<{ id: number; content: Buffer }> {
    const found = (
      await sql.query<{ id: number; content: Buffer }>(
        'SELECT id, content FROM audit_dictionaries WHERE flow_id = $1 ORDER BY id DESC LIMIT 1',
        [flowId],
      )
    )[0];
    if (found) return found;
    const content = dictionaryContent(sample.sourcePayload, sample.sourceRaw, sample.transformedPayload);
    const inserted = await sql.query<{ id: number }>(
      'INSERT INTO audit_dictionaries (flow_id, content, created_at) VALUES ($1, $2, $3) RETURNING id',
      [flowId, content, new Date().toISOString()],
    );
    return { id: inserted[0]!.id, content };
  }

  record(runId: RunId, flowId: FlowId, audits: AuditInput[], now: string): Promise<Map<string, number>> {
    // One transaction (a savepoint inside the caller's): the dictionary and the page's rows go together.
    return this.sql.tx(async (sql) => {
      const auditIds = new Map<string, number>();
      if (audits.length === 0) return auditIds;
      const dictionary = await this.flowDictionary(sql, flowId, audits[0]!);
      // Rows in chunks of one multi-row INSERT each. A key twice in a page answers its later row (the
      // higher id: identities are drawn in VALUES order), as SQLite's loop overwrites the map.
      const columns = 17;
      for (let start = 0; start < audits.length; start += 500) {
        const chunk = audits.slice(start, start + 500);
        const params: SqlParam[] = [];
        const values = chunk.map((audit, i) => {
          const stored = encodePayloads(
            audit.sourcePayload,
            audit.sourceRaw,
            audit.transformedPayload,
            dictionary,
            audit.sourceFields,
          );
          params.push(
            runId,
            flowId,
            audit.sourceKey,
            audit.sourceStamp,
            stored.source_payload as Buffer,
            stored.source_raw as Buffer | null,
            stored.transformed_payload as Buffer | null,
            stored.payload_encoding,
            stored.payload_dictionary,
            audit.targetKey,
            audit.outcome,
            audit.errorCode,
            audit.errorMessage,
            audit.attempt,
            audit.mappingHash,
            audit.diff ? JSON.stringify(audit.diff) : null,
            now,
          );
          return `(${Array.from({ length: columns }, (_, c) => `$${i * columns + c + 1}`).join(', ')})`;
        });
        const ids = await sql.query<{ id: number; source_key: string }>(
          `INSERT INTO audit (run_id, flow_id, source_key, source_stamp, source_payload, source_raw, transformed_payload, payload_encoding,
             payload_dictionary, target_key, outcome, error_code, error_message, attempt, mapping_hash, diff, created_at)
           VALUES ${values.join(', ')} RETURNING id, source_key`,
          params,
        );
        for (const row of ids.sort((a, b) => a.id - b.id)) auditIds.set(row.source_key, row.id);
      }
      return auditIds;
    });
  }

  async updateDeadLetters(
    flowId: FlowId,
    runId: RunId,
    change: { add: Array<{ sourceKey: string; auditId: number }>; clear: string[] },
    now: string,
  ): Promise<void> {
    await this.sql.tx(async (sql) => {
      for (const entry of change.add)
        await sql.query(
          `INSERT INTO dead_letters (flow_id, source_key, audit_id, run_id, created_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (flow_id, source_key) DO UPDATE SET audit_id = excluded.audit_id, run_id = excluded.run_id, created_at = excluded.created_at`,
          [flowId, entry.sourceKey, entry.auditId, runId, now],
        );
      if (change.clear.length > 0)
        await sql.query('DELETE FROM dead_letters WHERE flow_id = $1 AND source_key = ANY($2::text[])', [
          flowId,
          change.clear,
        ]);
    });
  }

  async latestAudit(flowId: FlowId | string, sourceKey: string): Promise<RecordAudit | undefined> {
    const rows = await this.sql.query<AuditRow>(
      'SELECT * FROM audit WHERE flow_id = $1 AND source_key = $2 ORDER BY id DESC LIMIT 1',
      [flowId, sourceKey],
    );
    return rows[0] ? (await this.read(rows))[0] : undefined;
  }

  async lastWritten(flowId: FlowId | string, sourceKey: string): Promise<unknown> {
    const rows = await this.sql.query<StoredPayloads>(
      `SELECT audit.source_payload, audit.transformed_payload, audit.payload_encoding, audit.payload_dictionary
         FROM audit JOIN runs ON runs.id = audit.run_id
        WHERE audit.flow_id = $1 AND audit.source_key = $2 AND NOT runs.dry_run AND audit.transformed_payload IS NOT NULL
          AND (audit.outcome IN ('created', 'updated', 'unchanged') OR (audit.outcome = 'skipped' AND audit.error_code = 'ECHO'))
        ORDER BY audit.id DESC LIMIT 1`,
      [flowId, sourceKey],
    );
    if (!rows[0]) return undefined;
    return (await this.decode([{ ...rows[0], source_raw: null }]))[0]!.payloads.transformedPayload;
  }

  async notYetInRun<T extends { key: string; stamp: string }>(
    runId: string,
    flowId: string,
    records: T[],
  ): Promise<T[]> {
    if (records.length === 0) return [];
    // One statement for the page: which (key, stamp) pairs this run already audited.
    const seen = await this.sql.query<{ source_key: string; source_stamp: string }>(
      `SELECT DISTINCT a.source_key, a.source_stamp FROM audit a
         JOIN unnest($3::text[], $4::text[]) AS r(source_key, source_stamp)
           ON a.source_key = r.source_key AND a.source_stamp = r.source_stamp
        WHERE a.flow_id = $1 AND a.run_id = $2`,
      [flowId, runId, records.map((r) => r.key), records.map((r) => r.stamp)],
    );
    const done = new Set(seen.map((row) => JSON.stringify([row.source_key, row.source_stamp])));
    return records.filter((record) => !done.has(JSON.stringify([record.key, record.stamp])));
  }

  async audits(query: AuditQuery): Promise<{ total: number; items: RecordAudit[] }> {
    const { clause, params } = whereOf(query);
    const total = (await this.sql.query<{ n: number }>(`SELECT COUNT(*) AS n FROM audit ${clause}`, params))[0]!.n;
    const rows = await this.sql.query<AuditRow>(
      `SELECT * FROM audit ${clause} ORDER BY id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit ?? 200, query.offset ?? 0],
    );
    return { total, items: await this.read(rows) };
  }

  async auditById(id: number): Promise<RecordAudit> {
    const rows = await this.sql.query<AuditRow>('SELECT * FROM audit WHERE id = $1', [id]);
    if (!rows[0]) throw new AppError('E_NOT_FOUND', `No audit record ${id}.`);
    return (await this.read(rows))[0]!;
  }

  iterateAudits(query: AuditFilter): AsyncGenerator<RecordAudit> {
    return iterateAuditsByKeyset(this, query);
  }

  async auditSpan(query: AuditFilter): Promise<{ count: number; firstId: number; lastId: number }> {
    const { clause, params } = whereOf(query);
    const row = (
      await this.sql.query<{ n: number; first: number | null; last: number | null }>(
        `SELECT COUNT(*) AS n, MIN(id) AS first, MAX(id) AS last FROM audit ${clause}`,
        params,
      )
    )[0]!;
    return { count: row.n, firstId: row.first ?? 1, lastId: row.last ?? 0 };
  }

  async auditPage(
    query: AuditFilter,
    page: { afterId: number; upToId: number; limit: number },
  ): Promise<RecordAudit[]> {
    const { clause, params } = whereOf(query, [
      ['id > ', page.afterId],
      ['id <= ', page.upToId],
    ]);
    const rows = await this.sql.query<AuditRow>(
      `SELECT * FROM audit ${clause} ORDER BY id LIMIT $${params.length + 1}`,
      [...params, page.limit],
    );
    return this.read(rows);
  }

  async auditsByIds(ids: number[]): Promise<RecordAudit[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.query<AuditRow>('SELECT * FROM audit WHERE id = ANY($1::bigint[])', [
      ids.map((id) => Math.trunc(id)),
    ]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return this.read(
      ids.map((id) => {
        const row = byId.get(id);
        if (!row) throw new AppError('E_NOT_FOUND', `No audit record ${id}.`);
        return row;
      }),
    );
  }

  async deadLetterPage(
    flowId: string,
    page: { failedInRun?: string; afterKey: string; upToAuditId: number; limit: number },
  ): Promise<Array<{ sourceKey: string; auditId: number }>> {
    const rows = await this.sql.query<{ source_key: string; audit_id: number }>(
      `SELECT source_key, audit_id FROM dead_letters d
        WHERE d.flow_id = $1 AND d.source_key > $2 AND d.audit_id <= $3
          AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM audit a WHERE a.flow_id = d.flow_id AND a.source_key = d.source_key
                                            AND a.run_id = $4 AND a.outcome = 'failed'))
        ORDER BY d.source_key LIMIT $5`,
      [flowId, page.afterKey, page.upToAuditId, page.failedInRun ?? null, page.limit],
    );
    return rows.map((row) => ({ sourceKey: row.source_key, auditId: row.audit_id }));
  }

  async deadLettersAmong(flowId: string, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.sql.query<{ source_key: string }>(
      'SELECT source_key FROM dead_letters WHERE flow_id = $1 AND source_key = ANY($2::text[])',
      [flowId, keys],
    );
    return new Set(rows.map((row) => row.source_key));
  }

  async lastAuditId(): Promise<number> {
    return (await this.sql.query<{ last: number | null }>('SELECT MAX(id) AS last FROM audit'))[0]!.last ?? 0;
  }

  async deadLetterKeys(flowId: string, runId?: string): Promise<Array<{ sourceKey: string; auditId: number }>> {
    const rows = runId
      ? await this.sql.query<{ source_key: string; audit_id: number }>(
          'SELECT source_key, audit_id FROM dead_letters WHERE flow_id = $1 AND run_id = $2 ORDER BY audit_id',
          [flowId, runId],
        )
      : await this.sql.query<{ source_key: string; audit_id: number }>(
          'SELECT source_key, audit_id FROM dead_letters WHERE flow_id = $1 ORDER BY audit_id',
          [flowId],
        );
    return rows.map((row) => ({ sourceKey: row.source_key, auditId: row.audit_id }));
  }

  async deadLetterCount(flowId: string): Promise<number> {
    // An index-only scan of the primary key (flow_id, source_key) once vacuum has marked the pages visible.
    return (
      await this.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM dead_letters WHERE flow_id = $1', [flowId])
    )[0]!.n;
  }

  async deadLettersOfRun(flowId: string, runId: string): Promise<number> {
    return (
      await this.sql.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM dead_letters d
         WHERE d.flow_id = $1 AND EXISTS (SELECT 1 FROM audit a WHERE a.flow_id = d.flow_id AND a.source_key = d.source_key
                                          AND a.run_id = $2 AND a.outcome = 'failed')`,
        [flowId, runId],
      )
    )[0]!.n;
  }

  /**
   * One statement for the page (SQLite asks once per row): each row's newest later attempt by the
   * audit (flow, key) index, in the order the rows were given.
   */
  async laterAttempts(
    rows: Array<{ id: number; flowId: string; sourceKey: string }>,
  ): Promise<Map<number, { runId: string; outcome: string; trigger: string }>> {
    const found = await this.sql.query<{ id: number; run_id: string; outcome: string; trigger: string }>(
      `SELECT r.id, l.run_id, l.outcome, l.trigger
         FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY AS r(id, flow_id, source_key, n)
         CROSS JOIN LATERAL (
           SELECT a.run_id, a.outcome, ru.trigger FROM audit a JOIN runs ru ON ru.id = a.run_id
            WHERE a.flow_id = r.flow_id AND a.source_key = r.source_key AND a.id > r.id AND NOT ru.dry_run
            ORDER BY a.id DESC LIMIT 1) l
        ORDER BY r.n`,
      [rows.map((row) => row.id), rows.map((row) => row.flowId), rows.map((row) => row.sourceKey)],
    );
    return new Map(found.map((row) => [row.id, { runId: row.run_id, outcome: row.outcome, trigger: row.trigger }]));
  }

  async recentInputs(
    flowId: string,
    mappingHash: string,
    limit: number,
  ): Promise<Array<{ sourceKey: string; payload: unknown }>> {
    const rows = await this.sql.query<{ source_key: string } & StoredPayloads>(
      "SELECT source_key, source_payload, payload_encoding, payload_dictionary FROM audit WHERE flow_id = $1 AND mapping_hash = $2 AND outcome != 'failed' ORDER BY id DESC LIMIT $3",
      [flowId, mappingHash, limit],
    );
    const decoded = await this.decode(rows.map((row) => ({ ...row, source_raw: null, transformed_payload: null })));
    return decoded.map(({ row, payloads }) => ({ sourceKey: row.source_key, payload: payloads.sourcePayload }));
  }

  async pruneAudit(days: number, now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    return (
      await this.sql.query(
        'DELETE FROM audit WHERE created_at < $1 AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.audit_id = audit.id) RETURNING id',
        [cutoff],
      )
    ).length;
  }

  /**
   * Retention by size, by estimate: PostgreSQL frees a deleted row's space only at VACUUM, so the
   * table's size cannot be watched shrinking as SQLite's page count is. The bytes a row takes on
   * average (table, indexes and TOAST over the rows) say how many of the oldest rows to drop.
   */
  async pruneAuditToSize(maxBytes: number): Promise<number> {
    const size = (
      await this.sql.query<{ bytes: number; n: number }>(
        "SELECT pg_total_relation_size('audit')::bigint AS bytes, (SELECT COUNT(*) FROM audit) AS n",
      )
    )[0]!;
    if (size.bytes <= maxBytes || size.n === 0) return 0;
    const keep = Math.floor((maxBytes / size.bytes) * size.n);
    const drop = size.n - keep;
    return (
      await this.sql.query(
        `DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.audit_id = audit.id)
           ORDER BY id LIMIT $1) RETURNING id`,
        [drop],
      )
    ).length;
  }

  /** PostgreSQL reuses freed space itself (autovacuum); giving it back to the disk needs VACUUM FULL, an operator's call. */
  async reclaimSpace(): Promise<{ reclaimedBytes: number; incremental: boolean }> {
    return { reclaimedBytes: 0, incremental: false };
  }
}

/** The WHERE clause of an audit filter (as audit.repository.ts `whereOf`), numbered `$1…`. */
function whereOf(
  query: AuditFilter,
  extra: Array<[string, number]> = [],
): { clause: string; params: Array<string | number> } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const bind = (value: string | number) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.runId !== undefined) where.push(`run_id = ${bind(query.runId)}`);
  if (query.flowId !== undefined) where.push(`flow_id = ${bind(query.flowId)}`);
  if (query.outcome !== undefined) where.push(`outcome = ${bind(query.outcome)}`);
  if (query.text) {
    // ILIKE on "C"-collated keys folds ASCII case only: SQLite's LIKE does the same.
    const like = bind(`%${query.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(
      `(source_key ILIKE ${like} ESCAPE '\\' OR target_key ILIKE ${like} ESCAPE '\\' OR error_code ILIKE ${like} ESCAPE '\\' OR error_message ILIKE ${like} ESCAPE '\\')`,
    );
  }
  for (const [condition, value] of extra) where.push(`${condition}${bind(value)}`);
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

interface AuditRow extends StoredPayloads {
  id: number;
  run_id: string;
  flow_id: string;
  source_key: string;
  source_stamp: string;
  target_key: string | null;
  outcome: RecordOutcome;
  error_code: string | null;
  error_message: string | null;
  attempt: number;
  mapping_hash: string;
  diff: string | null;
  created_at: string;
}

function toAudit(row: AuditRow, payloads: ReturnType<typeof decodePayloads>): RecordAudit {
  return {
    id: row.id,
    runId: row.run_id as RunId,
    flowId: row.flow_id as FlowId,
    sourceKey: row.source_key,
    sourceStamp: row.source_stamp,
    sourcePayload: payloads.sourcePayload,
    sourceRaw: payloads.sourceRaw,
    ...(payloads.sourceFields ? { sourceFields: payloads.sourceFields } : {}),
    transformedPayload: payloads.transformedPayload,
    targetKey: row.target_key,
    outcome: row.outcome,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    attempt: row.attempt,
    mappingHash: row.mapping_hash,
    diff: row.diff ? (JSON.parse(row.diff) as RecordAudit['diff']) : null,
    createdAt: row.created_at,
  };
}
