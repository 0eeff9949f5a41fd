// `npm start`: the desktop app where Electron's binary is installed; otherwise the
// same app in the browser through `mlc studio` (offline machines and CI cannot
// download Electron).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

function electronBinary() {
  try {
    const dir = path.dirname(require.resolve('electron/package.json'));
    const pathFile = path.join(dir, 'path.txt');
    if (!existsSync(pathFile)) return undefined;
    const binary = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = process.env.MLC_NO_ELECTRON ? undefined : electronBinary();
if (binary && !existsSync(path.join(root, 'native', 'electron', 'better_sqlite3.node'))) {
  // First desktop start: build SQLite for Electron's ABI once (kept apart from the Node build).
  const { status } = (await import('node:child_process')).spawnSync(
    process.execPath,
    [path.join(root, 'scripts', 'rebuild-electron.mjs')],
    { stdio: 'inherit' },
  );
  if (status !== 0) process.exit(status ?? 1);
}
const child = binary
  ? spawn(binary, [root, ...args], { stdio: 'inherit' })
  : (console.log(
      'Electron is not installed here (its binary could not be downloaded); opening ml-connector Studio in your browser with `mlc studio` instead.',
    ),
    spawn(process.execPath, [path.join(root, 'bin', 'mlc.js'), 'studio', ...args], { stdio: 'inherit' }));

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
