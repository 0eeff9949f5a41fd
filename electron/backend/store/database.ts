import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError, errorMessage } from '../../../shared/errors';
import { migrations as allMigrations } from './migrations/index';
import type { Migration } from './migrations/migration';
import { ensurePrivateDir, restrictMode } from './paths';
import { corruptStore, storeFailure } from './store-errors';
import { checkStoreIdentity } from './store-identity';

export type Db = Database.Database;

export interface OpenOptions {
  /** A file path, or ':memory:' for throwaway stores. */
  file: string;
  migrations?: Migration[];
  /** Path to a better-sqlite3 `.node` built for another ABI (Electron's). */
  nativeBinding?: string;
  /**
   * Files up to this size get `PRAGMA quick_check` on open (about 2 ms per MB
   * on a cold cache: 1.9 s for a 900 MB store); larger ones get the header and
   * schema checks only, so opening stays quick for `mlc runs`.
   */
  quickCheckMaxBytes?: number;
  /**
   * Diagnostics and tests (MLC_STORE_MAX_GROWTH_PAGES): this connection may
   * grow the store by at most this many pages (PRAGMA max_page_count); writes
   * past that fail with SQLITE_FULL exactly as on a full disk.
   */
  maxGrowthPages?: number;
}

export const defaultQuickCheckMaxBytes = 128 * 1024 * 1024;
const sqliteHeader = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * The Electron build of better-sqlite3 lives apart from the plain-Node one (see
 * scripts/rebuild-electron.mjs) so `npm test` and the desktop app share a checkout.
 */
export function defaultNativeBinding(): string | undefined {
  if (process.env.MLC_SQLITE_BINDING) return process.env.MLC_SQLITE_BINDING;
  if (!process.versions.electron) return undefined;
  const root = path.resolve(process.env.MLC_APP_ROOT ?? process.cwd());
  // Packaged apps keep native code outside the asar archive, where dlopen can read it.
  const candidate = path.join(
    root.replace(/app\.asar$/, 'app.asar.unpacked'),
    'native',
    'electron',
    'better_sqlite3.node',
  );
  return fs.existsSync(candidate) ? candidate : undefined;
}

/**
 * Opens (creating when absent) the store: owner-only files in an owner-only
 * folder, checked for damage before anything is written, migrated, and tied to
 * the data folder by its id (see store-identity). A damaged store throws
 * E_STORE_CORRUPT and is left exactly as it was.
 */
export function openDatabase(options: OpenOptions): Db {
  // Processes that open one new store at the same moment (mlc serve and workers starting together)
  // can meet SQLite's lock-upgrade refusal (SQLITE_BUSY without a busy wait) while one of them sets
  // the store up: open again after a pause, a few times, before reporting it.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return openOnce(options);
    } catch (error) {
      if (attempt >= 5 || !isBusy(error)) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * attempt);
    }
  }
}

const isBusy = (error: unknown) => String((error as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_BUSY');

function openOnce(options: OpenOptions): Db {
  const file = options.file;
  const onDisk = file !== ':memory:';
  if (onDisk) prepareFile(file);
  const nativeBinding = options.nativeBinding ?? defaultNativeBinding();
  let db: Db | undefined;
  try {
    db = new Database(file, nativeBinding ? { nativeBinding } : {});
    // Several processes (desktop backend, mlc, workers) may share one store; wait rather than fail,
    // from the first statement on (switching a new file to WAL takes a lock too).
    db.pragma('busy_timeout = 5000');
    // A new, empty store only (an existing one keeps its mode, and is never written before its check):
    // audit retention then gives deleted rows' pages back to the disk (\`PRAGMA incremental_vacuum\`).
    if (Number(db.pragma('page_count', { simple: true })) === 0) db.pragma('auto_vacuum = INCREMENTAL');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (onDisk) checkIntegrity(db, file, options.quickCheckMaxBytes ?? defaultQuickCheckMaxBytes);
    migrate(db, options.migrations ?? allMigrations);
    if (onDisk) {
      for (const companion of [file, `${file}-wal`, `${file}-shm`]) restrictMode(companion, 0o600);
      checkStoreIdentity(db, file);
    }
    const growth = options.maxGrowthPages ?? (Number(process.env.MLC_STORE_MAX_GROWTH_PAGES) || undefined);
    if (growth !== undefined)
      db.pragma(
        `max_page_count = ${Number(db.pragma('page_count', { simple: true })) + Math.max(0, Math.floor(growth))}`,
      );
    return db;
  } catch (error) {
    db?.close();
    throw storeFailure(error, onDisk ? file : undefined) ?? error;
  }
}

/** An owner-only folder and file (SQLite gives -wal and -shm the database file's mode), and a real SQLite header. */
function prepareFile(file: string): void {
  ensurePrivateDir(path.dirname(file));
  let size = 0;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.closeSync(fs.openSync(file, 'a', 0o600));
  }
  restrictMode(file, 0o600);
  if (size === 0) return;
  const header = Buffer.alloc(sqliteHeader.length);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, header, 0, header.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (size < 512 || !header.equals(sqliteHeader))
    throw corruptStore(file, `it is not a SQLite database: ${size} bytes without SQLite's header`);
}

function checkIntegrity(db: Db, file: string, maxBytes: number): void {
  // Reading the schema touches page 1 and the schema pages on every open, whatever the size.
  db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
  if (fs.statSync(file).size > maxBytes) return;
  const problems = db.pragma('quick_check(3)', { simple: false }) as Array<{ quick_check: string }>;
  const found = problems.map((row) => row.quick_check).filter((text) => text !== 'ok');
  if (found.length > 0) throw corruptStore(file, `quick_check: ${found.join('; ')}`);
}

/** Applies pending migrations, each in its own transaction; returns the schema version. */
export function migrate(db: Db, migrations: Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as Array<{ id: string }>).map((row) => row.id),
  );
  let version = applied.size;
  const done = db.prepare('SELECT COUNT(*) AS n, SUM(id = ?) AS here FROM schema_migrations');
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    const apply = db.transaction(() => {
      // Several processes may open a new store at once (mlc serve and workers starting together): the
      // list above was read outside any lock, so check again under the write lock and skip what another
      // process applied in between, rather than failing on "table already exists".
      const state = done.get(migration.id) as { n: number; here: number | null };
      version = state.n;
      if (state.here) return;
      if (typeof migration.up === 'string') db.exec(migration.up);
      else migration.up(db);
      version += 1;
      db.prepare('INSERT INTO schema_migrations (id, version, applied_at) VALUES (?, ?, ?)').run(
        migration.id,
        version,
        new Date().toISOString(),
      );
    });
    try {
      // IMMEDIATE: the write lock is taken before the check, so no other process migrates in between.
      apply.immediate();
    } catch (error) {
      if (isBusy(error)) throw error; // Another process holds the store: openDatabase opens again.
      const message = errorMessage(error);
      throw new AppError('E_STORE_MIGRATION', `Migration ${migration.id} failed: ${message}`);
    }
  }
  return version;
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number };
  return row.n;
}
