import { AppError } from '../../../shared/errors';

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
