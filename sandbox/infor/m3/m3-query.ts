import { holds, type Operator } from '../data/collection';
import type { DatasetScan } from '../../kit/keyed-dataset';
import type { InforData } from '../data/records';
import { parseM3Stamp, parseStamp } from '../formats';
import type { InforBehaviour } from '../behaviour';
import type { M3RowEnv, M3Table } from './m3-tables';

/** One `FIELD op value` condition on unprefixed column names. */
export interface M3Condition {
  column: string;
  op: Operator;
  value: string;
}

/** A where clause: conditions joined by `and`/`or`, with parentheses (F9: the M3 query language knows only these two). */
export type M3Where = M3Condition | { and: M3Where[] } | { or: M3Where[] };

export interface M3RowQuery {
  where?: M3Where;
  /** `key` = key order (MI lists); `physical` = storage order, i.e. by change stamp (EXPORTMI without a usable `order by`). */
  order?: 'key' | 'physical';
}

const day = 86_400_000;

/**
 * Rows of a table, lazily. Top-level `and` conditions on the dataset key and on LMDT/LMTS narrow
 * the scan by binary search (so the last page of a million rows is cheap); the whole where clause
 * is then checked exactly on each row.
 */
export function* tableRows(
  data: InforData,
  table: M3Table,
  env: M3RowEnv,
  query: M3RowQuery = {},
): Generator<Record<string, string>> {
  const dataset = data.datasets[table.entity];
  // `key = a or key = b …` (a lookup of many keys): only those records, not a scan of the table.
  const keys = keyList(table, query.where);
  if (keys) {
    const indexes = keys.map((key) => dataset.indexOf(key)).filter((index): index is number => index !== undefined);
    const order =
      query.order === 'physical'
        ? (left: number, right: number) => dataset.stamp(left) - dataset.stamp(right) || left - right
        : (left: number, right: number) => (dataset.key(left) < dataset.key(right) ? -1 : 1);
    for (const index of [...new Set(indexes)].sort(order))
      for (const row of table.rows(data, index, env)) if (evaluate(table, row, query.where!, env)) yield row;
    return;
  }
  const scan: DatasetScan = { order: query.order === 'physical' ? 'stamp' : 'key' };
  for (const condition of conjuncts(query.where)) narrow(scan, table, condition, env);
  for (const index of dataset.scan(scan)) {
    for (const row of table.rows(data, index, env)) {
      if (!query.where || evaluate(table, row, query.where, env)) yield row;
    }
  }
}

/** The keys of a where clause that is only equalities on the dataset key joined by `or`; undefined otherwise. */
function keyList(table: M3Table, where: M3Where | undefined): string[] | undefined {
  // Text keys only: a numeric key (ORNO) may be written in other forms (leading zeros) that compare equal.
  const column = table.columns.find((candidate) => candidate.name === table.datasetKeyColumn);
  if (!where || !column || column.type !== 'A') return undefined;
  const parts = 'or' in where ? where.or : [where];
  const keys: string[] = [];
  for (const part of parts) {
    if (!('column' in part) || part.column !== table.datasetKeyColumn || part.op !== '=') return undefined;
    keys.push(part.value);
  }
  return keys;
}

function conjuncts(where: M3Where | undefined): M3Condition[] {
  if (!where) return [];
  if ('column' in where) return [where];
  if ('and' in where) return where.and.flatMap(conjuncts);
  return [];
}

function evaluate(table: M3Table, row: Record<string, string>, where: M3Where, env: M3RowEnv): boolean {
  if ('column' in where) return matches(table, row, where, env);
  if ('and' in where) return where.and.every((part) => evaluate(table, row, part, env));
  return where.or.some((part) => evaluate(table, row, part, env));
}

/** Windows are supersets of the exact answer; `matches` decides. */
function narrow(scan: DatasetScan, table: M3Table, condition: M3Condition, env: M3RowEnv): void {
  const { column, op, value } = condition;
  if (column === table.datasetKeyColumn) {
    if (op === '>=' || op === '>' || op === '=') scan.fromKey = maxText(scan.fromKey, value);
    if (op === '<=' || op === '<' || op === '=')
      scan.toKey = scan.toKey === undefined || value < scan.toKey ? value : scan.toKey;
    return;
  }
  if (column !== 'LMDT' && column !== 'LMTS') return;
  const instant = column === 'LMDT' ? parseStamp(value) : parseM3Stamp(value, env.stampForm);
  if (instant === undefined) return;
  // LMDT is a whole day: widen to the day's bounds.
  const low = column === 'LMDT' ? (op === '>' ? instant + day : instant) : instant;
  const high = column === 'LMDT' ? (op === '<' ? instant : instant + day - 1) : instant;
  if (op === '>=' || op === '>' || op === '=') scan.stampFrom = Math.max(scan.stampFrom ?? -Infinity, low);
  if (op === '<=' || op === '<' || op === '=') scan.stampTo = Math.min(scan.stampTo ?? Infinity, high);
}

function maxText(current: string | undefined, value: string): string {
  return current === undefined || value > current ? value : current;
}

export function matches(table: M3Table, row: Record<string, string>, condition: M3Condition, _env?: M3RowEnv): boolean {
  const actual = row[condition.column];
  if (actual === undefined) return false;
  const column = table.columns.find((candidate) => candidate.name === condition.column);
  const numeric =
    column?.type !== 'A' && /^-?\d+(\.\d+)?$/.test(actual.trim()) && /^-?\d+(\.\d+)?$/.test(condition.value.trim());
  const order = numeric
    ? compareNumbers(actual.trim(), condition.value.trim())
    : compareText(actual.trim(), condition.value.trim());
  return holds(order, condition.op);
}

