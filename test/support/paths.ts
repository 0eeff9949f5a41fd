import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Real-world payloads live beside the checkout in ../shared/fixtures (read-only). */
export const fixturesRoot = path.resolve(repoRoot, '..', 'shared', 'fixtures');

export function fixturePath(...parts: string[]): string {
  return path.join(fixturesRoot, ...parts);
}

export function readFixture(...parts: string[]): string {
  return fs.readFileSync(fixturePath(...parts), 'utf8');
}

export function readJsonFixture<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFixture(...parts).replace(/^\uFEFF/, '')) as T;
}

/** A fresh folder per test (data dir, SQLite file, browser profile); removed by the caller's cleanup. */
export function tempDir(prefix = 'mlc-test-'): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
