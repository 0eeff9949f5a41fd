import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/electron/main.js → the package root, two levels up. */
export const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const rendererDir = path.join(appRoot, 'dist', 'renderer');
export const preloadPath = path.join(appRoot, 'dist', 'electron', 'preload.cjs');
export const backendHostPath = path.join(appRoot, 'dist', 'backend', 'host.js');
export const appOrigin = 'app://studio';
