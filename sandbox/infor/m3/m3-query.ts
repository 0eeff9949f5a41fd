import { holds, type Operator } from '../data/collection';
import type { DatasetScan } from '../../kit/keyed-dataset';
import type { InforData } from '../data/records';
import { parseStamp } from '../formats';
import type { M3Table } from './m3-tables';

/** One `FIELD op value` condition on unprefixed column names. */
export interface M3Condition {
  column: string;
  op: Operator;
  value: string;
}

export interface M3RowQuery {
  conditions?: M3Condition[];
  order?: 'key' | 'stamp';
}

const day = 86_400_000;

/**
 * Rows of a table in key (or stamp) order, lazily. Conditions on the key and on LMDT/LMTS
 * narrow the scan by binary search (so the last page of a million rows is cheap); every
 * condition is then checked exactly on the row.
 */
export function* tableRows(data: InforData, table: M3Table, query: M3RowQuery = {}): Generator<Record<string, string>> {
  const conditions = query.conditions ?? [];
  const dataset = data.datasets[table.entity];
  const scan: DatasetScan = { order: query.order ?? 'key' };
  for (const condition of conditions) narrow(scan, table, condition);
  for (const index of dataset.scan(scan)) {
    for (const row of table.rows(data, index)) {
      if (conditions.every((condition) => matches(table, row, condition))) yield row;
    }
  }
}

/** Windows are supersets of the exact answer; `matches` decides. */
function narrow(scan: DatasetScan, table: M3Table, condition: M3Condition): void {
  const { column, op, value } = condition;
  if (column === table.keyColumn) {
    if (op === '>=' || op === '>' || op === '=') scan.fromKey = maxText(scan.fromKey, value);
    if (op === '<=' || op === '<' || op === '=')
      scan.toKey = scan.toKey === undefined || value < scan.toKey ? value : scan.toKey;
    return;
  }
  if (column !== 'LMDT' && column !== 'LMTS') return;
  const instant = parseStamp(value);
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

export function matches(table: M3Table, row: Record<string, string>, condition: M3Condition): boolean {
  const actual = row[condition.column];
  if (actual === undefined) return false;
  const column = table.columns.find((candidate) => candidate.name === condition.column);
  const numeric =
    column?.type !== 'A' && /^-?\d+(\.\d+)?$/.test(actual.trim()) && /^-?\d+(\.\d+)?$/.test(condition.value.trim());
  const order = numeric
    ? Math.sign(Number(actual) - Number(condition.value))
    : compareText(actual.trim(), condition.value.trim());
  return holds(order, condition.op);
}

function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

export interface ExportQuery {
  table: M3Table;
  columns: string[];
  conditions: M3Condition[];
  order: 'key' | 'stamp';
}

/**
 * EXPORTMI `QERY`: `cols|* from TABLE [where F op v [and …]] [order by cols]`. Field names
 * carry the table prefix; values are numbers or 'quoted'. Returns an error text for M3 to
 * report as a NOK.
 */
export function parseExportQuery(text: string, tables: Record<string, M3Table>): ExportQuery | { error: string } {
  const match = /^\s*(.+?)\s+from\s+(\w+)(?:\s+where\s+(.+?))?(?:\s+order\s+by\s+(.+?))?\s*$/is.exec(text);
  if (!match) return { error: 'QERY must read "<columns> from <table> [where …] [order by …]"' };
  const [, columnText = '', tableName = '', whereText, orderText] = match;
  const table = tables[tableName.toUpperCase()];
  if (!table) return { error: `File ${tableName.toUpperCase()} does not exist` };
  const unprefix = (name: string): string | undefined => {
    const upper = name.trim().toUpperCase();
    if (!upper.startsWith(table.prefix)) return undefined;
    const bare = upper.slice(table.prefix.length);
    return table.columns.some((column) => column.name === bare) ? bare : undefined;
  };
  let columns: string[];
  if (columnText.trim() === '*') columns = table.columns.map((column) => column.name);
  else {
    columns = [];
    for (const name of columnText.split(',')) {
      const bare = unprefix(name);
      if (!bare) return { error: `Field ${name.trim()} does not exist in ${table.name}` };
      columns.push(bare);
    }
  }
  const conditions: M3Condition[] = [];
  if (whereText) {
    const pattern = /\s*(\w+)\s*(>=|<=|<>|!=|=|>|<)\s*('(?:[^']|'')*'|-?\d+(?:\.\d+)?)\s*(?:and\s+|$)/iy;
    pattern.lastIndex = 0;
    while (pattern.lastIndex < whereText.length) {
      const start = pattern.lastIndex;
      const part = pattern.exec(whereText);
      if (!part || pattern.lastIndex === start)
        return { error: `Cannot read the condition at "${whereText.slice(start)}"` };
      const [, field = '', op = '', raw = ''] = part;
      const bare = unprefix(field);
      if (!bare) return { error: `Field ${field} does not exist in ${table.name}` };
      const value = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
      conditions.push({ column: bare, op: (op === '!=' ? '<>' : op) as M3Condition['op'], value });
    }
  }
  let order: 'key' | 'stamp' = 'key';
  if (orderText) {
    const first = unprefix(orderText.split(',')[0] ?? '');
    if (first === 'LMTS' || first === 'LMDT') order = 'stamp';
    else if (first !== 'CONO' && first !== 'DIVI' && first !== table.keyColumn) {
      return { error: `order by ${orderText.trim()} is not supported by the sandbox (use the key or LMTS)` };
    }
  }
  return { table, columns, conditions, order };
}
