import { AppError } from '../../../../shared/errors';
import type { HookContext } from '../framework/hooks';
import { m3Execute } from './m3-api';
import {
  chunkColumns,
  compareTuples,
  exportColumns,
  keyWindows,
  queryLength,
  replLength,
  splitLine,
  stripPrefix,
  windowWhere,
  type ExportColumn,
} from './m3-export';
import { detectM3StampForm, type M3StampForm } from './infor-formats';
import { kindsOf, type M3Kinds } from './m3-values';

/*
 * The EXPORTMI table machinery the readers share: column chunks within a REPL line, key windows,
 * one SELECT with its separator fallback, and rows joined back by key.
 */

/** Rows sampled to recognise the LMTS form when a delta read comes before any full read. */
export const stampSample = 50;

export interface TableRead {
  table: string;
  keys: ExportColumn[];
  /** Keys plus the stamp and change date: the narrow chunk that shapes the windows. */
  keyChunk: ExportColumn[];
  /** The other columns, in chunks that fit a REPL line (keys first in each). */
  dataChunks: ExportColumn[][];
  /** The company column every row must hold when the settings choose a company; `keep` = it was asked for. */
  company?: { column: string; expected: string; keep: boolean };
  /** What each column's values become (numbers, dates, text), as the schema says. */
  kinds: M3Kinds;
}

/** One read's separator choice and call count. */
export interface ReadState {
  separators: string[];
  calls: number;
  signal?: AbortSignal;
}

export function quoteFor(column: ExportColumn, value: string): string {
  const text = value.trim();
  return column.type !== 'A' && /^-?\d+(\.\d+)?$/.test(text) ? text : `'${text.replace(/'/g, "''")}'`;
}

export function sampleOf(rows: Array<Record<string, string>>, stamp: ExportColumn, date?: ExportColumn) {
  return rows.map((row) => ({ stamp: row[stamp.name] ?? '', date: date ? (row[date.name] ?? '') : '' }));
}

export async function sampleStampForm(
  context: HookContext,
  head: TableRead,
  stamp: ExportColumn,
  date: ExportColumn | undefined,
  state: ReadState,
): Promise<M3StampForm | null> {
  if (!date) return null;
  const rows = await select(context, head.table, [...head.keys, stamp, date], undefined, stampSample, state);
  return detectM3StampForm(sampleOf(rows, stamp, date)) ?? null;
}

export async function tableRead(
  context: HookContext,
  table: string,
  keyNames: string[],
  wanted: string[],
  extras: string[],
  signal: AbortSignal | undefined,
  company?: unknown,
  fields?: readonly string[],
): Promise<TableRead> {
  const all = await exportColumns(context, table, signal);
  const byName = new Map(all.map((column) => [column.name, column]));
  const pick = (name: string) => {
    const column = byName.get(name);
    if (!column) throw new AppError('E_INVALID_INPUT', `M3 table ${table} has no column ${name} (EXPORTMI/LstFields).`);
    return column;
  };
  const keys = keyNames.map(pick);
  const chosen = wanted.length > 0 ? [...new Set([...keyNames, ...wanted, ...extras])].map(pick) : all;
  // A `fields` hint (by unprefixed name, as records carry them) narrows the read; keys always stay.
  const hinted = fields ? new Set(fields) : undefined;
  const columns = hinted
    ? chosen.filter((column) => keyNames.includes(column.name) || hinted.has(stripPrefix(column.name)))
    : chosen;
  // EXPORTMI reads the session's company; whether `;cono=` sets it is unconfirmed (U9). With a
  // company chosen, every row's CONO is checked, so another company's rows are never taken for it.
  const expected = String(company ?? '').trim();
  const conoName = `${keyNames[0]!.slice(0, 2)}CONO`;
  const cono = expected ? byName.get(conoName) : undefined;
  const keyExtras = [...extras, ...(cono ? [conoName] : [])];
  let keyChunk = [...keys, ...[...new Set(keyExtras)].filter((name) => !keyNames.includes(name)).map(pick)];
  // The window conditions share the QERY with the column list: leave them room.
  const listBudget = queryLength - 60 - 2 * windowLength(keys);
  const rest = columns.filter((column) => !keyChunk.some((chosen) => chosen.name === column.name));
  let dataChunks = rest.length > 0 ? chunkColumns([...keys, ...rest], keyNames, { listBudget }) : [];
  // Few columns (a read narrowed to a mapping's fields) fit the window's own line: one call a window, not two.
  if (dataChunks.length === 1 && chunkColumns([...keyChunk, ...rest], keyNames, { listBudget }).length === 1) {
    keyChunk = [...keyChunk, ...rest];
    dataChunks = [];
  }
  return {
    table,
    keys,
    keyChunk,
    dataChunks,
    kinds: kindsOf([...keyChunk, ...columns]),
    company: cono
      ? { column: conoName, expected, keep: columns.some((column) => column.name === conoName) }
      : undefined,
  };
}

