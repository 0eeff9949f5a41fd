import type { FlowId, RunId } from '../../../shared/domain/flow';
import type { RecordAudit, RecordOutcome } from '../../../shared/domain/run';
import { AppError } from '../../../shared/errors';
import type { Db } from '../store/database';
import { decodePayloads, dictionaryContent, encodePayloads, type StoredPayloads } from './audit-codec';

export type AuditInput = Omit<RecordAudit, 'id' | 'createdAt' | 'runId' | 'flowId'>;

export interface AuditQuery {
  runId?: string;
  flowId?: string;
  outcome?: RecordOutcome;
  /** Matches the source key, target key or error text. */
  text?: string;
  offset?: number;
  limit?: number;
}

/**
 * The per-record audit log and the dead letters that point into it (tables
 * `audit`, `dead_letters`): what each run read, sent and got back, and which
 * keys still failed, for replays.
 */
export interface AuditRepository {
  /** Appends a page's rows; returns each source key's new audit id. */
  record(runId: RunId, flowId: FlowId, audits: AuditInput[], now: string): Map<string, number>;
  /** Keys that failed in this run (kept for replay, pointing at their audit row) and keys that now succeeded. */
  updateDeadLetters(
    flowId: FlowId,
    runId: RunId,
    change: { add: Array<{ sourceKey: string; auditId: number }>; clear: string[] },
    now: string,
  ): void;
  /** The newest audit row of a source key: the record as the source last sent it. */
  latestAudit(flowId: FlowId | string, sourceKey: string): RecordAudit | undefined;
  /**
   * The payload the target last held from this flow for a source key: the newest audit row of a real
   * (not dry) run that wrote it, found it unchanged or found it there already (an echo). Conflict rules
   * compare both sides with it.
   */
  lastWritten(flowId: FlowId | string, sourceKey: string): unknown;
  /** The records of a page that this run has not committed yet (same key and stamp). */
  notYetInRun<T extends { key: string; stamp: string }>(runId: string, flowId: string, records: T[]): T[];
  audits(query: AuditQuery): { total: number; items: RecordAudit[] };
  auditById(id: number): RecordAudit;
  /**
   * Streams audit rows in id order, a keyset page at a time: the rows that existed when it started
   * (rows appended meanwhile are left out, rows pruned meanwhile shift nothing).
   */
  iterateAudits(query: Omit<AuditQuery, 'offset' | 'limit'>): Generator<RecordAudit>;
  /** How many rows a filter matches and the lowest and highest id among them: the bounds of a keyset walk. */
  auditSpan(query: Omit<AuditQuery, 'offset' | 'limit'>): { count: number; firstId: number; lastId: number };
  /** Keyset page: up to `limit` rows with `afterId < id <= upToId`, in id order. */
  auditPage(
    query: Omit<AuditQuery, 'offset' | 'limit'>,
    page: { afterId: number; upToId: number; limit: number },
  ): RecordAudit[];
  /** Audit rows by id, in the order asked (a missing id is an error). */
  auditsByIds(ids: number[]): RecordAudit[];
  /**
   * Keyset page of a flow's dead letters by source key (after `afterKey`; '' starts), those whose
   * audit row is at most `upToAuditId`, optionally only keys that failed in a given run: a replay
   * walks them without loading them all.
   */
  deadLetterPage(
    flowId: string,
    page: { failedInRun?: string; afterKey: string; upToAuditId: number; limit: number },
  ): Array<{ sourceKey: string; auditId: number }>;
  /** Which of these keys are a flow's dead letters. */
  deadLettersAmong(flowId: string, keys: string[]): Set<string>;
  /** The highest audit id so far (0 when empty). */
  lastAuditId(): number;
  /** How many keys that failed in this run are still dead letters (what "Replay all failed" would replay). */
  deadLettersOfRun(flowId: string, runId: string): number;
  /**
   * For failed audit rows: the newest later row of the same flow and key, with its run's trigger (a
   * replay, or a run that read the record again). Rows with nothing later are left out.
   */
  laterAttempts(
    rows: Array<{ id: number; flowId: string; sourceKey: string }>,
  ): Map<number, { runId: string; outcome: string; trigger: string }>;
  deadLetterKeys(flowId: string, runId?: string): Array<{ sourceKey: string; auditId: number }>;
  /** How many dead letters a flow has waiting (metrics, alerts): one count over the table's key, no keys loaded. */
  deadLetterCount(flowId: string): number;
  /** Newest first: source payloads a mapping version transformed without failing (bundle samples). */
  recentInputs(flowId: string, mappingHash: string, limit: number): Array<{ sourceKey: string; payload: unknown }>;
  /** Retention: audit rows older than `days` go; dead letters keep theirs until replayed. */
  pruneAudit(days: number, now?: Date): number;
  /**
   * Retention by size: the oldest audit rows (dead letters keep theirs) go until the store's pages in
   * use fit in `maxBytes`, or only dead letters are left. Returns how many rows went.
   */
  pruneAuditToSize(maxBytes: number): number;
  /** Gives freed pages back to the file system where the store allows it (auto_vacuum = INCREMENTAL). */
  reclaimSpace(): { reclaimedBytes: number; incremental: boolean };
}

