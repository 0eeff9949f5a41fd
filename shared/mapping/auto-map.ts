import type { EntitySchema } from '../domain/entity-schema';
import { conceptOf } from './infor-dictionary';
import { portTypeOfField, typesCompatible } from './ports';
import { flattenSchemaFields, referenceOf } from './validator';

/** Suggestions "target field ← source field" by dictionary concept, name, label and type. */
export interface SuggestionCandidate {
  source: string;
  confidence: number;
  reason: 'dictionary' | 'name' | 'label';
}

export interface AutoMapSuggestion {
  target: string;
  candidates: SuggestionCandidate[];
}

export interface AutoMapOptions {
  minimumConfidence?: number;
  /** Candidates kept per target field. */
  candidates?: number;
}

const words = (text: string): string[] =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0 && !['the', 'of', 'no', 'id', 'code'].includes(word));

const arrayDepth = (handle: string): number => handle.split('[]').length - 1;

const compact = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');

function dice(left: string[], right: string[]): number {
  if (left.length === 0 || right.length === 0) return 0;
  const pool = [...right];
  let shared = 0;
  for (const word of left) {
    const at = pool.findIndex(
      (other) =>
        other === word || (word.length > 3 && other.startsWith(word)) || (other.length > 3 && word.startsWith(other)),
    );
    if (at >= 0) {
      shared += 1;
      pool.splice(at, 1);
    }
  }
  return (2 * shared) / (left.length + right.length);
}

export function suggestMappings(
  source: EntitySchema,
  target: EntitySchema,
  options: AutoMapOptions = {},
): AutoMapSuggestion[] {
  const minimum = options.minimumConfidence ?? 0.5;
  const keep = options.candidates ?? 3;
  const sources = flattenSchemaFields(source.fields).filter((entry) => entry.field.type !== 'object');
  const flatTargets = flattenSchemaFields(target.fields);
  const byHandle = new Map(flatTargets.map((entry) => [entry.handle, entry]));
  const targets = flatTargets.filter(
    // A reference field (or a Zoho lookup's `id`) takes another record's id: a copied source value
    // never is one, so it is left for a Lookup node ($lookupRef) the analyst draws.
    (entry) =>
      !entry.field.readOnly &&
      entry.field.type !== 'object' &&
      entry.field.type !== 'array' &&
      !referenceOf(entry.handle, byHandle),
  );
  // The dictionary knows Infor's names and the targets' names: look each side up by its system, so a
  // reverse mapping (Dynamics contacts → M3 customers) meets on the same concepts as the forward one.
  const dictionary = (schema: EntitySchema) => (schema.system === 'infor' ? 'source' : 'target');
  const sourceSide = dictionary(source);
  const targetSide = dictionary(target);
  const suggestions: AutoMapSuggestion[] = [];
  for (const { handle: targetHandle, field: targetField } of targets) {
    const targetConcept = conceptOf(targetHandle, targetSide);
    const targetWords = words(`${targetField.label} ${targetField.name}`);
    const candidates: SuggestionCandidate[] = [];
    for (const { handle: sourceHandle, field: sourceField } of sources) {
      // An order line's field never fills a header field: only a loop (drawn by hand) crosses a source array.
      if (arrayDepth(sourceHandle) > arrayDepth(targetHandle)) continue;
      let confidence = 0;
      let reason: SuggestionCandidate['reason'] = 'label';
      const sourceConcept = conceptOf(sourceHandle, sourceSide);
      if (targetConcept && sourceConcept === targetConcept) {
        confidence = 0.95;
        reason = 'dictionary';
      } else if (compact(sourceField.name) === compact(targetField.name)) {
        confidence = 0.85;
        reason = 'name';
      } else {
        const similarity = Math.max(
          dice(words(`${sourceField.label} ${sourceField.name}`), targetWords),
          dice(words(sourceField.label), words(targetField.label)),
        );
        confidence = similarity * 0.8;
      }
      // Infor sends numbers as text, so a text → number pairing only costs a little.
      const sourceType = portTypeOfField(sourceField.type);
      const targetType = portTypeOfField(targetField.type);
      if (!typesCompatible(sourceType, targetType))
        confidence *= sourceType === 'string' || targetType === 'string' ? 0.9 : 0.6;
      if (sourceConcept && targetConcept && sourceConcept !== targetConcept) confidence *= 0.5;
      if (confidence >= minimum)
        candidates.push({ source: sourceHandle, confidence: Math.round(confidence * 100) / 100, reason });
    }
    candidates.sort((a, b) => b.confidence - a.confidence || (a.source < b.source ? -1 : 1));
    if (candidates.length > 0) suggestions.push({ target: targetHandle, candidates: candidates.slice(0, keep) });
  }
  return suggestions;
}
