import { AppError } from '../../../../shared/errors';
import type { JsonObject, JsonValue, SourceRecord } from '../framework/connector';
import { m3ValueKind, stripPrefix, type ExportColumn } from './m3-export';
import { parseInforDate, parseInforStamp, parseM3Stamp, type M3StampForm } from './infor-formats';
import type { M3Source } from './infor-sources';

/* What M3's text values become: numbers, dates and stamps as the schema types them. */

/** Strips the two-letter table prefix (`OKCUNO` → `CUNO`), trims padding, turns dates and stamps into ISO. */
export function normalizeM3(
  source: M3Source,
  row: Record<string, string>,
  form: M3StampForm | undefined,
  kinds: M3Kinds,
  lines?: { rows: Array<Record<string, string>>; kinds: M3Kinds },
  fields?: string[],
): SourceRecord {
  const record = source.keys.map((key) => (row[key] ?? '').trim()).join('/');
  const data = m3Data(row, form, kinds, record);
  if (lines) data.lines = lines.rows.map((line) => m3Data(line, form, lines.kinds, record));
  const stampText = (source.stamp && row[source.stamp]?.trim()) || '';
  const dateText = (source.changeDate && row[source.changeDate]?.trim()) || '';
  const stamp = (form && stampText && parseM3Stamp(stampText, form)) || (dateText && parseInforStamp(dateText)) || '';
  const result: SourceRecord = {
    key: record,
    stamp: stamp === '0' ? '' : stamp,
    data,
    raw: lines ? { ...row, lines: lines.rows } : row,
  };
  if (fields) result.fields = fields;
  return result;
}

/** Each column's value kind (`m3ValueKind`), by the name the row carries it under. */
export type M3Kinds = ReadonlyMap<string, ReturnType<typeof m3ValueKind>>;

export function kindsOf(columns: Array<Pick<ExportColumn, 'name' | 'type' | 'length'>>): M3Kinds {
  return new Map(columns.map((column) => [column.name, m3ValueKind(column)]));
}

export function m3Data(
  row: Record<string, string>,
  form: M3StampForm | undefined,
  kinds: M3Kinds,
  record: string,
): JsonObject {
  const out: JsonObject = {};
  for (const column in row) {
    const plan = planOf(column, kinds);
    const text = row[column]!.trim();
    let normalized: JsonValue = text;
    if (plan.stamp && form) normalized = parseM3Stamp(text, form) ?? text;
    else if (plan.kind === 'number') normalized = m3Number(text, column, record);
    else if (plan.date && /^\d{8}$/.test(text)) normalized = parseInforDate(text) ?? text;
    out[plan.name] = normalized;
  }
  return out;
}

interface ColumnPlan {
  name: string;
  kind: ReturnType<typeof m3ValueKind> | undefined;
  stamp: boolean;
  date: boolean;
}

/** What a column becomes, worked out once per read's kinds rather than once per value. */
const plans = new WeakMap<M3Kinds, Map<string, ColumnPlan>>();

function planOf(column: string, kinds: M3Kinds): ColumnPlan {
  let byColumn = plans.get(kinds);
  if (!byColumn) plans.set(kinds, (byColumn = new Map()));
  let plan = byColumn.get(column);
  if (!plan) {
    const name = stripPrefix(column);
    const kind = kinds.get(column);
    plan = { name, kind, stamp: name === 'LMTS', date: kind === 'date' || (!kind && /(DT|DAT)$/.test(name)) };
    byColumn.set(column, plan);
  }
  return plan;
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
