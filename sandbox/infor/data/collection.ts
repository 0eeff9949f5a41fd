import type { DatasetScan } from '../../kit/keyed-dataset';
import { parseStamp } from '../formats';
import type { InforData, InforEntity } from './records';

/**
 * Paged reads over a virtual table for the IDO, OData and Landmark views: conditions,
 * key or stamp order, and "resume after this row" — all answered by narrowing the
 * dataset scan first (binary search), then checking rows exactly.
 */
export type Operator = '>=' | '>' | '<=' | '<' | '=' | '<>';

export interface FieldCondition {
  field: string;
  op: Operator;
  value: string;
}

export type Row = Record<string, unknown>;

export interface CollectionSpec {
  entity: InforEntity;
  /** Field holding the dataset key (customer number, order number). */
  keyField: string;
  /** Line collections: the line-number field (numeric). */
  lineField?: string;
  /** Field whose value is the record's modification stamp, if any. */
  stampField?: string;
  /** Fields compared as dates/times and as numbers. */
  dateFields?: string[];
  numberFields?: string[];
  rows(data: InforData, index: number): Row[];
  /** The record stamp behind a row (for ordering and resuming). */
  stampOf(data: InforData, index: number): number;
}

export interface Position {
  stamp: number;
  key: string;
  line: number;
}

export interface CollectQuery {
  conditions?: FieldCondition[];
  order?: 'key' | 'stamp';
  descending?: boolean;
  /** Resume strictly after this row. */
  after?: Position;
}

export function* collect(
  data: InforData,
  spec: CollectionSpec,
  query: CollectQuery = {},
): Generator<{ row: Row; position: Position }> {
  const conditions = query.conditions ?? [];
  const dataset = data.datasets[spec.entity];
  const order = query.order ?? 'key';
  const scan: DatasetScan = { order, descending: query.descending };
  for (const condition of conditions) narrow(scan, spec, condition);
  const after = query.after;
  if (after && !query.descending) {
    if (order === 'key')
      scan.fromKey = scan.fromKey === undefined || after.key > scan.fromKey ? after.key : scan.fromKey;
    else scan.stampFrom = Math.max(scan.stampFrom ?? -Infinity, after.stamp);
  }
  for (const index of dataset.scan(scan)) {
    const stamp = spec.stampOf(data, index);
    const key = dataset.key(index);
    for (const row of spec.rows(data, index)) {
      const line = spec.lineField ? Number(row[spec.lineField] ?? 0) : 0;
      const position = { stamp, key, line };
      if (after && !isAfter(position, after, order, query.descending === true)) continue;
      if (conditions.every((condition) => test(spec, row, condition))) yield { row, position };
    }
  }
}

function isAfter(position: Position, after: Position, order: 'key' | 'stamp', descending: boolean): boolean {
  const byKey = position.key < after.key ? -1 : position.key > after.key ? 1 : Math.sign(position.line - after.line);
  const sign = order === 'stamp' ? Math.sign(position.stamp - after.stamp) || byKey : byKey;
  return descending ? sign < 0 : sign > 0;
}

function narrow(scan: DatasetScan, spec: CollectionSpec, condition: FieldCondition): void {
  const { field, op } = condition;
  if (field.toLowerCase() === spec.keyField.toLowerCase()) {
    const value = condition.value.toUpperCase();
    if (op === '>=' || op === '>' || op === '=')
      scan.fromKey = scan.fromKey === undefined || value > scan.fromKey ? value : scan.fromKey;
    if (op === '<=' || op === '<' || op === '=')
      scan.toKey = scan.toKey === undefined || value < scan.toKey ? value : scan.toKey;
    return;
  }
  if (!spec.stampField || field.toLowerCase() !== spec.stampField.toLowerCase()) return;
  const instant = parseStamp(condition.value);
  if (instant === undefined) return;
  if (op === '>=' || op === '>' || op === '=') scan.stampFrom = Math.max(scan.stampFrom ?? -Infinity, instant);
  if (op === '<=' || op === '<' || op === '=') scan.stampTo = Math.min(scan.stampTo ?? Infinity, instant);
}

/** Exact check of one condition: dates as instants, numbers as numbers, text case-insensitively (SQL Server's default). */
export function test(spec: CollectionSpec, row: Row, condition: FieldCondition): boolean {
  const name = Object.keys(row).find((candidate) => candidate.toLowerCase() === condition.field.toLowerCase());
  if (name === undefined) return false;
  const actual = row[name];
  if (actual === null || actual === undefined) return condition.op === '<>';
  let order: number;
  const isDate = spec.dateFields?.includes(name);
  const isNumber = spec.numberFields?.includes(name) || typeof actual === 'number';
  if (isDate) {
    const left = parseStamp(String(actual));
    const right = parseStamp(condition.value);
    if (left === undefined || right === undefined) return false;
    order = Math.sign(left - right);
  } else if (isNumber) {
    order = Math.sign(Number(actual) - Number(condition.value));
    if (Number.isNaN(order)) return false;
  } else {
    const left = String(actual).toUpperCase();
    const right = condition.value.toUpperCase();
    order = left < right ? -1 : left > right ? 1 : 0;
  }
  return holds(order, condition.op);
}

/** Whether a comparison result (-1, 0, 1) satisfies an operator; shared by every query dialect here. */
export function holds(order: number, op: Operator): boolean {
  switch (op) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '<':
      return order < 0;
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
  }
}

/** Takes up to `limit` items plus one look-ahead to tell whether more exist. */
export function takePage<T>(items: Iterator<T>, limit: number): { page: T[]; more: boolean } {
  const page: T[] = [];
  while (page.length < limit) {
    const next = items.next();
    if (next.done) return { page, more: false };
    page.push(next.value);
  }
  return { page, more: !items.next().done };
}