/**
 * With a company chosen, refuses EXPORTMI rows of another company (a tenant whose EXPORTMI reads
 * only the user's default company, API-FACTS §10) rather than taking them for the chosen one's; the
 * CONO column is dropped again when the read did not ask for it.
 */
export function checkCompany(read: Pick<TableRead, 'table' | 'company'>, rows: Array<Record<string, string>>): void {
  const company = read.company;
  if (!company) return;
  for (const row of rows) {
    const found = (row[company.column] ?? '').trim();
    if (Number(found) !== Number(company.expected))
      throw new AppError(
        'E_REMOTE',
        `M3 EXPORTMI returned ${read.table} rows of company ${found || '(none)'}, not ${company.expected}: this tenant reads EXPORTMI only in the user's default company. Make ${company.expected} the service account's default company in M3, or leave the company setting empty.`,
        { table: read.table, company: company.expected, found },
      );
    if (!company.keep) delete row[company.column];
  }
}

/** The unprefixed names a read's rows carry (sorted), for `SourceRecord.fields`. */
export function fieldsRead(read: TableRead, more: string[] = []): string[] {
  const names = new Set(more);
  for (const column of [...read.keyChunk, ...read.dataChunks.flat()])
    if (read.company?.keep !== false || column.name !== read.company.column) names.add(stripPrefix(column.name));
  return [...names].sort();
}

/** An upper bound of one side of a window condition's length, for the QERY budget. */
function windowLength(keys: ExportColumn[]): number {
  const term = (column: ExportColumn) => column.name.length + 4 + Math.max(column.length, 1) + 2;
  let total = 0;
  keys.forEach((_key, depth) => {
    total += keys.slice(0, depth + 1).reduce((sum, column) => sum + term(column) + 5, 0) + 6;
  });
  return total + term(keys[0]!) + 5;
}

/**
 * Every row of a table (matching `base`) once, as prefixed column → value maps, one window at a
 * time. Each window is shaped by the narrow key chunk; the other chunks are then read for the same
 * key range and joined by key. A key a chunk lacks (a row deleted meanwhile) is read once more, then
 * reported; rows a chunk adds (inserted meanwhile) wait for the next run.
 */
