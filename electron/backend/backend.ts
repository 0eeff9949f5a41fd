import path from 'node:path';
import type { Result } from '../../shared/api/result';
import { errorMessage } from '../../shared/errors';
import { dispatch } from './api/dispatch';
import { handlers } from './api/handlers';
import type { BackendContext, Runtime } from './context';
import { EventBus } from './events';
import { HttpRegistry } from './http/http-registry';
import { holdMappingPool } from './mapping/mapping-pool';
import { SecretVault } from './secrets/secret-vault';
import { sqliteStore } from './store/sqlite-store';
import { openDatabase } from './store/database';
import { asyncSqliteStore } from './store/sqlite-async-store';
import type { AsyncStore } from './store/async-store';
import { resolveDataDir } from './store/paths';
import { createLogger, type Logger } from './util/log';

export interface BackendOptions {
  runtime: Runtime;
  /** Defaults to `MLC_HOME` or the platform's user-data folder. */
  dataDir?: string;
  logger?: Logger;
  /** Master key for stored secrets, handed in by the desktop shell (safeStorage); else env or key file. */
  masterKey?: Buffer;
  /** Passed to every connector this backend opens (tests: fast backoff, small rate windows). */
  connectorDefaults?: BackendContext['connectorDefaults'];
  syncResilience?: BackendContext['syncResilience'];
  syncClock?: BackendContext['syncClock'];
  signInTimeoutMs?: number;
  /**
   * The store the sync engine runs on (`mlc … --store postgres://…`); the backend owns it and closes
   * it. Default: the data folder's SQLite store behind the async contract.
   */
  asyncStore?: AsyncStore;
}

export interface Backend {
  readonly context: BackendContext;
  invoke(method: unknown, input: unknown): Promise<Result<unknown>>;
  close(): Promise<void>;
}

/** One engine for the desktop app, `mlc studio` and the CLI. */
export function createBackend(options: BackendOptions): Backend {
  const dataDir = options.dataDir ?? resolveDataDir();
  const db = openDatabase({ file: path.join(dataDir, 'mlc.sqlite') });
  const store = sqliteStore(db);
  // The same SQLite connection as `store`, so handlers (synchronous) and the engine (async) see one database.
  const asyncStore = options.asyncStore ?? asyncSqliteStore(db, store);
  const cleanups: Array<() => void | Promise<void>> = [];
  const context: BackendContext = {
    runtime: options.runtime,
    dataDir,
    store,
    asyncStore,
    events: new EventBus(),
    log: options.logger ?? createLogger(),
    connections: store.connections,
    vault: new SecretVault(store.secrets, { dataDir, provided: options.masterKey }),
    http: new HttpRegistry(),
    connectorDefaults: options.connectorDefaults,
    syncResilience: options.syncResilience,
    syncClock: options.syncClock,
    signInTimeoutMs: options.signInTimeoutMs,
    onClose: (cleanup) => cleanups.push(cleanup),
  };
  cleanups.push(() => context.http.closeAll());
  // Mapping workers are child processes: stop them with the backend so the process can exit.
  cleanups.push(holdMappingPool());
  let closed = false;
  return {
    context,
    invoke: (method, input) => dispatch(handlers, context, method, input),
    async close() {
      if (closed) return;
      closed = true;
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          context.log.warn('cleanup failed', { error: errorMessage(error) });
        }
      }
      // A PostgreSQL store's pool ends here; the SQLite one is `store`'s own connection, closed next.
      if (asyncStore.kind !== 'sqlite') await asyncStore.close();
      store.close();
    },
  };
}
