import { AppError } from '../../../../shared/errors';
import type { HttpResponse } from '../../http/http-client';
import type { JsonObject, JsonValue, LookupHit, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import type { LnSource } from './infor-sources';
import { lnUrl } from './ln-reader';

/**
 * LN as a target (issue 16): business partners (customers, suppliers) through OData v4 — upserts
 * by key. Each record is read by key first (`GET {set}('{key}')`, 404 = new), then created with
 * `POST {set}` or changed with `PATCH {set}('{key}')` carrying only the mapped fields and the
 * entity's ETag in `If-Match` (API-FACTS §1.6: LN refuses a PATCH without it, 428; Infor's LN API
 * pages list If-Match on every update). The company goes in `X-Infor-LnCompany`, the descriptor's
 * header on every call, as on reads.
 *
 * Before any write each record is checked against the service's `$metadata` (CSDL): unknown
 * properties, null in a `Nullable="false"` one, strings over `MaxLength`, numbers that are not,
 * `Edm.Date` values that are not dates, enum values that are not members, and on create every
 * non-nullable property present. What LN refuses fails that record with LN's own OData error text
 * (`error.message`, `details[].target` as the field); a stale ETag (412) fails the record too (someone
 * changed it between our read and our write — the next run reads it again).
 *
 * Order sets are not written here: LN creates orders through their own actions and the sandbox
 * does not model a deep insert; they stay read-only (see the report of issue 16).
 */
const writable = new Set(['customers', 'suppliers']);

export function lnWritable(entity: string): boolean {
  return writable.has(entity);
}

interface LnProperty {
  name: string;
  type: string;
  nullable: boolean;
  maxLength?: number;
}

interface LnEntityType {
  name: string;
  keys: string[];
  properties: Map<string, LnProperty>;
  enums: Map<string, string[]>;
}

const metadataCache = new WeakMap<object, Map<string, Promise<string>>>();

/** The service's `$metadata`, once per connection (a failed call is asked again next batch). */
function metadata(context: HookContext, service: string, signal?: AbortSignal): Promise<string> {
  let cache = metadataCache.get(context.settings);
  if (!cache) metadataCache.set(context.settings, (cache = new Map()));
  let found = cache.get(service);
  if (!found) {
    found = context.http
      .request({ url: lnUrl(context, service, '$metadata'), headers: { accept: 'application/xml' }, signal })
      .then((response) => response.text ?? '');
    found.catch(() => cache.delete(service));
    cache.set(service, found);
  }
  return found;
}

const attribute = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];

/** The entity type of `set` from CSDL: key, properties (type, Nullable, MaxLength) and the enums they use. */
export function lnEntityType(xml: string, set: string): LnEntityType | undefined {
  const setTag = [...xml.matchAll(/<EntitySet\b[^>]*>/g)].find((match) => attribute(match[0], 'Name') === set)?.[0];
  const typeName = setTag ? attribute(setTag, 'EntityType')?.split('.').pop() : undefined;
  if (!typeName) return undefined;
  const typeXml = [...xml.matchAll(/<EntityType\b[^>]*>[\s\S]*?<\/EntityType>/g)].find(
    (match) => attribute(match[0], 'Name') === typeName,
  )?.[0];
  if (!typeXml) return undefined;
  const properties = new Map<string, LnProperty>();
  for (const match of typeXml.matchAll(/<Property\b[^>]*>/g)) {
    const name = attribute(match[0], 'Name') ?? '';
    const length = attribute(match[0], 'MaxLength');
    properties.set(name, {
      name,
      type: attribute(match[0], 'Type') ?? 'Edm.String',
      nullable: attribute(match[0], 'Nullable') !== 'false',
      ...(length && /^\d+$/.test(length) ? { maxLength: Number(length) } : {}),
    });
  }
  const enums = new Map<string, string[]>();
  for (const match of xml.matchAll(/<EnumType\b[^>]*>[\s\S]*?<\/EnumType>/g))
    enums.set(
      attribute(match[0], 'Name') ?? '',
      [...match[0].matchAll(/<Member\b[^>]*>/g)].map((member) => attribute(member[0], 'Name') ?? ''),
    );
  return {
    name: typeName,
    keys: [...typeXml.matchAll(/<PropertyRef\b[^>]*>/g)].map((ref) => attribute(ref[0], 'Name') ?? ''),
    properties,
    enums,
  };
}

