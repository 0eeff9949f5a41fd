import { createBackend, type Backend } from '../backend';
import { openBackend } from '../runtime/headless-runtime';
import { resolveDataDir } from '../store/paths';
import { storeUrlFrom } from '../store/store-url';
import type { Logger } from '../util/log';
import type { CommandIo } from './command';

/** `--store URL` in every command's usage that reads or writes runs. */
export const storeUsage = `  --store URL      a PostgreSQL store (postgres://USER:PASSWORD@HOST:5432/DB) for runs,
                   audit, id map and watermarks, shared by every worker; default
                   MLC_STORE_URL, else the data folder's SQLite store`;

/**
 * The backend of a command that works on the store (runs, unlock, prune, replay without a bundle):
 * on `--store`/MLC_STORE_URL's PostgreSQL store, else on the data folder's SQLite store. Throws
 * E_INVALID_INPUT for a URL that is not PostgreSQL's, E_STORE_* when it cannot be opened.
 */
export async function openStoreBackend(io: CommandIo, store: string | undefined, logger: Logger): Promise<Backend> {
  const storeUrl = storeUrlFrom(store, io.env);
  const dataDir = resolveDataDir(io.env);
  return storeUrl ? openBackend({ storeUrl, logger }, dataDir) : createBackend({ runtime: 'cli', dataDir, logger });
}
