import { AppError } from '../../../../shared/errors';
import type { JsonObject, LookupHit, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { fsmUrl } from './fsm-reader';
import { parseInforStamp } from './infor-formats';
import type { FsmSource } from './infor-sources';

/**
 * FSM (Landmark) as a target (issue 16): customers (`Customer`) and vendors (`Vendor`), upserts by
 * the whole key (CustomerGroup + Customer, VendorGroup + Vendor; a number is unique only within its
 * group, API-FACTS §10). Each record is looked up first through the `_generic` list filtered on
 * both key fields, then goes through the class's `Create` or `Update` action.
 *
 * Form (API-FACTS §10, from a public FSM conversion tool): `POST …/soap/classes/{Class}/actions/{Action}/batch`
 * with `{"_records":[{"_fields":{…},"message":"BatchImport"}]}`; the answer is an array with a
 * `batchStatus` element and one element per record, in order, carrying `exception` (Landmark's
 * text) when the record failed. Whether a tenant serves the batch form is unconfirmed: when it
 * answers 404 the connector sends each record alone (`POST …/actions/{Action}` with `{"_fields"}`)
 * for the rest of the connection's life.
 *
 * FSM publishes no field list (API-FACTS §10): a record's fields are checked against the fields the
 * class's records show (or the source's configured list); an unknown field or the change stamp
 * fails the record naming it. Values go as strings (Landmark's JSON), null or "" as "" (blank).
 */
const writable = new Set(['customers', 'suppliers']);

export function fsmWritable(entity: string): boolean {
  return writable.has(entity);
}

const batchUnsupported = new WeakSet<object>();
const fieldCache = new WeakMap<object, Map<string, Promise<Set<string> | undefined>>>();

const failed = (code: string, message: string, field?: string): WriteResult => ({
  outcome: 'failed',
  error: { code, message, ...(field ? { field } : {}) },
});

interface FsmItem {
  _fields?: Record<string, unknown>;
  batchStatus?: unknown;
  message?: unknown;
  exception?: unknown;
}

function listUrl(context: HookContext, source: FsmSource, query: Record<string, string>): string {
  return `${fsmUrl(context, `classes/${encodeURIComponent(source.className)}/lists/_generic`)}?${new URLSearchParams({
    ...query,
    _out: 'JSON',
  }).toString()}`;
}

async function list(context: HookContext, source: FsmSource, query: Record<string, string>, signal?: AbortSignal) {
  const response = await context.http.request({ url: listUrl(context, source, query), expect: 'json', signal });
  if (!Array.isArray(response.data))
    throw new AppError('E_REMOTE', `FSM list of ${source.className} answered no list.`, { system: 'fsm' });
  return (response.data as FsmItem[])
    .map((item) => item._fields)
    .filter((fields): fields is Record<string, unknown> => Boolean(fields));
}

/**
 * The fields a record may set: the configured list, else those sampled records of the class show.
 * A class with no records shows none: then only the key is known and FSM itself judges the rest
 * (its exception names an unknown field), rather than every field being refused here.
 */
function knownFields(context: HookContext, source: FsmSource, signal?: AbortSignal): Promise<Set<string> | undefined> {
  if (source.fields.length > 0) return Promise.resolve(new Set([...source.fields, ...source.keys]));
  let cache = fieldCache.get(context.settings);
  if (!cache) fieldCache.set(context.settings, (cache = new Map()));
  let found = cache.get(source.className);
  if (!found) {
    found = list(context, source, { _fields: '_all', _limit: '20' }, signal).then((rows) =>
      rows.length === 0 ? undefined : new Set([...source.keys, ...rows.flatMap((row) => Object.keys(row))]),
    );
    found.catch(() => cache.delete(source.className));
    cache.set(source.className, found);
  }
  return found;
}

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value).trim());

/** `_filter` takes `field::value|field::value`: a value holding the separators cannot be asked for. */
const filterable = (value: string) => !value.includes('|') && !value.includes('::');

/** The records of one key (group and number), with their stamps. */
async function findByKey(
  context: HookContext,
  source: FsmSource,
  values: Record<string, string>,
  signal?: AbortSignal,
): Promise<Array<Record<string, unknown>>> {
  const filter = Object.entries(values)
    .map(([field, value]) => `${field}::${value}`)
    .join('|');
  return list(context, source, { _fields: '_all', _filter: filter, _limit: '2' }, signal);
}

