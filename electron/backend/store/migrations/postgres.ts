/**
 * The PostgreSQL store's migrations: one per SQLite migration (migrations/index.ts), with the same
 * ids in the same order, so `schemaVersion()` means the same schema on both kinds of store. Each says
 * in PostgreSQL what its SQLite twin does; a step that only repaired SQLite data is kept (possibly
 * doing nothing) so the count stays equal. A new SQLite migration gets its PostgreSQL twin here in the
 * same change (test/integration/store/postgres-migrations.test.ts checks the ids match).
 *
 * Types (ASYNC-STORE.md, "Types"):
 * - instants the store itself writes (created_at, started_at, lease_until, …) are `timestamptz`: the
 *   code writes `Date#toISOString()` (UTC, milliseconds), which timestamptz keeps exactly (it holds
 *   microseconds) and the store reads back as the same text; the database can then compare, index
 *   and subtract them, and `psql` shows them in the reader's zone. Stamps that come from source
 *   systems (source_stamp, window_from/to, watermark stamps and cursors) stay `text`: their format is
 *   the system's, not ours.
 * - text that SQLite compares or orders (keys, ids) is `COLLATE "C"`: byte order, as SQLite's BINARY,
 *   whatever locale the cluster was created with, so keyset pages walk keys in the same order.
 * - JSON the store owns (run counters, calls, progress, error, notes) is `jsonb`; JSON kept verbatim
 *   for others (definitions, graphs, schemas, diffs) stays `text`.
 * - audit payloads are `bytea`: the audit codec's deflated bytes (audit-codec.ts), unchanged.
 * - auto-increment ids are `bigint` identities (node-postgres reads int8 as a number: ids stay far
 *   below 2^53).
 */
export interface PostgresMigration {
  id: string;
  up: string;
}

const key = 'text COLLATE "C"';

