import type { JsonObject } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { m3Execute } from './m3-api';
import { m3ValueKind, type ExportColumn } from './m3-export';

export interface M3Input {
  name: string;
  type: 'A' | 'N';
  length: number;
  mandatory: boolean;
}

const inputCache = new WeakMap<object, Map<string, Promise<Map<string, M3Input>>>>();

/** A transaction's inputs (`MRS001MI/LstFields … TRTP=I`: FLNM, LENG, TYPE, MAND), cached per connection. */
export function transactionInputs(
  context: HookContext,
  program: string,
  transaction: string,
  signal?: AbortSignal,
): Promise<Map<string, M3Input>> {
  let cache = inputCache.get(context.settings);
  if (!cache) inputCache.set(context.settings, (cache = new Map()));
  const id = `${program}/${transaction}`;
  let found = cache.get(id);
  if (!found) {
    found = m3Execute(
      context,
      'MRS001MI',
      'LstFields',
      { MINM: program, TRNM: transaction, TRTP: 'I' },
      { maxrecs: 0, signal },
    ).then(
      (result) =>
        new Map(
          result.records.map((row) => {
            const name = (row.FLNM ?? '').trim();
            return [
              name,
              {
                name,
                type: (row.TYPE ?? '').trim() === 'N' ? 'N' : 'A',
                length: Number((row.LENG ?? '').trim()) || 0,
                mandatory: (row.MAND ?? '').trim() === '1',
              } satisfies M3Input,
            ];
          }),
        ),
    );
    // A failed metadata call is not remembered: the next batch asks again.
    found.catch(() => cache.delete(id));
    cache.set(id, found);
  }
  return found;
}

/** Inputs the connector sets itself, never from a record. */
// MSGN and BAOR: the purchase order batch entry's own (m3-purchase-write.ts).
const connectorInputs = new Set(['CONO', 'DIVI', 'CUTM', 'STEM', 'MSGN', 'BAOR']);

export type Checked = { ok: true; input: Record<string, string> } | { ok: false; field: string; message: string };

/**
 * A record's values as the transaction's inputs, checked as M3 would check them. `required` are
 * inputs the call will carry anyway (key, template), so their absence in the record is no error.
 */
export function toInputs(
  record: JsonObject,
  where: string,
  inputs: Map<string, M3Input>,
  columns: Map<string, ExportColumn>,
  required: Set<string>,
): Checked {
  const input: Record<string, string> = {};
  for (const [field, raw] of Object.entries(record)) {
    if (raw === null || raw === undefined || raw === '') continue;
    const name = field.toUpperCase();
    const spec = inputs.get(name);
    if (!spec || connectorInputs.has(name))
      return { ok: false, field, message: `${field} is not an input of M3 ${where}: map it to another field.` };
    const column = columns.get(name);
    const isDate = column ? m3ValueKind(column) === 'date' : false;
    let text: string;
    if (typeof raw === 'object') return { ok: false, field, message: `${field} must be a single value for ${where}.` };
    if (typeof raw === 'boolean') text = raw ? '1' : '0';
    else text = String(raw).trim();
    if (text === '') continue;
    if (isDate) {
      // Dates read as ISO (m3-reader) go back as yyyyMMdd (API-FACTS §1.4).
      const iso = /^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$/.exec(text);
      if (iso) text = `${iso[1]}${iso[2]}${iso[3]}`;
      if (!validDate(text))
        return { ok: false, field, message: `${field} must be a date (yyyy-MM-dd or yyyyMMdd); "${text}" is not.` };
    } else if (spec.type === 'N' || column?.type === 'N') {
      if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(text))
        return { ok: false, field, message: `${field} must be numeric for M3 ${where}; "${text}" is not.` };
    }
    const length = spec.length || column?.length || 0;
    if (length > 0 && text.length > length)
      return {
        ok: false,
        field,
        message: `${field} is ${text.length} characters; M3 ${where} takes at most ${length}.`,
      };
    input[name] = text;
  }
  for (const spec of inputs.values()) {
    if (spec.mandatory && !input[spec.name] && !required.has(spec.name))
      return {
        ok: false,
        field: spec.name,
        message: `${spec.name} is mandatory for M3 ${where}; the record has none.`,
      };
  }
  return { ok: true, input };
}

function validDate(text: string): boolean {
  if (!/^\d{8}$/.test(text)) return false;
  const [year, month, day] = [Number(text.slice(0, 4)), Number(text.slice(4, 6)), Number(text.slice(6))];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