export class SqliteAuditRepository implements AuditRepository {
  constructor(private readonly db: Db) {}

  /**
   * Looks dictionaries up for one read. Not cached across calls: a dictionary written in a page
   * transaction that rolls back takes its id with it, and a later one may get the same id.
   */
  private dictionaries(): (id: number) => Buffer {
    const seen = new Map<number, Buffer>();
    return (id) => {
      let content = seen.get(id);
      if (!content) {
        const row = this.db.prepare('SELECT content FROM audit_dictionaries WHERE id = ?').get(id) as
          { content: Buffer } | undefined;
        if (!row) throw new AppError('E_INTERNAL', `Audit dictionary ${id} is missing.`);
        content = row.content;
        seen.set(id, content);
      }
      return content;
    };
  }

  /** Rows as the API gives them, whichever encoding each was written in. */
  private read(rows: AuditRow[]): RecordAudit[] {
    const dictionary = this.dictionaries();
    return rows.map((row) => toAudit(row, dictionary));
  }

  /**
   * The flow's dictionary: its first audited record, kept once (a few KB a flow) so every later row of
   * the flow stores only what differs from it.
   */
  private flowDictionary(flowId: string, sample: AuditInput): { id: number; content: Buffer } {
    let found = this.db
      .prepare('SELECT id, content FROM audit_dictionaries WHERE flow_id = ? ORDER BY id DESC LIMIT 1')
      .get(flowId) as { id: number; content: Buffer } | undefined;
    if (!found) {
      const content = dictionaryContent(sample.sourcePayload, sample.sourceRaw, sample.transformedPayload);
      const result = this.db
        .prepare('INSERT INTO audit_dictionaries (flow_id, content, created_at) VALUES (?, ?, ?)')
        .run(flowId, content, new Date().toISOString());
      found = { id: Number(result.lastInsertRowid), content };
    }
    return found;
  }

