import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { FlowId, RunId } from '../../../../shared/domain/flow';
import { runSchema, type CallUsage, type Run, type RunCounters, type RunStatus } from '../../../../shared/domain/run';
import { AppError } from '../../../../shared/errors';
import {
  emptyCalls,
  emptyCounters,
  type LiveState,
  type RunOutcome,
  type RunProgressState,
  type StartInput,
  type UnlockedRun,
} from '../../sync/runs.repository';
import type { AsyncRunRepository } from '../async-store';
import type { Sql } from './sql';
import {
  foundDead,
  holdsFlow,
  interruptedAccount,
  leaselessSilenceMs,
  leaseLost,
  leaseUntil,
  lockedError,
} from '../../sync/run-lease';

/**
 * SqliteRunRepository's semantics (sync/runs.repository.ts) in PostgreSQL. The differences are only
 * in how exclusion is had: SQLite's IMMEDIATE transaction locks the whole store; here a claim takes a
 * transaction-scoped advisory lock on the flow (so two claims of one flow queue even when no row
 * exists yet to lock) and `SELECT … FOR UPDATE` on the flow's running rows, which a heartbeat or
 * finish on another connection also needs; the unique index `runs_one_running` is the last guard.
 */
export class PgRunRepository implements AsyncRunRepository {
  constructor(private readonly sql: Sql) {}

  claimAndStart(
    input: StartInput,
    lease: { leaseMs: number; now?: number },
  ): Promise<{ run: Run; interrupted: Run[] }> {
    return this.sql.tx(async (sql) => {
      const now = lease.now ?? Date.now();
      await lockFlow(sql, input.flowId);
      const interrupted: Run[] = [];
      for (const row of await sql.query<RunRow>(
        `SELECT * FROM runs WHERE flow_id = $1 AND ${holdsFlow} ORDER BY seq FOR UPDATE`,
        [input.flowId],
      )) {
        const until = leaseUntil(row, lease.leaseMs);
        if (until > now) throw lockedError(row, input.flowName ?? input.flowId, until, now);
        interrupted.push(await markInterrupted(sql, row, foundDead.leaseExpired(until), now));
      }
      const silentSince = new Date(now - leaselessSilenceMs).toISOString();
      for (const row of await sql.query<RunRow>(
        `SELECT * FROM runs WHERE flow_id = $1 AND status = 'running' AND lease_until IS NULL AND owner_host IS NOT NULL
           AND COALESCE(heartbeat_at, started_at) < $2 ORDER BY seq FOR UPDATE`,
        [input.flowId, silentSince],
      )) {
        await markInterrupted(sql, row, foundDead.silent(), now);
      }
      const previous = (
        await sql.query<{ id: string; status: string }>(
          "SELECT id, status FROM runs WHERE flow_id = $1 AND status <> 'skipped' AND (lease_until IS NOT NULL OR owner_host IS NULL) ORDER BY started_at DESC, seq DESC LIMIT 1",
          [input.flowId],
        )
      )[0];
      const resumedFrom = previous?.status === 'interrupted' ? (previous.id as RunId) : null;
      return { run: await insertRun(sql, input, 'running', { resumedFrom, leaseMs: lease.leaseMs, now }), interrupted };
    });
  }

  startRun(input: StartInput): Promise<Run> {
    return insertRun(this.sql, input, 'running', { resumedFrom: null, leaseMs: null, now: Date.now() });
  }

  recordSkipped(input: StartInput, reason: { code: string; message: string }): Promise<Run> {
    return insertRun(this.sql, input, 'skipped', { resumedFrom: null, leaseMs: null, now: Date.now(), error: reason });
  }

  async heartbeat(runId: RunId, live: LiveState, leaseMs: number, now = Date.now()): Promise<void> {
    const changed = await this.sql.query(
      `UPDATE runs SET heartbeat_at = $1, lease_until = $2, counters = $3, calls = $4, progress = $5
        WHERE id = $6 AND status = 'running' RETURNING id`,
      [
        new Date(now).toISOString(),
        new Date(now + leaseMs).toISOString(),
        JSON.stringify(live.counters),
        JSON.stringify(live.calls),
        JSON.stringify(live.progress),
        runId,
      ],
    );
    if (changed.length === 0) throw leaseLost(runId);
  }

