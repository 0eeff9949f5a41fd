import type { FlowId, RunId } from '../../../shared/domain/flow';
import type { RecordAudit, Run, RunStatus } from '../../../shared/domain/run';
import type { AuditInput, AuditQuery } from '../sync/audit.repository';
import type { IdMapEntry } from '../sync/id-map.repository';
import type { LiveState, RunOutcome, RunProgressState, StartInput, UnlockedRun } from '../sync/runs.repository';
import type { CallUsage, RunCounters } from '../../../shared/domain/run';
import type { Connection, ConnectionId } from '../../../shared/domain/connection';
import type { Flow, Mapping, MappingId } from '../../../shared/domain/flow';
import type { NewConnection } from '../connections/connections.repository';
import type {
  MappingInput,
  MappingUser,
  MappingVersion,
  MappingVersionDiff,
  MappingVersionInfo,
} from '../mapping/mapping.repository';
import type { FlowInput } from '../sync/flows.repository';
import type { HistoryLost } from './store-identity';

/*
 * The store as an asynchronous contract (issue 18: "one store interface, two implementations").
 * Every method mirrors the synchronous repository of the same name in `Store` (store.ts), with the
 * same arguments, the same answers and the same errors (AppError codes and texts), only as promises,
 * so that a database reached over a network (PostgreSQL) can implement it. See ASYNC-STORE.md.
 *
 * Implementations: `asyncSqliteStore` (sqlite-async-store.ts, over the existing SQLite repositories)
 * and `openPostgresStore` (postgres/pg-store.ts). The shared contract suite in
 * test/integration/store/ runs against both.
 */

export interface AsyncSettingsRepository {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<boolean>;
}

/** RunRepository (sync/runs.repository.ts) as promises: runs, leases and watermarks/read cursors. */
export interface AsyncRunRepository {
  claimAndStart(input: StartInput, lease: { leaseMs: number; now?: number }): Promise<{ run: Run; interrupted: Run[] }>;
  startRun(input: StartInput): Promise<Run>;
  recordSkipped(input: StartInput, reason: { code: string; message: string }): Promise<Run>;
  heartbeat(runId: RunId, live: LiveState, leaseMs: number, now?: number): Promise<void>;
  release(runId: RunId, status: RunStatus, code: string): Promise<void>;
  unlock(flowId: FlowId | string, by: string, now?: number): Promise<UnlockedRun[]>;
  recordPage(
    runId: RunId,
    page: { counters: RunCounters; calls: CallUsage; progress?: RunProgressState },
    now: string,
  ): Promise<void>;
  finishRun(runId: RunId, outcome: RunOutcome): Promise<Run>;
  watermark(flowId: FlowId | string): Promise<string | null>;
  readCursor(flowId: FlowId | string): Promise<string | null>;
  resetWatermark(flowId: FlowId | string): Promise<void>;
  run(id: RunId | string): Promise<Run>;
  runs(query?: { flowId?: string; limit?: number }): Promise<Run[]>;
  lastFullReadCount(flowId: string): Promise<number | null>;
  latestRun(flowId: string): Promise<Run | undefined>;
  addNote(runId: RunId | string, note: string): Promise<void>;
}

export type AuditFilter = Omit<AuditQuery, 'offset' | 'limit'>;

