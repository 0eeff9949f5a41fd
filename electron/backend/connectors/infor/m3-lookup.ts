import { AppError, isAppError } from '../../../../shared/errors';
import type { JsonObject, LookupHit } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { m3Execute } from './m3-api';
import { detectM3StampForm, parseInforStamp, parseM3Stamp } from './infor-formats';
import { stripPrefix } from './m3-export';
import { quotableKey, selectWhereIn } from './m3-key-select';
import { m3WriteEntity, type M3WriteEntity } from './m3-write-entities';

export const keyOf = (record: JsonObject, key: string): string => {
  const value = record[key] ?? record[key.toLowerCase()];
  return value === null || value === undefined ? '' : String(value).trim();
};

/**
 * Which of `values` exist as keys of the table: `EXPORTMI/Select` of the key column alone (one value
 * per line, so no separator can split it), ORed conditions in queries that fit the QERY budget.
 * Values EXPORTMI cannot quote safely are asked one by one through the Get transaction.
 */
export async function existingKeys(
  context: HookContext,
  spec: M3WriteEntity,
  values: string[],
  signal?: AbortSignal,
): Promise<Set<string>> {
  const { rows, others } = await selectByKeys(context, spec, values, [], signal);
  const found = new Set(rows.keys());
  for (const value of others) if (await getRecord(context, spec, value, signal)) found.add(value);
  return found;
}

/**
 * `EXPORTMI/Select` of the key column (and `extra` columns, `~`-separated) for the rows whose key
 * is one of `values`, ORed conditions in queries that fit the QERY budget. Values EXPORTMI cannot
 * quote safely come back in `others` for the caller to ask one by one.
 */
async function selectByKeys(
  context: HookContext,
  spec: M3WriteEntity,
  values: string[],
  extra: string[],
  signal?: AbortSignal,
): Promise<{ rows: Map<string, string[]>; others: string[] }> {
  const unique = [...new Set(values.filter(Boolean))];
  const others = unique.filter((value) => !quotableKey(value));
  const column = `${spec.prefix}${spec.key}`;
  const found = await selectWhereIn(
    context,
    {
      table: spec.table,
      keyColumn: column,
      columns: [column, ...extra.map((name) => `${spec.prefix}${name}`)],
      values: unique.filter(quotableKey),
    },
    signal,
  );
  const rows = new Map(found.map(([key = '', ...rest]) => [key, rest] as const));
  return { rows, others };
}

/**
 * Each key's last change as ISO (`LookupHit.stamp`): the Get transactions do not answer LMTS
 * (CRS610MI/GetBasicData has only LMDT, CRS620MI/GetBasicData neither; M3H5 catalogue), so one
 * EXPORTMI select reads LMTS and LMDT of all keys. LMTS's text form is unconfirmed (API-FACTS §10):
 * it is recognised from these rows as the reader does (`detectM3StampForm`); when no form fits, the
 * change date LMDT (a day's precision) is the stamp, as in the reader's fallback.
 */
async function keyStamps(
  context: HookContext,
  spec: M3WriteEntity,
  keys: string[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const { rows } = await selectByKeys(context, spec, keys, ['LMTS', 'LMDT'], signal);
  const samples = [...rows.values()].map(([stamp = '', date = '']) => ({ stamp, date }));
  const form = detectM3StampForm(samples);
  const stamps = new Map<string, string>();
  for (const [key, [stamp = '', date = ''] = []] of rows) {
    const iso = (form && parseM3Stamp(stamp, form)) || parseInforStamp(date);
    if (iso) stamps.set(key, iso);
  }
  return stamps;
}

/** The Get transaction's answer for one key; undefined when M3 says XRE0103 (no such record). */
async function getRecord(
  context: HookContext,
  spec: M3WriteEntity,
  value: string,
  signal?: AbortSignal,
): Promise<Record<string, string> | undefined> {
  try {
    const result = await m3Execute(context, spec.program, spec.get, { [spec.key]: value }, { maxrecs: 1, signal });
    return result.records[0];
  } catch (error) {
    const details = isAppError(error) ? (error.details as { code?: string; type?: string } | undefined) : undefined;
    // No such record; or a key longer than the field, which no record can have.
    if (details?.code === 'XRE0103' || details?.type === 'InputFieldTooLong') return undefined;
    throw error;
  }
}

/**
 * `lookup`: which values exist (one EXPORTMI call per ~35 keys), each found record's Get answer as
 * its data and its LMTS as `stamp` (one more EXPORTMI call, `keyStamps`).
 */
export async function m3Lookup(
  context: HookContext,
  entity: string,
  matchKey: string,
  values: string[],
  signal?: AbortSignal,
): Promise<Map<string, LookupHit>> {
  const spec = m3WriteEntity(entity);
  checkMatchKey(spec, [matchKey]);
  const hits = new Map<string, LookupHit>();
  const existing = await existingKeys(context, spec, values, signal);
  const stamps = existing.size > 0 ? await keyStamps(context, spec, [...existing], signal) : new Map<string, string>();
  for (const value of existing) {
    const row = await getRecord(context, spec, value, signal);
    if (!row) continue;
    const data: JsonObject = {};
    for (const [name, text] of Object.entries(row)) data[stripPrefix(name)] = text.trim();
    const stamp = stamps.get(value);
    hits.set(value, { targetKey: value, data, ...(stamp ? { stamp } : {}) });
  }
  return hits;
}

export function checkMatchKey(spec: M3WriteEntity, matchKey: string[]): void {
  if (matchKey.length !== 1 || matchKey[0]?.toUpperCase() !== spec.key)
    throw new AppError(
      'E_INVALID_INPUT',
      `Infor M3 matches ${spec.program} records by ${spec.key} only (asked: ${matchKey.join(', ') || 'nothing'}).`,
      { field: 'matchKey' },
    );
}
