import type { EntityField } from '../../../../shared/domain/entity-schema';
import { AppError } from '../../../../shared/errors';
import type { JsonObject, JsonValue, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { m3Execute } from './m3-api';
import { exportColumns, stripPrefix, type ExportColumn } from './m3-export';
import { quotableKey } from './m3-key-select';
import { checkMatchKey, currentOrder, head, selectHeads } from './m3-purchase-lookup';
import { toInputs, transactionInputs } from './m3-inputs';
import { failed, recordRefusal } from './m3-write';

/**
 * M3 purchase orders as a target (issue 16): a record is a head (MPHEAD) plus `lines` (MPLINE).
 *
 * - New order: PPS200MI has no AddHead (M3H5 catalogue), so it is entered through PPS370MI "Purchase
 *   order batch entry": StartEntry → MSGN, AddHead (FACI, WHLO, SUNO, DWDT mandatory) → PUNO,
 *   AddLine per line, FinishEntry (M3H5 PPS370MIResource.cs). Every head and line is checked before
 *   StartEntry; if M3 still refuses one, DeleteEntry drops the entry, so no half order is left, and
 *   the record fails with M3's text naming the line. On a real tenant FinishEntry hands the entry to
 *   a batch job (when the order appears is unconfirmed; the sandbox creates it at once).
 * - Existing order: PPS200MI/UpdHead with the mapped head fields, UpdLine for lines the order has
 *   (by PNLI/PNLS), AddLine for the others (with PNLI: AddLine answers no line number). A line the
 *   order has and the record does not is left in place and named in the result's note. A field the
 *   change transaction does not take (SUNO, FACI, WHLO on the head; ITNO on a line) is accepted
 *   when it still equals the order's value and fails the record otherwise: M3 cannot change it here.
 *
 * Matching: PUNO, the order's own number (blank on a first write; the engine fills it from the id
 * map afterwards), or YRE1 "Your reference" (MPHEAD IAYRE1, an AddHead and UpdHead input) for orders
 * created elsewhere: one order with that reference is changed, none means a new one, two or more
 * fail the record naming them.
 */

/**
 * The schema's required flags: PUNO is never required on create (M3 numbers the order), always on
 * update (the engine fills it from the id map); a new order needs PPS370MI/AddHead's mandatory
 * FACI, WHLO, SUNO, DWDT and each new line AddLine's ITNO and ORQA (M3H5), so the engine's payload
 * check names them before any call.
 */
export function applyPurchaseRequired(fields: EntityField[]): void {
  for (const f of fields) {
    if (f.name === 'PUNO') f.required = { onCreate: false, onUpdate: true };
    else if (['FACI', 'WHLO', 'SUNO', 'DWDT'].includes(f.name)) f.required = { onCreate: true, onUpdate: false };
  }
}

export function applyPurchaseLineRequired(fields: EntityField[]): void {
  for (const f of fields) {
    if (['ITNO', 'ORQA'].includes(f.name)) f.required = { onCreate: true, onUpdate: false };
    else f.required = { onCreate: false, onUpdate: false };
  }
}
export const m3PurchaseMatchKeys = ['PUNO', 'YRE1'] as const;
/** StartEntry's batch origin (mandatory, A3 per the sandbox; the real list of origins is unconfirmed). */
const batchOrigin = 'MLC';

type Line = JsonObject;

const linesOf = (record: JsonObject): Line[] | string => {
  const lines = record.lines ?? record.LINES;
  if (lines === undefined || lines === null) return [];
  if (!Array.isArray(lines) || lines.some((line) => !line || typeof line !== 'object' || Array.isArray(line)))
    return 'lines must be a list of line objects.';
  return lines as Line[];
};

const fieldOf = (record: JsonObject, name: string): JsonValue | undefined => record[name] ?? record[name.toLowerCase()];
const textOf = (value: JsonValue | undefined) =>
  value === null || value === undefined || typeof value === 'object' ? '' : String(value).trim();
const lineLabel = (index: number, line: Line) => {
  const pnli = textOf(fieldOf(line, 'PNLI'));
  return `line ${index + 1}${pnli ? ` (PNLI ${pnli})` : ''}`;
};

/** Same value in M3's terms: numbers by value, dates with or without dashes, text trimmed. */
function same(value: JsonValue | undefined, current: JsonValue | undefined): boolean {
  const left = textOf(value);
  const right = textOf(current);
  if (left === right) return true;
  if (left !== '' && right !== '' && !Number.isNaN(Number(left)) && !Number.isNaN(Number(right)))
    return Number(left) === Number(right);
  const date = (text: string) => text.replace(/T.*$/, '').replace(/-/g, '');
  return date(left) === date(right);
}

/** The record's fields minus those `skip` names and those a change need not send (equal to now). */
function withoutUnchangeable(
  record: JsonObject,
  inputs: Map<string, unknown>,
  current: JsonObject | undefined,
  skip: string[],
): JsonObject {
  const out: JsonObject = {};
  for (const [field, value] of Object.entries(record)) {
    const name = field.toUpperCase();
    if (skip.includes(name)) continue;
    // Not an input of the change transaction but still the order's value: nothing to change.
    if (!inputs.has(name) && current && same(value, current[name])) continue;
    out[field] = value;
  }
  return out;
}

type Plan = { calls: Array<{ transaction: string; input: Record<string, string>; where: string }> };

/**
 * One batch, in order. Transport and sign-in failures end the batch by throwing (a rerun is safe: a
 * batch entry left open creates nothing, and the id map or YRE1 finds a finished one); an order M3
 * refuses fails alone, naming its line.
 */
export async function m3PurchaseWriteBatch(
  context: HookContext,
  records: JsonObject[],
  matchKey: string[],
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const key = checkMatchKey(matchKey);
  const headColumns = columnsOf(await exportColumns(context, head.table, signal));
  const lineColumns = columnsOf(await exportColumns(context, 'MPLINE', signal));
  const values = records.map((record) => textOf(fieldOf(record, key)));
  const quotableValues = values.filter(quotableKey);
  const found = await selectHeads(context, key, quotableValues, signal);
  const results: WriteResult[] = [];
  for (const [index, record] of records.entries()) {
    signal?.throwIfAborted();
    const value = values[index]!;
    if (value && !quotableKey(value)) {
      results.push(failed('E_INVALID_INPUT', `${key} “${value}” has characters EXPORTMI cannot look up.`, key));
      continue;
    }
    const matches = value ? found.filter((row) => row[key] === value) : [];
    if (matches.length > 1) {
      results.push(
        failed(
          'E_INVALID_INPUT',
          `${matches.length} M3 purchase orders have ${key} “${value}” (${matches.map((row) => row.PUNO).join(', ')}): the record matches none of them unambiguously.`,
          key,
        ),
      );
      continue;
    }
    try {
      if (matches[0]) {
        results.push(await change(context, record, matches[0].PUNO, key, headColumns, lineColumns, signal));
      } else if (key === 'PUNO' && value) {
        // The id map (or the mapping) names an order M3 does not have: creating another would hide that.
        results.push(
          failed('XRE0103', `M3 has no purchase order ${value} (it was written before; was it deleted?).`, 'PUNO'),
        );
      } else {
        const result = await create(context, record, headColumns, lineColumns, signal);
        // A second record with the same reference in this batch changes what the first created.
        if (result.outcome === 'created' && key === 'YRE1' && value)
          found.push({ PUNO: result.targetKey!, YRE1: value, LMTS: '', LMDT: '' });
        results.push(result);
      }
    } catch (error) {
      const refusal = recordRefusal(error);
      if (!refusal) throw error;
      results.push(refusal);
    }
  }
  return results;
}

function columnsOf(columns: ExportColumn[]): Map<string, ExportColumn> {
  return new Map(columns.map((column) => [stripPrefix(column.name), column]));
}

async function create(
  context: HookContext,
  record: JsonObject,
  headColumns: Map<string, ExportColumn>,
  lineColumns: Map<string, ExportColumn>,
  signal?: AbortSignal,
): Promise<WriteResult> {
  const lines = linesOf(record);
  if (typeof lines === 'string') return failed('E_INVALID_INPUT', lines, 'lines');
  const { lines: _lines, LINES: _upper, PUNO: _puno, puno: _lower, ...fields } = record;
  const headInputs = await transactionInputs(context, 'PPS370MI', 'AddHead', signal);
  const checkedHead = toInputs(fields, 'PPS370MI/AddHead', headInputs, headColumns, new Set(['MSGN']));
  if (!checkedHead.ok) return failed('E_INVALID_INPUT', checkedHead.message, checkedHead.field);
  const lineInputs = await transactionInputs(context, 'PPS370MI', 'AddLine', signal);
  const checkedLines: Array<Record<string, string>> = [];
  for (const [index, line] of lines.entries()) {
    const checked = toInputs(line, 'PPS370MI/AddLine', lineInputs, lineColumns, new Set(['MSGN']));
    if (!checked.ok)
      return failed(
        'E_INVALID_INPUT',
        `${lineLabel(index, line)}: ${checked.message}`,
        `lines[${index}].${checked.field}`,
      );
    checkedLines.push(checked.input);
  }
  // Every line goes in with its number (the record's, else the next free one), so an AddLine the
  // gateway retried after losing its answer is refused as a duplicate (XRE0104) instead of doubled.
  const taken = new Set<number>();
  for (const [index, input] of checkedLines.entries()) {
    const number = Number(input.PNLI);
    if (!(number > 0)) continue;
    // Two lines with one number: M3 would refuse the second, which a retry could not tell from its own.
    if (taken.has(number))
      return failed(
        'E_INVALID_INPUT',
        `${lineLabel(index, lines[index]!)}: another line of the record has PNLI ${number}.`,
        `lines[${index}].PNLI`,
      );
    taken.add(number);
  }
  let next = 0;
  for (const input of checkedLines) {
    if (Number(input.PNLI) > 0) continue;
    do next += 1;
    while (taken.has(next));
    input.PNLI = String(next);
  }
  // An AddHead retried after a lost answer finds its own head (XRE0104) and no PUNO: one new entry.
  for (let attempt = 1; ; attempt += 1) {
    const entered = await enter(context, checkedHead.input, checkedLines, lines, signal);
    if (entered !== 'head-exists') return entered;
    if (attempt === 2)
      throw new AppError('E_REMOTE', 'Infor M3: PPS370MI/AddHead answered twice that the head exists.');
  }
}

const isCode = (error: unknown, code: string) =>
  error instanceof AppError && (error.details as { code?: string } | undefined)?.code === code;

/** One PPS370MI entry: StartEntry, AddHead, AddLine per line, FinishEntry; DeleteEntry when M3 refuses. */
async function enter(
  context: HookContext,
  headInput: Record<string, string>,
  lineInputs: Array<Record<string, string>>,
  lines: Line[],
  signal?: AbortSignal,
): Promise<WriteResult | 'head-exists'> {
  const started = await m3Execute(context, 'PPS370MI', 'StartEntry', { BAOR: batchOrigin }, { maxrecs: 1, signal });
  const msgn = started.records[0]?.MSGN?.trim();
  if (!msgn) throw new AppError('E_REMOTE', 'Infor M3: PPS370MI/StartEntry answered no message number (MSGN).');
  const drop = () =>
    m3Execute(context, 'PPS370MI', 'DeleteEntry', { MSGN: msgn }, { maxrecs: 1, signal }).catch(() => undefined);
  let puno = '';
  let step = 'head';
  let sent = headInput;
  try {
    let added;
    try {
      added = await m3Execute(context, 'PPS370MI', 'AddHead', { ...headInput, MSGN: msgn }, { maxrecs: 1, signal });
    } catch (error) {
      if (!isCode(error, 'XRE0104')) throw error;
      await drop();
      return 'head-exists';
    }
    puno = added.records[0]?.PUNO?.trim() ?? '';
    if (!puno) throw new AppError('E_REMOTE', 'Infor M3: PPS370MI/AddHead answered no purchase order number (PUNO).');
    for (const [index, input] of lineInputs.entries()) {
      step = lineLabel(index, lines[index]!);
      sent = input;
      try {
        await m3Execute(context, 'PPS370MI', 'AddLine', { ...input, MSGN: msgn, PUNO: puno }, { maxrecs: 1, signal });
      } catch (error) {
        // The line numbers are distinct: "exists" means this very line went in on a lost answer.
        if (!isCode(error, 'XRE0104')) throw error;
      }
    }
  } catch (error) {
    // Nothing is created until FinishEntry: dropping the entry leaves no half order behind.
    await drop();
    const refusal = recordRefusal(error);
    if (!refusal?.error) throw error;
    refusal.error.message = `${step}: ${refusal.error.message}${unnamed(refusal, sent)}`;
    if (step !== 'head')
      refusal.error.field = `lines[${lineIndex(step)}]${refusal.error.field ? `.${refusal.error.field}` : ''}`;
    return refusal;
  }
  try {
    await m3Execute(context, 'PPS370MI', 'FinishEntry', { MSGN: msgn }, { maxrecs: 1, signal });
  } catch (error) {
    // A FinishEntry retried after its answer was lost finds its entry gone: the order tells whether it ran.
    const exists = (await selectHeads(context, 'PUNO', [puno], signal)).some((row) => row.PUNO === puno);
    if (!exists) {
      await drop();
      throw error;
    }
  }
  return { outcome: 'created', targetKey: puno, match: { by: 'none' } };
}

/**
 * When M3 names no field (a NOK like M3H5's sample `XIM0002` "Customer number is invalid", without
 * `@field` or the value; sandbox switch `m3UnknownReference`), the values the refused call sent, so
 * the person can see which one M3 means.
 */
function unnamed(refusal: WriteResult, sent: Record<string, string>): string {
  if (refusal.error?.field) return '';
  const values = Object.entries(sent)
    .filter(([name, value]) => name !== 'MSGN' && value.trim() !== '')
    .map(([name, value]) => `${name} ${value.trim()}`);
  return values.length > 0 ? ` (M3 named no field; the call sent ${values.join(', ')})` : '';
}

const lineIndex = (step: string) => Number(/^line (\d+)/.exec(step)?.[1] ?? '1') - 1;

async function change(
  context: HookContext,
  record: JsonObject,
  puno: string,
  matchedBy: 'PUNO' | 'YRE1',
  headColumns: Map<string, ExportColumn>,
  lineColumns: Map<string, ExportColumn>,
  signal?: AbortSignal,
): Promise<WriteResult> {
  const match = { by: matchedBy === 'PUNO' ? ('id' as const) : ('external_id' as const), value: puno };
  const lines = linesOf(record);
  if (typeof lines === 'string') return failed('E_INVALID_INPUT', lines, 'lines');
  const current = await currentOrder(context, puno, signal);
  const currentLines = (current.lines as JsonObject[]).map((line) => ({
    line,
    key: `${textOf(line.PNLI)}/${Number(textOf(line.PNLS) || '0')}`,
  }));
  const plan: Plan['calls'] = [];
  const updHead = await transactionInputs(context, 'PPS200MI', 'UpdHead', signal);
  const { lines: _lines, LINES: _upper, ...headFields } = record;
  const headChange = withoutUnchangeable(headFields, updHead, current, ['PUNO']);
  const checkedHead = toInputs(headChange, 'PPS200MI/UpdHead', updHead, headColumns, new Set(['PUNO']));
  if (!checkedHead.ok) return failed('E_INVALID_INPUT', checkedHead.message, checkedHead.field);
  if (Object.keys(checkedHead.input).length > 0)
    plan.push({ transaction: 'UpdHead', input: { ...checkedHead.input, PUNO: puno }, where: 'head' });
  const updLine = await transactionInputs(context, 'PPS200MI', 'UpdLine', signal);
  const addLine = await transactionInputs(context, 'PPS200MI', 'AddLine', signal);
  const seen = new Set<string>();
  // Numbers new lines must not take: the order's lines and the numbers the record gives its lines.
  const taken = new Set(currentLines.map((entry) => Number(textOf(entry.line.PNLI)) || 0));
  const given = new Set<number>();
  for (const [index, line] of lines.entries()) {
    const pnli = Number(textOf(fieldOf(line, 'PNLI')));
    if (!(pnli > 0) || taken.has(pnli)) continue;
    if (given.has(pnli))
      return failed(
        'E_INVALID_INPUT',
        `${lineLabel(index, line)}: another new line of the record has PNLI ${pnli}.`,
        `lines[${index}].PNLI`,
      );
    given.add(pnli);
  }
  let next = 0;
  const nextFree = () => {
    do next += 1;
    while (taken.has(next) || given.has(next));
    taken.add(next);
    return next;
  };
  for (const [index, line] of lines.entries()) {
    const label = lineLabel(index, line);
    const pnli = textOf(fieldOf(line, 'PNLI'));
    const pnls = Number(textOf(fieldOf(line, 'PNLS')) || '0');
    const existing = pnli ? currentLines.find((entry) => entry.key === `${Number(pnli)}/${pnls}`) : undefined;
    if (existing) {
      if (seen.has(existing.key))
        return failed('E_INVALID_INPUT', `${label}: the record has this line twice.`, `lines[${index}].PNLI`);
      seen.add(existing.key);
      const fields = withoutUnchangeable(line, updLine, existing.line, ['PUNO', 'PNLI', 'PNLS']);
      const checked = toInputs(fields, 'PPS200MI/UpdLine', updLine, lineColumns, new Set(['PUNO', 'PNLI', 'PNLS']));
      if (!checked.ok)
        return failed('E_INVALID_INPUT', `${label}: ${checked.message}`, `lines[${index}].${checked.field}`);
      // Only what differs from the line as M3 has it: a rerun of the same record calls nothing.
      const changed = Object.fromEntries(
        Object.entries(checked.input).filter(([name, value]) => !same(value, existing.line[name])),
      );
      if (Object.keys(changed).length > 0)
        plan.push({
          transaction: 'UpdLine',
          input: { ...changed, PUNO: puno, PNLI: String(Number(pnli)), PNLS: String(pnls) },
          where: label,
        });
      continue;
    }
    const checked = toInputs(line, 'PPS200MI/AddLine', addLine, lineColumns, new Set(['PUNO']));
    if (!checked.ok)
      return failed('E_INVALID_INPUT', `${label}: ${checked.message}`, `lines[${index}].${checked.field}`);
    // PPS200MI/AddLine answers no line number: send one (the record's, or the next free).
    const number = pnli ? Number(pnli) : nextFree();
    plan.push({ transaction: 'AddLine', input: { ...checked.input, PUNO: puno, PNLI: String(number) }, where: label });
  }
  // Head fields equal to M3's need no call either.
  const headCall = plan.find((call) => call.transaction === 'UpdHead');
  if (headCall) {
    const changed = Object.entries(headCall.input).filter(
      ([name, value]) => name !== 'PUNO' && !same(value, current[name]),
    );
    if (changed.length === 0) plan.splice(plan.indexOf(headCall), 1);
    else headCall.input = { ...Object.fromEntries(changed), PUNO: puno };
  }
  const left = currentLines.filter((entry) => !seen.has(entry.key)).map((entry) => entry.key.replace(/\/0$/, ''));
  const note =
    left.length > 0
      ? `M3 purchase order ${puno} keeps line${left.length > 1 ? 's' : ''} ${left.join(', ')}, which the record no longer has (lines are not deleted).`
      : undefined;
  if (plan.length === 0) return { outcome: 'unchanged', targetKey: puno, match, ...(note ? { note } : {}) };
  for (const [position, call] of plan.entries()) {
    try {
      await m3Execute(context, 'PPS200MI', call.transaction, call.input, { maxrecs: 1, signal });
    } catch (error) {
      // AddLine carries its number: "exists" after a retried call is this very line, added on a lost answer.
      if (call.transaction === 'AddLine' && isCode(error, 'XRE0104')) continue;
      const refusal = recordRefusal(error);
      if (!refusal?.error) throw error;
      const done =
        position > 0
          ? ` (the ${plan
              .slice(0, position)
              .map((item) => item.where)
              .join(', ')} changes were written)`
          : '';
      refusal.error.message = `${call.where}: ${refusal.error.message}${unnamed(refusal, call.input)}${done}`;
      return { ...refusal, targetKey: puno };
    }
  }
  return { outcome: 'updated', targetKey: puno, match, ...(note ? { note } : {}) };
}
