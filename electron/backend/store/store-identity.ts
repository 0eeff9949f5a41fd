import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type Database from 'better-sqlite3';

const idKey = 'store.id';
const lostKey = 'store.history_lost';

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
  let id = read(idKey);
  if (!id) {
    id = randomUUID();
    write.run(idKey, id);
  }
  const marker = markerFile(file);
  let recorded: string | undefined;
  try {
    recorded = fs.readFileSync(marker, 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (recorded && recorded !== id) {
    const lost: HistoryLost = { previousId: recorded, currentId: id, detectedAt: now.toISOString() };
    write.run(lostKey, JSON.stringify(lost));
  }
  if (recorded !== id) {
    // Written whole then renamed, so a crash never leaves a half marker that would raise a false alarm.
    const temporary = `${marker}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${id}\n`, { mode: 0o600 });
    fs.renameSync(temporary, marker);
  }
  return historyLost(db);
}

/** The store's record of lost history, if it replaced another one and not every flow has caught up. */
export function historyLost(db: Database.Database): HistoryLost | undefined {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(lostKey) as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as HistoryLost) : undefined;
}

/** The names of flows with no watermark yet, in creation order: their next run reads everything. */
export function flowsWithoutHistory(db: Database.Database): string[] {
  const rows = db
    .prepare('SELECT name FROM flows WHERE id NOT IN (SELECT flow_id FROM watermarks) ORDER BY seq')
    .all() as Array<{ name: string }>;
  return rows.map((row) => row.name);
}

/** Forgets lost history once every flow has a watermark again (each has resynced once). */
export function clearHistoryLostWhenCaughtUp(db: Database.Database): boolean {
  if (flowsWithoutHistory(db).length > 0) return false;
  return db.prepare('DELETE FROM settings WHERE key = ?').run(lostKey).changes > 0;
}
