import type { InforData } from '../data/records';
import { parseExportQuery, tableRows } from './m3-query';
import { m3Tables, padValue, type M3Column, type M3Table } from './m3-tables';

/**
 * The M3 API programs the sandbox answers. A transaction yields rows of output fields
 * (unpadded); the route layer pads, trims, cuts to maxrecs and shapes v1/v2 bodies.
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

export interface M3Transaction {
  program: string;
  name: string;
  description: string;
  inputs: M3Field[];
  outputs: M3Field[];
  /** Lists return many rows and honour maxrecs; Get returns one. */
  multi: boolean;
  /** Rows that do not count against maxrecs (the EXPORTMI header line). */
  uncounted?(input: Record<string, string>): number;
  run(data: InforData, input: Record<string, string>): Iterable<Record<string, string>> | M3Failure;
}

const nok = (code: string, field: string, message: string): M3Failure => ({
  type: 'ServerReturnedNOK',
  code,
  field,
  message,
});
const fieldsOf = (table: M3Table, names: string[]): M3Field[] =>
  names.map((name) => {
    const column = table.columns.find((candidate) => candidate.name === name);
    if (!column) throw new Error(`${table.name} has no column ${name}`);
    return column;
  });
const pick = (row: Record<string, string>, fields: M3Field[]) =>
  Object.fromEntries(fields.map((field) => [field.name, row[field.name] ?? '']));

function* mapRows(rows: Iterable<Record<string, string>>, fields: M3Field[]): Generator<Record<string, string>> {
  for (const row of rows) yield pick(row, fields);
}

/** Lst transaction: rows in key order from an inclusive start key. */
function list(program: string, name: string, description: string, table: M3Table, outputs: string[]): M3Transaction {
  const key = fieldsOf(table, [table.keyColumn]);
  const fields = fieldsOf(table, outputs);
  return {
    program,
    name,
    description,
    inputs: key,
    outputs: fields,
    multi: true,
    run: (data, input) => {
      const start = input[table.keyColumn]?.trim();
      return mapRows(
        tableRows(data, table, { conditions: start ? [{ column: table.keyColumn, op: '>=', value: start }] : [] }),
        fields,
      );
    },
  };
}

/**
 * Transactions addressed by the table's key (mandatory input), XRE0103 when absent:
 * Get* answers the record itself, LstLine every row under it (an order's lines).
 */
function byKey(
  kind: 'get' | 'lines',
  program: string,
  name: string,
  description: string,
  table: M3Table,
  outputs: string[],
): M3Transaction {
  const key = fieldsOf(table, [table.keyColumn]).map((field) => ({ ...field, mandatory: true }));
  const fields = fieldsOf(table, outputs);
  return {
    program,
    name,
    description,
    inputs: key,
    outputs: fields,
    multi: kind === 'lines',
    run: (data, input) => {
      const value = input[table.keyColumn]?.trim() ?? '';
      const index = data.datasets[table.entity].indexOf(value);
      if (index === undefined) return nok('XRE0103', table.keyColumn, `Record does not exist`);
      const rows = table.rows(data, index);
      return (kind === 'get' ? rows.slice(0, 1) : rows).map((row) => pick(row, fields));
    },
  };
}

const get = (...args: [string, string, string, M3Table, string[]]) => byKey('get', ...args);
const lines = (...args: [string, string, string, M3Table, string[]]) => byKey('lines', ...args);

const t = m3Tables as Record<'OCUSMA' | 'CIDMAS' | 'OOHEAD' | 'OOLINE' | 'MPHEAD' | 'MPLINE', M3Table>;
const allColumns = (table: M3Table) => table.columns.map((column) => column.name).filter((name) => name !== 'CONO');
const replColumn: M3Field = { name: 'REPL', type: 'A', length: 1000, description: 'Replied record' };
const text = (name: string, length: number, description: string, mandatory = false): M3Field => ({
  name,
  type: 'A',
  length,
  description,
  mandatory,
});

function exportSelect(name: 'Select' | 'SelectPad'): M3Transaction {
  return {
    program: 'EXPORTMI',
    name,
    description: name === 'Select' ? 'Select records, delimited' : 'Select records, fixed width',
    inputs: [text('QERY', 1000, 'Query', true), text('SEPC', 1, 'Separator'), text('HDRS', 1, 'Headers')],
    outputs: [replColumn],
    multi: true,
    uncounted: (input) => (input.HDRS === '1' ? 1 : 0),
    run: (data, input) => {
      const query = parseExportQuery(input.QERY ?? '', m3Tables);
      if ('error' in query) return nok('XNO0001', 'QERY', query.error);
      const separator = name === 'Select' ? input.SEPC || ';' : '';
      const columns = query.columns.map((column) => query.table.columns.find((candidate) => candidate.name === column));
      const format = (row: Record<string, string>) =>
        query.columns
          .map((column, position) =>
            name === 'SelectPad' ? padValue(columns[position], row[column] ?? '') : (row[column] ?? ''),
          )
          .join(separator);
      const header = query.columns.map((column) => `${query.table.prefix}${column}`).join(separator);
      return (function* () {
        if (input.HDRS === '1') yield { REPL: header };
        for (const row of tableRows(data, query.table, { conditions: query.conditions, order: query.order }))
          yield { REPL: format(row) };
      })();
    },
  };
}

