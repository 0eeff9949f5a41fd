import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import { migrations as allMigrations } from './migrations/index';
import type { Migration } from './migrations/migration';

export type Db = Database.Database;

export interface OpenOptions {
  /** A file path, or ':memory:' for throwaway stores. */
  file: string;
  migrations?: Migration[];
  /** Path to a better-sqlite3 `.node` built for another ABI (Electron's). */
  nativeBinding?: string;
}

/**
 * The Electron build of better-sqlite3 lives apart from the plain-Node one (see
 * scripts/rebuild-electron.mjs) so `npm test` and the desktop app share a checkout.
 */
export function defaultNativeBinding(): string | undefined {
  if (process.env.MLC_SQLITE_BINDING) return process.env.MLC_SQLITE_BINDING;
  if (!process.versions.electron) return undefined;
  const root = path.resolve(process.env.MLC_APP_ROOT ?? process.cwd());
  // Packaged apps keep native code outside the asar archive, where dlopen can read it.
  const candidate = path.join(root.replace(/app\.asar$/, 'app.asar.unpacked'), 'native', 'electron', 'better_sqlite3.node');
  return fs.existsSync(candidate) ? candidate : undefined;
}

export function openDatabase(options: OpenOptions): Db {
  if (options.file !== ':memory:') fs.mkdirSync(path.dirname(options.file), { recursive: true });
  const nativeBinding = options.nativeBinding ?? defaultNativeBinding();
  const db = new Database(options.file, nativeBinding ? { nativeBinding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Several processes (desktop backend, mlc) may share one store; wait rather than fail.
  db.pragma('busy_timeout = 5000');
  migrate(db, options.migrations ?? allMigrations);
  return db;
}

/** Applies pending migrations, each in its own transaction; returns the schema version. */
export function migrate(db: Db, migrations: Migration[]): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as Array<{ id: string }>).map((row) => row.id),
  );
  let version = applied.size;
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    const apply = db.transaction(() => {
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
      apply();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new AppError('E_STORE_MIGRATION', `Migration ${migration.id} failed: ${message}`);
    }
  }
  return version;
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number };
  return row.n;
}
