import { inject } from 'vitest';
import pg from 'pg';
import type { AsyncStore } from '../../../electron/backend/store/async-store';
import { openPostgresStore } from '../../../electron/backend/store/postgres/pg-store';
import { openAsyncSqliteStore } from '../../../electron/backend/store/sqlite-async-store';
import { createTestDatabase } from '../../support/postgres';

/**
 * The two implementations of the async store contract, each opened fresh for a test: SQLite (a new
 * in-memory store through the adapter) and PostgreSQL (a new schema in this file's own database on
 * the test cluster; see test/support/postgres.ts). Nothing is mocked; both run their real SQL.
 */
export interface StoreKind {
  kind: 'sqlite' | 'postgres';
  /** Before the file's tests: PostgreSQL's database for this file (fails, saying why, when there is no server). */
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  open(): Promise<AsyncStore>;
}

export const sqliteKind = (): StoreKind => ({
  kind: 'sqlite',
  setUp: async () => undefined,
  tearDown: async () => undefined,
  open: async () => openAsyncSqliteStore({ file: ':memory:' }),
});

export const postgresKind = (): StoreKind & { url(): Promise<string> } => {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let schemas = 0;
  return {
    kind: 'postgres',
    setUp: async () => {
      const error = inject('mlcPgError');
      const url = inject('mlcPgUrl');
      if (error || !url)
        throw new Error(`The PostgreSQL store tests need a PostgreSQL server, and none started: ${error || 'no URL'}`);
      try {
        database = await createTestDatabase(url);
      } catch (cause) {
        const where = process.env.MLC_TEST_PG_URL ? 'MLC_TEST_PG_URL' : 'the throwaway test cluster';
        throw new Error(
          `The PostgreSQL store tests cannot create their database on ${where} (${new URL(url).host}): ${(cause as Error).message}`,
        );
      }
    },
    tearDown: async () => {
      await database?.drop();
    },
    /** The file's database itself (public schema), for tests that open several stores on it. */
    url: async () => {
      if (!database) throw new Error('setUp did not create the database');
      return database.url;
    },
    open: async () => {
      if (!database) throw new Error('setUp did not create the database');
      // A schema per store: tests of one file share the database, never tables.
      const schema = `store_${++schemas}`;
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA ${schema}`);
      } finally {
        await admin.end();
      }
      const url = new URL(database.url);
      // A session zone far from UTC (+13:45): instants must read back as the same ISO text whatever the server's zone.
      url.searchParams.set('options', `-c search_path=${schema} -c TimeZone=Pacific/Chatham`);
      return openPostgresStore({ url: url.toString() });
    },
  };
};

export const storeKinds = (): StoreKind[] => [sqliteKind(), postgresKind()];
