import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../electron/backend/backend';
import { exitCodes } from '../../electron/backend/cli/command';
import { openPostgresStore } from '../../electron/backend/store/postgres/pg-store';
import { tempDir } from '../support/paths';
import { postgresKind } from '../integration/store/store-kinds';
import { syncWorld, type SyncWorld } from '../sync/support/sync-harness';
import { designInforToZoho, writeSandboxFiles, zohoState, type Designed } from '../bundle/support/infor-to-zoho';
import { jsonLines, runMlc, spawnMlc, until } from '../bundle/support/mlc-process';

const counts = { customers: 20, salesOrders: 20 };
// The test cluster trusts loopback connections, so any password is taken: it stands for a real one
// that must never reach a log line, an error or the terminal.
const password = 'pg-Secret-4711';

/**
 * A TCP relay in front of the test cluster: `mlc serve` reaches PostgreSQL through it, and closing
 * it takes the database away from the daemon (as a failed database host would) without touching the
 * cluster other test files share.
 */
async function relayTo(target: URL): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

describe('mlc on a PostgreSQL store (--store, MLC_STORE_URL)', () => {
  const database = postgresKind();
  let world: SyncWorld;
  let designed: Designed;
  const server = tempDir('mlc-pg-store-');
  let bundleFile: string;
  let url: string;

  beforeAll(async () => {
    await database.setUp();
    const withPassword = new URL(await database.url());
    withPassword.password = password;
    url = withPassword.toString();
    world = await syncWorld({ infor: { counts } });
    designed = await designInforToZoho(world.api, world.source, world.target);
    const exported = await world.api.call('bundles.export', { name: 'On PostgreSQL' });
    bundleFile = path.join(server.dir, exported.fileName);
    fs.writeFileSync(bundleFile, exported.content);
    writeSandboxFiles(server.dir, world.infor, world.zoho);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await database.tearDown();
    server.remove();
  });

  it('mlc run --store writes the records once, keeps runs and audit in PostgreSQL, and mlc runs lists them', async () => {
    const first = await runMlc(['run', bundleFile, '--store', url], { MLC_HOME: server.dir });
    expect(first.code, first.stderr).toBe(exitCodes.ok);
    const written = zohoState(world.zoho);
    expect(written.accounts).toHaveLength(counts.customers);
    expect(written.orders).toHaveLength(counts.salesOrders);

    // The same store from the environment: an incremental pass with nothing new writes nothing.
    const second = await runMlc(['run', bundleFile], { MLC_HOME: server.dir, MLC_STORE_URL: url });
    expect(second.code, second.stderr).toBe(exitCodes.ok);
    const rerun = second.events.filter((event) => event.event === 'run');
    expect(rerun.map((event) => event.status)).toEqual(['succeeded', 'succeeded']);
    for (const event of rerun) expect(event.counters).toMatchObject({ created: 0, updated: 0, failed: 0 });
    expect(zohoState(world.zoho)).toEqual(written);

    // Runs and audit rows are in PostgreSQL; the data folder's SQLite store holds none.
    const store = await openPostgresStore({ url });
    try {
      const runs = await store.runs.runs({});
      expect(runs).toHaveLength(4);
      expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
      const firstAccounts = runs.filter((run) => run.flowId === designed.accounts.id).at(-1)!;
      expect((await store.audit.audits({ runId: firstAccounts.id, outcome: 'created' })).total).toBe(counts.customers);
      expect(await store.runs.watermark(designed.accounts.id)).not.toBeNull();
    } finally {
      await store.close();
    }
    const local = createBackend({ runtime: 'cli', dataDir: server.dir });
    try {
      expect(local.context.store.runs.runs({})).toEqual([]);
    } finally {
      await local.close();
    }

    const listed = await runMlc(['runs', '--store', url, '--json'], { MLC_HOME: server.dir });
    expect(listed.code, listed.stderr).toBe(exitCodes.ok);
    expect(listed.events.map((event) => [event.flow, event.status])).toEqual([
      ['Sales orders', 'succeeded'],
      ['Customers to accounts', 'succeeded'],
      ['Sales orders', 'succeeded'],
      ['Customers to accounts', 'succeeded'],
    ]);

    // Unlock and prune work on the same store; --vacuum says it compacts SQLite only.
    const unlocked = await runMlc(['unlock', 'Customers to accounts', '--store', url], { MLC_HOME: server.dir });
    expect(unlocked.code, unlocked.stderr).toBe(exitCodes.ok);
    expect(unlocked.stdout).toContain('“Customers to accounts” is not locked');
    const pruned = await runMlc(['prune', '--vacuum'], { MLC_HOME: server.dir, MLC_STORE_URL: url });
    expect(pruned.code, pruned.stderr).toBe(exitCodes.ok);
    expect(pruned.stdout).toContain(
      'Pruned 0 audit rows (keeping 90 days, no size cap); PostgreSQL reuses their space',
    );
    expect(pruned.stderr).toContain('--vacuum compacts a SQLite store only; nothing was compacted.');
    for (const output of [first, second, listed, unlocked, pruned])
      expect(output.stdout + output.stderr).not.toContain(password);
  }, 120_000);

  it('refuses a store URL that is not PostgreSQL, saying what to give', async () => {
    const refused = await runMlc(['runs', '--store', 'mysql://root@127.0.0.1/mlc'], { MLC_HOME: server.dir });
    expect(refused.code).toBe(exitCodes.invalid);
    expect(refused.stderr).toContain('--store takes a postgres:// or postgresql:// URL');
  });

  it('mlc serve --store is ready while PostgreSQL answers and not ready once it is gone', async () => {
    const relay = await relayTo(new URL(url));
    const through = new URL(url);
    through.port = String(relay.port);
    const child = spawnMlc(['serve', bundleFile, '--port', '0', '--store', through.toString()], {
      MLC_HOME: server.dir,
      MLC_LOG_LEVEL: 'info',
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      const listening = await until(
        'the listening line',
        () => jsonLines(stdout).find((event) => event.event === 'listening'),
        30_000,
      );
      const ready = await fetch(`${String(listening.url)}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', store: { kind: 'postgres' } });

      await relay.close();
      const gone = await fetch(`${String(listening.url)}/ready`);
      expect(gone.status).toBe(503);
      expect(await gone.json()).toMatchObject({ status: 'unavailable' });
      // Liveness stays: the process is fine, only its store is away.
      expect((await fetch(`${String(listening.url)}/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited;
      await relay.close();
    }
    expect(stdout + stderr).not.toContain(password);
    expect(stderr).toContain('store unreachable');
  }, 120_000);
  it('notices a database made anew behind the same URL, warns before the resync, and writes no duplicates', async () => {
    // The data folder's marker for this database (postgres/identity.ts) remembers the store id the first run met.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    } finally {
      await admin.end();
    }
    const resync = await runMlc(['run', bundleFile, '--store', url], { MLC_HOME: server.dir });
    expect(resync.code, resync.stderr).toBe(exitCodes.ok);
    expect(resync.stderr).toContain("this data folder's store is not the one it used before");
    expect(resync.stderr).toContain('restore the PostgreSQL database from a backup');
    expect(resync.events.find((event) => event.event === 'warning')).toMatchObject({ code: 'store-replaced' });
    // Upserts match by key: re-reading everything creates nothing new in Zoho.
    const after = zohoState(world.zoho);
    expect(after.accounts).toHaveLength(counts.customers);
    expect(after.orders).toHaveLength(counts.salesOrders);
    // Every flow has a watermark again, so the warning is retired.
    expect(resync.stderr).toContain('every flow has resynced since the store was replaced');
    const calm = await runMlc(['run', bundleFile, '--store', url], { MLC_HOME: server.dir });
    expect(calm.code, calm.stderr).toBe(exitCodes.ok);
    expect(calm.stderr).not.toContain('not the one it used before');
    for (const output of [resync, calm]) expect(output.stdout + output.stderr).not.toContain(password);
  }, 120_000);
});
