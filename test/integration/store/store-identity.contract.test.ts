import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionId } from '../../../shared/domain/connection';
import type { FlowId } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import type { AsyncStore } from '../../../electron/backend/store/async-store';
import { postgresMarkerFile } from '../../../electron/backend/store/postgres/identity';
import { openPostgresStore } from '../../../electron/backend/store/postgres/pg-store';
import { openAsyncSqliteStore } from '../../../electron/backend/store/sqlite-async-store';
import { emptyCalls, emptyCounters } from '../../../electron/backend/sync/runs.repository';
import { tempDir } from '../../support/paths';
import { postgresKind } from './store-kinds';

/*
 * Store identity (`history`) on both stores: a data folder that meets a store other than the one it
 * knew (a SQLite file deleted and made anew; a PostgreSQL database dropped and created again behind
 * the same URL) records lost history, lists the flows whose next run reads everything, and forgets it
 * once each has a watermark again. Same answers on both; only "replace the store" differs.
 */

interface Place {
  kind: 'sqlite' | 'postgres';
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** The store this data folder uses, opened with its identity check. */
  open(dir: string): Promise<AsyncStore>;
  /** Replaces the store behind the same file or URL with an empty one. */
  replace(dir: string): Promise<void>;
}

const sqlitePlace = (): Place => ({
  kind: 'sqlite',
  setUp: async () => undefined,
  tearDown: async () => undefined,
  open: async (dir) => openAsyncSqliteStore({ file: path.join(dir, 'mlc.sqlite') }),
  replace: async (dir) => {
    for (const name of ['mlc.sqlite', 'mlc.sqlite-wal', 'mlc.sqlite-shm'])
      fs.rmSync(path.join(dir, name), { force: true });
  },
});

