import { AppError } from '../../../shared/errors';
import type { AsyncStore } from './async-store';
import { postgresMarkerFile } from './postgres/identity';
import { openPostgresStore } from './postgres/pg-store';
import { envValue } from '../util/env-value';
import { registerSecret } from '../util/redact';

/**
 * Where the headless runtime keeps runs, audit, id map and watermarks: `--store URL`, else
 * `MLC_STORE_URL` (or the file `MLC_STORE_URL_FILE` names: a mounted secret), else (undefined) the data folder's SQLite store. Only PostgreSQL URLs are taken;
 * anything else is refused with what to write instead.
 */
export function storeUrlFrom(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const given = option ?? envValue(env, 'MLC_STORE_URL');
  const from = option !== undefined ? '--store' : 'MLC_STORE_URL';
  if (given === undefined || given.trim() === '') return undefined;
  const url = given.trim();
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new AppError(
      'E_INVALID_INPUT',
      `${from} is not a URL. Give a PostgreSQL URL such as postgres://mlc:PASSWORD@db.example:5432/mlc, or leave it out to use the data folder's SQLite store.`,
    );
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:')
    throw new AppError(
      'E_INVALID_INPUT',
      `${from} takes a postgres:// or postgresql:// URL (${protocol.replace(/:$/, '')}:// is not a store this runtime opens); leave it out to use the data folder's SQLite store.`,
    );
  return url;
}

/** The URL with its password masked, for logs and messages. */
export function redactStoreUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    // Passwords can also ride in the query (libpq's `password=`).
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return 'the given store URL';
  }
}

/**
 * Opens the PostgreSQL store at `url`: connects and migrates (under an advisory lock, so workers
 * starting together migrate once). Errors name the host and database, never the password. With a
 * data folder, its marker file for this database (postgres/identity.ts) is checked, so a database
 * dropped and made anew behind the same URL is noticed as a replaced SQLite file is.
 */
export function openStoreAt(url: string, dataDir?: string): Promise<AsyncStore> {
  // Masked wherever it might surface later (a driver's message, a log line), not only in the URL.
  try {
    registerSecret(decodeURIComponent(new URL(url).password));
  } catch {
    // A URL that does not parse has no password to mask; opening it fails with its own message.
  }
  return openPostgresStore({ url, identityMarker: dataDir ? postgresMarkerFile(dataDir, url) : undefined });
}
