import type { InforData } from '../data/records';
import type { InforBehaviour } from '../behaviour';
import { parseM3Stamp } from '../formats';
import { parseExportQuery, tableRows, type M3Where } from './m3-query';
import { m3Tables, padValue, type M3Column, type M3RowEnv, type M3Table } from './m3-tables';
import {
  catalogueHasProgram,
  cataloguePrograms,
  catalogueTransaction,
  catalogueTransactions,
  type CatalogueTransaction,
} from './m3-catalogue';
import {
  m3CustomerTemplates,
  m3SupplierTemplates,
  m3WriteSpecs,
  writeInputColumn,
  writtenColumns,
  type M3WriteSpec,
} from './m3-write';
import { purchaseInputColumn, purchaseRuns, purchaseWriteIds } from './m3-purchase-write';

/**
 * The M3 API programs the sandbox answers: exactly the transactions of the real MI catalogue
 * (`m3-catalogue.ts`), with their real input and output field lists. Transactions with data
 * behind them are implemented below; any other catalogue list answers no rows and any other Get
 * answers XRE0103, as on a tenant with nothing in those files. A transaction yields rows of
 * output fields (unpadded); the route layer pads, trims, cuts to maxrecs and shapes v1/v2 bodies.
 */
export interface M3Failure {
  type: 'ServerReturnedNOK' | 'MandatoryInputFieldNotFound' | 'InputFieldTooLong' | 'TransactionNotFound';
  code: string;
  field: string;
  message: string;
}

export interface M3Field extends M3Column {
  mandatory?: boolean;
}

/** What a call runs against: the session company's data and row text, and the tenant's behaviour. */
export interface M3Session {
  data: InforData;
  env: M3RowEnv;
  behaviour: InforBehaviour;
  /** The sandbox clock: writes stamp records with it. */
  now(): number;
}

type Run = (session: M3Session, input: Record<string, string>) => Iterable<Record<string, string>> | M3Failure;

export interface M3Transaction {
  program: string;
  name: string;
  description: string;
  inputs: M3Field[];
  outputs: M3Field[];
  /** Lists return many rows and honour maxrecs; Get returns one. */
  multi: boolean;
  /** Writes: inputs are checked for their kind (N numeric, D yyyyMMdd) as well as length. */
  write?: boolean;
  /** Rows that do not count against maxrecs (the EXPORTMI header line). */
  uncounted?(input: Record<string, string>): number;
  run: Run;
}

const nok = (code: string, field: string, message: string): M3Failure => ({
  type: 'ServerReturnedNOK',
  code,
  field,
  message,
});

const t = m3Tables as Record<
  'OCUSMA' | 'CIDMAS' | 'OOHEAD' | 'OOLINE' | 'MPHEAD' | 'MPLINE' | 'FSLEDG' | 'FCHACC',
  M3Table
>;

function rows(session: M3Session, table: M3Table, where?: M3Where): Iterable<Record<string, string>> {
  return tableRows(session.data, table, session.env, { where, order: 'key' });
}

/** Rows of one dataset record (Get*, lines of one order); XRE0103 when there is none. */
function byRecord(table: M3Table, field: string, kind: 'get' | 'lines'): Run {
  return (session, input) => {
    const value = input[field]?.trim() ?? '';
    const index = session.data.datasets[table.entity].indexOf(value);
    if (index === undefined) return nok('XRE0103', field, 'Record does not exist');
    const found = table.rows(session.data, index, session.env);
    return kind === 'get' ? found.slice(0, 1) : found;
  };
}

/** U2 (`gte`): the LMTS input keeps rows changed at or after it, in the tenant's stamp form. */
function changedSince(session: M3Session, input: Record<string, string>): (row: Record<string, string>) => boolean {
  const text = input.LMTS?.trim();
  if (!text || session.behaviour.m3LmtsInput === 'ignored') return () => true;
  const since = parseM3Stamp(text, session.env.stampForm);
  if (since === undefined) return () => false;
  const strict = session.behaviour.m3LmtsInput === 'gt';
  return (row) => {
    const stamp = parseM3Stamp(row.LMTS ?? '', session.env.stampForm) ?? -Infinity;
    return strict ? stamp > since : stamp >= since;
  };
}

function* filtered(source: Iterable<Record<string, string>>, keep: (row: Record<string, string>) => boolean) {
  for (const row of source) if (keep(row)) yield row;
}

