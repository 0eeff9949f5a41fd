import { AppError, isAppError } from '../../../../shared/errors';
import type { JsonObject, LookupHit, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { m3Execute } from './m3-api';
import { detectM3StampForm, parseInforStamp, parseM3Stamp } from './infor-formats';
import { exportColumns, m3ValueKind, stripPrefix, type ExportColumn } from './m3-export';
import { quotableKey, selectWhereIn } from './m3-key-select';

/**
 * M3 as a target (issue 16): customers through CRS610MI, suppliers through CRS620MI, upserts by
 * key. Every write looks first (query-first dedup): one EXPORTMI select of the key column per
 * batch says which keys exist, so a record is changed when its key exists and added otherwise, and
 * a rerun never duplicates.
 *
 * - Customers: `CRS610MI/Add` with the customer template from the connection (`m3CustomerTemplate`,
 *   CUTM is mandatory on Add), or `CRS610MI/ChgBasicData` with only the fields the mapping set.
 * - Suppliers: AddSupplier has 23 mandatory inputs (M3H5 catalogue) that a CRM record rarely carries,
 *   so with `m3SupplierTemplate` set a new supplier is `CRS620MI/CopyTemplate` (STEM, SUNO) followed
 *   by `UpdSupplier` with the mapped fields; without a template it is `AddSupplier`, and a record
 *   missing a mandatory input fails naming it. Existing suppliers get `UpdSupplier`.
 *
 * Before any call each record is checked against the live metadata: the transaction's inputs and
 * their mandatory flags (`MRS001MI/LstFields TRTP=I`) and the table's column types and lengths
 * (`EXPORTMI/LstFields`): a field the transaction does not take, a missing mandatory input, a value
 * too long, a non-numeric N or a date that is not one fail that record naming the field. What M3
 * itself refuses fails the record with M3's text, code and field (E_REMOTE). A value the mapping did
 * not set, or set to null or "", is not sent: M3 treats a blank input as "no change", and MI has no
 * way to blank a field.
 */
export interface M3WriteEntity {
  program: 'CRS610MI' | 'CRS620MI';
  table: 'OCUSMA' | 'CIDMAS';
  prefix: 'OK' | 'ID';
  key: 'CUNO' | 'SUNO';
  add: string;
  change: string;
  get: string;
  /** Supplier: create from a template, then change. */
  copy?: { transaction: string; templateInput: string };
  /** The setting naming the template, and the Add input that takes it (customers). */
  templateSetting: 'm3CustomerTemplate' | 'm3SupplierTemplate';
  addTemplateInput?: string;
}

export const m3WriteEntities: Record<'customers' | 'suppliers', M3WriteEntity> = {
  customers: {
    program: 'CRS610MI',
    table: 'OCUSMA',
    prefix: 'OK',
    key: 'CUNO',
    add: 'Add',
    change: 'ChgBasicData',
    get: 'GetBasicData',
    templateSetting: 'm3CustomerTemplate',
    addTemplateInput: 'CUTM',
  },
  suppliers: {
    program: 'CRS620MI',
    table: 'CIDMAS',
    prefix: 'ID',
    key: 'SUNO',
    add: 'AddSupplier',
    change: 'UpdSupplier',
    get: 'GetBasicData',
    copy: { transaction: 'CopyTemplate', templateInput: 'STEM' },
    templateSetting: 'm3SupplierTemplate',
  },
};

/**
 * Fields a new record must carry besides its key, whatever the connection's settings: CRS610MI/Add's
 * mandatory CUNM and CUA1 (M3H5 catalogue; CUTM comes from the template setting). Suppliers have none
 * that hold for both paths (CopyTemplate needs only STEM and SUNO). The schema marks them required on
 * create, so the engine's payload check stops a record without them before any call.
 */
export const m3CreateRequired: Record<string, string[]> = { customers: ['CUNM', 'CUA1'] };

export function m3WriteEntity(entity: string): M3WriteEntity {
  const found = (m3WriteEntities as Record<string, M3WriteEntity | undefined>)[entity];
  if (!found) throw new AppError('E_INVALID_INPUT', `Infor M3: ${entity} is read-only here.`);
  return found;
}

/** One input of a transaction as `MRS001MI/LstFields` describes it. */
export interface M3Input {
  name: string;
  type: 'A' | 'N';
  length: number;
  mandatory: boolean;
}

const inputCache = new WeakMap<object, Map<string, Promise<Map<string, M3Input>>>>();

/** A transaction's inputs (`MRS001MI/LstFields … TRTP=I`: FLNM, LENG, TYPE, MAND), cached per connection. */
export function transactionInputs(
  context: HookContext,
  program: string,
  transaction: string,
  signal?: AbortSignal,
): Promise<Map<string, M3Input>> {
  let cache = inputCache.get(context.settings);
  if (!cache) inputCache.set(context.settings, (cache = new Map()));
  const id = `${program}/${transaction}`;
  let found = cache.get(id);
  if (!found) {
    found = m3Execute(
      context,
      'MRS001MI',
      'LstFields',
      { MINM: program, TRNM: transaction, TRTP: 'I' },
      { maxrecs: 0, signal },
    ).then(
      (result) =>
        new Map(
          result.records.map((row) => {
            const name = (row.FLNM ?? '').trim();
            return [
              name,
              {
                name,
                type: (row.TYPE ?? '').trim() === 'N' ? 'N' : 'A',
                length: Number((row.LENG ?? '').trim()) || 0,
                mandatory: (row.MAND ?? '').trim() === '1',
              } satisfies M3Input,
            ];
          }),
        ),
    );
    // A failed metadata call is not remembered: the next batch asks again.
    found.catch(() => cache.delete(id));
    cache.set(id, found);
  }
  return found;
}

/** Inputs the connector sets itself, never from a record. */
// MSGN and BAOR: the purchase order batch entry's own (m3-purchase-write.ts).
const connectorInputs = new Set(['CONO', 'DIVI', 'CUTM', 'STEM', 'MSGN', 'BAOR']);

export type Checked = { ok: true; input: Record<string, string> } | { ok: false; field: string; message: string };

/**
 * A record's values as the transaction's inputs, checked as M3 would check them. `required` are
 * inputs the call will carry anyway (key, template), so their absence in the record is no error.
 */
export function toInputs(
  record: JsonObject,
  where: string,
  inputs: Map<string, M3Input>,
  columns: Map<string, ExportColumn>,
  required: Set<string>,
): Checked {
  const input: Record<string, string> = {};
  for (const [field, raw] of Object.entries(record)) {
    if (raw === null || raw === undefined || raw === '') continue;
    const name = field.toUpperCase();
    const spec = inputs.get(name);
    if (!spec || connectorInputs.has(name))
      return { ok: false, field, message: `${field} is not an input of M3 ${where}: map it to another field.` };
    const column = columns.get(name);
    const isDate = column ? m3ValueKind(column) === 'date' : false;
    let text: string;
    if (typeof raw === 'object') return { ok: false, field, message: `${field} must be a single value for ${where}.` };
    if (typeof raw === 'boolean') text = raw ? '1' : '0';
    else text = String(raw).trim();
    if (text === '') continue;
    if (isDate) {
      // Dates read as ISO (m3-reader) go back as yyyyMMdd (API-FACTS §1.4).
      const iso = /^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$/.exec(text);
      if (iso) text = `${iso[1]}${iso[2]}${iso[3]}`;
      if (!validDate(text))
        return { ok: false, field, message: `${field} must be a date (yyyy-MM-dd or yyyyMMdd); "${text}" is not.` };
    } else if (spec.type === 'N' || column?.type === 'N') {
      if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(text))
        return { ok: false, field, message: `${field} must be numeric for M3 ${where}; "${text}" is not.` };
    }
    const length = spec.length || column?.length || 0;
    if (length > 0 && text.length > length)
      return {
        ok: false,
        field,
        message: `${field} is ${text.length} characters; M3 ${where} takes at most ${length}.`,
      };
    input[name] = text;
  }
  for (const spec of inputs.values()) {
    if (spec.mandatory && !input[spec.name] && !required.has(spec.name))
      return {
        ok: false,
        field: spec.name,
        message: `${spec.name} is mandatory for M3 ${where}; the record has none.`,
      };
  }
  return { ok: true, input };
}