const customerList = [
  'CUNO',
  'CUNM',
  'CUA1',
  'CUA2',
  'CUA3',
  'CUA4',
  'TOWN',
  'PONO',
  'CSCD',
  'PHNO',
  'STAT',
  'CUCD',
  'TEPY',
  'LMDT',
];
const supplierList = ['SUNO', 'SUNM', 'STAT', 'CSCD', 'PHNO', 'CUCD', 'TEPY', 'LMDT'];

const business: M3Transaction[] = [
  list('CRS610MI', 'LstByNumber', 'List customers by number', t.OCUSMA, customerList),
  get('CRS610MI', 'GetBasicData', 'Get customer basic data', t.OCUSMA, allColumns(t.OCUSMA)),
  list('CRS620MI', 'LstSuppliers', 'List suppliers', t.CIDMAS, supplierList),
  get('CRS620MI', 'GetBasicData', 'Get supplier basic data', t.CIDMAS, allColumns(t.CIDMAS)),
  list('OIS100MI', 'LstHead', 'List customer order heads', t.OOHEAD, allColumns(t.OOHEAD)),
  get('OIS100MI', 'GetHead', 'Get customer order head', t.OOHEAD, allColumns(t.OOHEAD)),
  lines('OIS100MI', 'LstLine', 'List customer order lines', t.OOLINE, allColumns(t.OOLINE)),
  list('PPS200MI', 'LstHead', 'List purchase order heads', t.MPHEAD, allColumns(t.MPHEAD)),
  get('PPS200MI', 'GetHead', 'Get purchase order head', t.MPHEAD, allColumns(t.MPHEAD)),
  lines('PPS200MI', 'LstLine', 'List purchase order lines', t.MPLINE, allColumns(t.MPLINE)),
  exportSelect('Select'),
  exportSelect('SelectPad'),
];

const programDescriptions: Record<string, string> = {
  CRS610MI: 'Customer interface',
  CRS620MI: 'Supplier interface',
  OIS100MI: 'Customer order interface',
  PPS200MI: 'Purchase order interface',
  EXPORTMI: 'Export data',
  MRS001MI: 'MI metadata',
};

const metadata: M3Transaction[] = [
  {
    program: 'MRS001MI',
    name: 'LstPrograms',
    description: 'List programs',
    inputs: [text('MINM', 10, 'Program')],
    outputs: [text('MINM', 10, 'Program'), text('TX40', 40, 'Description')],
    multi: true,
    run: (_data, input) =>
      Object.entries(programDescriptions)
        .filter(([program]) => !input.MINM || program >= input.MINM.trim())
        .sort(([left], [right]) => left.localeCompare(right))
        .map(([MINM, TX40]) => ({ MINM, TX40 })),
  },
  {
    program: 'MRS001MI',
    name: 'LstTransactions',
    description: 'List transactions',
    inputs: [text('MINM', 10, 'Program', true)],
    outputs: [
      text('MINM', 10, 'Program'),
      text('TRNM', 15, 'Transaction'),
      text('TRDS', 40, 'Description'),
      text('SIMU', 1, 'Multiple'),
    ],
    multi: true,
    run: (_data, input) => {
      const program = input.MINM?.trim() ?? '';
      const found = allTransactions().filter((transaction) => transaction.program === program);
      if (found.length === 0) return nok('XRE0103', 'MINM', `Program ${program} does not exist`);
      return found.map((transaction) => ({
        MINM: program,
        TRNM: transaction.name,
        TRDS: transaction.description,
        SIMU: transaction.multi ? '1' : '0',
      }));
    },
  },
  {
    program: 'MRS001MI',
    name: 'LstFields',
    description: 'List fields',
    inputs: [
      text('MINM', 10, 'Program', true),
      text('TRNM', 15, 'Transaction', true),
      text('TRTP', 1, 'I = input, O = output', true),
    ],
    outputs: [
      text('FLNM', 6, 'Field'),
      text('FLDS', 40, 'Description'),
      text('LENG', 4, 'Length'),
      text('TYPE', 1, 'Type'),
      text('MAND', 1, 'Mandatory'),
    ],
    multi: true,
    run: (_data, input) => {
      const transaction = findTransaction(input.MINM?.trim() ?? '', input.TRNM?.trim() ?? '');
      if (!transaction) return nok('XRE0103', 'TRNM', 'Transaction does not exist');
      const kind = (input.TRTP ?? '').trim().toUpperCase();
      if (kind !== 'I' && kind !== 'O') return nok('XVA0001', 'TRTP', 'TRTP must be I or O');
      return (kind === 'I' ? transaction.inputs : transaction.outputs).map((field) => ({
        FLNM: field.name,
        FLDS: field.description,
        LENG: String(field.length),
        TYPE: field.type,
        MAND: field.mandatory ? '1' : '0',
      }));
    },
  },
];

function allTransactions(): M3Transaction[] {
  return [...business, ...metadata];
}

export function findTransaction(program: string, name: string): M3Transaction | undefined {
  return allTransactions().find((transaction) => transaction.program === program && transaction.name === name);
}

export function isProgram(program: string): boolean {
  return allTransactions().some((transaction) => transaction.program === program);
}