function checkMatchKey(source: FsmSource, matchKey: string[]): void {
  const number = source.keys[source.keys.length - 1];
  // The number alone (the group comes from the record), or the whole key in any order.
  const ok =
    (matchKey.length === 1 && matchKey[0] === number) ||
    (matchKey.length === source.keys.length && source.keys.every((key) => matchKey.includes(key)));
  if (!ok)
    throw new AppError(
      'E_INVALID_INPUT',
      `Infor FSM matches ${source.className} records by ${source.keys.join(' + ')} (asked: ${matchKey.join(', ') || 'nothing'}).`,
      { field: 'matchKey' },
    );
}

/**
 * `lookup` by the number field: a value `group/number` names one record; a bare number is looked
 * up in every group and is an error when two groups have it (the match would be a guess).
 */
export async function fsmLookup(
  context: HookContext,
  entity: string,
  source: FsmSource,
  matchKey: string,
  values: string[],
  signal?: AbortSignal,
): Promise<Map<string, LookupHit>> {
  if (!fsmWritable(entity)) throw new AppError('E_INVALID_INPUT', `Infor FSM: ${entity} is read-only here.`);
  checkMatchKey(source, [matchKey]);
  const [groupField = '', numberField = ''] = source.keys;
  const hits = new Map<string, LookupHit>();
  for (const value of [...new Set(values.filter(Boolean))]) {
    const parts = value.split('/');
    const asked = parts.length === 2 ? { [groupField]: parts[0]!, [numberField]: parts[1]! } : { [numberField]: value };
    if (!Object.values(asked).every(filterable))
      throw new AppError('E_INVALID_INPUT', `Infor FSM cannot look up "${value}": FSM filters cannot hold | or ::.`, {
        value,
      });
    const rows = await findByKey(context, source, asked, signal);
    if (rows.length > 1)
      throw new AppError(
        'E_INVALID_INPUT',
        `Infor FSM: ${source.className} ${value} exists in more than one ${groupField}; look it up as group/number.`,
        { value },
      );
    const row = rows[0];
    if (!row) continue;
    const data: JsonObject = {};
    for (const [name, field] of Object.entries(row))
      if (field !== undefined) data[name] = typeof field === 'string' ? field.trimEnd() : (field as JsonObject[string]);
    const stamp = source.stamp ? parseInforStamp(text(row[source.stamp])) : undefined;
    hits.set(value, {
      targetKey: `${text(row[groupField])}/${text(row[numberField])}`,
      data,
      ...(stamp ? { stamp } : {}),
    });
  }
  return hits;
}

/** Which field an FSM exception names ("Name: value exceeds 40 characters", "Customer is required"). */
function namedField(message: string, fields: Set<string>): string | undefined {
  const first = /^(\w+)(?::| is | does )/.exec(message)?.[1];
  return first && fields.has(first) ? first : undefined;
}

interface Pending {
  index: number;
  label: string;
  fields: Record<string, string>;
}

