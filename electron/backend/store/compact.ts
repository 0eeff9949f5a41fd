import fs from 'node:fs';
import { AppError } from '../../../shared/errors';
import type { Db } from './database';

export interface CompactResult {
  /** The store file's size before and after (the -wal file is checkpointed first, so it is the whole store). */
  beforeBytes: number;
  afterBytes: number;
  /** The store could not give freed pages back before (made before incremental auto-vacuum); now it can. */
  converted: boolean;
}

/**
 * Rewrites the whole store (`VACUUM`): the file shrinks to what it holds, and a store made before
 * incremental auto-vacuum is converted so later retention gives space back page by page. It needs
 * the store to itself — up to its size again in free disk for the copy, and no run writing: a run
 * holding a fresh lease refuses it, and another process's open transaction makes SQLite answer
 * busy (after the busy timeout), which is reported as "in use".
 */
export function compactStore(db: Db, now = Date.now()): CompactResult {
  // better-sqlite3 keeps the path the database was opened with.
  const file = db.name;
  const running = db
    .prepare("SELECT COUNT(*) AS n FROM runs WHERE status = 'running' AND lease_until IS NOT NULL AND lease_until > ?")
    .get(new Date(now).toISOString()) as { n: number };
  if (running.n > 0)
    throw new AppError(
      'E_CONFLICT',
      `A run is in progress in this store (${running.n}); compact it when no flow is running (stop mlc serve or the app's schedules first).`,
    );
  const size = () => {
    db.pragma('wal_checkpoint(TRUNCATE)');
    return fs.statSync(file).size;
  };
  const beforeBytes = size();
  const converted = Number(db.pragma('auto_vacuum', { simple: true })) !== 2;
  // auto_vacuum can only change on an empty store or by a VACUUM right after setting it.
  if (converted) db.pragma('auto_vacuum = INCREMENTAL');
  try {
    db.exec('VACUUM');
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
      throw new AppError(
        'E_CONFLICT',
        'The store is in use by another process (the desktop app, mlc serve or a run); close it and compact again.',
      );
    throw error;
  }
  return { beforeBytes, afterBytes: size(), converted };
}