  async release(runId: RunId, status: RunStatus, code: string): Promise<void> {
    await this.sql.query(
      "UPDATE runs SET status = $1, finished_at = $2, error = $3 WHERE id = $4 AND status = 'running'",
      [status, new Date().toISOString(), JSON.stringify({ code, message: code }), runId],
    );
  }

  unlock(flowId: FlowId | string, by: string, now = Date.now()): Promise<UnlockedRun[]> {
    return this.sql.tx(async (sql) => {
      await lockFlow(sql, flowId);
      const out: UnlockedRun[] = [];
      for (const row of await sql.query<RunRow>(
        `SELECT * FROM runs WHERE flow_id = $1 AND ${holdsFlow} ORDER BY seq FOR UPDATE`,
        [flowId],
      )) {
        out.push({
          run: await markInterrupted(sql, row, foundDead.unlocked(by), now),
          host: row.owner_host,
          pid: row.owner_pid,
          heartbeatAt: row.heartbeat_at,
          leaseUntil: row.lease_until,
        });
      }
      return out;
    });
  }

  async recordPage(
    runId: RunId,
    page: { counters: RunCounters; calls: CallUsage; progress?: RunProgressState },
    now: string,
  ): Promise<void> {
    const changed = await this.sql.query(
      "UPDATE runs SET counters = $1, calls = $2, heartbeat_at = $3, progress = $4 WHERE id = $5 AND status = 'running' RETURNING id",
      [
        JSON.stringify(page.counters),
        JSON.stringify(page.calls),
        now,
        page.progress ? JSON.stringify(page.progress) : null,
        runId,
      ],
    );
    if (changed.length === 0) throw leaseLost(runId);
  }

  async finishRun(runId: RunId, outcome: RunOutcome): Promise<Run> {
    const now = new Date().toISOString();
    await this.sql.tx(async (sql) => {
      // Only a run that still holds its flow finishes it: one found dead keeps that account, and moves no watermark.
      const changed = await sql.query(
        `UPDATE runs SET status = $1, window_to = $2, counters = $3, calls = $4, finished_at = $5, error = $6
          WHERE id = $7 AND status = 'running' RETURNING id`,
        [
          outcome.status,
          outcome.windowTo,
          JSON.stringify(outcome.counters),
          JSON.stringify(outcome.calls),
          now,
          outcome.error ? JSON.stringify(outcome.error) : null,
          runId,
        ],
      );
      if (changed.length > 0 && outcome.watermark) {
        await sql.query(
          `INSERT INTO watermarks (flow_id, stamp, cursor, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (flow_id) DO UPDATE SET stamp = excluded.stamp, cursor = excluded.cursor, updated_at = excluded.updated_at`,
          [outcome.watermark.flowId, outcome.watermark.stamp, outcome.watermark.cursor ?? null, now],
        );
      }
    });
    return this.run(runId);
  }

  async readCursor(flowId: FlowId | string): Promise<string | null> {
    const rows = await this.sql.query<{ cursor: string | null }>('SELECT cursor FROM watermarks WHERE flow_id = $1', [
      flowId,
    ]);
    return rows[0]?.cursor ?? null;
  }

  async watermark(flowId: FlowId | string): Promise<string | null> {
    const rows = await this.sql.query<{ stamp: string | null }>('SELECT stamp FROM watermarks WHERE flow_id = $1', [
      flowId,
    ]);
    return rows[0]?.stamp ?? null;
  }

  async resetWatermark(flowId: FlowId | string): Promise<void> {
    await this.sql.query('DELETE FROM watermarks WHERE flow_id = $1', [flowId]);
  }

  async addNote(runId: RunId | string, note: string): Promise<void> {
    await this.sql.query('UPDATE runs SET notes = notes || jsonb_build_array($1::text) WHERE id = $2', [note, runId]);
  }

  run(id: RunId | string): Promise<Run> {
    return readRun(this.sql, id);
  }

  async runs(query: { flowId?: string; limit?: number } = {}): Promise<Run[]> {
    const rows = query.flowId
      ? await this.sql.query<RunRow>(
          'SELECT * FROM runs WHERE flow_id = $1 ORDER BY started_at DESC, seq DESC LIMIT $2',
          [query.flowId, query.limit ?? 100],
        )
      : await this.sql.query<RunRow>('SELECT * FROM runs ORDER BY started_at DESC, seq DESC LIMIT $1', [
          query.limit ?? 100,
        ]);
    return rows.map(toRun);
  }