/** One batch: look each record up, then Create the new ones and Update the rest, in one call each. */
export async function fsmWriteBatch(
  context: HookContext,
  entity: string,
  source: FsmSource,
  records: JsonObject[],
  matchKey: string[],
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  if (!fsmWritable(entity)) throw new AppError('E_INVALID_INPUT', `Infor FSM: writing ${entity} is not supported.`);
  checkMatchKey(source, matchKey);
  const known = await knownFields(context, source, signal);
  const results: WriteResult[] = new Array<WriteResult>(records.length);
  const creates: Pending[] = [];
  const updates: Pending[] = [];
  const seen = new Set<string>();
  for (const [index, record] of records.entries()) {
    signal?.throwIfAborted();
    const fields: Record<string, string> = {};
    let problem: WriteResult | undefined;
    for (const [field, raw] of Object.entries(record)) {
      if (raw === undefined) continue;
      if ((known && !known.has(field)) || field === source.stamp) {
        problem = failed(
          'E_INVALID_INPUT',
          field === source.stamp
            ? `${field} is FSM's change stamp; it cannot be written.`
            : `${field} is not a field of FSM ${source.className}: map it to another field.`,
          field,
        );
        break;
      }
      if (typeof raw === 'object' && raw !== null) {
        problem = failed('E_INVALID_INPUT', `${field} must be a single value for FSM ${source.className}.`, field);
        break;
      }
      fields[field] = text(raw);
    }
    const missing = problem ? undefined : source.keys.find((key) => !fields[key]);
    if (missing) problem = failed('E_INVALID_INPUT', `${missing} is part of the key and the record has none.`, missing);
    const badKey = problem ? undefined : source.keys.find((key) => !filterable(fields[key]!));
    if (badKey)
      problem = failed(
        'E_INVALID_INPUT',
        `${badKey} "${fields[badKey]}" cannot be looked up (FSM filters cannot hold | or ::).`,
        badKey,
      );
    if (problem) {
      results[index] = problem;
      continue;
    }
    const keyValues = Object.fromEntries(source.keys.map((key) => [key, fields[key]!]));
    const label = source.keys.map((key) => fields[key]).join('/');
    // A second record with the same key in this batch would race its own create: it fails, named.
    if (seen.has(label)) {
      results[index] = failed(
        'E_INVALID_INPUT',
        `${label} appears twice in this batch.`,
        source.keys[source.keys.length - 1],
      );
      continue;
    }
    seen.add(label);
    const exists = (await findByKey(context, source, keyValues, signal)).length > 0;
    (exists ? updates : creates).push({ index, label, fields });
  }
  for (const [action, pending] of [
    ['Create', creates],
    ['Update', updates],
  ] as const) {
    if (pending.length === 0) continue;
    const answers = await runAction(context, source, action, pending, signal);
    for (const [position, item] of pending.entries()) {
      const answer = answers[position];
      const exception = answer?.exception;
      if (exception !== undefined && exception !== null && exception !== '') {
        const message =
          typeof exception === 'string'
            ? exception
            : text((exception as { message?: unknown }).message) || JSON.stringify(exception);
        results[item.index] = failed(
          'FSM_EXCEPTION',
          `FSM refused ${source.className} ${item.label}: ${message}`,
          namedField(message, known ?? new Set(Object.keys(item.fields))),
        );
      } else {
        results[item.index] = { outcome: action === 'Create' ? 'created' : 'updated', targetKey: item.label };
      }
    }
  }
  return results;
}

/** The action for the records, batch form first; the answer elements in record order. */
async function runAction(
  context: HookContext,
  source: FsmSource,
  action: 'Create' | 'Update',
  pending: Pending[],
  signal?: AbortSignal,
): Promise<FsmItem[]> {
  const base = fsmUrl(context, `classes/${encodeURIComponent(source.className)}/actions/${action}`);
  if (!batchUnsupported.has(context.settings)) {
    const response = await context.http.request({
      method: 'POST',
      url: `${base}/batch?_out=JSON`,
      headers: { 'content-type': 'application/json' },
      json: { _records: pending.map((item) => ({ _fields: item.fields, message: 'BatchImport' })) },
      expect: 'json',
      signal,
      passStatuses: [404],
    });
    if (response.status !== 404) {
      const items = (Array.isArray(response.data) ? (response.data as FsmItem[]) : []).filter(
        (item) => item.batchStatus === undefined,
      );
      if (items.length !== pending.length)
        throw new AppError(
          'E_REMOTE',
          `FSM ${source.className} ${action} batch answered ${items.length} results for ${pending.length} records; which were written is unknown (a rerun looks them up again).`,
          { system: 'fsm' },
        );
      return items;
    }
    batchUnsupported.add(context.settings);
  }
  const answers: FsmItem[] = [];
  for (const item of pending) {
    const response = await context.http.request({
      method: 'POST',
      url: `${base}?_out=JSON`,
      headers: { 'content-type': 'application/json' },
      json: { _fields: item.fields },
      expect: 'json',
      signal,
      passStatuses: [400],
    });
    const body = (response.data ?? {}) as FsmItem;
    if (response.status === 400 && !body.exception)
      throw new AppError('E_REMOTE', `FSM ${source.className} ${action} answered HTTP 400 without an exception.`, {
        system: 'fsm',
      });
    answers.push(body);
  }
  return answers;
}
