import type { Migration } from './migration';

/**
 * A mapping of one line of its source records (`sourceLines`, e.g. `lines` for order lines): the
 * Mapper reopens it on the line's fields plus `parent`, and a flow of it writes one target record
 * per line. Null for mappings of whole records (all mappings before this column).
 */
export const migration: Migration = {
  id: 'mapping/002-source-lines',
  up: `
    ALTER TABLE mappings ADD COLUMN source_lines TEXT;
  `,
};
