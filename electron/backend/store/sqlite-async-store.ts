import { AppError } from '../../../shared/errors';
import {
  iterateAuditsByKeyset,
  type AsyncAuditRepository,
  type AsyncIdMapRepository,
  type AsyncRunRepository,
  type AsyncSettingsRepository,
  type AsyncStore,
  type AsyncStoreRepositories,
  type AsyncStoreTx,
} from './async-store';
import { openDatabase, type Db, type OpenOptions } from './database';
import { sqliteStore } from './sqlite-store';
import type { Store } from './store';

/**
 * One holder at a time, in arrival order. better-sqlite3 has one connection: while a transaction
 * awaits (between two of its statements), any other caller's statement would run inside it, commit
 * or roll back with it. So every call on the store waits for the transaction in progress.
 */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    return release;
  }
}

/** Opens (creating, checking, migrating) a SQLite store behind the async contract. */
export function openAsyncSqliteStore(options: OpenOptions): AsyncStore {
  return asyncSqliteStore(openDatabase(options));
}

/**
 * The async contract over the existing synchronous SQLite repositories (which stay the code that
 * runs): a mutex serialises transactions and calls, `transaction` is BEGIN IMMEDIATE … COMMIT on the
 * one connection, and a nested one is a savepoint. `store` may be a synchronous store already open
 * on `db` (the desktop backend's), so both faces share the one connection.
 */
export function asyncSqliteStore(db: Db, store: Store = sqliteStore(db)): AsyncStore {
  const mutex = new Mutex();
  const guarded = async <R>(call: () => R): Promise<R> => {
    const release = await mutex.lock();
    try {
      return call();
    } finally {
      release();
    }
  };
  let savepoints = 0;

  const scoped = (run: <R>(call: () => R) => Promise<R>): AsyncStoreRepositories => adapt(store, run);

  /** A store bound to the open transaction; unusable once it has ended. */
  const txStore = (isOpen: () => boolean): AsyncStoreTx => {
    const run = async <R>(call: () => R): Promise<R> => {
      if (!isOpen())
        throw new AppError('E_INTERNAL', 'This transaction has ended; use the store, not its transaction scope.');
      return call();
    };
    const self: AsyncStoreTx = {
      ...scoped(run),
      transaction: async (fn) => {
        const name = `async_sp_${++savepoints}`;
        db.exec(`SAVEPOINT ${name}`);
        try {
          const result = await fn(self);
          db.exec(`RELEASE ${name}`);
          return result;
        } catch (error) {
          db.exec(`ROLLBACK TO ${name}`);
          db.exec(`RELEASE ${name}`);
          throw error;
        }
      },
    };
    return self;
  };

  return {
    kind: 'sqlite',
    ...scoped(guarded),
    transaction: async (fn) => {
      const release = await mutex.lock();
      let open = true;
      try {
        // IMMEDIATE: take the write lock now, as claimAndStart does, so another process cannot slip in.
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(txStore(() => open));
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      } finally {
        open = false;
        release();
      }
    },
    schemaVersion: () => guarded(() => store.schemaVersion()),
    // Nothing back (better-sqlite3 returns the database from close), and closing again does nothing.
    close: () =>
      guarded(() => {
        store.close();
      }),
  };
}