  async lastFullReadCount(flowId: string): Promise<number | null> {
    const rows = await this.sql.query<{ counters: { read: number } }>(
      "SELECT counters FROM runs WHERE flow_id = $1 AND window_from IS NULL AND status IN ('succeeded', 'partial') AND trigger != 'replay' ORDER BY started_at DESC, seq DESC LIMIT 1",
      [flowId],
    );
    return rows[0] ? rows[0].counters.read : null;
  }

  async latestRun(flowId: string): Promise<Run | undefined> {
    const rows = await this.sql.query<RunRow>(
      'SELECT * FROM runs WHERE flow_id = $1 ORDER BY started_at DESC, seq DESC LIMIT 1',
      [flowId],
    );
    return rows[0] ? toRun(rows[0]) : undefined;
  }
}

/**
 * Serialises claims and unlocks of one flow across every connection and host until the transaction
 * ends: the row locks alone cannot stop two claims when the flow has no running row to lock.
 */
async function lockFlow(sql: Sql, flowId: string): Promise<void> {
  await sql.query("SELECT pg_advisory_xact_lock(hashtextextended('mlc.flow:' || $1, 0))", [flowId]);
}

async function readRun(sql: Sql, id: string): Promise<Run> {
  const row = (await sql.query<RunRow>('SELECT * FROM runs WHERE id = $1', [id]))[0];
  if (!row) throw new AppError('E_NOT_FOUND', `No run with id ${id}.`);
  return toRun(row);
}

async function insertRun(
  sql: Sql,
  input: StartInput,
  status: 'running' | 'skipped',
  extra: { resumedFrom: RunId | null; leaseMs: number | null; now: number; error?: { code: string; message: string } },
): Promise<Run> {
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
  try {
    await sql.query(
      `INSERT INTO runs (id, flow_id, trigger, status, dry_run, window_from, counters, calls, mapping_hash, started_at, finished_at, error,
         heartbeat_at, owner_pid, owner_host, lease_until, replay_of, replay_mapping, resumed_from)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
      [
        run.id,
        run.flowId,
        run.trigger,
        status,
        run.dryRun,
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
        run.replayOf ?? null,
        run.replayMapping ?? null,
        run.resumedFrom ?? null,
      ],
    );
  } catch (error) {
    // runs_one_running: a claim that raced past the flow lock (it cannot, short of a bug) still refuses cleanly.
    if ((error as { code?: string }).code === '23505' && running && extra.leaseMs !== null)
      throw new AppError('E_CONFLICT', `The flow “${input.flowName ?? input.flowId}” is already running.`);
    throw error;
  }
  return run;
}

/** Marks a dead run interrupted with its account (run-lease.ts, as the SQLite store says it). */
async function markInterrupted(sql: Sql, row: RunRow, why: string, now: number): Promise<Run> {
  const account = interruptedAccount(row, row.progress ?? undefined, why);
  await sql.query(
    "UPDATE runs SET status = 'interrupted', finished_at = $1, error = $2 WHERE id = $3 AND status = 'running'",
    [new Date(now).toISOString(), JSON.stringify(account), row.id],
  );
  return readRun(sql, row.id);
}

/** A runs row as node-postgres reads it (jsonb parsed, timestamptz as ISO text: see sql.ts). */
interface RunRow {
  id: string;
  flow_id: string;
  trigger: string;
  status: string;
  dry_run: boolean;
  window_from: string | null;
  window_to: string | null;
  counters: RunCounters;
  calls: CallUsage;
  mapping_hash: string;
  started_at: string;
  finished_at: string | null;
  error: { code: string; message: string } | null;
  replay_of: string | null;
  replay_mapping: string | null;
  heartbeat_at: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  lease_until: string | null;
  progress: RunProgressState | null;
  resumed_from: string | null;
  notes: string[];
}

function toRun(row: RunRow): Run {
  return runSchema.parse({
    id: row.id,
    flowId: row.flow_id,
    trigger: row.trigger,
    status: row.status,
    dryRun: row.dry_run,
    windowFrom: row.window_from,
    windowTo: row.window_to,
    counters: row.counters,
    calls: row.calls,
    mappingHash: row.mapping_hash,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    replayOf: row.replay_of,
    replayMapping: row.replay_mapping,
    resumedFrom: row.resumed_from,
    notes: row.notes,
  });
}
