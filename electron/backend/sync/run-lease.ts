import { AppError } from '../../../shared/errors';
import type { RunProgressState } from './runs.repository';

/*
 * What both stores (runs.repository.ts for SQLite, store/postgres/runs.ts) say and decide about a run's
 * hold on its flow, kept in one place so the two cannot drift apart: the same rows hold a flow, the
 * same silence means dead, and the same texts explain a refusal, a lost lease and an interrupted run.
 */

/**
 * Runs that hold their flow: leased ones, and running rows from before leases (no owner host), which
 * get a lease from their last heartbeat. A SQL condition on `runs`, the same in both dialects.
 */
export const holdsFlow = "status = 'running' AND (lease_until IS NOT NULL OR owner_host IS NULL)";

/** A replay or targeted sync (no lease) that commits nothing for this long is taken for dead. */
export const leaselessSilenceMs = 15 * 60_000;

/** Why a claim found a run dead, for its account (`interruptedAccount`). */
export const foundDead = {
  leaseExpired: (until: number) => `its lease expired at ${new Date(until).toISOString()} without a heartbeat`,
  silent: () => `it committed nothing for ${leaselessSilenceMs / 60_000} minutes`,
  unlocked: (by: string) => `${by} released it`,
};

/** What a runs row says about its hold on the flow (SQLite and PostgreSQL rows alike). */
export interface LeaseRow {
  id: string;
  started_at: string;
  heartbeat_at: string | null;
  lease_until: string | null;
  owner_host: string | null;
  owner_pid: number | null;
}

/** Until when a running row holds its flow, in ms since the epoch. */
export function leaseUntil(row: LeaseRow, leaseMs: number): number {
  if (row.lease_until) return Date.parse(row.lease_until);
  // Rows from before leases: the last heartbeat (or start) plus a lease.
  return Date.parse(row.heartbeat_at ?? row.started_at) + leaseMs;
}

/** The refusal of a second run while `row` holds the flow: who holds it, and what to do. */
export function lockedError(row: LeaseRow, flow: string, until: number, now: number): AppError {
  const owner = `${row.owner_host ?? 'an unknown host'} (pid ${row.owner_pid ?? '?'})`;
  const wait = Math.max(1, Math.ceil((until - now) / 1000));
  return new AppError(
    'E_CONFLICT',
    `The flow “${flow}” is already running on ${owner} since ${row.started_at} (run ${row.id}, last heartbeat ${row.heartbeat_at ?? row.started_at}). ` +
      `If that process is gone, run \`mlc unlock ${flow}\` or wait ${wait} s for its lease to expire.`,
    {
      runId: row.id,
      host: row.owner_host,
      pid: row.owner_pid,
      startedAt: row.started_at,
      leaseUntil: new Date(until).toISOString(),
    },
  );
}

/** A run whose flow another process took (found it dead, or `mlc unlock`): it must stop writing. */
export function leaseLost(runId: string): AppError {
  return new AppError(
    'E_SYNC_LEASE_LOST',
    `Run ${runId} no longer holds its flow (another process found it dead, or \`mlc unlock\` released it); it stopped writing. The next run re-reads its window.`,
  );
}

/**
 * The honest account of a run found dead (`why`: one of `foundDead`): where it stopped and what may have
 * reached the target after its last committed page, from what its last heartbeat knew.
 */
export function interruptedAccount(
  row: Pick<LeaseRow, 'owner_host' | 'owner_pid'>,
  progress: RunProgressState | undefined,
  why: string,
): { code: 'E_SYNC_INTERRUPTED'; message: string } {
  const owner =
    row.owner_host || row.owner_pid ? ` on ${row.owner_host ?? 'an unknown host'} (pid ${row.owner_pid ?? '?'})` : '';
  let during = ' before its first heartbeat; nothing was committed';
  if (progress) {
    const page = progress.pagesCommitted + 1;
    // Between a commit and the next heartbeat the next page may already be writing: then a whole page is at stake.
    const atStake = progress.recordsInFlight > 0 ? progress.recordsInFlight : (progress.pageSize ?? 0);
    const where = progress.recordsInFlight > 0 ? `during page ${page}` : `during page ${page} or just before it`;
    during =
      atStake > 0
        ? ` ${where}; up to ${atStake} records may have been written to the target after the last committed page (${progress.pagesCommitted}); the next run re-reads them and they appear as updated`
        : ` after committing ${progress.pagesCommitted} page${progress.pagesCommitted === 1 ? '' : 's'}`;
  }
  return {
    code: 'E_SYNC_INTERRUPTED',
    message: `The process running this flow${owner} stopped${during}. Found because ${why}. Counters and calls are its last heartbeat's.`,
  };
}
