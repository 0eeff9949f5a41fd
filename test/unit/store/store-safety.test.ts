import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { createBackend } from '../../../electron/backend/backend';
import { openDatabase } from '../../../electron/backend/store/database';
import { storeFailure } from '../../../electron/backend/store/store-errors';
import { historyLost, markerFile } from '../../../electron/backend/store/store-identity';
import { tempDir } from '../../support/paths';

const folders: Array<{ remove(): void }> = [];
afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));
const folder = () => {
  const made = tempDir('mlc-store-');
  folders.push(made);
  return made.dir;
};
const mode = (file: string) => fs.statSync(file).mode & 0o777;

function thrown(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe.skipIf(process.platform === 'win32')('the data folder is owner-only', () => {
  it('makes a fresh data folder 0700 and the store, its -wal and -shm, and its marker 0600', async () => {
    const dataDir = path.join(folder(), 'fresh', 'data');
    const backend = createBackend({ runtime: 'cli', dataDir });
    try {
      // The backend writes (settings, a connection) so the WAL and shared-memory files exist.
      await backend.invoke('ui.prefs.set', { theme: 'dark' });
      const store = path.join(dataDir, 'mlc.sqlite');
      expect(mode(dataDir)).toBe(0o700);
      for (const file of [store, `${store}-wal`, `${store}-shm`, markerFile(store)])
        expect([file, mode(file)]).toEqual([file, 0o600]);
    } finally {
      await backend.close();
    }
  });

  it('tightens an existing data folder and store that others could read', () => {
    const dataDir = folder();
    fs.chmodSync(dataDir, 0o755);
    const file = path.join(dataDir, 'mlc.sqlite');
    openDatabase({ file }).close();
    fs.chmodSync(file, 0o644);
    openDatabase({ file }).close();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });
});

describe('a damaged store is refused, never replaced', () => {
  it('refuses a file that is not SQLite with E_STORE_CORRUPT and leaves it as it was', () => {
    const file = path.join(folder(), 'mlc.sqlite');
    const garbage = Buffer.from('this is a spreadsheet, not a database\n'.repeat(100));
    fs.writeFileSync(file, garbage);
    const error = thrown(() => openDatabase({ file }));
    expect(error.code).toBe('E_STORE_CORRUPT');
    expect(error.message).toMatch(/Restore it from a backup, or move it aside/);
    expect(fs.readFileSync(file).equals(garbage)).toBe(true);
  });

  it('finds damaged pages with quick_check and names what to do', () => {
    const file = path.join(folder(), 'mlc.sqlite');
    const db = openDatabase({ file });
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT); CREATE INDEX filler_body ON filler (body);');
    const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
    for (let index = 0; index < 2000; index += 1) insert.run(`row ${index} `.repeat(20));
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    db.close();
    // Overwrite the middle of the file (table and index pages) as a failing disk would.
    const bytes = fs.readFileSync(file);
    const middle = Math.floor(bytes.length / pageSize / 2) * pageSize;
    bytes.fill(0xa5, middle, middle + pageSize * 8);
    fs.writeFileSync(file, bytes);
    const error = thrown(() => openDatabase({ file }));
    expect(error.code).toBe('E_STORE_CORRUPT');
    expect(error.message).toContain(file);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('turns a full disk into E_STORE_FULL with advice', () => {
    const file = path.join(folder(), 'mlc.sqlite');
    const db = openDatabase({ file, maxGrowthPages: 4 });
    let raw: unknown;
    try {
      const insert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
      for (let index = 0; index < 100; index += 1) insert.run(`k${index}`, 'x'.repeat(4000));
    } catch (error) {
      raw = error;
    } finally {
      db.close();
    }
    expect((raw as { code?: string }).code).toBe('SQLITE_FULL');
    const failure = storeFailure(raw, file);
    expect(failure?.code).toBe('E_STORE_FULL');
    expect(failure?.message).toMatch(/Free space on the disk/);
  });
});

describe('a replaced or emptied store is noticed', () => {
  it('keeps quiet while the store is the one the data folder knows', () => {
    const file = path.join(folder(), 'mlc.sqlite');
    openDatabase({ file }).close();
    const db = openDatabase({ file });
    expect(historyLost(db)).toBeUndefined();
    db.close();
  });

  it.each([
    [
      'deleted',
      (file: string) => ['', '-wal', '-shm'].forEach((suffix) => fs.rmSync(`${file}${suffix}`, { force: true })),
    ],
    ['emptied', (file: string) => fs.writeFileSync(file, '')],
  ])('records lost history when the store was %s', (_how, damage) => {
    const file = path.join(folder(), 'mlc.sqlite');
    const first = openDatabase({ file });
    const previousId = (first.prepare("SELECT value FROM settings WHERE key = 'store.id'").get() as { value: string })
      .value;
    first.close();
    damage(file);
    const db = openDatabase({ file });
    try {
      expect(historyLost(db)).toMatchObject({ previousId });
      expect(fs.readFileSync(markerFile(file), 'utf8').trim()).not.toBe(previousId);
    } finally {
      db.close();
    }
    // Still known on the next open (a run warns until every flow has resynced).
    const again = openDatabase({ file });
    expect(historyLost(again)).toMatchObject({ previousId });
    again.close();
  });
});
