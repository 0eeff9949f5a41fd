// Builds better-sqlite3 for Electron's ABI into native/electron/, leaving the
// plain-Node build in node_modules untouched, so `npm test` (Node) and
// `npm start` (Electron) work from one checkout. Needs internet: node-gyp
// downloads Electron's headers.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = JSON.parse(readFileSync(path.join(sqliteDir, 'package.json'), 'utf8')).version;

const work = mkdtempSync(path.join(os.tmpdir(), 'mlc-electron-native-'));
try {
  writeFileSync(
    path.join(work, 'package.json'),
    JSON.stringify({ name: 'native-build', version: '1.0.0', dependencies: { 'better-sqlite3': sqliteVersion } }),
  );
  mkdirSync(path.join(work, 'node_modules'), { recursive: true });
  for (const name of ['better-sqlite3', 'bindings', 'file-uri-to-path']) {
    cpSync(path.dirname(require.resolve(`${name}/package.json`)), path.join(work, 'node_modules', name), {
      recursive: true,
    });
  }
  rmSync(path.join(work, 'node_modules', 'better-sqlite3', 'build'), { recursive: true, force: true });
  const { rebuild } = await import('@electron/rebuild');
  console.log(`Building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion}…`);
  await rebuild({
    buildPath: work,
    electronVersion,
    onlyModules: ['better-sqlite3'],
    force: true,
    buildFromSource: true,
  });
  const target = path.join(root, 'native', 'electron');
  mkdirSync(target, { recursive: true });
  copyFileSync(
    path.join(work, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    path.join(target, 'better_sqlite3.node'),
  );
  console.log(`Wrote ${path.relative(root, path.join(target, 'better_sqlite3.node'))}`);
} catch (error) {
  console.error(
    `Could not build the Electron copy of better-sqlite3: ${error instanceof Error ? error.message : error}`,
  );
  console.error('This step downloads Electron headers and needs internet access.');
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
