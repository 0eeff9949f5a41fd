import { createHash } from 'node:crypto';
import { hashedPart } from '../../../shared/bundle/bundle.schema';
import { canonicalJson } from '../../../shared/hash';

/** `sha256:<hex>` over the canonical JSON (sorted keys) of everything but the hash itself. */
export function contentHashOf(bundle: Record<string, unknown>, hashField = 'contentHash'): string {
  const { [hashField]: _hash, ...rest } = bundle;
  const body = hashField === 'contentHash' ? hashedPart(bundle) : rest;
  return `sha256:${createHash('sha256').update(canonicalJson(body)).digest('hex')}`;
}

/** The bundle with its content hash stamped, keys in a stable order for readable diffs. */
export function sealBundle<T extends Record<string, unknown>>(bundle: T): T & { contentHash: string } {
  return { ...bundle, contentHash: contentHashOf(bundle) };
}