/** AuditRepository (sync/audit.repository.ts) as promises; `iterateAudits` is an async generator. */
export interface AsyncAuditRepository {
  record(runId: RunId, flowId: FlowId, audits: AuditInput[], now: string): Promise<Map<string, number>>;
  updateDeadLetters(
    flowId: FlowId,
    runId: RunId,
    change: { add: Array<{ sourceKey: string; auditId: number }>; clear: string[] },
    now: string,
  ): Promise<void>;
  latestAudit(flowId: FlowId | string, sourceKey: string): Promise<RecordAudit | undefined>;
  lastWritten(flowId: FlowId | string, sourceKey: string): Promise<unknown>;
  notYetInRun<T extends { key: string; stamp: string }>(runId: string, flowId: string, records: T[]): Promise<T[]>;
  audits(query: AuditQuery): Promise<{ total: number; items: RecordAudit[] }>;
  auditById(id: number): Promise<RecordAudit>;
  iterateAudits(query: AuditFilter): AsyncGenerator<RecordAudit>;
  auditSpan(query: AuditFilter): Promise<{ count: number; firstId: number; lastId: number }>;
  auditPage(query: AuditFilter, page: { afterId: number; upToId: number; limit: number }): Promise<RecordAudit[]>;
  auditsByIds(ids: number[]): Promise<RecordAudit[]>;
  deadLetterPage(
    flowId: string,
    page: { failedInRun?: string; afterKey: string; upToAuditId: number; limit: number },
  ): Promise<Array<{ sourceKey: string; auditId: number }>>;
  deadLettersAmong(flowId: string, keys: string[]): Promise<Set<string>>;
  lastAuditId(): Promise<number>;
  deadLetterKeys(flowId: string, runId?: string): Promise<Array<{ sourceKey: string; auditId: number }>>;
  deadLetterCount(flowId: string): Promise<number>;
  deadLettersOfRun(flowId: string, runId: string): Promise<number>;
  laterAttempts(
    rows: Array<{ id: number; flowId: string; sourceKey: string }>,
  ): Promise<Map<number, { runId: string; outcome: string; trigger: string }>>;
  recentInputs(
    flowId: string,
    mappingHash: string,
    limit: number,
  ): Promise<Array<{ sourceKey: string; payload: unknown }>>;
  pruneAudit(days: number, now?: Date): Promise<number>;
  pruneAuditToSize(maxBytes: number): Promise<number>;
  reclaimSpace(): Promise<{ reclaimedBytes: number; incremental: boolean }>;
}

/** IdMapRepository (sync/id-map.repository.ts) as promises. */
export interface AsyncIdMapRepository {
  upsert(
    flowId: FlowId,
    target: { connectionId: string; entity: string },
    entries: IdMapEntry[],
    now: string,
  ): Promise<void>;
  entries(flowId: FlowId | string, keys: string[]): Promise<Map<string, IdMapEntry>>;
  targetKeyFor(targetConnection: string, targetEntity: string, sourceKey: string): Promise<string | undefined>;
  sourceKeysForTargets(flowId: FlowId | string, targetKeys: string[]): Promise<string[]>;
  writtenTargets(flowId: FlowId | string, targetKeys: string[]): Promise<Map<string, string>>;
}

/** ConnectionsRepository (connections/connections.repository.ts) as promises. */
export interface AsyncConnectionsRepository {
  list(): Promise<Connection[]>;
  get(id: ConnectionId | string): Promise<Connection | undefined>;
  create(input: NewConnection & { id?: string }): Promise<Connection>;
  update(
    id: string,
    patch: Partial<Pick<Connection, 'name' | 'settings' | 'sandbox'>>,
  ): Promise<Connection | undefined>;
  remove(id: string): Promise<boolean>;
}

/** SecretsRepository (secrets/secrets.repository.ts) as promises: ciphertexts only, the vault encrypts. */
export interface AsyncSecretsRepository {
  putMany(connectionId: string, ciphertexts: Record<string, string | null>): Promise<void>;
  get(connectionId: string, slot: string): Promise<string | undefined>;
  slots(connectionId: string): Promise<string[]>;
  remove(connectionId: string, slot: string): Promise<boolean>;
}

/** ConnectionCacheRepository (connections/connection-cache.repository.ts) as promises. */
export interface AsyncConnectionCacheRepository {
  schema(connectionId: string, entity: string): Promise<string | undefined>;
  schemaHash(connectionId: string, entity: string): Promise<string | undefined>;
  putSchema(
    connectionId: string,
    schema: { entity: string; hash: string; fetchedAt: string },
    json: string,
  ): Promise<void>;
  clearSchemas(connectionId: string): Promise<void>;
  token(connectionId: string): Promise<string | undefined>;
  putToken(connectionId: string, ciphertext: string, expiresAt: number | null): Promise<void>;
  clearToken(connectionId: string): Promise<void>;
  tryAcquireRefreshLease(connectionId: string, holder: string, expiresAt: number, now: number): Promise<boolean>;
  releaseRefreshLease(connectionId: string, holder: string): Promise<void>;
  tenantCheck(connectionId: string): Promise<string | undefined>;
  putTenantCheck(connectionId: string, checkedAt: string, json: string): Promise<void>;
}

