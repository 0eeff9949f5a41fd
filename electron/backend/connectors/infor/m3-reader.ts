import { AppError } from '../../../../shared/errors';
import type { JsonObject, JsonValue, ReadOptions, ReadPage, SourceRecord } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { m3Execute } from './m3-api';
import {
  chunkColumns,
  compareTuples,
  exportColumns,
  keyWindows,
  rowsPerCall,
  queryLength,
  replLength,
  m3ValueKind,
  separatorCandidates,
  splitLine,
  stripPrefix,
  windowWhere,
  type ExportColumn,
} from './m3-export';
import {
  detectM3StampForm,
  parseInforDate,
  parseInforStamp,
  parseM3Stamp,
  toM3Date,
  toM3Stamp,
  type M3StampForm,
} from './infor-formats';
import type { M3Source } from './infor-sources';

/** Rows sampled to recognise the LMTS form when a delta read comes before any full read. */
const stampSample = 50;

/** What a connector remembers between reads: each table's LMTS form once recognised (`null`: none fits). */
export type M3StampForms = Map<string, M3StampForm | null>;

interface TableRead {
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

/**
 * Reads an M3 table through EXPORTMI in key windows (see `m3-export.ts`): explicit column chunks that
 * fit 984 characters, joined by key; every line's value count checked; no `order by`. Incremental
 * reads filter on the stamp in the form the data shows, else on the change date with a look-back,
 * and say so in the page's warnings when the stamp is not used.
 */
export async function* readM3(
  context: HookContext,
  entity: string,
  source: M3Source,
  options: ReadOptions,
  stampForms: M3StampForms = new Map(),
): AsyncIterable<ReadPage> {
  if (source.mode === 'list') {
    yield* readM3List(context, entity, source, options, stampForms);
    return;
  }
  const pageSize = Math.max(2, options.pageSize ?? 1000);
  const configured = String(context.settings.m3Separator ?? '').trim();
  const state: ReadState = {
    // A separator the user chose is the only one used; otherwise rare characters are tried in turn.
    separators: configured ? [configured] : [...separatorCandidates],
    calls: 0,
    signal: options.signal,
  };
  const extras = [source.stamp, source.changeDate].filter((name): name is string => Boolean(name));
  const head = await tableRead(
    context,
    source.table,
    source.keys,
    source.columns,
    extras,
    options.signal,
    context.settings.m3Company,
  );
  state.calls += 1;
  const warnings: string[] = [];
  const base: string[] = [];
  let form = stampForms.get(source.table);
  const stampColumn = source.stamp ? head.keyChunk.find((column) => column.name === source.stamp) : undefined;
  const dateColumn = source.changeDate ? head.keyChunk.find((column) => column.name === source.changeDate) : undefined;
  if (options.since) {
    if (stampColumn && form === undefined) {
      form = await sampleStampForm(context, head, stampColumn, dateColumn, state);
      stampForms.set(source.table, form);
    }
    if (stampColumn && form) {
      base.push(`${stampColumn.name} >= ${toM3Stamp(options.since, form)}`);
    } else if (dateColumn) {
      const days = lookbackDays(context.settings.m3LookbackDays);
      const from = toM3Date(new Date(Date.parse(options.since) - days * 86_400_000).toISOString());
      base.push(`${dateColumn.name} >= ${from}`);
      warnings.push(
        `${entity}: the change stamp ${source.stamp ?? '(none)'} is in no recognised form; reading records changed since ${from} by ${dateColumn.name} (${days}-day look-back) instead.`,
      );
    } else {
      warnings.push(
        `incremental sync not engaged for ${entity}: ${source.table} has no recognised change stamp or change date; every run reads all records.`,
      );
    }
  }
  let first = true;
  const page = async (window: Array<Record<string, string>>): Promise<ReadPage> => {
    if (stampColumn && form === undefined) {
      form = detectM3StampForm(sampleOf(window, stampColumn, dateColumn)) ?? null;
      stampForms.set(source.table, form);
    }
    const linesByParent = new Map<string, Array<Record<string, string>>>();
    let lineKinds: M3Kinds | undefined;
    if (source.lines && window.length > 0) {
      const lines = source.lines;
      const lineRead = await tableRead(
        context,
        lines.table,
        lines.keys,
        lines.columns,
        [],
        options.signal,
        context.settings.m3Company,
      );
      lineKinds = lineRead.kinds;
      const link = lineRead.keys.find((column) => column.name === lines.link) ?? lineRead.keyChunk[0]!;
      const parentKey = source.keys[0]!;
      const parents = window.map((row) => row[parentKey] ?? '');
      const range = [
        `${link.name} >= ${quoteFor(link, parents[0]!)}`,
        `${link.name} <= ${quoteFor(link, parents[parents.length - 1]!)}`,
      ];
      // Lines in windows as large as a call may be (one usually covers a whole page of heads).
      for await (const lineRows of readTable(context, lineRead, range, rowsPerCall(context.settings), state)) {
        for (const row of lineRows) {
          const parent = (row[lines.link] ?? '').trim();
          if (!linesByParent.has(parent)) linesByParent.set(parent, []);
          linesByParent.get(parent)!.push(row);
        }
      }
    }
    const records = window.map((row) =>
      normalizeM3(
        source,
        row,
        form ?? undefined,
        head.kinds,
        source.lines && lineKinds
          ? { rows: linesByParent.get((row[source.keys[0]!] ?? '').trim()) ?? [], kinds: lineKinds }
          : undefined,
      ),
    );
    const done: ReadPage = { records, calls: state.calls };
    if (first && warnings.length > 0) done.warnings = warnings;
    first = false;
    state.calls = 0;
    return done;
  };
  // Windows hold at most pageSize rows (maxrecs pageSize + 1: a short answer is a whole window);
  // consecutive windows, in key order, are cut into pages of pageSize.
  const buffer: Array<Record<string, string>> = [];
  for await (const window of readTable(
    context,
    head,
    base,
    Math.min(pageSize + 1, rowsPerCall(context.settings)),
    state,
  )) {
    buffer.push(...window);
    while (buffer.length >= pageSize) yield await page(buffer.splice(0, pageSize));
  }
  if (buffer.length > 0 || (first && warnings.length > 0)) yield await page(buffer);
}

/**
 * List mode: the documented MI list (`CRS610MI/LstByNumber`) paged from an inclusive start key
 * (the repeated first row dropped by key; a short page ends it), with its changed-since input
 * (`LMTS`) in the stamp form the table shows. List rows carry no change stamp, so each page's stamps
 * come from one narrow EXPORTMI window over the same key range; a row changed in between is read
 * again next run.
 */
async function* readM3List(
  context: HookContext,
  entity: string,
  source: M3Source,
  options: ReadOptions,
  stampForms: M3StampForms,
): AsyncIterable<ReadPage> {
  const list = source.list;
  if (!list) throw new AppError('E_INVALID_INPUT', `entitySources.${entity}: mode "list" needs a "list" transaction.`);
  // pageSize + 1 rows per call (a full answer means "more"), never beyond a silent server cap.
  const pageSize = Math.min(Math.max(2, options.pageSize ?? 1000), rowsPerCall(context.settings) - 1);
  const state: ReadState = {
    separators: String(context.settings.m3Separator ?? '').trim()
      ? [String(context.settings.m3Separator).trim()]
      : [...separatorCandidates],
    calls: 0,
    signal: options.signal,
  };
  const extras = [source.stamp, source.changeDate].filter((name): name is string => Boolean(name));
  const head = await tableRead(context, source.table, source.keys, source.keys, extras, options.signal);
  state.calls += 1;
  const stampColumn = source.stamp ? head.keyChunk.find((column) => column.name === source.stamp) : undefined;
  const dateColumn = source.changeDate ? head.keyChunk.find((column) => column.name === source.changeDate) : undefined;
  let form = stampForms.get(source.table);
  if (stampColumn && form === undefined) {
    form = await sampleStampForm(context, head, stampColumn, dateColumn, state);
    stampForms.set(source.table, form);
  }
  const outputKinds = await listKinds(context, list.program, list.transaction, state);
  const input: Record<string, string> = { ...list.fixedInputs };
  const warnings: string[] = [];
  const probeBase: string[] = [];
  if (options.since) {
    if (form && stampColumn && list.stampInput) {
      // A second early: the input's meaning (>= or >) is unconfirmed (U2); the stamp window below decides.
      input[list.stampInput] = toM3Stamp(new Date(Date.parse(options.since) - 1000).toISOString(), form);
      probeBase.push(`${stampColumn.name} >= ${input[list.stampInput]}`);
    } else {
      warnings.push(
        `incremental sync not engaged for ${entity}: ${list.program}/${list.transaction} filters by ${list.stampInput ?? 'no stamp'}, whose form ${source.table} does not show; every run reads all records.`,
      );
    }
  }
  const keyColumn = head.keys[0]!;
  let ignoredNoted = false;
  let reported = 0;
  let start = '';
  let previous: string | undefined;
  for (;;) {
    const result = await m3Execute(
      context,
      list.program,
      list.transaction,
      { ...input, ...(start ? { [list.start]: start } : {}) },
      { maxrecs: pageSize + 1, signal: options.signal },
    );
    state.calls += 1;
    const all = result.records.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v.trim()])));
    const full = all.length >= pageSize + 1;
    if (full && all[0]![list.key] === all[all.length - 1]![list.key])
      throw new AppError(
        'E_INFOR_M3_NONUNIQUE_KEY',
        `M3 ${list.program}/${list.transaction} returned a whole page for ${list.key} ${all[0]![list.key]}: the list cannot be paged by it.`,
      );
    const rows = all.filter((row) => previous === undefined || row[list.key] !== previous);
    let stamps = new Map<string, Record<string, string>>();
    if (rows.length > 0 && (stampColumn || dateColumn)) {
      const range = [
        ...probeBase,
        `${keyColumn.name} >= ${quoteFor(keyColumn, rows[0]![list.key] ?? '')}`,
        `${keyColumn.name} <= ${quoteFor(keyColumn, rows[rows.length - 1]![list.key] ?? '')}`,
      ];
      const found = await select(
        context,
        source.table,
        head.keyChunk,
        range.join(' and '),
        Math.min(pageSize + 2, rowsPerCall(context.settings)),
        state,
      );
      stamps = new Map(found.map((row) => [(row[keyColumn.name] ?? '').trim(), row]));
    }
    // A delta read keeps what the stamp window shows changed: a tenant that ignores the list's LMTS
    // input lists everything, and that is said once rather than synced again.
    const changed = probeBase.length > 0 ? rows.filter((row) => stamps.has(row[list.key] ?? '')) : rows;
    if (changed.length < rows.length && !ignoredNoted) {
      ignoredNoted = true;
      warnings.push(
        `${entity}: ${list.program}/${list.transaction} returned records not changed since ${options.since} (its ${list.stampInput} input is not applied on this tenant); they are left out, but every run lists all records. Table mode reads only the changed ones.`,
      );
    }
    const records = changed.map((row) => {
      const key = row[list.key] ?? '';
      const stamped = { ...(stamps.get(key) ?? {}) };
      const record = normalizeM3(source, { ...stamped }, form ?? undefined, head.kinds);
      return {
        key,
        stamp: record.stamp,
        data: m3Data(row, form ?? undefined, outputKinds, key),
        raw: row,
      } satisfies SourceRecord;
    });
    const page: ReadPage = { records, calls: state.calls };
    if (warnings.length > reported) page.warnings = warnings.slice(reported);
    reported = warnings.length;
    state.calls = 0;
    if (records.length > 0 || page.warnings) yield page;
    if (!full) return;
    previous = all[all.length - 1]![list.key];
    start = previous ?? '';
  }
}

