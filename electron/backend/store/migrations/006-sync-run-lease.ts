import type { Migration } from './migration';

/**
 * Added after `sync/002`: a run holds its flow by a lease, not by a PID. The
 * owner (host and pid) renews `lease_until` with a heartbeat that also writes
 * what it knows (`progress`: the page in flight), so a run found dead can say
 * what may have reached the target. At most one leased run per flow is
 * `running`: the unique partial index makes SQLite itself refuse a second one.
 */
export const migration: Migration = {
  id: 'sync/003-run-lease',
  up: `
      ALTER TABLE runs ADD COLUMN owner_host TEXT;
      ALTER TABLE runs ADD COLUMN lease_until TEXT;
      ALTER TABLE runs ADD COLUMN progress TEXT;
      ALTER TABLE runs ADD COLUMN resumed_from TEXT;
      -- Only leased runs (engine runs) hold their flow; replays and targeted syncs run beside them as before.
      CREATE UNIQUE INDEX runs_one_running ON runs (flow_id) WHERE status = 'running' AND lease_until IS NOT NULL;
    `,
};
