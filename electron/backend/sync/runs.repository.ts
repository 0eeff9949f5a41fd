import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { FlowId, RunId } from '../../../shared/domain/flow';
import { runSchema, type CallUsage, type Run, type RunCounters, type RunStatus } from '../../../shared/domain/run';
import { AppError } from '../../../shared/errors';
import type { Db } from '../store/database';
import {
  foundDead,
  holdsFlow,
  interruptedAccount,
  leaselessSilenceMs,
  leaseLost,
  leaseUntil,
  lockedError,
} from './run-lease';

export const emptyCounters = (): RunCounters => ({
  read: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  echoes: 0,
  deleted: 0,
  conflicts: 0,
});
export const emptyCalls = (): CallUsage => ({ source: 0, target: 0, sourceMinimum: 0, targetMinimum: 0 });

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
  /** While a system's long Retry-After is honoured: when the run calls again (ISO instant). */
  pausedUntil?: string | null;
}

export interface LiveState {
  counters: RunCounters;
  calls: CallUsage;
  progress: RunProgressState;
}

/** How long a run holds its flow without a heartbeat, and how often the engine renews it. */
export const defaultLeaseMs = 30_000;
export const defaultHeartbeatMs = 5_000;

/**
 * Runs and watermarks (tables `runs`, `watermarks`): who holds a flow, what
 * each run did, and where the next run of a flow starts reading. The audit log
 * and the id map have their own repositories.
 */
export interface RunRepository {
  claimAndStart(input: StartInput, lease: { leaseMs: number; now?: number }): { run: Run; interrupted: Run[] };
  startRun(input: StartInput): Run;
  recordSkipped(input: StartInput, reason: { code: string; message: string }): Run;
  heartbeat(runId: RunId, live: LiveState, leaseMs: number, now?: number): void;
  release(runId: RunId, status: RunStatus, code: string): void;
  unlock(flowId: FlowId | string, by: string, now?: number): UnlockedRun[];
  recordPage(
    runId: RunId,
    page: { counters: RunCounters; calls: CallUsage; progress?: RunProgressState },
    now: string,
  ): void;
  finishRun(runId: RunId, outcome: RunOutcome): Run;
  watermark(flowId: FlowId | string): string | null;
  /** Where the flow's source read can resume (a delta link, an export cursor); null when it has none. */
  readCursor(flowId: FlowId | string): string | null;
  resetWatermark(flowId: FlowId | string): void;
  run(id: RunId | string): Run;
  runs(query?: { flowId?: string; limit?: number }): Run[];
  lastFullReadCount(flowId: string): number | null;
  latestRun(flowId: string): Run | undefined;
  /** Keeps what a system said about the run (once per text; the caller de-duplicates). */
  addNote(runId: RunId | string, note: string): void;
}

export interface UnlockedRun {
  run: Run;
  host: string | null;
  pid: number | null;
  heartbeatAt: string | null;
  leaseUntil: string | null;
}

export interface RunOutcome {
  status: RunStatus;
  windowTo: string | null;
  counters: RunCounters;
  calls: CallUsage;
  error?: { code: string; message: string } | null;
  /** Moved only when the run still held its flow. */
  /** `cursor`: where the source's read can resume (`ReadPage.cursor`), kept beside the stamp. */
  watermark?: { flowId: FlowId; stamp: string | null; cursor?: string | null };
}

