// The one switch for the queue-mode test's store: the data folder's SQLite file (default; two
// workers on one machine share it in WAL mode), or MLC_TEST_QUEUE_STORE=postgres for one PostgreSQL
// database shared by every process, as workers on many machines would (MLC_STORE_URL, opened by the
// store layer's `storeUrl`).
import { inject } from 'vitest';
import { createBackend, type Backend, type BackendOptions } from '../../../electron/backend/backend';
import { createTestDatabase } from '../../support/postgres';

export interface QueueTestStore {
  kind: 'sqlite' | 'postgres';
  /** Environment for every `mlc` process of the test. */
  env: NodeJS.ProcessEnv;
  /** A backend on the same store, to read runs and the audit log after the processes stopped. */
  open(): Backend;
  close(): Promise<void>;
}

export async function queueTestStore(dataDir: string): Promise<QueueTestStore> {
  if (process.env.MLC_TEST_QUEUE_STORE !== 'postgres')
    return {
      kind: 'sqlite',
      env: {},
      open: () => createBackend({ runtime: 'cli', dataDir }),
      close: async () => undefined,
    };
  const adminUrl = inject('mlcPgUrl');
  if (!adminUrl) throw new Error(`PostgreSQL is not available for the queue-mode test: ${inject('mlcPgError')}`);
  const database = await createTestDatabase(adminUrl);
  return {
    kind: 'postgres',
    env: { MLC_STORE_URL: database.url },
    open: () => {
      // `storeUrl` is the shared-store option of the store layer (HeadlessOptions.storeUrl's twin).
      const options: BackendOptions & { storeUrl: string } = { runtime: 'cli', dataDir, storeUrl: database.url };
      return createBackend(options);
    },
    close: () => database.drop(),
  };
}
