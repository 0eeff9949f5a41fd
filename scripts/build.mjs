// Builds everything `npm start`, `mlc` and the e2e tests run: the Node bundles
// (esbuild) and the renderer (Vite). Type checking is `npm run typecheck`.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { backendEntries, mainEntries, preloadEntries } from './entries.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const quiet = process.argv.includes('--quiet');
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);

const node = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  // Dependencies load from node_modules at run time (native better-sqlite3, electron).
  packages: 'external',
  logLevel: quiet ? 'warning' : 'info',
};

async function buildNode() {
  rmSync(`${root}/dist/backend`, { recursive: true, force: true });
  rmSync(`${root}/dist/electron`, { recursive: true, force: true });
  await Promise.all([
    // mapping-worker.js runs user mappings in child processes; the backend finds it beside its own bundle.
    esbuild({
      ...node,
      entryPoints: backendEntries,
      outdir: 'dist/backend',
    }),
    esbuild({ ...node, entryPoints: mainEntries, outdir: 'dist/electron' }),
    // Sandboxed preloads must be a single CommonJS file.
    esbuild({
      ...node,
      entryPoints: preloadEntries,
      outdir: 'dist/electron',
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      packages: undefined,
      external: ['electron'],
    }),
  ]);
}

async function buildRenderer() {
  await viteBuild({
    configFile: `${root}/renderer/vite.config.ts`,
    root: `${root}/renderer`,
    build: { outDir: `${root}/dist/renderer` },
    logLevel: quiet ? 'warn' : 'info',
  });
}

if (!only || only === 'node') await buildNode();
if (!only || only === 'renderer') await buildRenderer();
