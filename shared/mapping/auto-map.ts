import type { EntityField, EntitySchema } from '../domain/entity-schema';
import { decodePath } from './field-path';
import { conceptOf, type Concept } from './infor-dictionary';
import { portTypeOfField, typesCompatible } from './ports';
import { flattenSchemaFields, isReferenceField, referenceOf } from './validator';

/** Suggestions "target field ← source field" by match key, dictionary concept, name, label and type. */
export interface SuggestionCandidate {
  source: string;
  confidence: number;
  /** `matchKey`: the source's key into the target's external-id field (what flows upsert on). */
  reason: 'matchKey' | 'dictionary' | 'name' | 'label';
  /**
   * A plain copy is not enough: `valueMap` when the target takes coded values (a picklist, an option
   * set, a status), `lookup` when it takes another record's id (offered only with `lookups: true`).
   */
  needs?: 'valueMap' | 'lookup';
}

export interface AutoMapSuggestion {
  target: string;
  candidates: SuggestionCandidate[];
}

export interface AutoMapOptions {
  minimumConfidence?: number;
  /** Candidates kept per target field. */
  candidates?: number;
  /**
   * Also propose reference fields (`AccountId`, `customerid_account@odata.bind`), marked
   * `needs: 'lookup'`: the analyst puts a Lookup node on them, never a copy.
   */
  lookups?: boolean;
}

const stopWords = new Set(['the', 'of', 'no', 'id', 'code', 'to', 'a', 'c']);

const words = (text: string): string[] =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0 && !stopWords.has(word));

/**
 * Words that say which address (or which side of a deal) a field holds. A shipping field is only
 * filled from a delivery field: a customer's main (billing) address is not where goods go.
 */
const shippingWords = new Set(['shipping', 'ship', 'shipto', 'delivery', 'deliver', 'deliv']);
const billingWords = new Set(['billing', 'bill', 'billto']);
type Side = 'shipping' | 'billing' | undefined;
const sideOf = (list: readonly string[]): Side =>
  list.some((word) => shippingWords.has(word))
    ? 'shipping'
    : list.some((word) => billingWords.has(word))
      ? 'billing'
      : undefined;
const withoutSide = (list: readonly string[]): string[] =>
  list.filter((word) => !shippingWords.has(word) && !billingWords.has(word));

const arrayDepth = (handle: string): number => handle.split('[]').length - 1;

const compact = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');

function dice(left: string[], right: string[]): number {
  if (left.length === 0 || right.length === 0) return 0;
  const pool = [...right];
  let shared = 0;
  for (const word of left) {
    const at = pool.findIndex(
      // A prefix stands for a word cut short (M3 labels stop at 15 characters: `Telephone numbe`),
      // not for a longer word that only starts the same (`Discountcalcula` is no `Discount`).
      (other) =>
        other === word ||
        (word.length > 3 && other.startsWith(word) && other.length - word.length <= 3) ||
        (other.length > 3 && word.startsWith(other) && word.length - other.length <= 3),
    );
    if (at >= 0) {
      shared += 1;
      pool.splice(at, 1);
    }
  }
  return (2 * shared) / (left.length + right.length);
}

/** Concepts whose values are codes that differ between systems (M3 status 20 vs Dataverse statecode 0). */
const codedConcepts = new Set<Concept>(['record.status', 'account.type']);

/** A handle as people read it: `transactioncurrencyid@odata.bind`, `lines[].ITNO` (no escapes). */
export function readableHandle(handle: string): string {
  return decodePath(handle)
    .map((segment) => segment.name + (segment.array ? '[]' : ''))
    .join('.');
}

/**
 * Whether a value of the source's type may fill the target without guessing. Text never becomes a
 * date, number or yes/no on its own (`CUNO` is no `Customer_Since`); only a pair the dictionary
 * knows to hold the same thing (CSI's credit limit sent as text) is a known conversion.
 */
function typeFit(source: EntityField, target: EntityField, known: boolean): number {
  const from = portTypeOfField(source.type);
  const to = portTypeOfField(target.type);
  if (from === to) return 1;
  if (known) return 0.95;
  if (to === 'string') return from === 'date' ? 0.6 : 0.9; // a number or a date written as text
  if (from === 'string' && to === 'date') return 0; // typesCompatible allows ISO text; names alone do not
  return typesCompatible(from, to) ? 0.9 : 0;
}