  record(runId: RunId, flowId: FlowId, audits: AuditInput[], now: string): Map<string, number> {
    const insertAudit = this.db.prepare(
      `INSERT INTO audit (run_id, flow_id, source_key, source_stamp, source_payload, source_raw, transformed_payload, payload_encoding,
         payload_dictionary, target_key, outcome, error_code, error_message, attempt, mapping_hash, diff, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const auditIds = new Map<string, number>();
    const dictionary = audits[0] ? this.flowDictionary(flowId, audits[0]) : undefined;
    for (const audit of audits) {
      const stored = encodePayloads(
        audit.sourcePayload,
        audit.sourceRaw,
        audit.transformedPayload,
        dictionary,
        audit.sourceFields,
      );
      const result = insertAudit.run(
        runId,
        flowId,
        audit.sourceKey,
        audit.sourceStamp,
        stored.source_payload,
        stored.source_raw,
        stored.transformed_payload,
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
      auditIds.set(audit.sourceKey, Number(result.lastInsertRowid));
    }
    return auditIds;
  }

  updateDeadLetters(
    flowId: FlowId,
    runId: RunId,
    change: { add: Array<{ sourceKey: string; auditId: number }>; clear: string[] },
    now: string,
  ): void {
    const addDead = this.db.prepare(
      `INSERT INTO dead_letters (flow_id, source_key, audit_id, run_id, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(flow_id, source_key) DO UPDATE SET audit_id = excluded.audit_id, run_id = excluded.run_id, created_at = excluded.created_at`,
    );
    const clearDead = this.db.prepare('DELETE FROM dead_letters WHERE flow_id = ? AND source_key = ?');
    for (const entry of change.add) addDead.run(flowId, entry.sourceKey, entry.auditId, runId, now);
    for (const key of change.clear) clearDead.run(flowId, key);
  }

  latestAudit(flowId: FlowId | string, sourceKey: string): RecordAudit | undefined {
    const row = this.db
      .prepare('SELECT * FROM audit WHERE flow_id = ? AND source_key = ? ORDER BY id DESC LIMIT 1')
      .get(flowId, sourceKey) as AuditRow | undefined;
    return row ? this.read([row])[0] : undefined;
  }

  lastWritten(flowId: FlowId | string, sourceKey: string): unknown {
    const row = this.db
      .prepare(
        `SELECT audit.source_payload, audit.transformed_payload, audit.payload_encoding, audit.payload_dictionary FROM audit JOIN runs ON runs.id = audit.run_id
         WHERE audit.flow_id = ? AND audit.source_key = ? AND runs.dry_run = 0 AND audit.transformed_payload IS NOT NULL
           AND (audit.outcome IN ('created', 'updated', 'unchanged') OR (audit.outcome = 'skipped' AND audit.error_code = 'ECHO'))
         ORDER BY audit.id DESC LIMIT 1`,
      )
      .get(flowId, sourceKey) as StoredPayloads | undefined;
    return row ? decodePayloads({ ...row, source_raw: null }, this.dictionaries()).transformedPayload : undefined;
  }

  notYetInRun<T extends { key: string; stamp: string }>(runId: string, flowId: string, records: T[]): T[] {
    // Through the (flow, key) index: a key has few audit rows, a run may have millions.
    const seen = this.db.prepare(
      'SELECT 1 FROM audit WHERE flow_id = ? AND source_key = ? AND run_id = ? AND source_stamp = ? LIMIT 1',
    );
    return records.filter((record) => seen.get(flowId, record.key, runId, record.stamp) === undefined);
  }

  audits(query: AuditQuery): { total: number; items: RecordAudit[] } {
    const { clause, params } = whereOf(query);
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM audit ${clause}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM audit ${clause} ORDER BY id LIMIT ? OFFSET ?`)
      .all(...params, query.limit ?? 200, query.offset ?? 0) as AuditRow[];
    return { total, items: this.read(rows) };
  }

  auditById(id: number): RecordAudit {
    const row = this.db.prepare('SELECT * FROM audit WHERE id = ?').get(id) as AuditRow | undefined;
    if (!row) throw new AppError('E_NOT_FOUND', `No audit record ${id}.`);
    return this.read([row])[0]!;
  }

  *iterateAudits(query: Omit<AuditQuery, 'offset' | 'limit'>): Generator<RecordAudit> {
    // Keyset, not OFFSET: each page starts after the last id seen, so a page costs the same at row
    // 1,000,000 as at row 0, and rows deleted behind the cursor (retention) cannot make it skip any.
    // The upper bound is the last matching id at the start: rows appended meanwhile are not chased.
    const { firstId, lastId } = this.auditSpan(query);
    let afterId = firstId - 1;
    for (;;) {
      const page = this.auditPage(query, { afterId, upToId: lastId, limit: 1000 });
      for (const item of page) yield item;
      if (page.length < 1000) return;
      afterId = page[page.length - 1]!.id;
    }
  }

