import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/electron/main.js → the package root, two levels up. */
export const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const rendererDir = path.join(appRoot, 'dist', 'renderer');
export const preloadPath = path.join(appRoot, 'dist', 'electron', 'preload.cjs');
export const backendHostPath = path.join(appRoot, 'dist', 'backend', 'host.js');
/** Built beside the backend (scripts/entries.mjs); main starts it as a utility process for the backend. */
export const mappingWorkerPath = path.join(appRoot, 'dist', 'backend', 'mapping-worker.js');
export const appOrigin = 'app://studio';
