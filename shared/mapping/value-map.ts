import type { PicklistValue } from '../domain/entity-schema';
import type { Scalar, ValueMapEntry } from './graph.model';

/** Value-map seeding: distinct source values from the samples × the target picklist. */
export interface SeededEntry extends ValueMapEntry {
  /** How `to` was found; `none` leaves it for the user to pick (null until then). */
  match: 'value' | 'label' | 'none';
}

const normalise = (text: string): string => text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

export function distinctValues(values: Iterable<unknown>, limit = 500): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    if (value === null || value === undefined || typeof value === 'object') continue;
    seen.add(String(value));
    if (seen.size >= limit) break;
  }
  return [...seen].sort((a, b) => a.localeCompare(b));
}

export function seedValueMap(sourceValues: Iterable<unknown>, picklist: readonly PicklistValue[]): SeededEntry[] {
  const active = picklist.filter((option) => option.active !== false);
  const byValue = new Map<string, Scalar>(active.map((option) => [normalise(String(option.value)), option.value]));
  const byLabel = new Map<string, Scalar>(active.map((option) => [normalise(option.label), option.value]));
  return distinctValues(sourceValues).map((from) => {
    const key = normalise(from);
    const value = byValue.get(key);
    if (value !== undefined) return { from, to: value, match: 'value' };
    const label = byLabel.get(key);
    if (label !== undefined) return { from, to: label, match: 'label' };
    return { from, to: null, match: 'none' };
  });
}
