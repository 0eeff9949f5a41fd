import type { ConnectionCacheRepository } from '../connections/connection-cache.repository';
import type { ConnectionsRepository } from '../connections/connections.repository';
import type { MappingRepository } from '../mapping/mapping.repository';
import type { SecretsRepository } from '../secrets/secrets.repository';
import type { AuditRepository } from '../sync/audit.repository';
import type { FlowRepository } from '../sync/flows.repository';
import type { IdMapRepository } from '../sync/id-map.repository';
import type { RunRepository } from '../sync/runs.repository';
import type { SettingsRepository } from './settings.repository';
import type { CompactResult } from './compact';
import type { HistoryLost } from './store-identity';

/**
 * Everything the backend keeps, by owner: one repository per group of tables,
 * and atomic work across them. Handlers, commands and the engine see only
 * this (through `BackendContext.store`), never SQL; the SQLite implementation
 * is `sqliteStore`, and another database (PostgreSQL, for scale-out) would
 * implement the same interfaces.
 */
export interface Store {
  readonly connections: ConnectionsRepository;
  readonly connectionCaches: ConnectionCacheRepository;
  readonly secrets: SecretsRepository;
  readonly settings: SettingsRepository;
  readonly mappings: MappingRepository;
  readonly flows: FlowRepository;
  readonly runs: RunRepository;
  readonly audit: AuditRepository;
  readonly idMap: IdMapRepository;
  readonly history: StoreHistory;
  /**
   * Runs `fn` atomically: the repository writes inside commit together or not
   * at all (an exception rolls them back and is rethrown). Nested calls join
   * the outer transaction.
   */
  transaction<T>(fn: () => T): T;
  /** How many migrations the store has applied. */
  schemaVersion(): number;
  /** Rewrites the store to its smallest size (`mlc prune --vacuum`); refused while a run holds a flow. */
  compact(): CompactResult;
  close(): void;
}

/** Whether this store replaced the one the data folder used before (see store-identity). */
export interface StoreHistory {
  lost(): HistoryLost | undefined;
  /** Flows with no watermark yet, by name in creation order: their next run reads everything. */
  flowsWithoutHistory(): string[];
  /** Forgets lost history once every flow has resynced; true when it did. */
  clearWhenCaughtUp(): boolean;
}
