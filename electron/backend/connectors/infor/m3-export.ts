import { AppError } from '../../../../shared/errors';
import type { HookContext } from '../framework/hooks';
import { m3Execute } from './m3-api';

/**
 * Reading an M3 table through EXPORTMI without ever shifting a value (issue 14):
 *
 * - `REPL` is A984 (M3H5 EXPORTMI/SelectResponse): a line longer than 984 characters is cut. Columns
 *   are therefore asked for explicitly, in chunks whose widest possible line fits, with the key
 *   columns in every chunk; the chunks of one window are joined by key.
 * - Select joins values with SEPC and never quotes (EXPORTMI documentation): every line is split and
 *   its value count checked against the columns asked for. A line that does not split into exactly
 *   that many values is read again with another separator; when no separator splits it, the read
 *   fails naming the record (never a shifted record).
 * - `order by` is undocumented: reads never depend on row order. A window is a key range
 *   `lo <= key < hi`; a result shorter than `maxrecs` is the whole window, a full one is split at the
 *   median key of what came back and both halves are read again.
 */
export interface ExportColumn {
  /** Prefixed name (`OKCUNO`). */
  name: string;
  type: 'A' | 'N' | 'D';
  length: number;
  decimals: number;
  /** M3's short description (`FLDS`, A15), the analyst's label: "Payment terms" says more than TEPY. */
  description?: string;
}

/** REPL length (M3H5 `EXPORTMI/SelectResponse`: REPL A984). */
export const replLength = 984;
/** Longest QERY sent. The field's length is unpublished; the sandbox and this budget assume 1000. */
export const queryLength = 1000;
/**
 * The most rows one call asks for. A tenant may cap maxrecs silently (unconfirmed; 10,000 is the
 * figure documented for CMS100MI), and a short answer is taken as a whole window: never ask for
 * more than a cap could return.
 */
export const maxRowsPerCall = 10_000;
/**
 * The most rows one call of this connection asks for: `maxRowsPerCall`, or less when the tenant check
 * found a lower server cap (`m3MaxRecs`), since a capped answer would otherwise pass for a whole window.
 */
export function rowsPerCall(settings: Record<string, unknown>): number {
  const cap = Number(settings.m3MaxRecs ?? '');
  return Number.isInteger(cap) && cap >= 3 && cap < maxRowsPerCall ? cap : maxRowsPerCall;
}
/** Separators tried in turn when a line does not split (rare characters first; `;` last, as M3 text holds it). */
export const separatorCandidates = ['~', '^', '|', ';'] as const;

const columnCache = new WeakMap<object, Map<string, ExportColumn[]>>();

/** A table's columns from `EXPORTMI/LstFields` (FLDN, FLTY, FLLE, FLDP), cached per connection settings. */
export async function exportColumns(
  context: HookContext,
  table: string,
  signal?: AbortSignal,
): Promise<ExportColumn[]> {
  let cache = columnCache.get(context.settings);
  if (!cache) columnCache.set(context.settings, (cache = new Map()));
  const cached = cache.get(table);
  if (cached) return cached;
  const result = await m3Execute(context, 'EXPORTMI', 'LstFields', { FILE: table }, { maxrecs: 0, signal });
  const columns = result.records.map((row) => {
    const type = (row.FLTY ?? '').trim().toUpperCase();
    return {
      name: (row.FLDN ?? '').trim(),
      type: type === 'N' || type === 'D' ? type : 'A',
      length: Number((row.FLLE ?? '').trim()) || 0,
      decimals: Number((row.FLDP ?? '').trim()) || 0,
      description: (row.FLDS ?? '').trim(),
    } satisfies ExportColumn;
  });
  if (columns.length === 0)
    throw new AppError('E_REMOTE', `M3 EXPORTMI/LstFields knows no columns for table ${table}.`);
  cache.set(table, columns);
  return columns;
}

/** Strips the two-letter table prefix (`OKCUNO` → `CUNO`). */
export const stripPrefix = (column: string) => (/^[A-Z0-9]{2}[A-Z0-9]{4}$/.test(column) ? column.slice(2) : column);