  auditSpan(query: Omit<AuditQuery, 'offset' | 'limit'>): { count: number; firstId: number; lastId: number } {
    const { clause, params } = whereOf(query);
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n, MIN(id) AS first, MAX(id) AS last FROM audit ${clause}`)
      .get(...params) as { n: number; first: number | null; last: number | null };
    return { count: row.n, firstId: row.first ?? 1, lastId: row.last ?? 0 };
  }

  auditPage(
    query: Omit<AuditQuery, 'offset' | 'limit'>,
    page: { afterId: number; upToId: number; limit: number },
  ): RecordAudit[] {
    const { clause, params } = whereOf(query, ['id > ?', 'id <= ?'], [page.afterId, page.upToId]);
    const rows = this.db
      // NOT INDEXED: walk the id range itself. Through the (run, outcome) index SQLite would sort all of
      // the run's rows for every page, and a 1M-row export would take quadratic time.
      .prepare(`SELECT * FROM audit NOT INDEXED ${clause} ORDER BY id LIMIT ?`)
      .all(...params, page.limit) as AuditRow[];
    return this.read(rows);
  }

  auditsByIds(ids: number[]): RecordAudit[] {
    const byId = new Map<number, AuditRow>();
    // Chunks stay under SQLite's bound-parameter limit.
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const rows = this.db
        .prepare(`SELECT * FROM audit WHERE id IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk) as AuditRow[];
      for (const row of rows) byId.set(row.id, row);
    }
    return this.read(
      ids.map((id) => {
        const row = byId.get(id);
        if (!row) throw new AppError('E_NOT_FOUND', `No audit record ${id}.`);
        return row;
      }),
    );
  }

  deadLetterPage(
    flowId: string,
    page: { failedInRun?: string; afterKey: string; upToAuditId: number; limit: number },
  ): Array<{ sourceKey: string; auditId: number }> {
    // By key, the table's primary key (flow, key): each page starts where the last ended. The run
    // filter goes through the audit (flow, key) index: a key has few audit rows.
    const run = page.failedInRun ?? null;
    const rows = this.db
      .prepare(
        `SELECT source_key, audit_id FROM dead_letters d
         WHERE d.flow_id = ? AND d.source_key > ? AND d.audit_id <= ?
           AND (? IS NULL OR EXISTS (SELECT 1 FROM audit a WHERE a.flow_id = d.flow_id AND a.source_key = d.source_key
                                     AND a.run_id = ? AND a.outcome = 'failed'))
         ORDER BY d.source_key LIMIT ?`,
      )
      .all(flowId, page.afterKey, page.upToAuditId, run, run, page.limit) as Array<{
      source_key: string;
      audit_id: number;
    }>;
    return rows.map((row) => ({ sourceKey: row.source_key, auditId: row.audit_id }));
  }

  deadLettersOfRun(flowId: string, runId: string): number {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM dead_letters d
         WHERE d.flow_id = ? AND EXISTS (SELECT 1 FROM audit a WHERE a.flow_id = d.flow_id AND a.source_key = d.source_key
                                         AND a.run_id = ? AND a.outcome = 'failed')`,
      )
      .get(flowId, runId) as { n: number };
    return row.n;
  }

  laterAttempts(
    rows: Array<{ id: number; flowId: string; sourceKey: string }>,
  ): Map<number, { runId: string; outcome: string; trigger: string }> {
    // One indexed look-up per row (audit by flow and key): a page holds at most a few hundred rows.
    const later = this.db.prepare(
      `SELECT a.run_id, a.outcome, r.trigger FROM audit a JOIN runs r ON r.id = a.run_id
       WHERE a.flow_id = ? AND a.source_key = ? AND a.id > ? AND r.dry_run = 0
       ORDER BY a.id DESC LIMIT 1`,
    );
    const found = new Map<number, { runId: string; outcome: string; trigger: string }>();
    for (const row of rows) {
      const hit = later.get(row.flowId, row.sourceKey, row.id) as
        { run_id: string; outcome: string; trigger: string } | undefined;
      if (hit) found.set(row.id, { runId: hit.run_id, outcome: hit.outcome, trigger: hit.trigger });
    }
    return found;
  }

  deadLettersAmong(flowId: string, keys: string[]): Set<string> {
    const found = new Set<string>();
    // Chunks stay under SQLite's bound-parameter limit.
    for (let start = 0; start < keys.length; start += 500) {
      const chunk = keys.slice(start, start + 500);
      const rows = this.db
        .prepare(
          `SELECT source_key FROM dead_letters WHERE flow_id = ? AND source_key IN (${chunk.map(() => '?').join(',')})`,
        )
        .all(flowId, ...chunk) as Array<{ source_key: string }>;
      for (const row of rows) found.add(row.source_key);
    }
    return found;
  }

  lastAuditId(): number {
    return (this.db.prepare('SELECT MAX(id) AS last FROM audit').get() as { last: number | null }).last ?? 0;
  }

  deadLetterKeys(flowId: string, runId?: string): Array<{ sourceKey: string; auditId: number }> {
    const rows = (
      runId
        ? this.db
            .prepare('SELECT source_key, audit_id FROM dead_letters WHERE flow_id = ? AND run_id = ? ORDER BY audit_id')
            .all(flowId, runId)
        : this.db
            .prepare('SELECT source_key, audit_id FROM dead_letters WHERE flow_id = ? ORDER BY audit_id')
            .all(flowId)
    ) as Array<{ source_key: string; audit_id: number }>;
    return rows.map((row) => ({ sourceKey: row.source_key, auditId: row.audit_id }));
  }

  deadLetterCount(flowId: string): number {
    // The primary key (flow_id, source_key) covers it: SQLite counts the flow's index entries, no rows.
    return (this.db.prepare('SELECT COUNT(*) AS n FROM dead_letters WHERE flow_id = ?').get(flowId) as { n: number }).n;
  }

  recentInputs(flowId: string, mappingHash: string, limit: number): Array<{ sourceKey: string; payload: unknown }> {
    const rows = this.db
      .prepare(
        "SELECT source_key, source_payload, payload_encoding, payload_dictionary FROM audit WHERE flow_id = ? AND mapping_hash = ? AND outcome != 'failed' ORDER BY id DESC LIMIT ?",
      )
      .all(flowId, mappingHash, limit) as Array<{ source_key: string } & StoredPayloads>;
    return rows.map((row) => ({
      sourceKey: row.source_key,
      payload: decodePayloads({ ...row, source_raw: null, transformed_payload: null }, this.dictionaries())
        .sourcePayload,
    }));
  }

  pruneAudit(days: number, now = new Date()): number {
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    return this.db
      .prepare('DELETE FROM audit WHERE created_at < ? AND id NOT IN (SELECT audit_id FROM dead_letters)')
      .run(cutoff).changes;
  }

  pruneAuditToSize(maxBytes: number): number {
    const pageSize = Number(this.db.pragma('page_size', { simple: true }));
    const inUse = () =>
      (Number(this.db.pragma('page_count', { simple: true })) -
        Number(this.db.pragma('freelist_count', { simple: true }))) *
      pageSize;
    const prunable = this.db.prepare(
      'SELECT COUNT(*) AS n FROM audit WHERE id NOT IN (SELECT audit_id FROM dead_letters)',
    );
    const dropOldest = this.db.prepare(
      `DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE id NOT IN (SELECT audit_id FROM dead_letters)
         ORDER BY id LIMIT ?)`,
    );
    let pruned = 0;
    // Rows are about the same size, so the share of rows to drop is the share of bytes over the cap; a
    // delete frees only whole pages, so this repeats (a few rounds at most) until the store fits.
    for (let round = 0; round < 20; round++) {
      const used = inUse();
      if (used <= maxBytes) break;
      const rows = (prunable.get() as { n: number }).n;
      if (rows === 0) break;
      const share = (used - maxBytes) / used;
      const batch = Math.min(rows, Math.max(100, Math.ceil(rows * share * 1.1)));
      pruned += dropOldest.run(batch).changes;
    }
    return pruned;
  }

  reclaimSpace(): { reclaimedBytes: number; incremental: boolean } {
    // 2 = INCREMENTAL (new stores are made so); older stores keep freed pages for reuse instead.
    const incremental = Number(this.db.pragma('auto_vacuum', { simple: true })) === 2;
    if (!incremental) return { reclaimedBytes: 0, incremental };
    const pageSize = Number(this.db.pragma('page_size', { simple: true }));
    const before = Number(this.db.pragma('page_count', { simple: true }));
    this.db.pragma('incremental_vacuum');
    return {
      reclaimedBytes: (before - Number(this.db.pragma('page_count', { simple: true }))) * pageSize,
      incremental,
    };
  }
}

/** The WHERE clause of an audit filter, plus extra conditions (keyset bounds). */
function whereOf(
  query: Omit<AuditQuery, 'offset' | 'limit'>,
  extra: string[] = [],
  extraParams: Array<string | number> = [],
): { clause: string; params: Array<string | number> } {
  const where: string[] = [];
  const params: Array<string | number> = [];
  const filter = (clause: string, value: string | undefined) => {
    if (value === undefined) return;
    where.push(clause);
    params.push(value);
  };
  filter('run_id = ?', query.runId);
  filter('flow_id = ?', query.flowId);
  filter('outcome = ?', query.outcome);
  if (query.text) {
    where.push(
      "(source_key LIKE ? ESCAPE '\\' OR target_key LIKE ? ESCAPE '\\' OR error_code LIKE ? ESCAPE '\\' OR error_message LIKE ? ESCAPE '\\')",
    );
    // Codes too: "ECHO", "CONFLICT", "E_CIN7_UNKNOWN_SKU" find their rows.
    const like = `%${query.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    params.push(like, like, like, like);
  }
  where.push(...extra);
  params.push(...extraParams);
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** An audit row as stored; its payload columns are read through `decodePayloads` (old and new encodings). */
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

function toAudit(row: AuditRow, dictionary: (id: number) => Buffer): RecordAudit {
  const payloads = decodePayloads(row, dictionary);
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
