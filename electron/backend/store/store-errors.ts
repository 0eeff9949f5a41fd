import path from 'node:path';
import { AppError } from '../../../shared/errors';

/**
 * A failing store as an `AppError` that says what to do, or undefined when the
 * error is not the store's. SQLite reports a full disk, a damaged file and an
 * unwritable one with its own result codes (better-sqlite3 puts them in
 * `code`); these stop a pass at once, since every later write fails the same way.
 */
export function storeFailure(error: unknown, file?: string): AppError | undefined {
  if (error instanceof AppError) return error.code.startsWith('E_STORE_') ? error : undefined;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const where = file ? ` (${file})` : '';
  const folder = file ? path.dirname(file) : 'the data folder';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new AppError(
      'E_STORE_FULL',
      `The store${where} cannot grow: the disk is full. The run stopped; pages it committed are kept and the next run re-reads the rest. Free space on the disk holding ${folder}, then run again.`,
      { sqlite: code },
    );
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return corruptStore(file, code);
  }
  if (
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code === 'EACCES' ||
    code === 'EROFS'
  ) {
    return new AppError(
      'E_STORE_UNWRITABLE',
      `The store${where} cannot be written (${code}). Check that ${folder} is still mounted, belongs to you and is writable, then run again.`,
      { sqlite: code },
    );
  }
  return undefined;
}

/** The one message for a damaged store: never deleted for the user, who chooses. */
export function corruptStore(file: string | undefined, detail: string): AppError {
  const name = file ? path.basename(file) : 'mlc.sqlite';
  return new AppError(
    'E_STORE_CORRUPT',
    `The store ${file ?? name} is damaged (${detail}); nothing was changed. Restore it from a backup, or move it aside ` +
      `(rename ${name} and its ${name}-wal and ${name}-shm files, e.g. to ${name}.damaged) so a new empty store is made — ` +
      `then the run history, id map and watermarks start empty and the next runs resync everything.`,
    { detail },
  );
}
