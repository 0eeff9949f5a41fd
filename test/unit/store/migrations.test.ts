import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../../../electron/backend/backend';
import { openDatabase, type Db } from '../../../electron/backend/store/database';
import { migrations } from '../../../electron/backend/store/migrations/index';
import { tempDir } from '../../support/paths';

const folders: Array<{ remove(): void }> = [];
afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));

/** The ids stores recorded before the list was numbered, in the order they applied: they must never change. */
const releasedIds = [
  'core/001-connections',
  'connectors/001-schema-cache-and-tokens',
  'sync/001-flows-runs-audit',
  'zoho/001-token-refresh-leases',
  'sync/002-replay-origin',
  'sync/003-run-lease',
  'store/001-insertion-order',
];

const oldStoreSql = fs.readFileSync(
  path.join(import.meta.dirname, 'fixtures', 'store-before-one-settings-table.sql'),
  'utf8',
);

/** A data folder holding the store the previous code left (see the fixture's header). */
function oldStore(): { dir: string; file: string } {
  const folder = tempDir('mlc-old-store-');
  folders.push(folder);
  const file = path.join(folder.dir, 'mlc.sqlite');
  const db = new Database(file);
  db.exec(oldStoreSql);
  db.close();
  return { dir: folder.dir, file };
}

const schemaOf = (db: Db) =>
  db
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
    .all();

describe('the numbered migration list', () => {
  it('keeps the released ids in their released order, then adds new ones after them', () => {
    expect(migrations.slice(0, releasedIds.length).map((migration) => migration.id)).toEqual(releasedIds);
    expect(new Set(migrations.map((migration) => migration.id)).size).toBe(migrations.length);
  });

  it('opens a store the previous code made without re-running its migrations, and ends with the schema of a new store', () => {
    const { file } = oldStore();
    const before = new Database(file, { readonly: true });
    const recorded = before.prepare('SELECT id, version, applied_at FROM schema_migrations ORDER BY version').all();
    before.close();

    const db = openDatabase({ file });
    try {
      const after = db
        .prepare('SELECT id, version, applied_at FROM schema_migrations ORDER BY version')
        .all() as Array<{ id: string; version: number }>;
      // The released rows untouched (same versions and times: nothing re-ran); only the new migration added.
      expect(after.slice(0, recorded.length)).toEqual(recorded);
      // Only the migrations released after it apply, in list order (the settings merge first).
      const added = migrations
        .slice(releasedIds.length)
        .map((migration, index) => [migration.id, releasedIds.length + 1 + index]);
      expect(added[0]).toEqual(['store/002-one-settings-table', 8]);
      expect(after.slice(recorded.length).map((row) => [row.id, row.version])).toEqual(added);

      const fresh = tempDir('mlc-new-store-');
      folders.push(fresh);
      const created = openDatabase({ file: path.join(fresh.dir, 'mlc.sqlite') });
      try {
        expect(schemaOf(db)).toEqual(schemaOf(created));
      } finally {
        created.close();
      }
    } finally {
      db.close();
    }
  });
});

describe('one key-value table', () => {
  it('moves the UI preferences into settings beside the rows already there, and drops the old table', () => {
    const { file } = oldStore();
    const db = openDatabase({ file });
    try {
      const rows = db.prepare('SELECT key, value FROM settings ORDER BY key').all();
      expect(rows).toEqual([
        { key: 'audit.retentionDays', value: '30' },
        { key: 'store.id', value: '1e098b43-7915-43df-8e0f-78287ec1cbe1' },
        { key: 'ui.prefs', value: '{"theme":"dark","recentFiles":["/home/ada/acme.mlcbundle"]}' },
      ]);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ui_preferences'").get()).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('answers ui.prefs and the retention from the moved rows, and keeps the connection', async () => {
    const { dir } = oldStore();
    const backend = createBackend({ runtime: 'web', dataDir: dir });
    try {
      const call = async (method: string, input: unknown) => {
        const result = await backend.invoke(method, input);
        if (!result.ok) throw new Error(result.error.message);
        return result.value;
      };
      expect(await call('ui.prefs.get', {})).toEqual({ theme: 'dark', recentFiles: ['/home/ada/acme.mlcbundle'] });
      expect(await call('ui.prefs.set', { theme: 'light' })).toEqual({
        theme: 'light',
        recentFiles: ['/home/ada/acme.mlcbundle'],
      });
      expect(await call('ui.prefs.get', {})).toMatchObject({ theme: 'light' });
      expect(await call('audit.retention', {})).toMatchObject({ days: 30 });
      expect(await call('connections.list', {})).toMatchObject([
        { name: 'Zendesk', system: 'zendesk', settings: { subdomain: 'acme' } },
      ]);
    } finally {
      await backend.close();
    }
  });

  it('fails the move (and changes nothing) rather than overwrite a settings row that took the key', () => {
    const { file } = oldStore();
    const raw = new Database(file);
    raw.prepare("INSERT INTO settings (key, value) VALUES ('ui.prefs', 'taken')").run();
    raw.close();
    expect(() => openDatabase({ file })).toThrow(/store\/002-one-settings-table/);
    const check = new Database(file, { readonly: true });
    try {
      expect(check.prepare("SELECT value FROM ui_preferences WHERE key = 'prefs'").get()).toBeDefined();
      expect(check.prepare("SELECT value FROM settings WHERE key = 'ui.prefs'").get()).toEqual({ value: 'taken' });
    } finally {
      check.close();
    }
  });
});
