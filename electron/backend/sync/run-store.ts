import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { FlowId, RunId } from '../../../shared/domain/flow';
import {
  runSchema,
  type CallUsage,
  type RecordAudit,
  type RecordOutcome,
  type Run,
  type RunCounters,
  type RunStatus,
} from '../../../shared/domain/run';
import { AppError } from '../../../shared/errors';
import type { Db } from '../store/database';

export const emptyCounters = (): RunCounters => ({ read: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 });
export const emptyCalls = (): CallUsage => ({ source: 0, target: 0, sourceMinimum: 0, targetMinimum: 0 });

export type AuditInput = Omit<RecordAudit, 'id' | 'createdAt' | 'runId' | 'flowId'>;

export interface IdMapEntry {
  sourceKey: string;
  sourceStamp: string;
  targetKey: string | null;
  payloadHash: string;
}

export interface PageCommit {
  audits: AuditInput[];
  idMap: IdMapEntry[];
  /** Keys that failed (kept for replay) and keys that now succeeded (cleared). */
  deadLetters: { add: string[]; clear: string[] };
  counters: RunCounters;
  calls: CallUsage;
  /** Where the run stands once this page is committed. */
  progress?: RunProgressState;
}

export interface StartInput {
  flowId: FlowId;
  /** For messages only. */
  flowName?: string;
  trigger: Run['trigger'];
  dryRun: boolean;
  windowFrom: string | null;
  mappingHash: string;
  replayOf?: RunId;
  replayMapping?: Run['replayMapping'];
}

/** What a heartbeat knows that no commit has recorded yet. */
export interface RunProgressState {
  pagesCommitted: number;
  /** Records of the page being transformed and written (0 between pages). */
  recordsInFlight: number;
  /** The most a page holds (what may be at stake right after a commit); null until the connectors are open. */
  pageSize?: number | null;
}

export interface LiveState {
  counters: RunCounters;
  calls: CallUsage;
  progress: RunProgressState;
}

/** How long a run holds its flow without a heartbeat, and how often the engine renews it. */
export const defaultLeaseMs = 30_000;
export const defaultHeartbeatMs = 5_000;
/** A replay or targeted sync (no lease) that commits nothing for this long is taken for dead. */
const leaselessSilenceMs = 15 * 60_000;

export interface AuditQuery {
  runId?: string;
  flowId?: string;
  outcome?: RecordOutcome;
  /** Matches the source key, target key or error text. */
  text?: string;
  offset?: number;
  limit?: number;
}

/** Runs, the per-record audit log, the id map and watermarks — the engine's memory. */
export class RunStore {
  constructor(private readonly db: Db) {}

  /**
   * Takes the flow and starts a run in one IMMEDIATE transaction, so two
   * processes (or hosts) on one store never both pass the check. A `running`
   * run whose lease is fresh refuses (E_CONFLICT, naming its host, pid and
   * start); one whose lease expired is marked interrupted, with what its last
   * heartbeat knew, and the new run records that it resumed after it.
   */
  claimAndStart(input: StartInput, lease: { leaseMs: number; now?: number }): { run: Run; interrupted: Run[] } {
    const claim = () => {
      const now = lease.now ?? Date.now();
      const interrupted: Run[] = [];
      for (const row of this.db.prepare(`SELECT * FROM runs WHERE flow_id = ? AND ${holdsFlow}`).all(input.flowId) as RunRow[]) {
        const until = leaseUntil(row, lease.leaseMs);
        if (until > now) throw lockedError(row, input.flowName ?? input.flowId, until, now);
        interrupted.push(this.markInterrupted(row, `its lease expired at ${new Date(until).toISOString()} without a heartbeat`, now));
      }
      // Replays and targeted syncs hold no lease; one silent for long (no page committed) died with its process.
      const silentSince = new Date(now - leaselessSilenceMs).toISOString();
      for (const row of this.db.prepare("SELECT * FROM runs WHERE flow_id = ? AND status = 'running' AND lease_until IS NULL AND owner_host IS NOT NULL AND COALESCE(heartbeat_at, started_at) < ?").all(input.flowId, silentSince) as RunRow[]) {
        this.markInterrupted(row, `it committed nothing for ${leaselessSilenceMs / 60_000} minutes`, now);
      }
      // The flow's previous own run (leased, or from before leases), not a replay or targeted sync beside it.
      const previous = this.db.prepare('SELECT id, status FROM runs WHERE flow_id = ? AND (lease_until IS NOT NULL OR owner_host IS NULL) ORDER BY started_at DESC, seq DESC LIMIT 1').get(input.flowId) as { id: string; status: string } | undefined;
      const resumedFrom = previous?.status === 'interrupted' ? (previous.id as RunId) : null;
      return { run: this.insertRun(input, 'running', { resumedFrom, leaseMs: lease.leaseMs, now }), interrupted };
    };
    return this.db.transaction(claim).immediate();
  }

