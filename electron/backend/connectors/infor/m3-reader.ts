import { AppError } from '../../../../shared/errors';
import type { JsonObject, JsonValue, ReadOptions, ReadPage, SourceRecord } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { m3Execute } from './m3-api';
import { parseInforDate, parseInforStamp, toM3Date } from './infor-formats';
import type { ModifiedSinceDescriptor } from '../../../../shared/connectors/descriptor';
import { sinceParts } from '../framework/since';
import type { M3Source } from './infor-sources';

/** Rows per EXPORTMI call for order lines (one call usually covers a whole page of heads). */
const linesPerCall = 10_000;

interface Table {
  table: string;
  keys: string[];
  numericKeys: string[];
}

/**
 * Reads an M3 table through `EXPORTMI/Select` in key order with a keyset
 * (`and KEY > 'last'`) and `maxrecs`, because MI list transactions have no
 * cursor (API-FACTS §1.4). Compound keys use only AND-joined conditions:
 * `k1 >= a and k1 <= a and k2 > b` until that group is exhausted, then `k1 > a`.
 */
export async function* readM3(
  context: HookContext,
  source: M3Source,
  options: ReadOptions,
  spec?: ModifiedSinceDescriptor,
): AsyncIterable<ReadPage> {
  const pageSize = options.pageSize ?? 1000;
  const base: string[] = [];
  if (options.since) {
    // The descriptor's filter (`{stamp} >= {since}`, LMTS digits) over the source's stamp field.
    if (source.stamp && spec) base.push(sinceParts(spec, options.since, { stamp: source.stamp }).filter ?? '');
    else if (source.changeDate) base.push(`${source.changeDate} >= ${toM3Date(options.since)}`);
  }
  const head: Table = { table: source.table, keys: source.keys, numericKeys: source.numericKeys };
  for await (const batch of keysetScan(context, head, base, pageSize, options.signal)) {
    let calls = batch.calls;
    const linesByParent = new Map<string, Array<Record<string, string>>>();
    if (source.lines && batch.rows.length > 0) {
      const parentKey = source.keys[0]!;
      const first = batch.rows[0]![parentKey]!;
      const last = batch.rows[batch.rows.length - 1]![parentKey]!;
      const lines: Table = {
        table: source.lines.table,
        keys: source.lines.keys,
        numericKeys: source.lines.numericKeys,
      };
      const range = [`${source.lines.link} >= ${quote(first)}`, `${source.lines.link} <= ${quote(last)}`];
      for await (const lineBatch of keysetScan(context, lines, range, linesPerCall, options.signal)) {
        calls += lineBatch.calls;
        for (const row of lineBatch.rows) {
          const parent = row[source.lines.link] ?? '';
          if (!linesByParent.has(parent)) linesByParent.set(parent, []);
          linesByParent.get(parent)!.push(row);
        }
      }
    }
    const records = batch.rows.map((row) =>
      normalizeM3(source, row, source.lines ? (linesByParent.get(row[source.keys[0]!]!) ?? []) : undefined),
    );
    yield { records, calls };
  }
}

async function* keysetScan(
  context: HookContext,
  table: Table,
  base: string[],
  pageSize: number,
  signal: AbortSignal | undefined,
): AsyncIterable<{ rows: Array<Record<string, string>>; calls: number }> {
  let last: Record<string, string> | undefined;
  let level = table.keys.length - 1;
  for (;;) {
    signal?.throwIfAborted();
    const conditions = [...base, ...(last ? keysetConditions(table, last, level) : [])];
    // One row more than asked: whether the header line counts toward maxrecs differs, and a
    // short page must really mean the end. Extra rows are dropped; the keyset continues after the last kept.
    const rows = (await exportSelect(context, table, conditions, pageSize, signal)).slice(0, pageSize);
    if (rows.length > 0) {
      yield { rows, calls: 1 };
      last = rows[rows.length - 1];
    }
    if (rows.length >= pageSize) {
      level = table.keys.length - 1;
      continue;
    }
    if (!last || level === 0) return;
    // This key group is exhausted; move on to the next value of the shallower key.
    level -= 1;
  }
}

function keysetConditions(table: Table, last: Record<string, string>, level: number): string[] {
  const out: string[] = [];
  table.keys.slice(0, level).forEach((key) => {
    const value = literal(table, key, last[key] ?? '');
    out.push(`${key} >= ${value}`, `${key} <= ${value}`);
  });
  const key = table.keys[level]!;
  out.push(`${key} > ${literal(table, key, last[key] ?? '')}`);
  return out;
}

function literal(table: Table, key: string, value: string): string {
  return table.numericKeys.includes(key) && /^-?\d+(\.\d+)?$/.test(value.trim()) ? value.trim() : quote(value);
}

function quote(value: string): string {
  // Keys are compared as stored, padding included; only quotes need escaping.
  return `'${value.replace(/'/g, "''")}'`;
}

/** One EXPORTMI/Select call: header line (HDRS=1) then one `REPL` line per row, split on the separator. */
async function exportSelect(
  context: HookContext,
  table: Table,
  conditions: string[],
  maxrecs: number,
  signal: AbortSignal | undefined,
): Promise<Array<Record<string, string>>> {
  const separator = String(context.settings.m3Separator ?? ';');
  const where = conditions.length > 0 ? ` where ${conditions.join(' and ')}` : '';
  const query = `* from ${table.table}${where} order by ${table.keys.join(',')}`;
  const result = await m3Execute(
    context,
    'EXPORTMI',
    'Select',
    { QERY: query, SEPC: separator, HDRS: '1' },
    { maxrecs: maxrecs + 1, signal },
  );
  const lines = result.records.map((record) => record.REPL ?? '');
  if (lines.length === 0) return [];
  const header = lines[0]!.split(separator).map((name) => name.trim());
  if (!header.includes(table.keys[0]!)) {
    throw new AppError(
      'E_REMOTE',
      `M3 EXPORTMI on ${table.table} returned no ${table.keys[0]} column; check the entity's table setting.`,
    );
  }
  return lines.slice(1).map((line) => {
    const values = line.split(separator);
    return Object.fromEntries(header.map((name, index) => [name, values[index] ?? '']));
  });
}

/** Strips the two-letter table prefix (`OKCUNO` → `CUNO`), trims padding, turns dates into ISO. */
export function normalizeM3(
  source: M3Source,
  row: Record<string, string>,
  lines?: Array<Record<string, string>>,
): SourceRecord {
  const data = m3Data(row);
  if (lines) data.lines = lines.map((line) => m3Data(line));
  const stampText =
    (source.stamp && row[source.stamp]?.trim()) || (source.changeDate && row[source.changeDate]?.trim()) || '';
  return {
    key: source.keys.map((key) => (row[key] ?? '').trimEnd()).join('/'),
    stamp: (stampText && parseInforStamp(stampText)) || '',
    data,
    raw: lines ? { ...row, lines } : row,
  };
}

function m3Data(row: Record<string, string>): JsonObject {
  const out: JsonObject = {};
  for (const [column, value] of Object.entries(row)) {
    const name = /^[A-Z0-9]{2}[A-Z0-9]{4}$/.test(column) ? column.slice(2) : column;
    const text = value.trimEnd();
    let normalized: JsonValue = text;
    if (/(DT|DAT)$/.test(name) && /^\d{8}$/.test(text)) normalized = parseInforDate(text) ?? text;
    else if (/TS$/.test(name) && /^\d{17}$/.test(text)) normalized = parseInforStamp(text) ?? text;
    out[name] = normalized;
  }
  return out;
}