const implemented: Record<string, Run> = {
  'CRS610MI/LstByNumber': (session, input) => {
    const start = input.CUNO?.trim();
    const op = session.behaviour.m3ListStart === 'inclusive' ? '>=' : '>';
    const where: M3Where | undefined = start ? { column: 'CUNO', op, value: start } : undefined;
    return filtered(rows(session, t.OCUSMA, where), changedSince(session, input));
  },
  'CRS610MI/GetBasicData': byRecord(t.OCUSMA, 'CUNO', 'get'),
  'CRS620MI/LstSuppliers': (session, input) => {
    const from = input.FRSU?.trim();
    const to = input.TOSU?.trim();
    const parts: M3Where[] = [];
    if (from)
      parts.push({ column: 'SUNO', op: session.behaviour.m3ListStart === 'inclusive' ? '>=' : '>', value: from });
    if (to) parts.push({ column: 'SUNO', op: '<=', value: to });
    return filtered(rows(session, t.CIDMAS, parts.length ? { and: parts } : undefined), changedSince(session, input));
  },
  'CRS620MI/LstByNumber': (session, input) =>
    rows(session, t.CIDMAS, { column: 'SUNO', op: '>=', value: input.SUNO?.trim() ?? '' }),
  'CRS620MI/GetBasicData': byRecord(t.CIDMAS, 'SUNO', 'get'),
  'OIS100MI/LstHead': (session, input) =>
    rows(session, t.OOHEAD, { column: 'CUNO', op: '=', value: input.CUNO?.trim() ?? '' }),
  'OIS100MI/GetHead': byRecord(t.OOHEAD, 'ORNO', 'get'),
  'OIS100MI/LstLine': byRecord(t.OOLINE, 'ORNO', 'lines'),
  'PPS200MI/GetHead': byRecord(t.MPHEAD, 'PUNO', 'get'),
  'PPS200MI/LstLine': byRecord(t.MPLINE, 'PUNO', 'lines'),
  'ARS200MI/LstInvoices': (session, input) =>
    rows(session, t.FSLEDG, { column: 'CUNO', op: '=', value: input.CUNO?.trim() ?? '' }),
  'CRS630MI/LstAccountID': (session, input) => {
    const parts: M3Where[] = [{ column: 'AITP', op: '=', value: input.AITP?.trim() ?? '' }];
    if (input.DIVI?.trim()) parts.push({ column: 'DIVI', op: '=', value: input.DIVI.trim() });
    if (input.AITM?.trim()) parts.push({ column: 'AITM', op: '>=', value: input.AITM.trim() });
    // Accounts in key order within the dimension (the dataset's order pairs AITP 1 and 2).
    return [...rows(session, t.FCHACC, { and: parts })].sort((a, b) => compareKeys(t.FCHACC, a, b));
  },
  'CRS610MI/LstTemplates': () =>
    Object.entries(m3CustomerTemplates).map(([CUNO, template]) => ({ CUNO, CUNM: template.name })),
  ...Object.fromEntries(Object.entries(m3WriteSpecs).map(([id, spec]) => [id, writeRun(spec)])),
  ...purchaseRuns,
  'EXPORTMI/Select': exportSelect('Select'),
  'EXPORTMI/SelectPad': exportSelect('SelectPad'),
  'EXPORTMI/LstFields': (_session, input) => {
    const table = m3Tables[input.FILE?.trim().toUpperCase() ?? ''];
    if (!table) return nok('XRE0103', 'FILE', `File ${input.FILE?.trim() ?? ''} does not exist`);
    return table.columns.map((column) => ({
      FLDN: `${table.prefix}${column.name}`,
      FLDS: column.description.slice(0, 15),
      FLTY: column.type,
      FLLE: String(column.length),
      FLDP: String(column.decimals ?? 0),
    }));
  },
  // MRS001MI/LstLogicalFiles (catalogue: input FILE; outputs FLIX, FLD1…FL16, prefixed 6-character names):
  // the table's indexes, the primary one (`00`) first with CONO leading as on every M3 table.
  'MRS001MI/LstLogicalFiles': (_session, input) => {
    const table = m3Tables[input.FILE?.trim().toUpperCase() ?? ''];
    if (!table) return nok('XRE0103', 'FILE', `File ${input.FILE?.trim() ?? ''} does not exist`);
    const keys = ['CONO', ...table.keyColumns].map((column) => `${table.prefix}${column}`);
    const row: Record<string, string> = { FLIX: '00' };
    keys.forEach((key, index) => {
      row[index < 9 ? `FLD${index + 1}` : `FL${index + 1}`] = key;
    });
    return [row];
  },
  'MRS001MI/LstPrograms': () => cataloguePrograms().map((MINM) => ({ MINM })),
  'MRS001MI/LstTransactions': (_session, input) => {
    const program = input.MINM?.trim() ?? '';
    if (!catalogueHasProgram(program)) return nok('XRE0103', 'MINM', `Program ${program} does not exist`);
    return catalogueTransactions(program).map((name) => {
      const found = findTransaction(program, name)!;
      return { MINM: program, TRNM: name, TRDS: found.description, SIMU: found.multi ? '1' : '0', STAT: '1' };
    });
  },
  'MRS001MI/LstFields': (_session, input) => {
    const transaction = findTransaction(input.MINM?.trim() ?? '', input.TRNM?.trim() ?? '');
    if (!transaction) return nok('XRE0103', 'TRNM', 'Transaction does not exist');
    const kind = (input.TRTP ?? '').trim().toUpperCase();
    if (kind !== 'I' && kind !== 'O') return nok('XVA0001', 'TRTP', 'TRTP must be I or O');
    let position = 1;
    return (kind === 'I' ? transaction.inputs : transaction.outputs).map((field) => {
      const from = position;
      position += field.length;
      return {
        MINM: transaction.program,
        TRNM: transaction.name,
        TRTP: kind,
        FLNM: field.name,
        FLDS: field.description,
        FRPO: String(from),
        TOPO: String(position - 1),
        LENG: String(field.length),
        // MRS001MI knows only A and N (API-FACTS §10): dates are N.
        TYPE: field.type === 'A' ? 'A' : 'N',
        MAND: field.mandatory ? '1' : '0',
      };
    });
  },
};

