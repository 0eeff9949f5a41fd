import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../../electron/backend/store/database';
import { migrations as allMigrations } from '../../../electron/backend/store/migrations';
import { tempDir } from '../../support/paths';

const child = path.join(import.meta.dirname, 'support', 'open-store-child.ts');

function open(file: string, at: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, file, String(at)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.once('error', reject);
    proc.once('close', (code) => resolve({ code, out }));
  });
}

describe('a new store opened by several processes at once', () => {
  const folder = tempDir('mlc-migrate-race-');
  afterAll(() => folder.remove());

  it('is migrated once: every process opens it, each migration is recorded once', async () => {
    for (const round of [1, 2, 3]) {
      const file = path.join(folder.dir, `round-${round}.sqlite`);
      // Far enough ahead that every process has loaded before the instant.
      const at = Date.now() + 4000;
      const results = await Promise.all([open(file, at), open(file, at), open(file, at)]);
      for (const result of results) expect(result, result.out).toMatchObject({ code: 0, out: 'opened\n' });
      const db = openDatabase({ file });
      try {
        expect(schemaVersion(db)).toBe(allMigrations.length);
        const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{
          version: number;
        }>;
        expect(versions.map((row) => row.version)).toEqual(allMigrations.map((_, index) => index + 1));
      } finally {
        db.close();
      }
    }
  }, 90_000);
});
