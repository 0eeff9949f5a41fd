import type { Migration } from './migration';

export const migration: Migration = {
  id: 'sync/001-flows-runs-audit',
  up: `
      CREATE TABLE mappings (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, source_entity TEXT NOT NULL, target_entity TEXT NOT NULL,
        graph TEXT, expression TEXT NOT NULL, hash TEXT NOT NULL, updated_at TEXT NOT NULL
      );
      -- Every expression ever run, so a replay can use the mapping a record was first written with.
      CREATE TABLE mapping_versions (
        hash TEXT PRIMARY KEY, mapping_id TEXT NOT NULL, expression TEXT NOT NULL, created_at TEXT NOT NULL
      );
      CREATE TABLE flows (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, definition TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL
      );
      CREATE TABLE runs (
        id TEXT PRIMARY KEY, flow_id TEXT NOT NULL, trigger TEXT NOT NULL, status TEXT NOT NULL,
        dry_run INTEGER NOT NULL DEFAULT 0, window_from TEXT, window_to TEXT,
        counters TEXT NOT NULL, calls TEXT NOT NULL, mapping_hash TEXT NOT NULL,
        started_at TEXT NOT NULL, finished_at TEXT, heartbeat_at TEXT, owner_pid INTEGER, error TEXT
      );
      CREATE INDEX runs_by_flow ON runs (flow_id, started_at);
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, flow_id TEXT NOT NULL,
        source_key TEXT NOT NULL, source_stamp TEXT NOT NULL, source_payload TEXT NOT NULL, source_raw TEXT,
        transformed_payload TEXT, target_key TEXT, outcome TEXT NOT NULL,
        error_code TEXT, error_message TEXT, attempt INTEGER NOT NULL DEFAULT 1,
        mapping_hash TEXT NOT NULL, diff TEXT, created_at TEXT NOT NULL
      );
      CREATE INDEX audit_by_run ON audit (run_id, outcome);
      CREATE INDEX audit_by_key ON audit (flow_id, source_key);
      CREATE INDEX audit_by_time ON audit (created_at);
      -- What each source record became in the target: cross-entity references and change detection.
      CREATE TABLE id_map (
        flow_id TEXT NOT NULL, source_key TEXT NOT NULL, source_stamp TEXT NOT NULL,
        target_connection TEXT NOT NULL, target_entity TEXT NOT NULL, target_key TEXT,
        payload_hash TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (flow_id, source_key)
      );
      CREATE INDEX id_map_by_target ON id_map (target_connection, target_entity, source_key);
      CREATE TABLE dead_letters (
        flow_id TEXT NOT NULL, source_key TEXT NOT NULL, audit_id INTEGER NOT NULL,
        run_id TEXT NOT NULL, created_at TEXT NOT NULL,
        PRIMARY KEY (flow_id, source_key)
      );
      CREATE TABLE watermarks (
        flow_id TEXT PRIMARY KEY, stamp TEXT, updated_at TEXT NOT NULL
      );
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
};
