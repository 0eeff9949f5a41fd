// What the packaged app carries: electron-builder packs the `files` globs of electron-builder.yml
// plus the production dependencies (package.json "dependencies" and what they need). The renderer
// is bundled by Vite into dist/renderer, so its packages must be devDependencies, and everything
// the main, preload and backend processes load at run time must be a dependency.
import { builtinModules, createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/paths';

interface PackageJson {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
interface Lock {
  packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
}

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
const packageName = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

/** Every package the runtime bundles import (static or dynamic), from esbuild's metafile of the real entries. */
async function runtimeImports(): Promise<Map<string, string[]>> {
  const entries = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'entries.mjs')).href)) as Record<
    string,
    Record<string, string>
  >;
  const entryPoints: Record<string, string> = {
    ...Object.assign({}, ...Object.values(entries)),
    // The `mlc` launcher npm links; it only loads dist/backend/mlc.js.
    'bin-mlc': 'bin/mlc.js',
  };
  expect(Object.keys(entryPoints)).toEqual(
    expect.arrayContaining(['bin-mlc', 'host', 'main', 'mapping-worker', 'mlc', 'preload']),
  );
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    outdir: path.join(repoRoot, 'dist', 'deps-check'),
    logLevel: 'silent',
  });
  const imported = new Map<string, string[]>();
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    for (const entry of meta.imports) {
      if (!entry.external || builtins.has(entry.path)) continue;
      const name = packageName(entry.path);
      imported.set(name, [...(imported.get(name) ?? []), path.basename(output)]);
    }
  }
  return imported;
}

describe('production dependencies', () => {
  it('are exactly what the main, preload and backend processes load (electron comes with the app)', async () => {
    const imported = await runtimeImports();
    const missing = [...imported.keys()].filter((name) => name !== 'electron' && !(name in pkg.dependencies));
    expect(missing, 'imported at run time but not in "dependencies" (the packaged app would not find them)').toEqual(
      [],
    );
    const unused = Object.keys(pkg.dependencies).filter((name) => !imported.has(name));
    expect(unused, 'in "dependencies" but never loaded outside the renderer: move to devDependencies').toEqual([]);
    // electron-builder refuses electron among the dependencies: the binary it packs provides it.
    expect(pkg.dependencies).not.toHaveProperty('electron');
    expect(pkg.devDependencies).toHaveProperty('electron');
    // The updater runs in the main process of the packaged app.
    expect(imported.get('electron-updater')).toEqual(['main.js']);
  });

  it('leave the renderer’s packages out of the packed node_modules', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as Lock;
    const production = Object.entries(lock.packages)
      .filter(([key, entry]) => key !== '' && !entry.dev && !entry.devOptional)
      .map(([key]) => key.replace(/^.*node_modules\//, ''));
    for (const rendererOnly of [
      'react',
      'react-dom',
      '@xyflow/react',
      'zustand',
      'zundo',
      '@tanstack/react-virtual',
      'react-resizable-panels',
      '@dagrejs/dagre',
      'vite',
    ]) {
      expect(production).not.toContain(rendererOnly);
    }
    // What would be packed from node_modules, minus what electron-builder.yml excludes: was ~71 MB.
    const require = createRequire(path.join(repoRoot, 'package.json'));
    const excluded = ['build', 'deps', 'src'].map((dir) =>
      path.join(path.dirname(require.resolve('better-sqlite3/package.json')), dir),
    );
    const size = (dir: string): number =>
      excluded.includes(dir)
        ? 0
        : fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
            const file = path.join(dir, entry.name);
            return sum + (entry.isDirectory() ? size(file) : entry.isFile() ? fs.statSync(file).size : 0);
          }, 0);
    const bytes = Object.entries(lock.packages)
      .filter(([key, entry]) => key !== '' && !entry.dev && !entry.devOptional)
      .map(([key]) => path.join(repoRoot, key))
      .filter((dir) => fs.existsSync(dir))
      .reduce((sum, dir) => sum + size(dir), 0);
    expect(bytes).toBeLessThan(45_000_000);
  });

  it('pack only the built app, its schemas and examples besides node_modules', () => {
    const config = parse(fs.readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as { files: string[] };
    expect(config.files).toEqual([
      'package.json',
      'bin/**',
      'dist/**',
      '!dist/**/*.map',
      'native/electron/**',
      'schemas/**',
      'examples/**',
      '!**/node_modules/better-sqlite3/{build,deps,src}/**',
    ]);
    // Sources, tests, simulators and the unbundled renderer never match an include.
    for (const folder of ['renderer', 'electron', 'shared', 'sandbox', 'test', 'scripts', 'build']) {
      expect(config.files.some((pattern) => pattern.startsWith(`${folder}/`))).toBe(false);
    }
  });
});
