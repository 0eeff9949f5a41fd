import type { Migration } from './migration';

/**
 * Added after `store/001`: the connections a mapping was drawn against get
 * columns of their own. The designer used to keep them as two extra keys inside
 * the graph JSON; those are moved out here (when they are non-empty strings)
 * and removed from the graph, so the graph holds the drawing alone.
 */
export const migration: Migration = {
  id: 'mapping/001-connection-columns',
  up: `
    ALTER TABLE mappings ADD COLUMN source_connection_id TEXT;
    ALTER TABLE mappings ADD COLUMN target_connection_id TEXT;
    UPDATE mappings SET
      source_connection_id = CASE WHEN json_type(graph, '$.sourceConnectionId') = 'text' AND json_extract(graph, '$.sourceConnectionId') != ''
        THEN json_extract(graph, '$.sourceConnectionId') END,
      target_connection_id = CASE WHEN json_type(graph, '$.targetConnectionId') = 'text' AND json_extract(graph, '$.targetConnectionId') != ''
        THEN json_extract(graph, '$.targetConnectionId') END,
      graph = json_remove(graph, '$.sourceConnectionId', '$.targetConnectionId')
      -- CASE, not AND: SQLite may evaluate json_type on text that is not JSON, and that raises.
      WHERE CASE WHEN json_valid(graph) THEN json_type(graph) END = 'object';
  `,
};
