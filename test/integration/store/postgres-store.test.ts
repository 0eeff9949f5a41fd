import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { FlowId } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import { migrations } from '../../../electron/backend/store/migrations/index';
import { openPostgresStore } from '../../../electron/backend/store/postgres/pg-store';
import type { AsyncStore } from '../../../electron/backend/store/async-store';
import { postgresKind } from './store-kinds';

/*
 * What only the PostgreSQL store has to show: several processes (pools) on one database, as many
 * `mlc worker`s will be, and a clear refusal when the server is not there.
 */

describe('the PostgreSQL store shared by several workers', () => {
  const kind = postgresKind();
  let url: string;
  beforeAll(async () => {
    await kind.setUp();
    url = await kind.url();
  }, 60_000);
  afterAll(() => kind.tearDown());

  it('migrates once when several workers open one new database together', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url })));
    try {
      for (const store of stores) expect(await store.schemaVersion()).toBe(migrations.length);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const rows = (await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version'))
          .rows;
        expect(rows.map((row) => row.version)).toEqual(migrations.map((_, i) => i + 1));
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('lets exactly one of the workers claiming a flow at once run it, and the next after it finishes', async () => {
    const stores: AsyncStore[] = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ url })));
    try {
      const input = {
        flowId: 'shared-flow' as FlowId,
        trigger: 'schedule' as const,
        dryRun: false,
        windowFrom: null,
        mappingHash: 'h',
      };
      for (let round = 0; round < 3; round++) {
        const claims = await Promise.allSettled(
          stores.flatMap((store) => [1, 2].map(() => store.runs.claimAndStart(input, { leaseMs: 30_000 }))),
        );
        const won = claims.flatMap((c) => (c.status === 'fulfilled' ? [c.value.run] : []));
        expect(won).toHaveLength(1);
        for (const claim of claims)
          if (claim.status === 'rejected') expect((claim.reason as AppError).code).toBe('E_CONFLICT');
        await stores[round]!.runs.finishRun(won[0]!.id, {
          status: 'succeeded',
          windowTo: null,
          counters: { read: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 },
          calls: { source: 0, target: 0, sourceMinimum: 0, targetMinimum: 0 },
        });
      }
      const runs = await stores[0]!.runs.runs({ flowId: 'shared-flow' });
      expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

describe('a PostgreSQL store that cannot be reached', () => {
  it('is refused with the host and database named, never the password', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as net.AddressInfo;
        server.close(() => resolve(free));
      });
    });
    const error = await openPostgresStore({ url: `postgres://mlc:s3cret-pw@127.0.0.1:${port}/mlc` }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('E_STORE_UNWRITABLE');
    expect((error as AppError).message).toContain(`Cannot open the PostgreSQL store at 127.0.0.1:${port}/mlc`);
    expect((error as AppError).message).toContain('ECONNREFUSED');
    expect((error as AppError).message).not.toContain('s3cret-pw');
  });
});
