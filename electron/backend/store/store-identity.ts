import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type Database from 'better-sqlite3';

/** The settings keys of the store's id and of its record of lost history (both kinds of store). */
export const idKey = 'store.id';
export const lostKey = 'store.history_lost';

/** A store that replaced the one this data folder used: what was expected, what was found, when noticed. */
export interface HistoryLost {
  previousId: string;
  currentId: string;
  detectedAt: string;
}

/** The marker next to the store, e.g. `mlc.sqlite.id`. */
export const markerFile = (file: string) => `${file}.id`;

/**
 * Every store gets an id (in its settings table) and the data folder keeps a
 * copy in a marker file next to it. A store whose id differs from the marker's
 * (an emptied, deleted or swapped file) has lost the history the folder had:
 * that is recorded in the store, so every later run can warn before it
 * resyncs everything, until each flow has a watermark again.
 */
export function checkStoreIdentity(db: Database.Database, file: string, now = new Date()): HistoryLost | undefined {
  const hasSettings = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'").get();
  if (!hasSettings) return undefined;
  const read = (key: string) =>
    (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  const write = db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  // First insert wins: processes opening a new store together must agree on one id, or each would
  // take the other's marker for a replaced store.
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING').run(idKey, randomUUID());
  const id = read(idKey)!;
  const lost = reconcileMarker(markerFile(file), id, now);
  if (lost) write.run(lostKey, JSON.stringify(lost));
  return historyLost(db);
}

/**
 * Compares a store's id with the one the marker remembers, and makes the marker remember this one.
 * Returns what was lost when the marker named another store; nothing for a first meeting (no marker)
 * or the same store. The marker is written whole then renamed, so a crash never leaves a half marker
 * that would raise a false alarm.
 */
export function reconcileMarker(marker: string, id: string, now: Date): HistoryLost | undefined {
  let recorded: string | undefined;
  try {
    recorded = fs.readFileSync(marker, 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (recorded === id) return undefined;
  const temporary = `${marker}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${id}\n`, { mode: 0o600 });
  fs.renameSync(temporary, marker);
  return recorded ? { previousId: recorded, currentId: id, detectedAt: now.toISOString() } : undefined;
}

/** The store's record of lost history, if it replaced another one and not every flow has caught up. */
export function historyLost(db: Database.Database): HistoryLost | undefined {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(lostKey) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as HistoryLost) : undefined;
}

/** The same statement in both dialects: flows with no watermark, by creation order (`seq`, unique). */
export const flowsWithoutHistorySql =
  'SELECT name FROM flows WHERE id NOT IN (SELECT flow_id FROM watermarks) ORDER BY seq';

/** The names of flows with no watermark yet, in creation order: their next run reads everything. */
export function flowsWithoutHistory(db: Database.Database): string[] {
  const rows = db.prepare(flowsWithoutHistorySql).all() as Array<{ name: string }>;
  return rows.map((row) => row.name);
}

/** Forgets lost history once every flow has a watermark again (each has resynced once). */
export function clearHistoryLostWhenCaughtUp(db: Database.Database): boolean {
  if (flowsWithoutHistory(db).length > 0) return false;
  return db.prepare('DELETE FROM settings WHERE key = ?').run(lostKey).changes > 0;
}
