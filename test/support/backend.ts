import path from 'node:path';
import Database from 'better-sqlite3';
import { createBackend, type Backend } from '../../electron/backend/backend';
import type { Runtime } from '../../electron/backend/context';
import { tempDir } from './paths';

/** A real backend on a real SQLite file in a fresh folder. */
export function testBackend(runtime: Runtime = 'cli'): { backend: Backend; dataDir: string; dispose(): Promise<void> } {
  const folder = tempDir('mlc-backend-');
  const backend = createBackend({ runtime, dataDir: folder.dir });
  return {
    backend,
    dataDir: folder.dir,
    async dispose() {
      await backend.close();
      folder.remove();
    },
  };
}

/**
 * The store's SQLite file, opened beside a running backend as another process
 * would: tests that age rows or poke at constraints use it, since the backend
 * itself exposes repositories, not SQL. Close it when done.
 */
export function storeFile(dataDir: string): Database.Database {
  const db = new Database(path.join(dataDir, 'mlc.sqlite'));
  db.pragma('busy_timeout = 5000');
  return db;
}