export async function* readTable(
  context: HookContext,
  read: TableRead,
  base: string[],
  max: number,
  state: ReadState,
): AsyncGenerator<Array<Record<string, string>>> {
  const keyText = (values: Record<string, string>) => read.keys.map((key) => (values[key.name] ?? '').trim()).join('/');
  const where = (lo?: string[], hi?: string[]) => {
    const parts = [...base.filter(Boolean)];
    const window = windowWhere(read.keys, lo, hi);
    if (window) parts.push(window);
    return parts.length > 0 ? parts.join(' and ') : undefined;
  };
  const windows = keyWindows(
    (lo, hi, size) => select(context, read.table, read.keyChunk, where(lo, hi), size, state),
    (row) => read.keys.map((key) => row[key.name] ?? ''),
    (left, right) => compareTuples(read.keys, left, right),
    max,
  );
  for await (const window of windows) {
    checkCompany(read, window.rows);
    // One chunk (a narrowed read): the window's rows are the records, nothing to join.
    if (read.dataChunks.length === 0) {
      yield window.rows;
      continue;
    }
    const rows = new Map(window.rows.map((row) => [keyText(row), { ...row }]));
    for (const chunk of read.dataChunks) {
      let found = await chunkRows(context, read, chunk, where(window.lo, window.hi), max, state, keyText);
      let missing = [...rows.keys()].filter((key) => !found.has(key));
      if (missing.length > 0) {
        found = await chunkRows(context, read, chunk, where(window.lo, window.hi), max, state, keyText);
        missing = [...rows.keys()].filter((key) => !found.has(key));
      }
      if (missing.length > 0)
        throw new AppError(
          'E_INFOR_M3_ROW_CHANGED',
          `M3 ${read.table} row ${missing[0]} disappeared between two reads of its columns (changed or deleted during the read); run the sync again.`,
          { table: read.table, keys: missing },
        );
      for (const [key, row] of rows) Object.assign(row, found.get(key));
    }
    yield [...rows.values()];
  }
}

async function chunkRows(
  context: HookContext,
  read: TableRead,
  chunk: ExportColumn[],
  where: string | undefined,
  max: number,
  state: ReadState,
  keyText: (values: Record<string, string>) => string,
): Promise<Map<string, Record<string, string>>> {
  const rows = await select(context, read.table, chunk, where, max, state);
  return new Map(rows.map((row) => [keyText(row), row]));
}

/**
 * One EXPORTMI/Select of explicit columns (no header line), each line split into exactly as many
 * values as columns. When a line does not split, the call is repeated with the next separator; when
 * none splits it, the read fails naming the record, as far as its key can be read.
 */
export async function select(
  context: HookContext,
  table: string,
  columns: ExportColumn[],
  where: string | undefined,
  maxrecs: number,
  state: ReadState,
): Promise<Array<Record<string, string>>> {
  const query = `${columns.map((column) => column.name).join(',')} from ${table}${where ? ` where ${where}` : ''}`;
  let failed: { line: string; separator: string } | undefined;
  for (const separator of state.separators) {
    state.signal?.throwIfAborted();
    const result = await m3Execute(
      context,
      'EXPORTMI',
      'Select',
      { QERY: query, SEPC: separator, HDRS: '0' },
      { maxrecs, signal: state.signal },
    );
    state.calls += 1;
    const lines = result.records.map((record) => record.REPL ?? '');
    const rows: Array<Record<string, string>> = [];
    failed = undefined;
    for (const line of lines) {
      // REPL comes right-padded to its 984 unless trimmed: a line that fills it was cut.
      const text = line.trimEnd();
      const values = splitLine(text, separator, columns.length);
      if (!values) {
        if (text.length >= replLength)
          throw new AppError(
            'E_INFOR_M3_ROW_CUT',
            `M3 ${table} returned a line of ${text.length} characters: EXPORTMI cut it at ${replLength}. Read fewer columns.`,
            { table, line },
          );
        failed = { line, separator };
        break;
      }
      const row: Record<string, string> = {};
      for (let index = 0; index < columns.length; index += 1) row[columns[index]!.name] = values[index]!.trim();
      rows.push(row);
    }
    if (!failed) {
      // Start the next call with the separator that worked.
      state.separators = [separator, ...state.separators.filter((other) => other !== separator)];
      return rows;
    }
  }
  const line = failed!.line;
  // Keys lead every chunk; name the record by what precedes the first separator-bearing value.
  const lead = line.split(failed!.separator).slice(0, 1).join('').trim();
  throw new AppError(
    'E_INFOR_M3_AMBIGUOUS_ROW',
    `M3 ${table} record ${lead || '(unknown key)'} cannot be split unambiguously: a value contains the separator (${state.separators.join(' ')} tried) and EXPORTMI does not quote values. Choose another separator (m3Separator) or leave the column out.`,
    { table, record: lead, line, separators: state.separators },
  );
}