  /** A run that holds no lease and takes no flow: replays and targeted syncs, which run beside the flow's runs. */
  startRun(input: StartInput): Run {
    return this.insertRun(input, 'running', { resumedFrom: null, leaseMs: null, now: Date.now() });
  }

  /** A flow not started in a pass, with the reason (a dependency failed, was cancelled or skipped). */
  recordSkipped(input: StartInput, reason: { code: string; message: string }): Run {
    return this.insertRun(input, 'skipped', { resumedFrom: null, leaseMs: null, now: Date.now(), error: reason });
  }

  private insertRun(input: StartInput, status: 'running' | 'skipped', extra: { resumedFrom: RunId | null; leaseMs: number | null; now: number; error?: { code: string; message: string } }): Run {
    const startedAt = new Date(extra.now).toISOString();
    const running = status === 'running';
    const run: Run = runSchema.parse({
      id: randomUUID(),
      flowId: input.flowId,
      trigger: input.trigger,
      dryRun: input.dryRun,
      windowFrom: input.windowFrom,
      mappingHash: input.mappingHash,
      replayOf: input.replayOf,
      replayMapping: input.replayMapping,
      status,
      windowTo: null,
      counters: emptyCounters(),
      calls: emptyCalls(),
      startedAt,
      finishedAt: running ? null : startedAt,
      error: extra.error ?? null,
      resumedFrom: extra.resumedFrom,
    });
    this.db
      .prepare(
        `INSERT INTO runs (id, flow_id, trigger, status, dry_run, window_from, counters, calls, mapping_hash, started_at, finished_at, error,
           heartbeat_at, owner_pid, owner_host, lease_until, replay_of, replay_mapping, resumed_from)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        run.id, run.flowId, run.trigger, status, run.dryRun ? 1 : 0, run.windowFrom, JSON.stringify(run.counters), JSON.stringify(run.calls), run.mappingHash,
        run.startedAt, run.finishedAt, run.error ? JSON.stringify(run.error) : null,
        running ? startedAt : null, running ? process.pid : null, running ? os.hostname() : null,
        running && extra.leaseMs !== null ? new Date(extra.now + extra.leaseMs).toISOString() : null,
        run.replayOf, run.replayMapping, run.resumedFrom,
      );
    return run;
  }

  /**
   * Renews the run's lease and writes what the engine knows live (counters,
   * calls, the page in flight), independent of page commits. Throws
   * E_SYNC_LEASE_LOST when the run is no longer `running` (found dead by
   * another process, or `mlc unlock`): the caller must stop writing.
   */
  heartbeat(runId: RunId, live: LiveState, leaseMs: number, now = Date.now()): void {
    const changed = this.db
      .prepare("UPDATE runs SET heartbeat_at = ?, lease_until = ?, counters = ?, calls = ?, progress = ? WHERE id = ? AND status = 'running'")
      .run(new Date(now).toISOString(), new Date(now + leaseMs).toISOString(), JSON.stringify(live.counters), JSON.stringify(live.calls), JSON.stringify(live.progress), runId).changes;
    if (changed === 0) throw leaseLost(runId);
  }

  /**
   * The smallest write that lets go of a flow, for a store that refused the
   * full account (a full disk): status, end and lease only, so the next run
   * is not refused until the lease expires.
   */
  release(runId: RunId, status: RunStatus, code: string): void {
    this.db
      .prepare("UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ? AND status = 'running'")
      .run(status, new Date().toISOString(), JSON.stringify({ code, message: code }), runId);
  }

  /** `mlc unlock`: every `running` run of the flow becomes interrupted, whoever holds it. */
  unlock(flowId: FlowId | string, by: string, now = Date.now()): Array<{ run: Run; host: string | null; pid: number | null; heartbeatAt: string | null; leaseUntil: string | null }> {
    return this.db
      .transaction(() =>
        (this.db.prepare(`SELECT * FROM runs WHERE flow_id = ? AND ${holdsFlow}`).all(flowId) as RunRow[]).map((row) => ({
          run: this.markInterrupted(row, `${by} released it`, now),
          host: row.owner_host,
          pid: row.owner_pid,
          heartbeatAt: row.heartbeat_at,
          leaseUntil: row.lease_until,
        })),
      )
      .immediate();
  }

  /** Marks a dead run interrupted with an honest account of what may have reached the target. */
  private markInterrupted(row: RunRow, why: string, now: number): Run {
    const progress = row.progress ? (JSON.parse(row.progress) as RunProgressState) : undefined;
    const owner = row.owner_host || row.owner_pid ? ` on ${row.owner_host ?? 'an unknown host'} (pid ${row.owner_pid ?? '?'})` : '';
    let during = ' before its first heartbeat; nothing was committed';
    if (progress) {
      const page = progress.pagesCommitted + 1;
      // Between a commit and the next heartbeat the next page may already be writing: then a whole page is at stake.
      const atStake = progress.recordsInFlight > 0 ? progress.recordsInFlight : (progress.pageSize ?? 0);
      const where = progress.recordsInFlight > 0 ? `during page ${page}` : `during page ${page} or just before it`;
      during = atStake > 0
        ? ` ${where}; up to ${atStake} records may have been written to the target after the last committed page (${progress.pagesCommitted}); the next run re-reads them and they appear as updated`
        : ` after committing ${progress.pagesCommitted} page${progress.pagesCommitted === 1 ? '' : 's'}`;
    }
    const message = `The process running this flow${owner} stopped${during}. Found because ${why}. Counters and calls are its last heartbeat's.`;
    this.db
      .prepare("UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ? AND status = 'running'")
      .run(new Date(now).toISOString(), JSON.stringify({ code: 'E_SYNC_INTERRUPTED', message }), row.id);
    return this.run(row.id);
  }

  /** The page's audit rows, id map, dead letters and the run's counters in one transaction. */
  commitPage(runId: RunId, flowId: FlowId, target: { connectionId: string; entity: string }, page: PageCommit): void {
    const now = new Date().toISOString();
    const insertAudit = this.db.prepare(
      `INSERT INTO audit (run_id, flow_id, source_key, source_stamp, source_payload, source_raw, transformed_payload, target_key,
         outcome, error_code, error_message, attempt, mapping_hash, diff, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const upsertId = this.db.prepare(
      `INSERT INTO id_map (flow_id, source_key, source_stamp, target_connection, target_entity, target_key, payload_hash, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(flow_id, source_key) DO UPDATE SET source_stamp = excluded.source_stamp,
         target_key = COALESCE(excluded.target_key, id_map.target_key), payload_hash = excluded.payload_hash,
         updated_at = excluded.updated_at`,
    );
    const addDead = this.db.prepare(
      `INSERT INTO dead_letters (flow_id, source_key, audit_id, run_id, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(flow_id, source_key) DO UPDATE SET audit_id = excluded.audit_id, run_id = excluded.run_id, created_at = excluded.created_at`,
    );
    const clearDead = this.db.prepare('DELETE FROM dead_letters WHERE flow_id = ? AND source_key = ?');
    this.db.transaction(() => {
      const auditIds = new Map<string, number>();
      for (const audit of page.audits) {
        const result = insertAudit.run(
          runId,
          flowId,
          audit.sourceKey,
          audit.sourceStamp,
          JSON.stringify(audit.sourcePayload ?? null),
          audit.sourceRaw === null || audit.sourceRaw === undefined ? null : JSON.stringify(audit.sourceRaw),
          audit.transformedPayload === null || audit.transformedPayload === undefined ? null : JSON.stringify(audit.transformedPayload),
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
      for (const entry of page.idMap) {
        upsertId.run(flowId, entry.sourceKey, entry.sourceStamp, target.connectionId, target.entity, entry.targetKey, entry.payloadHash, now);
      }
      for (const key of page.deadLetters.add) addDead.run(flowId, key, auditIds.get(key) ?? 0, runId, now);
      for (const key of page.deadLetters.clear) clearDead.run(flowId, key);
      // A run another process found dead must not commit: its page rolls back and the new owner re-reads it.
      const changed = this.db
        .prepare("UPDATE runs SET counters = ?, calls = ?, heartbeat_at = ?, progress = ? WHERE id = ? AND status = 'running'")
        .run(JSON.stringify(page.counters), JSON.stringify(page.calls), now, page.progress ? JSON.stringify(page.progress) : null, runId).changes;
      if (changed === 0) throw leaseLost(runId);
    })();
  }

  finishRun(runId: RunId, outcome: { status: RunStatus; windowTo: string | null; counters: RunCounters; calls: CallUsage; error?: { code: string; message: string } | null; watermark?: { flowId: FlowId; stamp: string | null } }): Run {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      // Only a run that still holds its flow finishes it: one found dead (interrupted) keeps that account, and moves no watermark.
      const changed = this.db
        .prepare("UPDATE runs SET status = ?, window_to = ?, counters = ?, calls = ?, finished_at = ?, error = ? WHERE id = ? AND status = 'running'")
        .run(outcome.status, outcome.windowTo, JSON.stringify(outcome.counters), JSON.stringify(outcome.calls), now, outcome.error ? JSON.stringify(outcome.error) : null, runId).changes;
      if (changed > 0 && outcome.watermark) {
        this.db
          .prepare('INSERT INTO watermarks (flow_id, stamp, updated_at) VALUES (?, ?, ?) ON CONFLICT(flow_id) DO UPDATE SET stamp = excluded.stamp, updated_at = excluded.updated_at')
          .run(outcome.watermark.flowId, outcome.watermark.stamp, now);
      }
    })();
    return this.run(runId);
  }

  watermark(flowId: FlowId | string): string | null {
    const row = this.db.prepare('SELECT stamp FROM watermarks WHERE flow_id = ?').get(flowId) as { stamp: string | null } | undefined;
    return row?.stamp ?? null;
  }

  resetWatermark(flowId: FlowId | string): void {
    this.db.prepare('DELETE FROM watermarks WHERE flow_id = ?').run(flowId);
  }

  idMapEntries(flowId: FlowId | string, keys: string[]): Map<string, IdMapEntry> {
    const out = new Map<string, IdMapEntry>();
    const select = this.db.prepare('SELECT source_key, source_stamp, target_key, payload_hash FROM id_map WHERE flow_id = ? AND source_key = ?');
    for (const key of keys) {
      const row = select.get(flowId, key) as { source_key: string; source_stamp: string; target_key: string | null; payload_hash: string } | undefined;
      if (row) out.set(key, { sourceKey: row.source_key, sourceStamp: row.source_stamp, targetKey: row.target_key, payloadHash: row.payload_hash });
    }
    return out;
  }

  /** The target id a source key became in a given target entity (cross-entity references). */
  targetKeyFor(targetConnection: string, targetEntity: string, sourceKey: string): string | undefined {
    const row = this.db
      .prepare('SELECT target_key FROM id_map WHERE target_connection = ? AND target_entity = ? AND source_key = ? AND target_key IS NOT NULL LIMIT 1')
      .get(targetConnection, targetEntity, sourceKey) as { target_key: string } | undefined;
    return row?.target_key;
  }

  /** Source keys whose records became these target ids in a flow (targeted syncs from target notifications). */
  sourceKeysForTargets(flowId: FlowId | string, targetKeys: string[]): string[] {
    const select = this.db.prepare('SELECT source_key FROM id_map WHERE flow_id = ? AND target_key = ?');
    return [...new Set(targetKeys.flatMap((key) => (select.all(flowId, key) as Array<{ source_key: string }>).map((row) => row.source_key)))];
  }

  /** The newest audit row of a source key: the record as the source last sent it. */
  latestAudit(flowId: FlowId | string, sourceKey: string): RecordAudit | undefined {
    const row = this.db.prepare('SELECT * FROM audit WHERE flow_id = ? AND source_key = ? ORDER BY id DESC LIMIT 1').get(flowId, sourceKey) as AuditRow | undefined;
    return row ? toAudit(row) : undefined;
  }

  run(id: RunId | string): Run {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw new AppError('E_NOT_FOUND', `No run with id ${id}.`);
    return toRun(row);
  }

  runs(query: { flowId?: string; limit?: number } = {}): Run[] {
    const rows = (query.flowId
      ? this.db.prepare('SELECT * FROM runs WHERE flow_id = ? ORDER BY started_at DESC, seq DESC LIMIT ?').all(query.flowId, query.limit ?? 100)
      : this.db.prepare('SELECT * FROM runs ORDER BY started_at DESC, seq DESC LIMIT ?').all(query.limit ?? 100)) as RunRow[];
    return rows.map(toRun);
  }

  /** The records of a page that this run has not committed yet (same key and stamp). */
  notYetInRun<T extends { key: string; stamp: string }>(runId: string, flowId: string, records: T[]): T[] {
    // Through the (flow, key) index: a key has few audit rows, a run may have millions.
    const seen = this.db.prepare('SELECT 1 FROM audit WHERE flow_id = ? AND source_key = ? AND run_id = ? AND source_stamp = ? LIMIT 1');
    return records.filter((record) => seen.get(flowId, record.key, runId, record.stamp) === undefined);
  }

  /** Records the last finished full read (no watermark) of a flow saw; null when there was none. */
  lastFullReadCount(flowId: string): number | null {
    const row = this.db
      .prepare("SELECT counters FROM runs WHERE flow_id = ? AND window_from IS NULL AND status IN ('succeeded', 'partial') AND trigger != 'replay' ORDER BY started_at DESC, seq DESC LIMIT 1")
      .get(flowId) as { counters: string } | undefined;
    return row ? (JSON.parse(row.counters) as { read: number }).read : null;
  }

  latestRun(flowId: string): Run | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE flow_id = ? ORDER BY started_at DESC, seq DESC LIMIT 1').get(flowId) as RunRow | undefined;
    return row ? toRun(row) : undefined;
  }

  audits(query: AuditQuery): { total: number; items: RecordAudit[] } {
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
      where.push("(source_key LIKE ? ESCAPE '\\' OR target_key LIKE ? ESCAPE '\\' OR error_message LIKE ? ESCAPE '\\')");
      const like = `%${query.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.push(like, like, like);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM audit ${clause}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM audit ${clause} ORDER BY id LIMIT ? OFFSET ?`)
      .all(...params, query.limit ?? 200, query.offset ?? 0) as AuditRow[];
    return { total, items: rows.map(toAudit) };
  }

  auditById(id: number): RecordAudit {
    const row = this.db.prepare('SELECT * FROM audit WHERE id = ?').get(id) as AuditRow | undefined;
    if (!row) throw new AppError('E_NOT_FOUND', `No audit record ${id}.`);
    return toAudit(row);
  }

  /** Streams audit rows for export without loading a whole run into memory. */
  *iterateAudits(query: Omit<AuditQuery, 'offset' | 'limit'>): Generator<RecordAudit> {
    let offset = 0;
    for (;;) {
      const page = this.audits({ ...query, offset, limit: 1000 });
      for (const item of page.items) yield item;
      if (page.items.length < 1000) return;
      offset += page.items.length;
    }
  }

  deadLetterKeys(flowId: string, runId?: string): Array<{ sourceKey: string; auditId: number }> {
    const rows = (runId
      ? this.db.prepare('SELECT source_key, audit_id FROM dead_letters WHERE flow_id = ? AND run_id = ? ORDER BY audit_id').all(flowId, runId)
      : this.db.prepare('SELECT source_key, audit_id FROM dead_letters WHERE flow_id = ? ORDER BY audit_id').all(flowId)) as Array<{ source_key: string; audit_id: number }>;
    return rows.map((row) => ({ sourceKey: row.source_key, auditId: row.audit_id }));
  }

  /** Retention: audit rows older than `days` go; dead letters keep theirs until replayed. */
  pruneAudit(days: number, now = new Date()): number {
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    return this.db
      .prepare('DELETE FROM audit WHERE created_at < ? AND id NOT IN (SELECT audit_id FROM dead_letters)')
      .run(cutoff).changes;
  }
}

/**
 * Runs that hold their flow: leased ones, and running rows from before leases
 * (no owner host), which get a lease from their last heartbeat.
 */
const holdsFlow = "status = 'running' AND (lease_until IS NOT NULL OR owner_host IS NULL)";

function leaseUntil(row: RunRow, leaseMs: number): number {
  if (row.lease_until) return Date.parse(row.lease_until);
  // Rows from before leases: the last heartbeat (or start) plus a lease.
  return Date.parse(row.heartbeat_at ?? row.started_at) + leaseMs;
}

function lockedError(row: RunRow, flow: string, until: number, now: number): AppError {
  const owner = `${row.owner_host ?? 'an unknown host'} (pid ${row.owner_pid ?? '?'})`;
  const wait = Math.max(1, Math.ceil((until - now) / 1000));
  return new AppError(
    'E_CONFLICT',
    `The flow “${flow}” is already running on ${owner} since ${row.started_at} (run ${row.id}, last heartbeat ${row.heartbeat_at ?? row.started_at}). ` +
      `If that process is gone, run \`mlc unlock ${flow}\` or wait ${wait} s for its lease to expire.`,
    { runId: row.id, host: row.owner_host, pid: row.owner_pid, startedAt: row.started_at, leaseUntil: new Date(until).toISOString() },
  );
}

function leaseLost(runId: string): AppError {
  return new AppError('E_SYNC_LEASE_LOST', `Run ${runId} no longer holds its flow (another process found it dead, or \`mlc unlock\` released it); it stopped writing. The next run re-reads its window.`);
}

interface RunRow {
  id: string;
  flow_id: string;
  trigger: string;
  status: string;
  dry_run: number;
  window_from: string | null;
  window_to: string | null;
  counters: string;
  calls: string;
  mapping_hash: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  replay_of: string | null;
  replay_mapping: string | null;
  heartbeat_at: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  lease_until: string | null;
  progress: string | null;
  resumed_from: string | null;
}

function toRun(row: RunRow): Run {
  return runSchema.parse({
    id: row.id,
    flowId: row.flow_id,
    trigger: row.trigger,
    status: row.status,
    dryRun: row.dry_run === 1,
    windowFrom: row.window_from,
    windowTo: row.window_to,
    counters: JSON.parse(row.counters),
    calls: JSON.parse(row.calls),
    mappingHash: row.mapping_hash,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error ? JSON.parse(row.error) : null,
    replayOf: row.replay_of,
    replayMapping: row.replay_mapping,
    resumedFrom: row.resumed_from,
  });
}

interface AuditRow {
  id: number;
  run_id: string;
  flow_id: string;
  source_key: string;
  source_stamp: string;
  source_payload: string;
  source_raw: string | null;
  transformed_payload: string | null;
  target_key: string | null;
  outcome: RecordOutcome;
  error_code: string | null;
  error_message: string | null;
  attempt: number;
  mapping_hash: string;
  diff: string | null;
  created_at: string;
}

function toAudit(row: AuditRow): RecordAudit {
  return {
    id: row.id,
    runId: row.run_id as RunId,
    flowId: row.flow_id as FlowId,
    sourceKey: row.source_key,
    sourceStamp: row.source_stamp,
    sourcePayload: JSON.parse(row.source_payload) as unknown,
    sourceRaw: row.source_raw === null ? null : (JSON.parse(row.source_raw) as unknown),
    transformedPayload: row.transformed_payload === null ? null : (JSON.parse(row.transformed_payload) as unknown),
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
