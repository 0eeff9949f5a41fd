import { SqliteConnectionCacheRepository } from '../connections/connection-cache.repository';
import { SqliteConnectionsRepository } from '../connections/connections.repository';
import { SqliteMappingRepository } from '../mapping/mapping.repository';
import { SqliteSecretsRepository } from '../secrets/secrets.repository';
import { SqliteAuditRepository } from '../sync/audit.repository';
import { SqliteFlowRepository } from '../sync/flows.repository';
import { SqliteIdMapRepository } from '../sync/id-map.repository';
import { SqliteRunRepository } from '../sync/runs.repository';
import { compactStore } from './compact';
import { openDatabase, schemaVersion, type Db, type OpenOptions } from './database';
import { SqliteSettingsRepository } from './settings.repository';
import type { Store } from './store';
import { clearHistoryLostWhenCaughtUp, flowsWithoutHistory, historyLost } from './store-identity';

/** Opens (creating, checking and migrating: see openDatabase) a SQLite store. */
export function openSqliteStore(options: OpenOptions): Store {
  return sqliteStore(openDatabase(options));
}

/** The store over an open SQLite database, which it now owns (`close` closes it). */
export function sqliteStore(db: Db): Store {
  const mappings = new SqliteMappingRepository(db);
  return {
    connections: new SqliteConnectionsRepository(db),
    connectionCaches: new SqliteConnectionCacheRepository(db),
    secrets: new SqliteSecretsRepository(db),
    settings: new SqliteSettingsRepository(db),
    mappings,
    flows: new SqliteFlowRepository(db, mappings),
    runs: new SqliteRunRepository(db),
    audit: new SqliteAuditRepository(db),
    idMap: new SqliteIdMapRepository(db),
    history: {
      lost: () => historyLost(db),
      flowsWithoutHistory: () => flowsWithoutHistory(db),
      clearWhenCaughtUp: () => clearHistoryLostWhenCaughtUp(db),
    },
    // better-sqlite3 turns a nested transaction into a savepoint, so repositories may open their own inside.
    transaction: (fn) => db.transaction(fn)(),
    schemaVersion: () => schemaVersion(db),
    compact: () => compactStore(db),
    close: () => db.close(),
  };
}