function validDate(text: string): boolean {
  if (!/^\d{8}$/.test(text)) return false;
  const [year, month, day] = [Number(text.slice(0, 4)), Number(text.slice(4, 6)), Number(text.slice(6))];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const keyOf = (record: JsonObject, key: string): string => {
  const value = record[key] ?? record[key.toLowerCase()];
  return value === null || value === undefined ? '' : String(value).trim();
};

/**
 * Which of `values` exist as keys of the table: `EXPORTMI/Select` of the key column alone (one value
 * per line, so no separator can split it), ORed conditions in queries that fit the QERY budget.
 * Values EXPORTMI cannot quote safely are asked one by one through the Get transaction.
 */
export async function existingKeys(
  context: HookContext,
  spec: M3WriteEntity,
  values: string[],
  signal?: AbortSignal,
): Promise<Set<string>> {
  const { rows, others } = await selectByKeys(context, spec, values, [], signal);
  const found = new Set(rows.keys());
  for (const value of others) if (await getRecord(context, spec, value, signal)) found.add(value);
  return found;
}

/**
 * `EXPORTMI/Select` of the key column (and `extra` columns, `~`-separated) for the rows whose key
 * is one of `values`, ORed conditions in queries that fit the QERY budget. Values EXPORTMI cannot
 * quote safely come back in `others` for the caller to ask one by one.
 */
async function selectByKeys(
  context: HookContext,
  spec: M3WriteEntity,
  values: string[],
  extra: string[],
  signal?: AbortSignal,
): Promise<{ rows: Map<string, string[]>; others: string[] }> {
  const unique = [...new Set(values.filter(Boolean))];
  const others = unique.filter((value) => !quotableKey(value));
  const column = `${spec.prefix}${spec.key}`;
  const found = await selectWhereIn(
    context,
    {
      table: spec.table,
      keyColumn: column,
      columns: [column, ...extra.map((name) => `${spec.prefix}${name}`)],
      values: unique.filter(quotableKey),
    },
    signal,
  );
  const rows = new Map(found.map(([key = '', ...rest]) => [key, rest] as const));
  return { rows, others };
}

/**
 * Each key's last change as ISO (`LookupHit.stamp`): the Get transactions do not answer LMTS
 * (CRS610MI/GetBasicData has only LMDT, CRS620MI/GetBasicData neither; M3H5 catalogue), so one
 * EXPORTMI select reads LMTS and LMDT of all keys. LMTS's text form is unconfirmed (API-FACTS §10):
 * it is recognised from these rows as the reader does (`detectM3StampForm`); when no form fits, the
 * change date LMDT (a day's precision) is the stamp, as in the reader's fallback.
 */
async function keyStamps(
  context: HookContext,
  spec: M3WriteEntity,
  keys: string[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const { rows } = await selectByKeys(context, spec, keys, ['LMTS', 'LMDT'], signal);
  const samples = [...rows.values()].map(([stamp = '', date = '']) => ({ stamp, date }));
  const form = detectM3StampForm(samples);
  const stamps = new Map<string, string>();
  for (const [key, [stamp = '', date = ''] = []] of rows) {
    const iso = (form && parseM3Stamp(stamp, form)) || parseInforStamp(date);
    if (iso) stamps.set(key, iso);
  }
  return stamps;
}

/** The Get transaction's answer for one key; undefined when M3 says XRE0103 (no such record). */
async function getRecord(
  context: HookContext,
  spec: M3WriteEntity,
  value: string,
  signal?: AbortSignal,
): Promise<Record<string, string> | undefined> {
  try {
    const result = await m3Execute(context, spec.program, spec.get, { [spec.key]: value }, { maxrecs: 1, signal });
    return result.records[0];
  } catch (error) {
    const details = isAppError(error) ? (error.details as { code?: string; type?: string } | undefined) : undefined;
    // No such record; or a key longer than the field, which no record can have.
    if (details?.code === 'XRE0103' || details?.type === 'InputFieldTooLong') return undefined;
    throw error;
  }
}

/**
 * `lookup`: which values exist (one EXPORTMI call per ~35 keys), each found record's Get answer as
 * its data and its LMTS as `stamp` (one more EXPORTMI call, `keyStamps`).
 */
export async function m3Lookup(
  context: HookContext,
  entity: string,
  matchKey: string,
  values: string[],
  signal?: AbortSignal,
): Promise<Map<string, LookupHit>> {
  const spec = m3WriteEntity(entity);
  checkMatchKey(spec, [matchKey]);
  const hits = new Map<string, LookupHit>();
  const existing = await existingKeys(context, spec, values, signal);
  const stamps = existing.size > 0 ? await keyStamps(context, spec, [...existing], signal) : new Map<string, string>();
  for (const value of existing) {
    const row = await getRecord(context, spec, value, signal);
    if (!row) continue;
    const data: JsonObject = {};
    for (const [name, text] of Object.entries(row)) data[stripPrefix(name)] = text.trim();
    const stamp = stamps.get(value);
    hits.set(value, { targetKey: value, data, ...(stamp ? { stamp } : {}) });
  }
  return hits;
}

function checkMatchKey(spec: M3WriteEntity, matchKey: string[]): void {
  if (matchKey.length !== 1 || matchKey[0]?.toUpperCase() !== spec.key)
    throw new AppError(
      'E_INVALID_INPUT',
      `Infor M3 matches ${spec.program} records by ${spec.key} only (asked: ${matchKey.join(', ') || 'nothing'}).`,
      { field: 'matchKey' },
    );
}

export const failed = (code: string, message: string, field?: string): WriteResult => ({
  outcome: 'failed',
  error: { code, message, ...(field ? { field } : {}) },
});

const alreadyExists = (error: unknown) =>
  isAppError(error) && (error.details as { code?: string } | undefined)?.code === 'XRE0104';

/** M3's own refusal of one record (NOK text, code, field), or undefined for errors that are not the record's. */
export function recordRefusal(error: unknown): WriteResult | undefined {
  if (!isAppError(error) || error.code !== 'E_REMOTE') return undefined;
  const details = (error.details ?? {}) as { code?: string; field?: string; type?: string; status?: number };
  // A refusal names a type or code; a bare failure (HTTP 5xx, no body) is the call's, not the record's.
  if (!details.type && !details.code) return undefined;
  // M3's own code (XRE0104) or error type (InputFieldTooLong), as other targets report theirs.
  return failed(details.code || details.type || 'E_REMOTE', error.message, details.field);
}

/**
 * One batch, in order. Transport and sign-in failures end the batch by throwing (a rerun is safe:
 * the lookup finds what was already written); a record M3 refuses fails alone.
 */
export async function m3WriteBatch(
  context: HookContext,
  entity: string,
  records: JsonObject[],
  matchKey: string[],
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const spec = m3WriteEntity(entity);
  checkMatchKey(spec, matchKey);
  const columns = new Map(
    (await exportColumns(context, spec.table, signal)).map((column) => [stripPrefix(column.name), column]),
  );
  const template = String(context.settings[spec.templateSetting] ?? '').trim();
  const existing = await existingKeys(
    context,
    spec,
    records.map((record) => keyOf(record, spec.key)),
    signal,
  );
  const results: WriteResult[] = [];
  for (const record of records) {
    signal?.throwIfAborted();
    const key = keyOf(record, spec.key);
    if (!key) {
      results.push(failed('E_INVALID_INPUT', `${spec.key} is the match key and the record has none.`, spec.key));
      continue;
    }
    try {
      const result = existing.has(key)
        ? await change(context, spec, record, key, columns, signal)
        : await create(context, spec, record, key, template, columns, signal);
      // A second record with the same key in this batch changes what the first created.
      if (result.outcome === 'created') existing.add(key);
      results.push(result);
    } catch (error) {
      const refusal = recordRefusal(error);
      if (!refusal) throw error;
      results.push(refusal);
    }
  }
  return results;
}

async function change(
  context: HookContext,
  spec: M3WriteEntity,
  record: JsonObject,
  key: string,
  columns: Map<string, ExportColumn>,
  signal?: AbortSignal,
): Promise<WriteResult> {
  const where = `${spec.program}/${spec.change}`;
  const inputs = await transactionInputs(context, spec.program, spec.change, signal);
  const checked = toInputs(record, where, inputs, columns, new Set([spec.key]));
  if (!checked.ok) return failed('E_INVALID_INPUT', checked.message, checked.field);
  const { [spec.key]: _key, ...fields } = checked.input;
  const match = { by: 'id' as const, value: key };
  if (Object.keys(fields).length === 0) return { outcome: 'unchanged', targetKey: key, match };
  await m3Execute(context, spec.program, spec.change, { ...fields, [spec.key]: key }, { maxrecs: 1, signal });
  return { outcome: 'updated', targetKey: key, match };
}

async function create(
  context: HookContext,
  spec: M3WriteEntity,
  record: JsonObject,
  key: string,
  template: string,
  columns: Map<string, ExportColumn>,
  signal?: AbortSignal,
): Promise<WriteResult> {
  const match = { by: 'none' as const };
  if (spec.copy && template) {
    // Supplier from a template: CopyTemplate creates it, UpdSupplier sets the mapped fields.
    const where = `${spec.program}/${spec.change}`;
    const inputs = await transactionInputs(context, spec.program, spec.change, signal);
    const checked = toInputs(record, where, inputs, columns, new Set([spec.key]));
    if (!checked.ok) return failed('E_INVALID_INPUT', checked.message, checked.field);
    try {
      await m3Execute(
        context,
        spec.program,
        spec.copy.transaction,
        { [spec.copy.templateInput]: template, [spec.key]: key },
        { maxrecs: 1, signal },
      );
    } catch (error) {
      // As for Add: an existing supplier (since the lookup, or a retried copy) is changed instead.
      if (!alreadyExists(error)) throw error;
      return change(context, spec, record, key, columns, signal);
    }
    const { [spec.key]: _key, ...fields } = checked.input;
    if (Object.keys(fields).length > 0) {
      try {
        await m3Execute(context, spec.program, spec.change, { ...fields, [spec.key]: key }, { maxrecs: 1, signal });
      } catch (error) {
        const refusal = recordRefusal(error);
        if (!refusal?.error) throw error;
        // The copy exists: the next run finds it and changes it; say so rather than hide it.
        refusal.error.message = `${refusal.error.message} (supplier ${key} was created from template ${template} but not updated)`;
        return { ...refusal, targetKey: key };
      }
    }
    return { outcome: 'created', targetKey: key, match };
  }
  const where = `${spec.program}/${spec.add}`;
  const required = new Set<string>([spec.key]);
  const call: Record<string, string> = {};
  if (spec.addTemplateInput) {
    if (!template)
      return failed(
        'E_INVALID_INPUT',
        `A new M3 customer needs a customer template (CUTM): set “Customer template” (${spec.templateSetting}) on the Infor connection.`,
        spec.addTemplateInput,
      );
    call[spec.addTemplateInput] = template;
    required.add(spec.addTemplateInput);
  }
  const inputs = await transactionInputs(context, spec.program, spec.add, signal);
  const checked = toInputs(record, where, inputs, columns, required);
  if (!checked.ok) {
    const hint =
      spec.copy && inputs.get(checked.field)?.mandatory
        ? ` Or set “Supplier template” (${spec.templateSetting}) to create suppliers from a template.`
        : '';
    return failed('E_INVALID_INPUT', `${checked.message}${hint}`, checked.field);
  }
  let answer;
  try {
    answer = await m3Execute(
      context,
      spec.program,
      spec.add,
      { ...call, ...checked.input, [spec.key]: key },
      { maxrecs: 1, signal },
    );
  } catch (error) {
    // XRE0104: the record exists after all — created since the lookup, or by this very Add when the
    // gateway lost its answer and the call was retried. Either way the record is there: change it.
    if (!alreadyExists(error)) throw error;
    return change(context, spec, record, key, columns, signal);
  }
  const given = answer.records[0]?.[spec.key]?.trim();
  return { outcome: 'created', targetKey: given || key, match };
}