/**
 * What a column's values become in a record, so the schema and the read agree: dates (D, or N8/N10
 * named …DT/…DAT) become ISO dates; N columns a JSON number holds exactly (15 digits at most)
 * become numbers; longer N (LMTS, N18) and A columns stay text.
 */
export function m3ValueKind(column: Pick<ExportColumn, 'name' | 'type' | 'length'>): 'date' | 'number' | 'text' {
  const name = stripPrefix(column.name);
  // MRS001MI types dates N (list outputs are N10, tables N8 or D): the name tells them apart.
  if (column.type === 'D' || (column.type === 'N' && [8, 10].includes(column.length) && /(DT|DAT)$/.test(name)))
    return 'date';
  if (column.type === 'N' && column.length > 0 && column.length <= 15) return 'number';
  return 'text';
}

/** The widest text a value can take on a Select line: numbers may carry a sign and a decimal point. */
export function displayWidth(column: ExportColumn): number {
  if (column.type === 'A') return column.length;
  return column.length + 1 + (column.decimals > 0 ? 1 : 0);
}

/**
 * Chunks of columns whose widest line (values plus one separator between each) fits in 984 and whose
 * column list fits `listBudget` characters; the key columns come first in every chunk.
 */
export function chunkColumns(
  columns: ExportColumn[],
  keys: string[],
  options: { limit?: number; listBudget?: number } = {},
): ExportColumn[][] {
  const limit = options.limit ?? replLength;
  const listBudget = options.listBudget ?? queryLength;
  const byName = new Map(columns.map((column) => [column.name, column]));
  const keyColumns = keys.map((key) => {
    const column = byName.get(key);
    if (!column) throw new AppError('E_INVALID_INPUT', `M3 key column ${key} is not a column of the table.`);
    return column;
  });
  const width = (chunk: ExportColumn[]) =>
    chunk.reduce((sum, column) => sum + displayWidth(column), 0) + Math.max(0, chunk.length - 1);
  const listLength = (chunk: ExportColumn[]) => chunk.reduce((sum, column) => sum + column.name.length + 1, 0);
  if (width(keyColumns) >= limit || listLength(keyColumns) >= listBudget)
    throw new AppError('E_INVALID_INPUT', `M3 key columns ${keys.join(', ')} alone do not fit one EXPORTMI line.`);
  const chunks: ExportColumn[][] = [];
  let current = [...keyColumns];
  for (const column of columns) {
    if (keys.includes(column.name)) continue;
    const next = [...current, column];
    if (width(next) <= limit && listLength(next) <= listBudget) {
      current = next;
      continue;
    }
    if (current.length === keyColumns.length)
      throw new AppError('E_INVALID_INPUT', `M3 column ${column.name} does not fit one EXPORTMI line with the keys.`);
    chunks.push(current);
    current = [...keyColumns, column];
  }
  if (current.length > keyColumns.length || chunks.length === 0) chunks.push(current);
  return chunks;
}

/** `'text'` with quotes doubled, or a bare number for N/D columns. */
export function literal(column: ExportColumn, value: string): string {
  const text = value.trim();
  if (column.type !== 'A' && /^-?\d+(\.\d+)?$/.test(text)) return text;
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * `key tuple >= lo and key tuple < hi` in M3's query language (lower-case `and`/`or`, parentheses;
 * F9), plus a redundant range on the first key so the server can narrow by its index.
 */
export function windowWhere(keys: ExportColumn[], lo?: string[], hi?: string[]): string | undefined {
  const side = (tuple: string[], last: '>=' | '<', strict: '>' | '<') =>
    keys
      .map((key, depth) => {
        const equal = keys
          .slice(0, depth)
          .map((prior, index) => `${prior.name} = ${literal(prior, tuple[index] ?? '')}`);
        const op = depth === keys.length - 1 ? last : strict;
        const parts = [...equal, `${key.name} ${op} ${literal(key, tuple[depth] ?? '')}`];
        return parts.length === 1 ? parts[0]! : `(${parts.join(' and ')})`;
      })
      .join(' or ');
  const first = keys[0]!;
  const parts: string[] = [];
  if (keys.length === 1) {
    if (lo) parts.push(`${first.name} >= ${literal(first, lo[0] ?? '')}`);
    if (hi) parts.push(`${first.name} < ${literal(first, hi[0] ?? '')}`);
  } else {
    if (lo) parts.push(`${first.name} >= ${literal(first, lo[0] ?? '')}`, `(${side(lo, '>=', '>')})`);
    if (hi) parts.push(`${first.name} <= ${literal(first, hi[0] ?? '')}`, `(${side(hi, '<', '<')})`);
  }
  return parts.length > 0 ? parts.join(' and ') : undefined;
}