export class SqliteRunRepository implements RunRepository {
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
      for (const row of this.db
        .prepare(`SELECT * FROM runs WHERE flow_id = ? AND ${holdsFlow}`)
        .all(input.flowId) as RunRow[]) {
        const until = leaseUntil(row, lease.leaseMs);
        if (until > now) throw lockedError(row, input.flowName ?? input.flowId, until, now);
        interrupted.push(this.markInterrupted(row, foundDead.leaseExpired(until), now));
      }
      // Replays and targeted syncs hold no lease; one silent for long (no page committed) died with its process.
      const silentSince = new Date(now - leaselessSilenceMs).toISOString();
      for (const row of this.db
        .prepare(
          "SELECT * FROM runs WHERE flow_id = ? AND status = 'running' AND lease_until IS NULL AND owner_host IS NOT NULL AND COALESCE(heartbeat_at, started_at) < ?",
        )
        .all(input.flowId, silentSince) as RunRow[]) {
        this.markInterrupted(row, foundDead.silent(), now);
      }
      // The flow's previous own run (leased, or from before leases), not a replay or targeted sync beside it,
      // nor a skipped slot (it read nothing: a slot skipped while a dead run held the flow hid the resume).
      const previous = this.db
        .prepare(
          "SELECT id, status FROM runs WHERE flow_id = ? AND status <> 'skipped' AND (lease_until IS NOT NULL OR owner_host IS NULL) ORDER BY started_at DESC, seq DESC LIMIT 1",
        )
        .get(input.flowId) as { id: string; status: string } | undefined;
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

