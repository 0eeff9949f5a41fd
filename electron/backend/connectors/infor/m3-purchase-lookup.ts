import { AppError } from '../../../../shared/errors';
import type { JsonObject, LookupHit } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { detectM3StampForm, parseInforStamp, parseM3Stamp } from './infor-formats';
import { m3Execute } from './m3-api';
import { stripPrefix } from './m3-export';
import { quotableKey, selectWhereIn } from './m3-key-select';

/** Finding M3 purchase orders by PUNO or YRE1 (EXPORTMI on MPHEAD) and reading one (PPS200MI): see m3-purchase-write.ts. */

export const head = { table: 'MPHEAD', prefix: 'IA' } as const;

export interface HeadRow {
  PUNO: string;
  YRE1: string;
  LMTS: string;
  LMDT: string;
}

/** MPHEAD rows whose `column` (PUNO or YRE1) is one of `values`: one EXPORTMI select per QERY budget. */
export async function selectHeads(
  context: HookContext,
  column: 'PUNO' | 'YRE1',
  values: string[],
  signal?: AbortSignal,
): Promise<HeadRow[]> {
  const unique = [...new Set(values.filter(Boolean))];
  const unsafe = unique.find((value) => !quotableKey(value));
  if (unsafe !== undefined)
    throw new AppError(
      'E_INVALID_INPUT',
      `Infor M3: the purchase order ${column} “${unsafe}” has characters EXPORTMI cannot look up (quotes, ~).`,
      { field: column },
    );
  const found = await selectWhereIn(
    context,
    {
      table: head.table,
      keyColumn: `${head.prefix}${column}`,
      columns: ['IAPUNO', 'IAYRE1', 'IALMTS', 'IALMDT'],
      values: unique,
    },
    signal,
  );
  return found.map(([PUNO = '', YRE1 = '', LMTS = '', LMDT = '']) => ({ PUNO, YRE1, LMTS, LMDT }));
}

/** Each order's change stamp, as the reader gives it (LMTS in the form its rows show, else LMDT). */
function stampsOf(rows: HeadRow[]): Map<string, string> {
  const form = detectM3StampForm(rows.map((row) => ({ stamp: row.LMTS, date: row.LMDT })));
  const stamps = new Map<string, string>();
  for (const row of rows) {
    const iso = (form && parseM3Stamp(row.LMTS, form)) || parseInforStamp(row.LMDT);
    if (iso) stamps.set(row.PUNO, iso);
  }
  return stamps;
}

export function checkMatchKey(matchKey: string[]): 'PUNO' | 'YRE1' {
  // [] is the engine's "the own id is blank: new record" (withOwnId): PUNO, as on later writes.
  if (matchKey.length === 0) return 'PUNO';
  const key = matchKey.length === 1 ? matchKey[0]?.toUpperCase() : undefined;
  if (key === 'PUNO' || key === 'YRE1') return key;
  throw new AppError(
    'E_INVALID_INPUT',
    `Infor M3 matches purchase orders by PUNO or by YRE1 (your reference) only (asked: ${matchKey.join(', ') || 'nothing'}).`,
    { field: 'matchKey' },
  );
}

const trimmed = (row: Record<string, string>): JsonObject => {
  const data: JsonObject = {};
  for (const [name, value] of Object.entries(row)) data[stripPrefix(name)] = value.trim();
  return data;
};

/** The order as PPS200MI answers it: GetHead's fields and LstLine's lines. */
export async function currentOrder(context: HookContext, puno: string, signal?: AbortSignal): Promise<JsonObject> {
  const got = await m3Execute(context, 'PPS200MI', 'GetHead', { PUNO: puno }, { maxrecs: 1, signal });
  const lines = await m3Execute(context, 'PPS200MI', 'LstLine', { PUNO: puno }, { maxrecs: 0, signal });
  return { ...trimmed(got.records[0] ?? {}), lines: lines.records.map(trimmed) };
}

/** `lookup` by PUNO or YRE1: the order's GetHead fields and lines as data, its LMTS as stamp. */
export async function m3PurchaseLookup(
  context: HookContext,
  matchKey: string,
  values: string[],
  signal?: AbortSignal,
): Promise<Map<string, LookupHit>> {
  const key = checkMatchKey([matchKey]);
  const rows = await selectHeads(context, key, values, signal);
  const stamps = stampsOf(rows);
  const hits = new Map<string, LookupHit>();
  for (const value of new Set(values)) {
    const found = rows.filter((row) => row[key] === value);
    if (found.length === 0) continue;
    if (found.length > 1)
      throw new AppError(
        'E_INVALID_INPUT',
        `Infor M3: ${found.length} purchase orders have ${key} “${value}” (${found.map((row) => row.PUNO).join(', ')}).`,
        { field: key },
      );
    const puno = found[0]!.PUNO;
    const stamp = stamps.get(puno);
    hits.set(value, { targetKey: puno, data: await currentOrder(context, puno, signal), ...(stamp ? { stamp } : {}) });
  }
  return hits;
}
