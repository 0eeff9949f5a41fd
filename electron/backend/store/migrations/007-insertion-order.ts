import type { Migration } from './migration';

/** The tables whose lists need a creation order; `rowid` cannot give it, since VACUUM may renumber it. */
const tables = [
  { table: 'connections', time: 'created_at' },
  { table: 'mappings', time: 'updated_at' },
  { table: 'flows', time: 'created_at' },
  { table: 'runs', time: 'started_at' },
] as const;

/**
 * Every list the API returns needs a total order, and timestamps tie: rows made
 * in the same millisecond (a bundle import, the sandbox workspace) came back in
 * random-UUID order. Each table gains `seq`, a creation counter that a trigger
 * fills on every insert, so no insert site can forget it; an upsert that
 * updates keeps its row's number. Existing rows are numbered by their time,
 * then by rowid (the insertion order as far as it is still known).
 */
export const migration: Migration = {
  id: 'store/001-insertion-order',
  up: tables
    .map(
      ({ table, time }) => `
      ALTER TABLE ${table} ADD COLUMN seq INTEGER;
      UPDATE ${table} SET seq = numbered.n
        FROM (SELECT rowid AS row, ROW_NUMBER() OVER (ORDER BY ${time}, rowid) AS n FROM ${table}) AS numbered
        WHERE ${table}.rowid = numbered.row;
      CREATE UNIQUE INDEX ${table}_by_seq ON ${table} (seq);
      CREATE TRIGGER ${table}_seq AFTER INSERT ON ${table} WHEN NEW.seq IS NULL BEGIN
        UPDATE ${table} SET seq = (SELECT IFNULL(MAX(seq), 0) + 1 FROM ${table}) WHERE rowid = NEW.rowid;
      END;`,
    )
    .join('\n'),
};