/**
 * One write (m3-write.ts): data checks after the route's input checks, then the overlay. Add and
 * CopyTemplate answer the new key (CRS610MI/Add outputs CUNO; CopyTemplate SUNO and STAT).
 */
function writeRun(spec: M3WriteSpec): Run {
  return (session, input) => {
    const key = input[spec.key]?.trim() ?? '';
    const dataset = session.data.datasets[spec.entity];
    const templates = spec.entity === 'customers' ? m3CustomerTemplates : m3SupplierTemplates;
    let base: Record<string, string> = {};
    if (spec.template) {
      const name = input[spec.template]?.trim() ?? '';
      const template = templates[name];
      if (!template)
        return nok(
          session.behaviour.m3UnknownTemplate === 'xre0103' ? 'XRE0103' : '',
          spec.template,
          `Template ${name} does not exist`,
        );
      base = template.columns;
    }
    if (spec.kind === 'change') {
      if (dataset.indexOf(key) === undefined) return nok('XRE0103', spec.key, 'Record does not exist');
      session.data.writeParty(spec.entity, key, writtenColumns(spec, input), session.now(), false);
      return [];
    }
    // CRS610MI/Add without CUNO: the next number after the highest (a number series, as M3 assigns one).
    const number = key || nextKey(dataset.key(dataset.size - 1));
    if (dataset.indexOf(number) !== undefined) return nok('XRE0104', spec.key, 'Record already exists');
    const columns = { ...base, ...writtenColumns(spec, input) };
    session.data.writeParty(spec.entity, number, columns, session.now(), true);
    return spec.kind === 'copy' ? [{ SUNO: number, STAT: columns.STAT ?? '20' }] : [{ CUNO: number, ERRM: '' }];
  };
}

function nextKey(last: string): string {
  const match = /^(.*?)(\d+)$/.exec(last);
  if (!match) return `${last}1`;
  const [, prefix = '', digits = ''] = match;
  return `${prefix}${String(Number(digits) + 1).padStart(digits.length, '0')}`;
}

function compareKeys(table: M3Table, left: Record<string, string>, right: Record<string, string>): number {
  for (const key of table.keyColumns) {
    const column = table.columns.find((candidate) => candidate.name === key);
    const a = left[key] ?? '';
    const b = right[key] ?? '';
    const order = column?.type === 'A' ? (a < b ? -1 : a > b ? 1 : 0) : Math.sign(Number(a) - Number(b));
    if (order !== 0) return order;
  }
  return 0;
}

/** EXPORTMI REPL is A984 (M3H5 EXPORTMI/SelectResponse). */
export const replLength = 984;

