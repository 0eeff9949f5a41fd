#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/ by `npm run build` (run by `npm install`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../dist/backend/mlc.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('mlc: not built yet. Run `npm run build` in the ml-connector Studio folder.\n');
  process.exit(1);
}
await import(pathToFileURL(entry).href);
