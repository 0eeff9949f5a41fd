import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { AppError, errorMessage } from '../../../../shared/errors';
import type { AsyncStoreHistory } from '../async-store';
import { ensurePrivateDir } from '../paths';
import { flowsWithoutHistorySql, idKey, lostKey, reconcileMarker, type HistoryLost } from '../store-identity';
import type { Sql } from './sql';

/*
 * Store identity for PostgreSQL, as store-identity.ts does it for a SQLite file: the store keeps an id
 * in `settings`, and whoever opens it (the data folder of `mlc`, a worker's configuration) keeps a copy
 * in a marker file. A database that was dropped and created again, restored from another one's dump,
 * or swapped behind the same URL has another id: that is recorded in the store as lost history, so
 * each run can warn before a flow reads everything again, until every flow has a watermark again.
 */

/**
 * Where a data folder remembers the id of the PostgreSQL store at `url`: one marker per location
 * (host, port, database and the connection's `options`, which may set another `search_path`), never
 * the user or password, so pointing the folder at another database is a first meeting, not a false
 * alarm. The name is a hash: a location can hold characters no file name may.
 */
export function postgresMarkerFile(dataDir: string, url: string): string {
  return path.join(
    dataDir,
    `postgres-${createHash('sha256').update(storeLocation(url)).digest('hex').slice(0, 16)}.id`,
  );
}

function storeLocation(url: string): string {
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options');
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}${options ? `?options=${options}` : ''}`;
}

/**
 * Gives the store an id on first open (workers opening a new store together agree on one: the first
 * insert wins) and compares it with the marker's; a mismatch is recorded as lost history. Returns the
 * store's record of lost history, if any.
 */
export async function checkPostgresIdentity(
  sql: Sql,
  marker: string,
  now = new Date(),
): Promise<HistoryLost | undefined> {
  await sql.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
    idKey,
    randomUUID(),
  ]);
  const id = (await sql.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [idKey]))[0]!.value;
  let lost: HistoryLost | undefined;
  try {
    ensurePrivateDir(path.dirname(marker));
    lost = reconcileMarker(marker, id, now);
  } catch (error) {
    // Not the server's fault: say which file, so the advice is about the folder, not the URL.
    throw new AppError(
      'E_STORE_UNWRITABLE',
      `Cannot keep the PostgreSQL store's id in ${marker} (${errorMessage(error)}). Check that ${path.dirname(marker)} belongs to you and is writable, then run again.`,
    );
  }
  if (lost)
    await sql.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [lostKey, JSON.stringify(lost)],
    );
  return new PgStoreHistory(sql).lost();
}

/** StoreHistory (store.ts) over PostgreSQL: the same settings key and the same questions. */
export class PgStoreHistory implements AsyncStoreHistory {
  constructor(private readonly sql: Sql) {}

  async lost(): Promise<HistoryLost | undefined> {
    const row = (await this.sql.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [lostKey]))[0];
    return row ? (JSON.parse(row.value) as HistoryLost) : undefined;
  }

  async flowsWithoutHistory(): Promise<string[]> {
    return (await this.sql.query<{ name: string }>(flowsWithoutHistorySql)).map((row) => row.name);
  }

  /** One statement: a flow saved between a check and a delete cannot be missed. */
  async clearWhenCaughtUp(): Promise<boolean> {
    const cleared = await this.sql.query(
      `DELETE FROM settings WHERE key = $1
         AND NOT EXISTS (SELECT 1 FROM flows WHERE id NOT IN (SELECT flow_id FROM watermarks)) RETURNING key`,
      [lostKey],
    );
    return cleared.length > 0;
  }
}
