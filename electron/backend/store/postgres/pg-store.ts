import pg from 'pg';
import { AppError, errorMessage } from '../../../../shared/errors';
import type { AsyncStore, AsyncStoreRepositories, AsyncStoreTx } from '../async-store';
import { postgresMigrations, type PostgresMigration } from '../migrations/postgres';
import { PgAuditRepository } from './audit';
import { PgConnectionCacheRepository, PgConnectionsRepository, PgSecretsRepository } from './connections';
import { PgFlowRepository } from './flows';
import { PgMappingRepository } from './mappings';
import { PgIdMapRepository } from './id-map';
import { checkPostgresIdentity, PgStoreHistory } from './identity';
import { PgRunRepository } from './runs';
import { PgSettingsRepository } from './settings';
import { poolSql, storeTypes, type Sql } from './sql';

export interface PostgresOpenOptions {
  /** `postgres://user:password@host:port/database` (libpq's URL form; see node-postgres' connection strings). */
  url: string;
  migrations?: PostgresMigration[];
  /** Connections in the pool (node-postgres' default: 10). */
  maxConnections?: number;
  /**
   * Where the opener remembers which store it met at this URL (`postgresMarkerFile(dataDir, url)`):
   * a store with another id is recorded as having lost its history (`history.lost()`). Left out, the
   * store is not checked (tests, one-off tools).
   */
  identityMarker?: string;
}

/**
 * Opens a PostgreSQL store: connects, applies pending migrations (one transaction each, under an
 * advisory lock so several workers starting together migrate once), and answers the async contract.
 * A server that cannot be reached fails here with E_STORE_UNWRITABLE (the code for a store that cannot take writes), naming the host, not the password.
 */
export async function openPostgresStore(options: PostgresOpenOptions): Promise<AsyncStore> {
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections, types: storeTypes });
  // An idle client's error (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool, options.migrations ?? postgresMigrations);
    if (options.identityMarker) await checkPostgresIdentity(poolSql(pool), options.identityMarker);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof AppError) throw error;
    throw new AppError(
      'E_STORE_UNWRITABLE',
      `Cannot open the PostgreSQL store at ${describe(options.url)}: ${errorMessage(error)}. Check that the server runs and the URL, user and database are right.`,
    );
  }
  return postgresStore(pool);
}

function repositories(sql: Sql): AsyncStoreRepositories {
  const mappings = new PgMappingRepository(sql);
  return {
    connections: new PgConnectionsRepository(sql),
    connectionCaches: new PgConnectionCacheRepository(sql),
    secrets: new PgSecretsRepository(sql),
    mappings,
    flows: new PgFlowRepository(sql, mappings),
    settings: new PgSettingsRepository(sql),
    runs: new PgRunRepository(sql),
    audit: new PgAuditRepository(sql),
    idMap: new PgIdMapRepository(sql),
    history: new PgStoreHistory(sql),
  };
}

function txStore(sql: Sql): AsyncStoreTx {
  return { ...repositories(sql), transaction: (fn) => sql.tx((inner) => fn(txStore(inner))) };
}

/** The store over a pool it now owns (`close` ends it). */
export function postgresStore(pool: pg.Pool): AsyncStore {
  const sql = poolSql(pool);
  let closed: Promise<void> | undefined;
  return {
    kind: 'postgres',
    ...repositories(sql),
    transaction: (fn) => sql.tx((inner) => fn(txStore(inner))),
    schemaVersion: async () => (await sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM schema_migrations'))[0]!.n,
    // Once: closing again answers as SQLite's does (nothing to do), where pg's pool would throw.
    close: () => (closed ??= pool.end()),
  };
}

/** Applies pending migrations, each in its own transaction; returns the schema version. */
export async function migratePostgres(pool: pg.Pool, migrations: PostgresMigration[]): Promise<number> {
  const client = await pool.connect();
  try {
    // Session lock: workers opening one store together queue here, and each sees the others' work.
    await client.query("SELECT pg_advisory_lock(hashtextextended('mlc.migrations', 0))");
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        id text COLLATE "C" PRIMARY KEY, version integer NOT NULL, applied_at timestamptz NOT NULL)`);
      const applied = new Set(
        (await client.query<{ id: string }>('SELECT id FROM schema_migrations')).rows.map((row) => row.id),
      );
      let version = applied.size;
      for (const migration of migrations) {
        if (applied.has(migration.id)) continue;
        try {
          await client.query('BEGIN');
          await client.query(migration.up);
          version += 1;
          await client.query('INSERT INTO schema_migrations (id, version, applied_at) VALUES ($1, $2, $3)', [
            migration.id,
            version,
            new Date().toISOString(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new AppError('E_STORE_MIGRATION', `Migration ${migration.id} failed: ${errorMessage(error)}`);
        }
      }
      return version;
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtextextended('mlc.migrations', 0))").catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/** host:port/database of a URL, never its password. */
export function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    return 'the given URL (it does not parse)';
  }
}
