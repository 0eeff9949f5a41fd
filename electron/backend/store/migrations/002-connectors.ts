import type { Migration } from './migration';

export const migration: Migration = {
  id: 'connectors/001-schema-cache-and-tokens',
  up: `
      -- Live schemas per connection and entity; the hash lets mappings notice changes.
      CREATE TABLE entity_schemas (
        connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        entity        TEXT NOT NULL,
        hash          TEXT NOT NULL,
        schema_json   TEXT NOT NULL,
        fetched_at    TEXT NOT NULL,
        PRIMARY KEY (connection_id, entity)
      );
      -- One access token per connection, shared by every process using the store
      -- (desktop backend, mlc serve); encrypted like secrets.
      CREATE TABLE connection_tokens (
        connection_id TEXT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
        ciphertext    TEXT NOT NULL,
        expires_at    INTEGER,
        updated_at    TEXT NOT NULL
      );
    `,
};