async function entityType(context: HookContext, source: LnSource, signal?: AbortSignal): Promise<LnEntityType> {
  const found = lnEntityType(await metadata(context, source.service, signal), source.set);
  if (!found)
    throw new AppError('E_REMOTE', `LN ${source.service} $metadata describes no entity set ${source.set}.`, {
      system: 'ln',
      service: source.service,
    });
  return found;
}

type Checked = { ok: true; body: JsonObject } | { ok: false; field: string; message: string };

/** A record as an OData entity body, checked as the `$metadata` says LN will check it. */
export function toEntity(record: JsonObject, type: LnEntityType, mode: 'create' | 'update', where: string): Checked {
  const body: JsonObject = {};
  for (const [field, raw] of Object.entries(record)) {
    if (raw === undefined) continue;
    const property = type.properties.get(field);
    if (!property)
      return { ok: false, field, message: `${field} is not a property of ${where}: map it to another field.` };
    const value = convert(property, raw, type.enums);
    if (typeof value === 'object' && value !== null && 'error' in value)
      return { ok: false, field, message: `${field}: ${String(value.error)} (${where}).` };
    if (mode === 'update' && type.keys.includes(field)) continue; // the key is in the URL
    body[field] = value as JsonValue;
  }
  if (mode === 'create')
    for (const property of type.properties.values())
      if (!property.nullable && (body[property.name] === undefined || body[property.name] === null))
        return {
          ok: false,
          field: property.name,
          message: `${property.name} is required to create ${where}; the record has none.`,
        };
  return { ok: true, body };
}

function convert(property: LnProperty, raw: JsonValue, enums: Map<string, string[]>): JsonValue | { error: string } {
  if (raw === null || raw === '') {
    // An empty value clears a nullable property; a non-nullable one cannot be cleared.
    if (!property.nullable) return { error: 'must have a value' };
    return raw === '' && property.type === 'Edm.String' ? '' : null;
  }
  if (typeof raw === 'object') return { error: 'must be a single value' };
  switch (property.type) {
    case 'Edm.String': {
      const text = String(raw);
      if (property.maxLength !== undefined && text.length > property.maxLength)
        return { error: `is ${text.length} characters; LN takes at most ${property.maxLength}` };
      return text;
    }
    case 'Edm.Decimal':
    case 'Edm.Double':
    case 'Edm.Int16':
    case 'Edm.Int32':
    case 'Edm.Int64':
    case 'Edm.Byte': {
      const number = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : NaN;
      if (typeof raw === 'boolean' || !Number.isFinite(number) || (typeof raw === 'string' && raw.trim() === ''))
        return { error: `must be a number; "${String(raw)}" is not` };
      if (property.type !== 'Edm.Decimal' && property.type !== 'Edm.Double' && !Number.isInteger(number))
        return { error: `must be a whole number; "${String(raw)}" is not` };
      return number;
    }
    case 'Edm.Date': {
      const text = String(raw).trim();
      const day = /^(\d{4}-\d{2}-\d{2})(?:T.*)?$/.exec(text)?.[1];
      const date = day ? new Date(`${day}T00:00:00Z`) : undefined;
      if (!day || !date || Number.isNaN(date.getTime()) || !date.toISOString().startsWith(day))
        return { error: `must be a date (yyyy-MM-dd); "${text}" is not` };
      return day;
    }
    case 'Edm.Boolean':
      if (typeof raw === 'boolean') return raw;
      return { error: `must be true or false; "${String(raw)}" is not` };
    default: {
      const members = enums.get(property.type.split('.').pop() ?? '');
      if (!members) return typeof raw === 'string' ? raw : String(raw);
      const text = String(raw);
      return members.includes(text) ? text : { error: `must be one of ${members.join(', ')}; "${text}" is not` };
    }
  }
}

const keyPath = (value: string) => `('${value.replace(/'/g, "''")}')`;

const failed = (code: string, message: string, field?: string): WriteResult => ({
  outcome: 'failed',
  error: { code, message, ...(field ? { field } : {}) },
});

interface ODataError {
  error?: { code?: string; message?: string; details?: Array<{ code?: string; message?: string; target?: string }> };
}

/** LN's refusal of one record: its code, message and the first detail's target as the field. */
function refusal(response: HttpResponse, key: string): WriteResult {
  const error = (response.data as ODataError | undefined)?.error;
  const detail = error?.details?.find((item) => item.target);
  return failed(
    error?.code || `HTTP_${response.status}`,
    `LN refused ${key} (HTTP ${response.status}): ${error?.message ?? detail?.message ?? 'no message'}`,
    detail?.target,
  );
}

