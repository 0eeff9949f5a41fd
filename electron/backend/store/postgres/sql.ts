import pg from 'pg';
import { AppError } from '../../../../shared/errors';

/** A value node-postgres binds to a `$n` parameter (arrays become SQL arrays: `= ANY($1::text[])`, `unnest`). */
export type SqlParam = string | number | boolean | null | Buffer | Date | Array<string | null> | number[];

/**
 * Where a repository's statements run: the pool (each statement on any free connection), or one
 * client inside a transaction. `tx` opens a transaction on the pool, or a savepoint inside one, so a
 * repository method that must be atomic (claimAndStart, finishRun) is atomic either way.
 */
export interface Sql {
  query<R>(text: string, params?: SqlParam[]): Promise<R[]>;
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
}

const timestamptzOid = 1184;
const int8Oid = 20;
const baseTimestamptz = pg.types.getTypeParser(timestamptzOid);

/**
 * How this store reads values, for its own connections only (not pg's process-wide defaults):
 * instants as the ISO text the SQLite store gives back, and int8 (identities, counts) as numbers.
 */
export const storeTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === timestamptzOid) return (text: string) => (baseTimestamptz(text) as Date).toISOString();
    if (oid === int8Oid) return (text: string) => Number(text);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export function poolSql(pool: pg.Pool): Sql {
  return {
    query: async <R>(text: string, params: SqlParam[] = []) => (await pool.query(text, params)).rows as R[],
    tx: async (fn) => {
      const client = await pool.connect();
      let broken = false;
      let open = true;
      try {
        await client.query('BEGIN');
        try {
          const result = await fn(clientSql(client, () => open));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {
            // The connection itself failed: the server rolls back on its own; do not reuse it.
            broken = true;
          });
          throw error;
        }
      } finally {
        // A scope kept past its transaction must not run statements on a client the pool lent to someone else.
        open = false;
        client.release(broken);
      }
    },
  };
}

function clientSql(client: pg.PoolClient, isOpen: () => boolean): Sql {
  let savepoints = 0;
  const self: Sql = {
    query: async <R>(text: string, params: SqlParam[] = []) => {
      if (!isOpen())
        throw new AppError('E_INTERNAL', 'This transaction has ended; use the store, not its transaction scope.');
      return (await client.query(text, params)).rows as R[];
    },
    tx: async (fn) => {
      const name = `sp_${++savepoints}`;
      await client.query(`SAVEPOINT ${name}`);
      try {
        const result = await fn(self);
        await client.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        await client.query(`RELEASE SAVEPOINT ${name}`);
        throw error;
      }
    },
  };
  return self;
}

/** `$1, $2, …` from `start`, for IN lists. */
export function placeholders(count: number, start = 1): string {
  return Array.from({ length: count }, (_, i) => `$${start + i}`).join(', ');
}