  private insertRun(
    input: StartInput,
    status: 'running' | 'skipped',
    extra: {
      resumedFrom: RunId | null;
      leaseMs: number | null;
      now: number;
      error?: { code: string; message: string };
    },
  ): Run {
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
        run.id,
        run.flowId,
        run.trigger,
        status,
        run.dryRun ? 1 : 0,
        run.windowFrom,
        JSON.stringify(run.counters),
        JSON.stringify(run.calls),
        run.mappingHash,
        run.startedAt,
        run.finishedAt,
        run.error ? JSON.stringify(run.error) : null,
        running ? startedAt : null,
        running ? process.pid : null,
        running ? os.hostname() : null,
        running && extra.leaseMs !== null ? new Date(extra.now + extra.leaseMs).toISOString() : null,
        run.replayOf,
        run.replayMapping,
        run.resumedFrom,
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
      .prepare(
        "UPDATE runs SET heartbeat_at = ?, lease_until = ?, counters = ?, calls = ?, progress = ? WHERE id = ? AND status = 'running'",
      )
      .run(
        new Date(now).toISOString(),
        new Date(now + leaseMs).toISOString(),
        JSON.stringify(live.counters),
        JSON.stringify(live.calls),
        JSON.stringify(live.progress),
        runId,
      ).changes;
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
  unlock(flowId: FlowId | string, by: string, now = Date.now()): UnlockedRun[] {
    return this.db
      .transaction(() =>
        (this.db.prepare(`SELECT * FROM runs WHERE flow_id = ? AND ${holdsFlow}`).all(flowId) as RunRow[]).map(
          (row) => ({
            run: this.markInterrupted(row, foundDead.unlocked(by), now),
            host: row.owner_host,
            pid: row.owner_pid,
            heartbeatAt: row.heartbeat_at,
            leaseUntil: row.lease_until,
          }),
        ),
      )
      .immediate();
  }

  /** Marks a dead run interrupted with an honest account of what may have reached the target. */
  private markInterrupted(row: RunRow, why: string, now: number): Run {
    const progress = row.progress ? (JSON.parse(row.progress) as RunProgressState) : undefined;
    const account = interruptedAccount(row, progress, why);
    this.db
      .prepare("UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ? AND status = 'running'")
      .run(new Date(now).toISOString(), JSON.stringify(account), row.id);
    return this.run(row.id);
  }

  /**
   * A committed page's counters, calls and progress. Throws E_SYNC_LEASE_LOST
   * when the run no longer holds its flow, so the page's transaction rolls
   * back (see `commitPage`) and the new owner re-reads it.
   */
  recordPage(
    runId: RunId,
    page: { counters: RunCounters; calls: CallUsage; progress?: RunProgressState },
    now: string,
  ): void {
    const changed = this.db
      .prepare(
        "UPDATE runs SET counters = ?, calls = ?, heartbeat_at = ?, progress = ? WHERE id = ? AND status = 'running'",
      )
      .run(
        JSON.stringify(page.counters),
        JSON.stringify(page.calls),
        now,
        page.progress ? JSON.stringify(page.progress) : null,
        runId,
      ).changes;
    if (changed === 0) throw leaseLost(runId);
  }

  finishRun(runId: RunId, outcome: RunOutcome): Run {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      // Only a run that still holds its flow finishes it: one found dead (interrupted) keeps that account, and moves no watermark.
      const changed = this.db
        .prepare(
          "UPDATE runs SET status = ?, window_to = ?, counters = ?, calls = ?, finished_at = ?, error = ? WHERE id = ? AND status = 'running'",
        )
        .run(
          outcome.status,
          outcome.windowTo,
          JSON.stringify(outcome.counters),
          JSON.stringify(outcome.calls),
          now,
          outcome.error ? JSON.stringify(outcome.error) : null,
          runId,
        ).changes;
      if (changed > 0 && outcome.watermark) {
        this.db
          .prepare(
            'INSERT INTO watermarks (flow_id, stamp, cursor, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(flow_id) DO UPDATE SET stamp = excluded.stamp, cursor = excluded.cursor, updated_at = excluded.updated_at',
          )
          .run(outcome.watermark.flowId, outcome.watermark.stamp, outcome.watermark.cursor ?? null, now);
      }
    })();
    return this.run(runId);
  }

  readCursor(flowId: FlowId | string): string | null {
    const row = this.db.prepare('SELECT cursor FROM watermarks WHERE flow_id = ?').get(flowId) as
      { cursor: string | null } | undefined;
    return row?.cursor ?? null;
  }

  watermark(flowId: FlowId | string): string | null {
    const row = this.db.prepare('SELECT stamp FROM watermarks WHERE flow_id = ?').get(flowId) as
      { stamp: string | null } | undefined;
    return row?.stamp ?? null;
  }

  resetWatermark(flowId: FlowId | string): void {
    this.db.prepare('DELETE FROM watermarks WHERE flow_id = ?').run(flowId);
  }

  addNote(runId: RunId | string, note: string): void {
    this.db.prepare("UPDATE runs SET notes = json_insert(notes, '$[#]', ?) WHERE id = ?").run(note, runId);
  }

  run(id: RunId | string): Run {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw new AppError('E_NOT_FOUND', `No run with id ${id}.`);
    return toRun(row);
  }

  runs(query: { flowId?: string; limit?: number } = {}): Run[] {
    const rows = (
      query.flowId
        ? this.db
            .prepare('SELECT * FROM runs WHERE flow_id = ? ORDER BY started_at DESC, seq DESC LIMIT ?')
            .all(query.flowId, query.limit ?? 100)
        : this.db.prepare('SELECT * FROM runs ORDER BY started_at DESC, seq DESC LIMIT ?').all(query.limit ?? 100)
    ) as RunRow[];
    return rows.map(toRun);
  }

  /** Records the last finished full read (no watermark) of a flow saw; null when there was none. */
  lastFullReadCount(flowId: string): number | null {
    const row = this.db
      .prepare(
        "SELECT counters FROM runs WHERE flow_id = ? AND window_from IS NULL AND status IN ('succeeded', 'partial') AND trigger != 'replay' ORDER BY started_at DESC, seq DESC LIMIT 1",
      )
      .get(flowId) as { counters: string } | undefined;
    return row ? (JSON.parse(row.counters) as { read: number }).read : null;
  }

  latestRun(flowId: string): Run | undefined {
    const row = this.db
      .prepare('SELECT * FROM runs WHERE flow_id = ? ORDER BY started_at DESC, seq DESC LIMIT 1')
      .get(flowId) as RunRow | undefined;
    return row ? toRun(row) : undefined;
  }
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
  notes: string;
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
    notes: JSON.parse(row.notes) as string[],
  });
}
