import type { Migration } from './migration';

/**
 * A small audit log (issue 17): each row says how its payload columns are stored. 0 (every row written
 * before this) keeps them as JSON text; 1 keeps them deflated against a per-flow dictionary (a sample
 * record of the flow, in `audit_dictionaries`, named by `payload_dictionary`), with the raw record
 * derived from the source payload where it can be (see `audit-codec.ts`). Old rows are read as they are.
 */
export const migration: Migration = {
  id: 'sync/006-audit-encoding',
  up: `
    ALTER TABLE audit ADD COLUMN payload_encoding INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE audit ADD COLUMN payload_dictionary INTEGER;
    CREATE TABLE audit_dictionaries (
      id INTEGER PRIMARY KEY AUTOINCREMENT, flow_id TEXT NOT NULL, content BLOB NOT NULL, created_at TEXT NOT NULL
    );
    CREATE INDEX audit_dictionaries_by_flow ON audit_dictionaries (flow_id, id);
  `,
};