export const postgresMigrations: PostgresMigration[] = [
  {
    id: 'core/001-connections',
    up: `
      CREATE TABLE connections (
        id ${key} PRIMARY KEY, system text NOT NULL, name text NOT NULL, settings text NOT NULL DEFAULT '{}',
        sandbox boolean NOT NULL DEFAULT false, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
      );
      CREATE TABLE connection_secrets (
        connection_id ${key} NOT NULL REFERENCES connections(id) ON DELETE CASCADE, slot ${key} NOT NULL,
        ciphertext text NOT NULL, updated_at timestamptz NOT NULL, PRIMARY KEY (connection_id, slot)
      );
      CREATE TABLE ui_preferences (key ${key} PRIMARY KEY, value text NOT NULL);`,
  },
  {
    id: 'connectors/001-schema-cache-and-tokens',
    up: `
      CREATE TABLE entity_schemas (
        connection_id ${key} NOT NULL REFERENCES connections(id) ON DELETE CASCADE, entity ${key} NOT NULL,
        hash text NOT NULL, schema_json text NOT NULL, fetched_at timestamptz NOT NULL,
        PRIMARY KEY (connection_id, entity)
      );
      -- expires_at: epoch milliseconds, as the SQLite store keeps it (the token codec compares numbers).
      CREATE TABLE connection_tokens (
        connection_id ${key} PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
        ciphertext text NOT NULL, expires_at bigint, updated_at timestamptz NOT NULL
      );`,
  },
  {
    id: 'sync/001-flows-runs-audit',
    up: `
      CREATE TABLE mappings (
        id ${key} PRIMARY KEY, name text NOT NULL, source_entity text NOT NULL, target_entity text NOT NULL,
        graph text, expression text NOT NULL, hash text NOT NULL, updated_at timestamptz NOT NULL
      );
      CREATE TABLE mapping_versions (
        hash ${key} PRIMARY KEY, mapping_id ${key} NOT NULL, expression text NOT NULL, created_at timestamptz NOT NULL
      );
      CREATE TABLE flows (
        id ${key} PRIMARY KEY, name text NOT NULL, definition text NOT NULL,
        created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
      );
      CREATE TABLE runs (
        id ${key} PRIMARY KEY, flow_id ${key} NOT NULL, trigger text NOT NULL, status text NOT NULL,
        dry_run boolean NOT NULL DEFAULT false, window_from text, window_to text,
        counters jsonb NOT NULL, calls jsonb NOT NULL, mapping_hash text NOT NULL,
        started_at timestamptz NOT NULL, finished_at timestamptz, heartbeat_at timestamptz, owner_pid integer, error jsonb
      );
      CREATE INDEX runs_by_flow ON runs (flow_id, started_at);
      CREATE TABLE audit (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, run_id ${key} NOT NULL, flow_id ${key} NOT NULL,
        source_key ${key} NOT NULL, source_stamp text NOT NULL, source_payload bytea NOT NULL, source_raw bytea,
        transformed_payload bytea, target_key ${key}, outcome text NOT NULL,
        error_code text, error_message text, attempt integer NOT NULL DEFAULT 1,
        mapping_hash text NOT NULL, diff text, created_at timestamptz NOT NULL
      );
      CREATE INDEX audit_by_run ON audit (run_id, outcome);
      CREATE INDEX audit_by_key ON audit (flow_id, source_key);
      CREATE INDEX audit_by_time ON audit (created_at);
      CREATE TABLE id_map (
        flow_id ${key} NOT NULL, source_key ${key} NOT NULL, source_stamp text NOT NULL,
        target_connection ${key} NOT NULL, target_entity ${key} NOT NULL, target_key ${key},
        payload_hash text NOT NULL, updated_at timestamptz NOT NULL,
        PRIMARY KEY (flow_id, source_key)
      );
      CREATE INDEX id_map_by_target ON id_map (target_connection, target_entity, source_key);
      CREATE TABLE dead_letters (
        flow_id ${key} NOT NULL, source_key ${key} NOT NULL, audit_id bigint NOT NULL,
        run_id ${key} NOT NULL, created_at timestamptz NOT NULL,
        PRIMARY KEY (flow_id, source_key)
      );
      CREATE TABLE watermarks (flow_id ${key} PRIMARY KEY, stamp text, updated_at timestamptz NOT NULL);
      CREATE TABLE settings (key ${key} PRIMARY KEY, value text NOT NULL);`,
  },
  {
    id: 'zoho/001-token-refresh-leases',
    up: `
      -- expires_at: epoch milliseconds, as in SQLite.
      CREATE TABLE token_refresh_leases (connection_id ${key} PRIMARY KEY, holder text NOT NULL, expires_at bigint NOT NULL);`,
  },
  {
    id: 'sync/002-replay-origin',
    up: `ALTER TABLE runs ADD COLUMN replay_of ${key}, ADD COLUMN replay_mapping text;`,
  },
  {
    id: 'sync/003-run-lease',
    up: `
      ALTER TABLE runs ADD COLUMN owner_host text, ADD COLUMN lease_until timestamptz, ADD COLUMN progress jsonb,
        ADD COLUMN resumed_from ${key};
      -- As in SQLite: only leased runs hold their flow (the last guard if two claims raced past the lock).
      CREATE UNIQUE INDEX runs_one_running ON runs (flow_id) WHERE status = 'running' AND lease_until IS NOT NULL;`,
  },
  {
    // SQLite numbers rows with a trigger; an identity column does it here (filled in row order for existing rows).
    id: 'store/001-insertion-order',
    up: ['connections', 'mappings', 'flows', 'runs']
      .map(
        (table) => `
      ALTER TABLE ${table} ADD COLUMN seq bigint GENERATED BY DEFAULT AS IDENTITY;
      CREATE UNIQUE INDEX ${table}_by_seq ON ${table} (seq);`,
      )
      .join('\n'),
  },
  {
    id: 'store/002-one-settings-table',
    up: `
      INSERT INTO settings (key, value) SELECT 'ui.' || key, value FROM ui_preferences;
      DROP TABLE ui_preferences;`,
  },
  {
    // The SQLite step also moved the ids out of older graphs' JSON; no PostgreSQL store held a graph in
    // that form (PostgreSQL stores start with every step), so only the columns are added.
    id: 'mapping/001-connection-columns',
    up: `ALTER TABLE mappings ADD COLUMN source_connection_id ${key}, ADD COLUMN target_connection_id ${key};`,
  },
  {
    id: 'store/003-tenant-checks',
    up: `
      CREATE TABLE tenant_checks (
        connection_id ${key} PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
        report_json text NOT NULL, checked_at timestamptz NOT NULL
      );`,
  },
  {
    id: 'sync/004-run-notes',
    up: `ALTER TABLE runs ADD COLUMN notes jsonb NOT NULL DEFAULT '[]';`,
  },
  {
    id: 'mapping/002-source-lines',
    up: `ALTER TABLE mappings ADD COLUMN source_lines text;`,
  },
  {
    id: 'sync/005-two-way',
    up: `
      ALTER TABLE watermarks ADD COLUMN cursor text;
      CREATE INDEX id_map_by_target_key ON id_map (flow_id, target_key);`,
  },
  {
    id: 'sync/006-audit-encoding',
    up: `
      ALTER TABLE audit ADD COLUMN payload_encoding integer NOT NULL DEFAULT 0, ADD COLUMN payload_dictionary bigint;
      CREATE TABLE audit_dictionaries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, flow_id ${key} NOT NULL, content bytea NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX audit_dictionaries_by_flow ON audit_dictionaries (flow_id, id);`,
  },
  {
    // Mapping version history (issue 19): the whole design per numbered version, for History and Restore.
    id: 'mapping/003-history',
    up: `
      CREATE TABLE mapping_history (
        mapping_id ${key} NOT NULL, version integer NOT NULL, name text NOT NULL,
        source_entity text NOT NULL, source_lines text, target_entity text NOT NULL,
        graph text, expression text NOT NULL, hash text NOT NULL, created_at timestamptz NOT NULL,
        restored_from integer,
        PRIMARY KEY (mapping_id, version)
      );
      INSERT INTO mapping_history (mapping_id, version, name, source_entity, source_lines, target_entity, graph, expression, hash, created_at)
        SELECT id, 1, name, source_entity, source_lines, target_entity, graph, expression, hash, updated_at FROM mappings;`,
  },
];
