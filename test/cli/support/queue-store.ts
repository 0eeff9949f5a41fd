// The one switch for the queue-mode tests' store: one PostgreSQL database shared by every process, as
// workers on many machines share it (default, MLC_STORE_URL), or MLC_TEST_QUEUE_STORE=sqlite for the
// data folder's SQLite file (two workers on one machine share it in WAL mode).
import { inject } from 'vitest';
import { createBackend } from '../../../electron/backend/backend';
import type { AsyncStore } from '../../../electron/backend/store/async-store';
import { openPostgresStore } from '../../../electron/backend/store/postgres/pg-store';
import { createTestDatabase } from '../../support/postgres';

/** What the tests read after the processes stopped: runs and the audit log, through the async contract. */
export interface OpenedStore {
  store: Pick<AsyncStore, 'runs' | 'audit'>;
  close(): Promise<void>;
}

export interface QueueTestStore {
  kind: 'sqlite' | 'postgres';
  /** Environment for every `mlc` process of the test. */
  env: NodeJS.ProcessEnv;
  /** The same store the processes used. */
  open(): Promise<OpenedStore>;
  close(): Promise<void>;
}

export async function queueTestStore(dataDir: string): Promise<QueueTestStore> {
  if (process.env.MLC_TEST_QUEUE_STORE === 'sqlite')
    return {
      kind: 'sqlite',
      env: {},
      open: async () => {
        const backend = createBackend({ runtime: 'cli', dataDir });
        return { store: backend.context.asyncStore, close: () => backend.close() };
      },
      close: async () => undefined,
    };
  const adminUrl = inject('mlcPgUrl');
  if (!adminUrl) throw new Error(`PostgreSQL is not available for the queue-mode tests: ${inject('mlcPgError')}`);
  const database = await createTestDatabase(adminUrl);
  return {
    kind: 'postgres',
    env: { MLC_STORE_URL: database.url },
    open: async () => {
      const store = await openPostgresStore({ url: database.url });
      return { store, close: () => store.close() };
    },
    close: () => database.drop(),
  };
}
