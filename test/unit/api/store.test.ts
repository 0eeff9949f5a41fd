import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openDatabase, schemaVersion } from '../../../electron/backend/store/database';
import { resolveDataDir } from '../../../electron/backend/store/paths';
import { tempDir } from '../../support/paths';

const folders: Array<{ remove(): void }> = [];
afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));

describe('backend store', () => {
  it('opens a real SQLite file in WAL mode with foreign keys', () => {
    const folder = tempDir();
    folders.push(folder);
    const db = openDatabase({ file: path.join(folder.dir, 'nested', 'mlc.sqlite') });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('applies migrations once, in order, recording their versions', () => {
    const folder = tempDir();
    folders.push(folder);
    const file = path.join(folder.dir, 'mlc.sqlite');
    const steps = [
      { id: 'test/001-a', up: 'CREATE TABLE a (x INTEGER)' },
      { id: 'test/002-b', up: 'CREATE TABLE b (y INTEGER)' },
    ];
    const db = openDatabase({ file, migrations: steps.slice(0, 1) });
    expect(schemaVersion(db)).toBe(1);
    expect(migrate(db, steps)).toBe(2);
    expect(migrate(db, steps)).toBe(2);
    const rows = db.prepare('SELECT id, version FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual([
      { id: 'test/001-a', version: 1 },
      { id: 'test/002-b', version: 2 },
    ]);
    db.close();
  });

  it('rolls back a failing migration and names it', () => {
    const folder = tempDir();
    folders.push(folder);
    const db = openDatabase({ file: path.join(folder.dir, 'mlc.sqlite'), migrations: [] });
    expect(() =>
      migrate(db, [{ id: 'test/001-broken', up: 'CREATE TABLE ok (x INTEGER); CREATE TABLE ok (x INTEGER);' }]),
    ).toThrow(/test\/001-broken/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok'").get()).toBeUndefined();
    db.close();
  });

  it('keeps data under MLC_HOME when set, else the platform folder', () => {
    expect(resolveDataDir({ MLC_HOME: '/srv/mlc' })).toBe(path.resolve('/srv/mlc'));
    expect(resolveDataDir({ XDG_CONFIG_HOME: '/cfg' })).toMatch(/ml-connector-studio$/);
  });
});
