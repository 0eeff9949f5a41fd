import { z } from 'zod';
import { mappingGraphSchema, type MappingGraph } from '../../../../shared/mapping';
import type { Side } from './store/store-types';

/**
 * Unsaved mapping work kept in the renderer's localStorage, so a crash, a reload or a closed
 * window loses at most the last half second of drawing. One draft per mapping (or per new
 * source → target pair), with the saved version it was edited from. Drafts hold the graph
 * and the name only: no samples, no connection settings, nothing secret.
 */
const draftSchema = z.object({
  version: z.literal(1),
  /** When the draft was written (ISO time). */
  savedAt: z.string(),
  /** `updatedAt` of the saved mapping it was edited from; null for a mapping never saved. */
  base: z.string().nullable(),
  name: z.string(),
  graph: mappingGraphSchema,
});
export type MappingDraft = z.infer<typeof draftSchema>;

const prefix = 'mlc.mapper.draft:';

/** Where the open mapping's draft lives: by id once saved, else by its two connections and entities. */
export function draftKey(state: { mappingId?: string; source?: Side; target?: Side }): string | undefined {
  if (state.mappingId) return `${prefix}${state.mappingId}`;
  if (!state.source || !state.target) return undefined;
  return `${prefix}new:${state.source.connectionId}/${state.source.entity}>${state.target.connectionId}/${state.target.entity}`;
}

export function readDraft(storage: Storage, key: string): MappingDraft | undefined {
  let text: string | null;
  try {
    text = storage.getItem(key);
  } catch {
    return undefined;
  }
  if (text === null) return undefined;
  try {
    const parsed = draftSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: written by something else, or cut short.
  }
  // A draft this version cannot read would only be offered to fail: drop it.
  removeDraft(storage, key);
  return undefined;
}

/** False when the browser refused (storage full or disabled): the caller may tell the user. */
export function writeDraft(
  storage: Storage,
  key: string,
  draft: { base: string | null; name: string; graph: MappingGraph },
): boolean {
  const value: MappingDraft = { version: 1, savedAt: new Date().toISOString(), ...draft };
  try {
    storage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

export function removeDraft(storage: Storage, key: string): void {
  try {
    storage.removeItem(key);
  } catch {
    // Storage disabled: there is no draft to remove either.
  }
}

/** A draft is worth offering when it was written after the saved version (or nothing was ever saved). */
export function isNewerThanSaved(draft: MappingDraft, savedVersion: string | undefined): boolean {
  if (!savedVersion) return true;
  const written = Date.parse(draft.savedAt);
  const saved = Date.parse(savedVersion);
  return Number.isNaN(saved) || written > saved;
}