function exportSelect(name: 'Select' | 'SelectPad'): Run {
  return (session, input) => {
    const query = parseExportQuery(input.QERY ?? '', m3Tables, session.behaviour.m3ExportOrderBy);
    if ('error' in query) return nok('XNO0001', 'QERY', query.error);
    // SEPC blank: a flat line (SelectPad always pads); values are never quoted or escaped (EXPORTMI doc).
    const separator = input.SEPC ?? '';
    if (query.count) {
      let count = 0;
      for (const _row of tableRows(session.data, query.table, session.env, { where: query.where, order: 'physical' }))
        count += 1;
      return [{ REPL: String(count) }];
    }
    const columns = query.columns.map((column) => query.table.columns.find((candidate) => candidate.name === column));
    const format = (row: Record<string, string>) =>
      query.columns
        .map((column, position) =>
          name === 'SelectPad' || separator === ''
            ? padValue(columns[position], row[column] ?? '')
            : (row[column] ?? '').trim(),
        )
        .join(separator);
    const header = query.columns.map((column) => `${query.table.prefix}${column}`).join(separator);
    const width =
      columns.reduce((sum, column) => sum + (column?.length ?? 0), 0) + separator.length * (columns.length - 1);
    if (width > replLength && session.behaviour.m3ReplOverflow === 'nok')
      return nok('XNO0002', 'QERY', `The selected fields are longer than ${replLength} characters`);
    const orderBy = query.orderBy;
    return (function* () {
      if (input.HDRS === '1') yield { REPL: header.slice(0, replLength) };
      let found: Iterable<Record<string, string>> = tableRows(session.data, query.table, session.env, {
        where: query.where,
        order: orderBy ? 'key' : 'physical',
      });
      if (orderBy) found = [...found].sort((a, b) => compareBy(query.table, orderBy, a, b));
      // U5 default: a longer line is cut silently at 984, as the A984 REPL field holds no more.
      for (const row of found) yield { REPL: format(row).slice(0, replLength) };
    })();
  };
}

function compareBy(table: M3Table, columns: string[], left: Record<string, string>, right: Record<string, string>) {
  return compareKeys({ ...table, keyColumns: columns }, left, right);
}

function stub(entry: CatalogueTransaction): Run {
  if (/^(Lst|List|Sel|Search)/.test(entry.name)) return () => [];
  if (/^Get/.test(entry.name)) return () => nok('XRE0103', '', 'Record does not exist');
  return () => nok('XNO0001', '', `${entry.program}/${entry.name} is not available in the sandbox (read only)`);
}

const cache = new Map<string, M3Transaction | undefined>();

export function findTransaction(program: string, name: string): M3Transaction | undefined {
  const id = `${program}/${name}`;
  if (cache.has(id)) return cache.get(id);
  const entry = catalogueTransaction(program, name);
  let made: M3Transaction | undefined;
  if (entry) {
    const lengths = new Map(entry.outputs.map((field) => [field.name, field.length]));
    const writeSpec = m3WriteSpecs[id];
    const purchaseWrite = purchaseWriteIds.has(id);
    // Purchase order writes: the lengths and types of PPS200MI's Get outputs (head, then line).
    const purchaseOutput = (input: string) =>
      catalogueTransaction('PPS200MI', 'GetHead')?.outputs.find((field) => field.name === input) ??
      catalogueTransaction('PPS200MI', 'GetLine')?.outputs.find((field) => field.name === input);
    made = {
      program,
      name,
      description: entry.description,
      inputs: entry.inputs.map((input) => {
        // Writes: the column the input sets gives its type and length (the catalogue has no input lengths).
        const column = writeSpec
          ? writeInputColumn(writeSpec, input.name)
          : purchaseWrite
            ? purchaseInputColumn(input.name, purchaseOutput)
            : undefined;
        return {
          name: input.name,
          type: column?.type ?? 'A',
          length: column?.length ?? lengths.get(input.name) ?? (name === 'Select' || name === 'SelectPad' ? 1000 : 60),
          description: column?.description ?? input.name,
          mandatory: input.required,
        };
      }),
      write: writeSpec !== undefined || purchaseWrite,
      outputs: entry.outputs,
      multi: program === 'EXPORTMI' || /^(Lst|List|Sel|Search)/.test(name),
      uncounted: program === 'EXPORTMI' ? (input) => (input.HDRS === '1' ? 1 : 0) : undefined,
      run: implemented[id] ?? stub(entry),
    };
  }
  cache.set(id, made);
  return made;
}

export function isProgram(program: string): boolean {
  return catalogueHasProgram(program);
}