function lookbackDays(value: unknown): number {
  const days = Number(value ?? 1);
  return Number.isFinite(days) && days >= 0 ? days : 1;
}

function quoteFor(column: ExportColumn, value: string): string {
  const text = value.trim();
  return column.type !== 'A' && /^-?\d+(\.\d+)?$/.test(text) ? text : `'${text.replace(/'/g, "''")}'`;
}

function sampleOf(rows: Array<Record<string, string>>, stamp: ExportColumn, date?: ExportColumn) {
  return rows.map((row) => ({ stamp: row[stamp.name] ?? '', date: date ? (row[date.name] ?? '') : '' }));
}

async function sampleStampForm(
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

async function tableRead(
  context: HookContext,
  table: string,
  keyNames: string[],
  wanted: string[],
  extras: string[],
  signal: AbortSignal | undefined,
  company?: unknown,
): Promise<TableRead> {
  const all = await exportColumns(context, table, signal);
  const byName = new Map(all.map((column) => [column.name, column]));
  const pick = (name: string) => {
    const column = byName.get(name);
    if (!column) throw new AppError('E_INVALID_INPUT', `M3 table ${table} has no column ${name} (EXPORTMI/LstFields).`);
    return column;
  };
  const keys = keyNames.map(pick);
  const columns = wanted.length > 0 ? [...new Set([...keyNames, ...wanted, ...extras])].map(pick) : all;
  // EXPORTMI reads the session's company; whether `;cono=` sets it is unconfirmed (U9). With a
  // company chosen, every row's CONO is checked, so another company's rows are never taken for it.
  const expected = String(company ?? '').trim();
  const conoName = `${keyNames[0]!.slice(0, 2)}CONO`;
  const cono = expected ? byName.get(conoName) : undefined;
  const keyExtras = [...extras, ...(cono ? [conoName] : [])];
  const keyChunk = [...keys, ...[...new Set(keyExtras)].filter((name) => !keyNames.includes(name)).map(pick)];
  // The window conditions share the QERY with the column list: leave them room.
  const listBudget = queryLength - 60 - 2 * windowLength(keys);
  const rest = columns.filter((column) => !keyChunk.some((chosen) => chosen.name === column.name));
  const dataChunks = rest.length > 0 ? chunkColumns([...keys, ...rest], keyNames, { listBudget }) : [];
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
async function* readTable(
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
    const company = read.company;
    if (company) {
      for (const row of window.rows) {
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
      rows.push(Object.fromEntries(columns.map((column, index) => [column.name, values[index]!.trim()])));
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

/** Strips the two-letter table prefix (`OKCUNO` → `CUNO`), trims padding, turns dates and stamps into ISO. */
export function normalizeM3(
  source: M3Source,
  row: Record<string, string>,
  form: M3StampForm | undefined,
  kinds: M3Kinds,
  lines?: { rows: Array<Record<string, string>>; kinds: M3Kinds },
): SourceRecord {
  const record = source.keys.map((key) => (row[key] ?? '').trim()).join('/');
  const data = m3Data(row, form, kinds, record);
  if (lines) data.lines = lines.rows.map((line) => m3Data(line, form, lines.kinds, record));
  const stampText = (source.stamp && row[source.stamp]?.trim()) || '';
  const dateText = (source.changeDate && row[source.changeDate]?.trim()) || '';
  const stamp = (form && stampText && parseM3Stamp(stampText, form)) || (dateText && parseInforStamp(dateText)) || '';
  return {
    key: record,
    stamp: stamp === '0' ? '' : stamp,
    data,
    raw: lines ? { ...row, lines: lines.rows } : row,
  };
}

/** A list transaction's outputs as MRS001MI describes them (as the list-mode schema does), so numbers read as numbers. */
async function listKinds(
  context: HookContext,
  program: string,
  transaction: string,
  state: ReadState,
): Promise<M3Kinds> {
  const result = await m3Execute(
    context,
    'MRS001MI',
    'LstFields',
    { MINM: program, TRNM: transaction, TRTP: 'O' },
    { maxrecs: 0, signal: state.signal },
  );
  state.calls += 1;
  return kindsOf(
    result.records.map((row) => ({
      name: (row.FLNM ?? '').trim(),
      type: (row.TYPE ?? '').trim() === 'N' ? ('N' as const) : ('A' as const),
      length: Number((row.LENG ?? '').trim()) || 0,
    })),
  );
}

/** Each column's value kind (`m3ValueKind`), by the name the row carries it under. */
export type M3Kinds = ReadonlyMap<string, ReturnType<typeof m3ValueKind>>;

export function kindsOf(columns: Array<Pick<ExportColumn, 'name' | 'type' | 'length'>>): M3Kinds {
  return new Map(columns.map((column) => [column.name, m3ValueKind(column)]));
}

function m3Data(
  row: Record<string, string>,
  form: M3StampForm | undefined,
  kinds: M3Kinds,
  record: string,
): JsonObject {
  const out: JsonObject = {};
  for (const [column, value] of Object.entries(row)) {
    const name = stripPrefix(column);
    const text = value.trim();
    const kind = kinds.get(column);
    let normalized: JsonValue = text;
    if (name === 'LMTS' && form) normalized = parseM3Stamp(text, form) ?? text;
    else if (kind === 'number') normalized = m3Number(text, column, record);
    else if ((kind === 'date' || (!kind && /(DT|DAT)$/.test(name))) && /^\d{8}$/.test(text))
      normalized = parseInforDate(text) ?? text;
    out[name] = normalized;
  }
  return out;
}

/** An N value as the number the schema promises; text that is no number names the record, never passes as text. */
function m3Number(text: string, column: string, record: string): number | null {
  if (text === '') return null;
  // M3 may print a negative number with a trailing minus (`12.50-`).
  const trailing = /^(\d+(?:\.\d+)?)-$/.exec(text);
  const number = trailing ? -Number(trailing[1]) : /^[+-]?\d+(?:\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(number))
    throw new AppError(
      'E_INFOR_M3_BAD_NUMBER',
      `M3 record ${record || '(unknown key)'}: ${column} is numeric but holds "${text}".`,
      { record, column },
    );
  return number;
}
