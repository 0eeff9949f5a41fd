import type { Migration } from './migration';

export const migration: Migration = {
  id: 'core/001-connections',
  up: `
      CREATE TABLE connections (
        id          TEXT PRIMARY KEY,
        system      TEXT NOT NULL,
        name        TEXT NOT NULL,
        settings    TEXT NOT NULL DEFAULT '{}',
        sandbox     INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE TABLE connection_secrets (
        connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        slot          TEXT NOT NULL,
        ciphertext    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (connection_id, slot)
      );
      CREATE TABLE ui_preferences (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
};
