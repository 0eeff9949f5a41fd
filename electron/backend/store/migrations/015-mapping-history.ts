import type { Migration } from './migration';

/**
 * Version history of mappings (issue 19): every save that changes a mapping's design keeps the whole
 * design as numbered version of that mapping, so History can show a semantic diff and Restore can bring
 * one back (as a new version). `mapping_versions` stays as it is: keyed by expression hash, it is what
 * replays read. A restore names the version it came from (`restored_from`). Mappings saved before this
 * start their history with their current design as version 1.
 */
export const migration: Migration = {
  id: 'mapping/003-history',
  up: `
    CREATE TABLE mapping_history (
      mapping_id TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,
      source_entity TEXT NOT NULL, source_lines TEXT, target_entity TEXT NOT NULL,
      graph TEXT, expression TEXT NOT NULL, hash TEXT NOT NULL, created_at TEXT NOT NULL,
      restored_from INTEGER,
      PRIMARY KEY (mapping_id, version)
    );
    INSERT INTO mapping_history (mapping_id, version, name, source_entity, source_lines, target_entity, graph, expression, hash, created_at)
      SELECT id, 1, name, source_entity, source_lines, target_entity, graph, expression, hash, updated_at FROM mappings;
  `,
};
