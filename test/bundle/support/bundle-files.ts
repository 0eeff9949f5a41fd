import fs from 'node:fs';
import path from 'node:path';
import { contentHashOf } from '../../../electron/backend/bundle/bundle-hash';
import type { CommandIo } from '../../../electron/backend/cli/command';
import type { Bundle } from '../../../shared/bundle/bundle.schema';
import { repoRoot } from '../../support/paths';

export const exampleBundlePath = path.join(repoRoot, 'examples', 'infor-to-zoho.mlcbundle.json');

/** A fresh copy of the shipped example, as plain JSON to edit. */
export function exampleBundle(): Bundle & Record<string, unknown> {
  return JSON.parse(fs.readFileSync(exampleBundlePath, 'utf8')) as Bundle & Record<string, unknown>;
}

/** Stamps a fresh content hash, as an exporter would (so only the edit itself is under test). */
export function reseal<T extends Record<string, unknown>>(bundle: T): T {
  const { contentHash: _old, ...body } = bundle;
  return { ...body, contentHash: contentHashOf(body) } as unknown as T;
}

export function writeBundle(directory: string, name: string, bundle: unknown): string {
  const file = path.join(directory, name);
  fs.writeFileSync(file, typeof bundle === 'string' ? bundle : JSON.stringify(bundle, null, 2));
  return file;
}

/** A CommandIo that keeps what a command printed. */
export function captureIo(env: NodeJS.ProcessEnv = {}): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    isTty: false,
    env: { MLC_KEYRING: 'off', ...env },
  };
}