/** Key order as M3 compares: numbers by value, text as trimmed text. */
export function compareTuples(keys: ExportColumn[], left: string[], right: string[]): number {
  for (let index = 0; index < keys.length; index += 1) {
    const a = (left[index] ?? '').trim();
    const b = (right[index] ?? '').trim();
    const order =
      keys[index]!.type !== 'A' && /^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b)
        ? Math.sign(Number(a) - Number(b))
        : a < b
          ? -1
          : a > b
            ? 1
            : 0;
    if (order !== 0) return order;
  }
  return 0;
}

/**
 * Every row of a table exactly once, in windows of fewer than `max` rows, whatever order the server
 * answers in. `read(lo, hi, max)` returns at most `max` rows with `lo <= key < hi` (bounds optional).
 * A window is complete only when its answer is short; a full answer is split at its median key.
 * A full answer whose keys are all equal, or a complete window holding one key twice, means the key
 * is not unique: an error rather than rows silently lost.
 */
export async function* keyWindows<Row>(
  read: (lo: string[] | undefined, hi: string[] | undefined, max: number) => Promise<Row[]>,
  keyOf: (row: Row) => string[],
  compare: (left: string[], right: string[]) => number,
  max: number,
  describe: (key: string[]) => string = (key) => key.join('/'),
): AsyncGenerator<{ rows: Row[]; lo?: string[]; hi?: string[] }> {
  if (max < 2) throw new AppError('E_INVALID_INPUT', 'An M3 window needs room for at least two rows.');
  // A window is first split just below the largest key that came back: when the server answers in key
  // order (the usual physical order) the lower part is then complete at once. Should that lower part
  // come back full again, the server is not answering in key order and it is split at its median.
  const pending: Array<{ lo?: string[]; hi?: string[]; split: 'largest' | 'median' }> = [{ split: 'largest' }];
  while (pending.length > 0) {
    const { lo, hi, split } = pending.pop()!;
    const rows = await read(lo, hi, max);
    const keyed = rows.map((row) => ({ row, key: keyOf(row) })).sort((a, b) => compare(a.key, b.key));
    if (rows.length < max) {
      for (let index = 1; index < keyed.length; index += 1) {
        if (compare(keyed[index - 1]!.key, keyed[index]!.key) === 0) throw nonUnique(describe(keyed[index]!.key));
      }
      if (keyed.length > 0) yield { rows: keyed.map((entry) => entry.row), lo, hi };
      continue;
    }
    const smallest = keyed[0]!.key;
    const largest = keyed[keyed.length - 1]!.key;
    if (compare(smallest, largest) === 0) throw nonUnique(describe(largest));
    let middle = split === 'largest' ? largest : keyed[Math.floor(keyed.length / 2)]!.key;
    if (compare(middle, smallest) <= 0) middle = keyed.find((entry) => compare(entry.key, smallest) > 0)!.key;
    // Lower part first, so windows come out in key order. Each part lacks at least one row this one has.
    pending.push({ lo: middle, hi, split: 'largest' }, { lo, hi: middle, split: 'median' });
  }
}

function nonUnique(key: string): AppError {
  return new AppError(
    'E_INFOR_M3_NONUNIQUE_KEY',
    `M3 returned more rows for key ${key} than a window holds: the entity's key columns do not identify a row. Add the missing key columns in entitySources.`,
    { key },
  );
}

/** Values of one Select line, or undefined when it does not split into exactly `count` values. */
export function splitLine(line: string, separator: string, count: number): string[] | undefined {
  const values = line.split(separator);
  return values.length === count ? values : undefined;
}