const postgresPlace = (): Place => {
  const kind = postgresKind();
  let schemas = 0;
  /** Each data folder's store: a schema of the file's database, reached by one URL. */
  const places = new Map<string, { schema: string; url: string }>();
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: await kind.url() });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    kind: 'postgres',
    setUp: () => kind.setUp(),
    tearDown: () => kind.tearDown(),
    open: async (dir) => {
      if (!places.has(dir)) {
        const schema = `identity_${++schemas}`;
        await admin(`CREATE SCHEMA ${schema}`);
        const url = new URL(await kind.url());
        url.searchParams.set('options', `-c search_path=${schema} -c TimeZone=Pacific/Chatham`);
        places.set(dir, { schema, url: url.toString() });
      }
      const { url } = places.get(dir)!;
      return openPostgresStore({ url, identityMarker: postgresMarkerFile(dir, url) });
    },
    replace: async (dir) => {
      const { schema } = places.get(dir)!;
      await admin(`DROP SCHEMA ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    },
  };
};

const infor = 'c-infor-i' as ConnectionId;
const zoho = 'c-zoho-i' as ConnectionId;

async function saveFlow(store: AsyncStore, name: string) {
  const mapping = await store.mappings.save({
    name,
    sourceEntity: 'customers',
    targetEntity: 'Accounts',
    expression: '{}',
  });
  return store.flows.saveFlow({
    name,
    source: { connectionId: infor, entity: 'customers', lookbackSeconds: 60 },
    mappingId: mapping.id,
    target: { connectionId: zoho, entity: 'Accounts', matchKey: ['Account_Number'] },
    schedule: { kind: 'manual' },
    dependsOn: [],
    options: { dryRun: false },
    paused: false,
  });
}

/** A run of the flow that finishes and moves its watermark: the flow has history again. */
async function catchUp(store: AsyncStore, flowId: FlowId) {
  const { run } = await store.runs.claimAndStart(
    { flowId, trigger: 'cli', dryRun: false, windowFrom: null, mappingHash: 'h' },
    { leaseMs: 30_000 },
  );
  await store.runs.finishRun(run.id, {
    status: 'succeeded',
    windowTo: '2026-12-01T10:00:00Z',
    counters: emptyCounters(),
    calls: emptyCalls(),
    watermark: { flowId, stamp: '2026-12-01T10:00:00Z' },
  });
}

describe.each([sqlitePlace(), postgresPlace()])('store identity on the $kind store', (place) => {
  const opened: AsyncStore[] = [];
  const folders: Array<{ remove(): void }> = [];
  beforeAll(() => place.setUp(), 60_000);
  afterAll(() => place.tearDown());
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    folders.splice(0).forEach((folder) => folder.remove());
  });
  const folder = () => {
    const made = tempDir('mlc-identity-');
    folders.push(made);
    return made.dir;
  };
  const open = async (dir: string) => {
    const store = await place.open(dir);
    opened.push(store);
    return store;
  };

  it('notices a replaced store, lists the flows that read everything next, and forgets once each caught up', async () => {
    const dir = folder();
    const first = await open(dir);
    expect(await first.history.lost()).toBeUndefined();
    const firstId = await first.settings.get('store.id');
    expect(firstId).toMatch(/^[0-9a-f-]{36}$/);
    await first.close();
    // The same store again is no news.
    expect(await (await open(dir)).history.lost()).toBeUndefined();
    await opened.pop()!.close();

    await place.replace(dir);
    const second = await open(dir);
    const currentId = await second.settings.get('store.id');
    expect(currentId).not.toBe(firstId);
    expect(await second.history.lost()).toEqual({ previousId: firstId, currentId, detectedAt: expect.any(String) });

    const accounts = await saveFlow(second, 'Accounts');
    const contacts = await saveFlow(second, 'Contacts');
    expect(await second.history.flowsWithoutHistory()).toEqual(['Accounts', 'Contacts']);
    expect(await second.history.clearWhenCaughtUp()).toBe(false);
    await catchUp(second, contacts.id);
    expect(await second.history.flowsWithoutHistory()).toEqual(['Accounts']);
    expect(await second.history.clearWhenCaughtUp()).toBe(false);
    expect(await second.history.lost()).toMatchObject({ previousId: firstId });
    await catchUp(second, accounts.id);
    expect(await second.history.flowsWithoutHistory()).toEqual([]);
    expect(await second.history.clearWhenCaughtUp()).toBe(true);
    expect(await second.history.clearWhenCaughtUp()).toBe(false);
    expect(await second.history.lost()).toBeUndefined();
    await second.close();
    // The folder now knows the new store: opening it again raises nothing.
    expect(await (await open(dir)).history.lost()).toBeUndefined();
  });

  it('keeps the record of lost history across opens until the flows caught up', async () => {
    const dir = folder();
    await (await open(dir)).close();
    await place.replace(dir);
    await (await open(dir)).close();
    const again = await open(dir);
    expect(await again.history.lost()).toMatchObject({ currentId: await again.settings.get('store.id') });
  });
});

describe('the PostgreSQL store identity', () => {
  const kind = postgresKind();
  const folders: Array<{ remove(): void }> = [];
  beforeAll(() => kind.setUp(), 60_000);
  afterAll(() => kind.tearDown());
  afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));
  const folder = () => {
    const made = tempDir('mlc-identity-');
    folders.push(made);
    return made.dir;
  };

  it('remembers a store by its location only: not by user or password, and another database is another marker', () => {
    const dir = '/data';
    const marker = postgresMarkerFile(dir, 'postgres://mlc:secret@db.example:5432/mlc');
    expect(postgresMarkerFile(dir, 'postgres://other:changed@db.example/mlc')).toBe(marker);
    expect(path.dirname(marker)).toBe(dir);
    expect(marker).not.toContain('secret');
    expect(postgresMarkerFile(dir, 'postgres://mlc:secret@db.example:5432/other')).not.toBe(marker);
    expect(postgresMarkerFile(dir, 'postgres://mlc:secret@db.example:5432/mlc?options=-c%20search_path%3Dx')).not.toBe(
      marker,
    );
  });

  it('gives a new store one id when several workers open it together, and none of them sees lost history', async () => {
    const url = await kind.url();
    const dirs = [folder(), folder()];
    const stores = await Promise.all(
      [0, 1, 2, 3].map((i) => openPostgresStore({ url, identityMarker: postgresMarkerFile(dirs[i % 2]!, url) })),
    );
    try {
      const ids = await Promise.all(stores.map((store) => store.settings.get('store.id')));
      expect(new Set(ids).size).toBe(1);
      for (const store of stores) expect(await store.history.lost()).toBeUndefined();
      for (const dir of dirs) expect(fs.readFileSync(postgresMarkerFile(dir, url), 'utf8').trim()).toBe(ids[0]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('refuses to open when the marker cannot be kept, naming the file rather than blaming the server', async () => {
    const blocker = path.join(folder(), 'not-a-folder');
    fs.writeFileSync(blocker, '');
    const marker = path.join(blocker, 'postgres.id');
    let refused: unknown;
    try {
      await openPostgresStore({ url: await kind.url(), identityMarker: marker });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'E_STORE_UNWRITABLE', message: expect.stringContaining(marker) });
    expect((refused as AppError).message).toContain(`Check that ${blocker} belongs to you and is writable`);
  });
});
