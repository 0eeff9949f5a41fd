import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

let root: string | undefined;

/**
 * The folder holding our package.json, found by walking up from this module, so
 * it is right both from sources (tests) and from the bundles in dist/.
 */
export function appRoot(): string {
  if (root) return root;
  if (process.env.MLC_APP_ROOT) return (root = process.env.MLC_APP_ROOT);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const name = (JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string }).name;
      if (name === 'ml-connector-studio') return (root = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('Cannot find the ml-connector-studio package root.');
    dir = parent;
  }
}

export function appVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export function jsonataVersion(): string {
  return (require('jsonata/package.json') as { version: string }).version;
}