/** Statuses that are the record's (LN's answer about this entity), not the call's. */
const recordStatuses = [400, 404, 405, 409, 412, 415, 422, 428];

async function getByKey(
  context: HookContext,
  source: LnSource,
  key: string,
  signal?: AbortSignal,
): Promise<JsonObject | undefined> {
  const response = await context.http.request({
    url: lnUrl(context, source.service, `${source.set}${keyPath(key)}`),
    expect: 'json',
    signal,
    passStatuses: [404],
  });
  if (response.status === 404) return undefined;
  return (response.data ?? {}) as JsonObject;
}

function keyOf(source: LnSource, record: JsonObject): string {
  const value = record[source.keys[0]!];
  return value === null || value === undefined ? '' : String(value).trim();
}

function checkKeys(source: LnSource, entity: string, matchKey: string[]): void {
  if (source.keys.length !== 1)
    throw new AppError('E_INVALID_INPUT', `Infor LN: ${entity} has a compound key; it is read-only here.`);
  if (matchKey.length !== 1 || matchKey[0] !== source.keys[0])
    throw new AppError(
      'E_INVALID_INPUT',
      `Infor LN matches ${source.set} by ${source.keys[0]} only (asked: ${matchKey.join(', ') || 'nothing'}).`,
      { field: 'matchKey' },
    );
}

/** `lookup`: each value read by key. LN has no modified stamp (API-FACTS §1.6) unless the source names one. */
export async function lnLookup(
  context: HookContext,
  entity: string,
  source: LnSource,
  matchKey: string,
  values: string[],
  signal?: AbortSignal,
): Promise<Map<string, LookupHit>> {
  if (!lnWritable(entity)) throw new AppError('E_INVALID_INPUT', `Infor LN: ${entity} is read-only here.`);
  checkKeys(source, entity, [matchKey]);
  const hits = new Map<string, LookupHit>();
  for (const value of [...new Set(values.filter(Boolean))]) {
    const row = await getByKey(context, source, value, signal);
    if (!row) continue;
    const data: JsonObject = {};
    for (const [name, field] of Object.entries(row))
      if (!name.includes('@')) data[name] = typeof field === 'string' ? field.trimEnd() : field;
    const stamp = source.stamp ? row[source.stamp] : undefined;
    hits.set(value, {
      targetKey: value,
      data,
      ...(typeof stamp === 'string' && !Number.isNaN(Date.parse(stamp))
        ? { stamp: new Date(stamp).toISOString() }
        : {}),
    });
  }
  return hits;
}

/**
 * One batch, in order: read by key, then POST or PATCH. Transport and sign-in failures end the
 * batch by throwing (a rerun is safe: the read by key finds what was already written).
 */
export async function lnWriteBatch(
  context: HookContext,
  entity: string,
  source: LnSource,
  records: JsonObject[],
  matchKey: string[],
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  if (!lnWritable(entity)) throw new AppError('E_INVALID_INPUT', `Infor LN: writing ${entity} is not supported.`);
  checkKeys(source, entity, matchKey);
  const type = await entityType(context, source, signal);
  const where = `LN ${source.service}/${source.set}`;
  const results: WriteResult[] = [];
  for (const record of records) {
    signal?.throwIfAborted();
    const key = keyOf(source, record);
    if (!key) {
      results.push(
        failed('E_INVALID_INPUT', `${source.keys[0]} is the match key and the record has none.`, source.keys[0]),
      );
      continue;
    }
    const current = await getByKey(context, source, key, signal);
    const checked = toEntity(record, type, current ? 'update' : 'create', where);
    if (!checked.ok) {
      results.push(failed('E_INVALID_INPUT', checked.message, checked.field));
      continue;
    }
    const etag = current?.['@odata.etag'];
    const response = await context.http.request({
      method: current ? 'PATCH' : 'POST',
      url: lnUrl(context, source.service, current ? `${source.set}${keyPath(key)}` : source.set),
      headers: {
        'content-type': 'application/json',
        ...(current && typeof etag === 'string' ? { 'if-match': etag } : {}),
      },
      json: checked.body,
      expect: 'json',
      signal,
      passStatuses: recordStatuses,
    });
    if (response.status >= 400) {
      results.push(refusal(response, key));
      continue;
    }
    results.push({ outcome: current ? 'updated' : 'created', targetKey: key });
  }
  return results;
}
