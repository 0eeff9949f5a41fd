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
  const store: QueueTestStore = {
    kind: 'postgres',
    env: { MLC_STORE_URL: database.url },
    open: () => {
      // `storeUrl` is the shared-store option of the store layer (HeadlessOptions.storeUrl's twin).
      const options: BackendOptions & { storeUrl: string } = { runtime: 'cli', dataDir, storeUrl: database.url };
      const backend = createBackend(options);
      // Until the store layer opens `storeUrl`, the data folder's SQLite store would answer: say so
      // instead of passing on the wrong store.
      const store: object = backend.context.store;
      if (!('kind' in store) || store.kind !== 'postgres') {
        void backend.close();
        throw new Error(
          'MLC_TEST_QUEUE_STORE=postgres: createBackend opened the SQLite store; the PostgreSQL store option (storeUrl) is not wired yet.',
        );
      }
      return backend;
    },
    close: () => database.drop(),
  };
  // Fails now, not after the processes ran, when the PostgreSQL store cannot be opened.
  try {
    await store.open().close();
  } catch (error) {
    await database.drop();
    throw error;
  }
  return store;
}