/** MappingRepository (mapping/mapping.repository.ts) as promises. */
export interface AsyncMappingRepository {
  save(input: MappingInput): Promise<Mapping>;
  get(id: MappingId | string): Promise<Mapping>;
  list(): Promise<Mapping[]>;
  expressionByHash(hash: string): Promise<string | undefined>;
  remove(id: string): Promise<boolean>;
  usage(id: string): Promise<MappingUser[]>;
  rename(id: string, name: string): Promise<Mapping>;
  duplicate(id: string, name?: string): Promise<Mapping>;
  versions(id: string): Promise<MappingVersionInfo[]>;
  version(id: string, version: number): Promise<MappingVersion>;
  diff(id: string, from: number, to?: number): Promise<MappingVersionDiff>;
  restore(id: string, version: number): Promise<Mapping>;
}

/** FlowRepository (sync/flows.repository.ts) as promises. */
export interface AsyncFlowRepository {
  saveFlow(input: FlowInput): Promise<Flow>;
  findFlow(id: string): Promise<Flow | undefined>;
  flow(id: string): Promise<Flow>;
  flows(): Promise<Flow[]>;
  stamps(): Promise<Map<string, string>>;
  removeFlow(id: string): Promise<boolean>;
}

/**
 * StoreHistory (store.ts) as promises: whether this store replaced the one its opener knew (the data
 * folder's marker of a SQLite file, or of a PostgreSQL location: postgres/identity.ts).
 */
export interface AsyncStoreHistory {
  lost(): Promise<HistoryLost | undefined>;
  /** Flows with no watermark yet, by name in creation order: their next run reads everything. */
  flowsWithoutHistory(): Promise<string[]>;
  /** Forgets lost history once every flow has resynced; true when it did. */
  clearWhenCaughtUp(): Promise<boolean>;
}

/** Every repository of `Store`. */
export interface AsyncStoreRepositories {
  readonly connections: AsyncConnectionsRepository;
  readonly connectionCaches: AsyncConnectionCacheRepository;
  readonly secrets: AsyncSecretsRepository;
  readonly mappings: AsyncMappingRepository;
  readonly flows: AsyncFlowRepository;
  readonly settings: AsyncSettingsRepository;
  readonly runs: AsyncRunRepository;
  readonly audit: AsyncAuditRepository;
  readonly idMap: AsyncIdMapRepository;
  readonly history: AsyncStoreHistory;
}

export interface AsyncStore extends AsyncStoreRepositories {
  /** Which implementation this is (messages, `mlc serve` start line). */
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Runs `fn` atomically with a store scoped to the transaction: its writes commit together or not at
   * all (a rejection rolls them back and is rethrown). Only `tx` sees the uncommitted writes; calls
   * on the outer store from elsewhere wait (SQLite: one connection, so a mutex) or run beside it on
   * another connection (PostgreSQL). `tx.transaction` nests as a savepoint; await nested ones one at a
   * time (two savepoints open at once on one connection would not nest).
   */
  transaction<T>(fn: (tx: AsyncStoreTx) => Promise<T>): Promise<T>;
  /** How many migrations the store has applied: the same number for both kinds at one release. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

/** The store inside a transaction: the same repositories, bound to the transaction. */
export interface AsyncStoreTx extends AsyncStoreRepositories {
  transaction<T>(fn: (tx: AsyncStoreTx) => Promise<T>): Promise<T>;
}

/**
 * `iterateAudits` over `auditSpan` and `auditPage`: keyset pages of 1000 in id order, bounded by the
 * last matching id at the start (rows appended meanwhile are left out, rows pruned meanwhile shift
 * nothing), exactly as SqliteAuditRepository.iterateAudits walks.
 */
export async function* iterateAuditsByKeyset(
  audit: Pick<AsyncAuditRepository, 'auditSpan' | 'auditPage'>,
  query: AuditFilter,
): AsyncGenerator<RecordAudit> {
  const { firstId, lastId } = await audit.auditSpan(query);
  let afterId = firstId - 1;
  for (;;) {
    const page = await audit.auditPage(query, { afterId, upToId: lastId, limit: 1000 });
    for (const item of page) yield item;
    if (page.length < 1000) return;
    afterId = page[page.length - 1]!.id;
  }
}