/**
 * The concept of a reference field: the key of the CRM record it points at (an order's customer,
 * its currency). A record pointing at its own kind (a parent account) is another record than the
 * one being written, and Cin7's `Account` is a ledger account: neither is offered.
 */
function referenceConcept(field: EntityField, target: EntitySchema): Concept | undefined {
  if (target.system === 'cin7') return undefined;
  const to = (field.referenceTo ?? field.name.replace(/@odata\.bind$/, '')).toLowerCase();
  if (to === target.entity.toLowerCase()) return undefined;
  if (['account', 'accounts'].includes(to)) return 'account.number';
  if (['vendor', 'vendors'].includes(to)) return 'supplier.number';
  if (to === 'transactioncurrency') return 'finance.currency';
  return undefined;
}

/**
 * A supplier's name and number are the name and number of the party a generic target field stores
 * (Cin7's supplier `Name` is in the table as a customer's).
 */
function meets(source: Concept, target: Concept): boolean {
  if (source === target) return true;
  const party = (concept: Concept) => concept.replace(/^supplier\./, 'account.');
  // A supplier fills a generic party field; a customer never fills a supplier field.
  return target.startsWith('account.') && party(source) === target;
}

interface Scored extends SuggestionCandidate {
  target: string;
}

export function suggestMappings(
  source: EntitySchema,
  target: EntitySchema,
  options: AutoMapOptions = {},
): AutoMapSuggestion[] {
  const minimum = options.minimumConfidence ?? 0.5;
  const keep = options.candidates ?? 3;
  const sources = flattenSchemaFields(source.fields).filter(
    (entry) =>
      entry.field.type !== 'object' &&
      entry.field.type !== 'array' &&
      // A CRM's reference holds a record id (a Dataverse `_transactioncurrencyid_value` GUID, an
      // `@odata.bind` that is only ever written): never a code another system stores. Infor's
      // references (CSI `CustNum` on an order) are the business keys themselves.
      (source.system === 'infor' || !isReferenceField(entry.field)) &&
      !/^_.+_value$/.test(entry.field.name),
  );
  const sourceKeys = new Set(source.keyFields);
  const flatTargets = flattenSchemaFields(target.fields);
  const byHandle = new Map(flatTargets.map((entry) => [entry.handle, entry]));
  const targets = flatTargets.flatMap((entry) => {
    if (entry.field.readOnly || entry.field.type === 'object' || entry.field.type === 'array') return [];
    // The record's own id (Dataverse `salesorderid`): the target makes it, no source field is it.
    if (entry.handle.toLowerCase() === `${target.entity.toLowerCase()}id`) return [];
    // A reference field (or a Zoho lookup's `id`) takes another record's id: a copied source value
    // never is one. With `lookups`, it is offered marked so, for a Lookup node the analyst draws.
    const reference = referenceOf(entry.handle, byHandle);
    if (reference && !options.lookups) return [];
    return [{ ...entry, reference }];
  });
  // The dictionary knows Infor's names and the targets' names: look each side up by its system, so a
  // reverse mapping (Dynamics contacts → M3 customers) meets on the same concepts as the forward one.
  const dictionary = (schema: EntitySchema) => (schema.system === 'infor' ? 'source' : 'target');
  const sourceSide = dictionary(source);
  const targetSide = dictionary(target);
  const scored: Scored[] = [];
  for (const { handle: targetHandle, field: targetField, reference } of targets) {
    const targetConcept = reference ? referenceConcept(reference, target) : conceptOf(targetHandle, targetSide);
    if (reference && !targetConcept) continue;
    const targetWords = words(`${targetField.label} ${targetField.name}`);
    const targetSideWords = sideOf(targetWords);
    const isMatchKey = !reference && (targetField.externalId || target.keyFields.includes(targetHandle));
    for (const { handle: sourceHandle, field: sourceField } of sources) {
      // An order line's field never fills a header field: only a loop (drawn by hand) crosses a source array.
      if (arrayDepth(sourceHandle) > arrayDepth(targetHandle)) continue;
      const sourceWords = words(`${sourceField.label} ${sourceField.name}`);
      const sourceSideWords = sideOf(sourceWords);
      // One source per meaning: a billing (or main) address never fills a shipping field, nor the reverse.
      if (targetSideWords === 'shipping' && sourceSideWords !== 'shipping') continue;
      if (targetSideWords === 'billing' && sourceSideWords === 'shipping') continue;
      const sourceConcept = conceptOf(sourceHandle, sourceSide);
      // Two known, different meanings (a customer number and a customer type) never pair.
      const sameConcept =
        targetConcept !== undefined && sourceConcept !== undefined && meets(sourceConcept, targetConcept);
      if (sourceConcept && targetConcept && !sameConcept) continue;
      if (reference) {
        // A lookup finds the record by the source's key of that kind (the order's customer number).
        if (sameConcept)
          scored.push({
            target: targetHandle,
            source: sourceHandle,
            confidence: 0.9,
            reason: 'dictionary',
            needs: 'lookup',
          });
        continue;
      }
      let confidence: number;
      let reason: SuggestionCandidate['reason'];
      if (sameConcept && isMatchKey && (sourceKeys.has(sourceHandle) || sourceField.externalId)) {
        confidence = 0.98;
        reason = 'matchKey';
      } else if (sameConcept) {
        confidence = 0.95;
        reason = 'dictionary';
      } else if (compact(sourceField.name) === compact(targetField.name)) {
        confidence = 0.85;
        reason = 'name';
      } else {
        const similarity = Math.max(
          dice(withoutSide(sourceWords), withoutSide(targetWords)),
          dice(withoutSide(words(sourceField.label)), withoutSide(words(targetField.label))),
        );
        confidence = similarity * 0.8;
        reason = 'label';
      }
      confidence *= typeFit(sourceField, targetField, sameConcept);
      if (confidence < minimum) continue;
      const coded =
        targetField.type === 'picklist' ||
        (targetField.picklist?.length ?? 0) > 0 ||
        (targetConcept !== undefined && codedConcepts.has(targetConcept));
      scored.push({
        target: targetHandle,
        source: sourceHandle,
        confidence: Math.round(confidence * 100) / 100,
        reason,
        ...(coded ? { needs: 'valueMap' as const } : {}),
      });
    }
  }
  // One best target per source: a source goes where it fits best (STAT to statecode, not also to
  // statuscode; ORNO to the order key, not to `ordernumber` as well). Copy fields are the exception:
  // targets the dictionary (or the match key) says hold the same meaning all take it (CUNO into
  // Account_Number and Infor_Customer_No), as do lookups, which read the source rather than copy it.
  const best = new Map<string, number>();
  for (const entry of scored)
    if (entry.needs !== 'lookup') best.set(entry.source, Math.max(best.get(entry.source) ?? 0, entry.confidence));
  const claimed = new Set<string>();
  const kept = scored
    .slice()
    .sort((a, b) => b.confidence - a.confidence)
    .filter((entry) => {
      if (entry.needs === 'lookup' || entry.reason === 'matchKey' || entry.reason === 'dictionary') return true;
      if (entry.confidence < (best.get(entry.source) ?? 0)) return false;
      // Equal best scores for two targets by name or label alone: the first target in schema order wins.
      if (claimed.has(entry.source)) return false;
      claimed.add(entry.source);
      return true;
    });
  const order = new Map(targets.map((entry, index) => [entry.handle, index]));
  const byTarget = new Map<string, SuggestionCandidate[]>();
  for (const { target: handle, ...candidate } of kept) {
    const list = byTarget.get(handle) ?? [];
    list.push(candidate);
    byTarget.set(handle, list);
  }
  const suggestions: AutoMapSuggestion[] = [];
  for (const [handle, candidates] of byTarget) {
    candidates.sort((a, b) => b.confidence - a.confidence || (a.source < b.source ? -1 : 1));
    suggestions.push({ target: handle, candidates: candidates.slice(0, keep) });
  }
  // The match key first (what flows upsert on), then the target's own field order.
  const rank = (suggestion: AutoMapSuggestion) => (suggestion.candidates[0]?.reason === 'matchKey' ? 0 : 1);
  suggestions.sort((a, b) => rank(a) - rank(b) || (order.get(a.target) ?? 0) - (order.get(b.target) ?? 0));
  return suggestions;
}
