import type { Migration } from './migration';

/**
 * Added after `mapping/001`: the last Infor tenant check of a connection (issue 14), kept with the
 * connection so the card shows it after a restart; it goes when the connection does.
 */
export const migration: Migration = {
  id: 'store/003-tenant-checks',
  up: `
    CREATE TABLE tenant_checks (
      connection_id TEXT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
      report_json   TEXT NOT NULL,
      checked_at    TEXT NOT NULL
    );
  `,
};