/** Exact for the 18-digit LMTS too (beyond double precision). */
function compareNumbers(left: string, right: string): number {
  if (left.includes('.') || right.includes('.')) return Math.sign(Number(left) - Number(right));
  const a = BigInt(left);
  const b = BigInt(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

export interface ExportQuery {
  table: M3Table;
  columns: string[];
  where?: M3Where;
  /** `count(#)`/`count(*)`: one row with the number of matching rows. */
  count: boolean;
  /** Columns of an `order by` (unprefixed), when one was given. */
  orderBy?: string[];
}

/**
 * EXPORTMI `QERY`: `cols|*|count(#) from TABLE [where …] [order by cols]`. Field names carry the
 * table prefix; values are numbers or 'quoted'; conditions join with lower-case `and`/`or` and
 * parentheses (Infor SCP documentation on EXPORTMI: only `and` and `or`). Returns an error text
 * for M3 to report as a NOK.
 */
export function parseExportQuery(
  text: string,
  tables: Record<string, M3Table>,
  orderBy: InforBehaviour['m3ExportOrderBy'],
): ExportQuery | { error: string } {
  const match = /^\s*(.+?)\s+from\s+(\w+)(?:\s+where\s+(.+?))?(?:\s+order\s+by\s+(.+?))?\s*$/s.exec(text);
  if (!match) return { error: 'QERY must read "<columns> from <table> [where …]"' };
  const [, columnText = '', tableName = '', whereText, orderText] = match;
  const table = tables[tableName.toUpperCase()];
  if (!table) return { error: `File ${tableName.toUpperCase()} does not exist` };
  const unprefix = (name: string): string | undefined => {
    const upper = name.trim().toUpperCase();
    if (!upper.startsWith(table.prefix)) return undefined;
    const bare = upper.slice(table.prefix.length);
    return table.columns.some((column) => column.name === bare) ? bare : undefined;
  };
  const count = /^count\((#|\*)\)$/i.test(columnText.trim());
  let columns: string[];
  if (count) columns = [];
  else if (columnText.trim() === '*') columns = table.columns.map((column) => column.name);
  else {
    columns = [];
    for (const name of columnText.split(',')) {
      const bare = unprefix(name);
      if (!bare) return { error: `Field ${name.trim()} does not exist in ${table.name}` };
      columns.push(bare);
    }
  }
  let where: M3Where | undefined;
  if (whereText) {
    const parsed = parseWhere(whereText, unprefix, table.name);
    if ('error' in parsed) return parsed;
    where = parsed.where;
  }
  let order: string[] | undefined;
  if (orderText) {
    if (orderBy === 'refused') return { error: `Cannot read the query at "order by ${orderText.trim()}"` };
    order = [];
    for (const name of orderText.split(',')) {
      const bare = unprefix(name);
      if (!bare) return { error: `Field ${name.trim()} does not exist in ${table.name}` };
      order.push(bare);
    }
    if (orderBy === 'ignored') order = undefined;
  }
  return { table, columns, where, count, orderBy: order };
}

type Token = { kind: 'open' | 'close' | 'and' | 'or' } | { kind: 'condition'; condition: M3Condition };

function parseWhere(
  text: string,
  unprefix: (name: string) => string | undefined,
  tableName: string,
): { where: M3Where } | { error: string } {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\()|(\))|(and|or)(?=[\s(])|(\w+)\s*(>=|<=|<>|!=|=|>|<)\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?))/y;
  let position = 0;
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break;
    pattern.lastIndex = position;
    const part = pattern.exec(text);
    if (!part) return { error: `Cannot read the condition at "${text.slice(position)}"` };
    position = pattern.lastIndex;
    const [, open, close, joiner, field, op = '', raw = ''] = part;
    if (open) tokens.push({ kind: 'open' });
    else if (close) tokens.push({ kind: 'close' });
    else if (joiner) tokens.push({ kind: joiner as 'and' | 'or' });
    else {
      const bare = unprefix(field ?? '');
      if (!bare) return { error: `Field ${field} does not exist in ${tableName}` };
      const value = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
      tokens.push({ kind: 'condition', condition: { column: bare, op: (op === '!=' ? '<>' : op) as Operator, value } });
    }
  }
  let at = 0;
  // or-expression := and-expression ('or' and-expression)*; and-expression := atom ('and' atom)*
  const orExpression = (): M3Where | undefined => {
    const parts: M3Where[] = [];
    for (;;) {
      const left = andExpression();
      if (!left) return undefined;
      parts.push(left);
      if (tokens[at]?.kind !== 'or') break;
      at += 1;
    }
    return parts.length === 1 ? parts[0] : { or: parts };
  };
  const andExpression = (): M3Where | undefined => {
    const parts: M3Where[] = [];
    for (;;) {
      const atom = atomExpression();
      if (!atom) return undefined;
      parts.push(atom);
      if (tokens[at]?.kind !== 'and') break;
      at += 1;
    }
    return parts.length === 1 ? parts[0] : { and: parts };
  };
  const atomExpression = (): M3Where | undefined => {
    const token = tokens[at];
    if (!token) return undefined;
    if (token.kind === 'condition') {
      at += 1;
      return token.condition;
    }
    if (token.kind !== 'open') return undefined;
    at += 1;
    const inner = orExpression();
    if (!inner || tokens[at]?.kind !== 'close') return undefined;
    at += 1;
    return inner;
  };
  const where = orExpression();
  if (!where || at !== tokens.length) return { error: `Cannot read the condition "${text.trim()}"` };
  return { where };
}