/** Each synchronous repository method as a promise, run through `run` (the mutex, or the open transaction). */
function adapt(store: Store, run: <R>(call: () => R) => Promise<R>): AsyncStoreRepositories {
  const {
    connections,
    connectionCaches: caches,
    secrets,
    mappings,
    flows,
    settings,
    runs,
    audit,
    idMap,
    history,
  } = store;
  const asyncSettings: AsyncSettingsRepository = {
    get: (key) => run(() => settings.get(key)),
    set: (key, value) => run(() => settings.set(key, value)),
    remove: (key) => run(() => settings.remove(key)),
  };
  const asyncRuns: AsyncRunRepository = {
    claimAndStart: (input, lease) => run(() => runs.claimAndStart(input, lease)),
    startRun: (input) => run(() => runs.startRun(input)),
    recordSkipped: (input, reason) => run(() => runs.recordSkipped(input, reason)),
    heartbeat: (runId, live, leaseMs, now) => run(() => runs.heartbeat(runId, live, leaseMs, now)),
    release: (runId, status, code) => run(() => runs.release(runId, status, code)),
    unlock: (flowId, by, now) => run(() => runs.unlock(flowId, by, now)),
    recordPage: (runId, page, now) => run(() => runs.recordPage(runId, page, now)),
    finishRun: (runId, outcome) => run(() => runs.finishRun(runId, outcome)),
    watermark: (flowId) => run(() => runs.watermark(flowId)),
    readCursor: (flowId) => run(() => runs.readCursor(flowId)),
    resetWatermark: (flowId) => run(() => runs.resetWatermark(flowId)),
    run: (id) => run(() => runs.run(id)),
    runs: (query) => run(() => runs.runs(query)),
    lastFullReadCount: (flowId) => run(() => runs.lastFullReadCount(flowId)),
    latestRun: (flowId) => run(() => runs.latestRun(flowId)),
    addNote: (runId, note) => run(() => runs.addNote(runId, note)),
  };
  const asyncAudit: AsyncAuditRepository = {
    record: (runId, flowId, audits, now) => run(() => audit.record(runId, flowId, audits, now)),
    updateDeadLetters: (flowId, runId, change, now) => run(() => audit.updateDeadLetters(flowId, runId, change, now)),
    latestAudit: (flowId, sourceKey) => run(() => audit.latestAudit(flowId, sourceKey)),
    lastWritten: (flowId, sourceKey) => run(() => audit.lastWritten(flowId, sourceKey)),
    notYetInRun: (runId, flowId, records) => run(() => audit.notYetInRun(runId, flowId, records)),
    audits: (query) => run(() => audit.audits(query)),
    auditById: (id) => run(() => audit.auditById(id)),
    // Page by page through the mutex: the sync generator would hold no lock between its pages.
    iterateAudits: (query) => iterateAuditsByKeyset(asyncAudit, query),
    auditSpan: (query) => run(() => audit.auditSpan(query)),
    auditPage: (query, page) => run(() => audit.auditPage(query, page)),
    auditsByIds: (ids) => run(() => audit.auditsByIds(ids)),
    deadLetterPage: (flowId, page) => run(() => audit.deadLetterPage(flowId, page)),
    deadLettersAmong: (flowId, keys) => run(() => audit.deadLettersAmong(flowId, keys)),
    lastAuditId: () => run(() => audit.lastAuditId()),
    deadLetterKeys: (flowId, runId) => run(() => audit.deadLetterKeys(flowId, runId)),
    deadLetterCount: (flowId) => run(() => audit.deadLetterCount(flowId)),
    deadLettersOfRun: (flowId, runId) => run(() => audit.deadLettersOfRun(flowId, runId)),
    laterAttempts: (rows) => run(() => audit.laterAttempts(rows)),
    recentInputs: (flowId, mappingHash, limit) => run(() => audit.recentInputs(flowId, mappingHash, limit)),
    pruneAudit: (days, now) => run(() => audit.pruneAudit(days, now)),
    pruneAuditToSize: (maxBytes) => run(() => audit.pruneAuditToSize(maxBytes)),
    reclaimSpace: () => run(() => audit.reclaimSpace()),
  };
  const asyncIdMap: AsyncIdMapRepository = {
    upsert: (flowId, target, entries, now) => run(() => idMap.upsert(flowId, target, entries, now)),
    entries: (flowId, keys) => run(() => idMap.entries(flowId, keys)),
    targetKeyFor: (connection, entity, sourceKey) => run(() => idMap.targetKeyFor(connection, entity, sourceKey)),
    sourceKeysForTargets: (flowId, keys) => run(() => idMap.sourceKeysForTargets(flowId, keys)),
    writtenTargets: (flowId, keys) => run(() => idMap.writtenTargets(flowId, keys)),
  };
  return {
    connections: {
      list: () => run(() => connections.list()),
      get: (id) => run(() => connections.get(id)),
      create: (input) => run(() => connections.create(input)),
      update: (id, patch) => run(() => connections.update(id, patch)),
      remove: (id) => run(() => connections.remove(id)),
    },
    connectionCaches: {
      schema: (connectionId, entity) => run(() => caches.schema(connectionId, entity)),
      schemaHash: (connectionId, entity) => run(() => caches.schemaHash(connectionId, entity)),
      putSchema: (connectionId, schema, json) => run(() => caches.putSchema(connectionId, schema, json)),
      clearSchemas: (connectionId) => run(() => caches.clearSchemas(connectionId)),
      token: (connectionId) => run(() => caches.token(connectionId)),
      putToken: (connectionId, ciphertext, expiresAt) =>
        run(() => caches.putToken(connectionId, ciphertext, expiresAt)),
      clearToken: (connectionId) => run(() => caches.clearToken(connectionId)),
      tryAcquireRefreshLease: (connectionId, holder, expiresAt, now) =>
        run(() => caches.tryAcquireRefreshLease(connectionId, holder, expiresAt, now)),
      releaseRefreshLease: (connectionId, holder) => run(() => caches.releaseRefreshLease(connectionId, holder)),
      tenantCheck: (connectionId) => run(() => caches.tenantCheck(connectionId)),
      putTenantCheck: (connectionId, checkedAt, json) =>
        run(() => caches.putTenantCheck(connectionId, checkedAt, json)),
    },
    secrets: {
      putMany: (connectionId, ciphertexts) => run(() => secrets.putMany(connectionId, ciphertexts)),
      get: (connectionId, slot) => run(() => secrets.get(connectionId, slot)),
      slots: (connectionId) => run(() => secrets.slots(connectionId)),
      remove: (connectionId, slot) => run(() => secrets.remove(connectionId, slot)),
    },
    mappings: {
      save: (input) => run(() => mappings.save(input)),
      get: (id) => run(() => mappings.get(id)),
      list: () => run(() => mappings.list()),
      expressionByHash: (hash) => run(() => mappings.expressionByHash(hash)),
      remove: (id) => run(() => mappings.remove(id)),
      usage: (id) => run(() => mappings.usage(id)),
      rename: (id, name) => run(() => mappings.rename(id, name)),
      duplicate: (id, name) => run(() => mappings.duplicate(id, name)),
      versions: (id) => run(() => mappings.versions(id)),
      version: (id, version) => run(() => mappings.version(id, version)),
      diff: (id, from, to) => run(() => mappings.diff(id, from, to)),
      restore: (id, version) => run(() => mappings.restore(id, version)),
    },
    flows: {
      saveFlow: (input) => run(() => flows.saveFlow(input)),
      findFlow: (id) => run(() => flows.findFlow(id)),
      flow: (id) => run(() => flows.flow(id)),
      flows: () => run(() => flows.flows()),
      stamps: () => run(() => flows.stamps()),
      removeFlow: (id) => run(() => flows.removeFlow(id)),
    },
    settings: asyncSettings,
    runs: asyncRuns,
    audit: asyncAudit,
    idMap: asyncIdMap,
    history: {
      lost: () => run(() => history.lost()),
      flowsWithoutHistory: () => run(() => history.flowsWithoutHistory()),
      clearWhenCaughtUp: () => run(() => history.clearWhenCaughtUp()),
    },
  };
}
