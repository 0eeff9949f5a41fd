import { AppError } from '../../../../shared/errors';
import type { JsonObject, JsonValue, LookupHit, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { flattenIdoItems, idoCheck, idoHeaders, idoUrl } from './csi-reader';
import { parseInforStamp } from './infor-formats';
import type { CsiSource } from './infor-sources';

/**
 * CloudSuite Industrial (Mongoose IDO) as a target (issue 16): customers (SLCustomers, key CustNum
 * + CustSeq, CustSeq 0 the bill-to) and suppliers (SLVendors, key VendNum), upserted by key.
 *
 * Each batch loads its keys first (`load/{ido}` with an ORed key filter; the load answers each
 * row's `_ItemId`), then each record is one `POST update/{ido}?refresh=true` with one change
 * (API-FACTS §1.5, fixtures/infor/mongoose_v2_misc_responses.json): Action 1 (insert) for a new key,
 * Action 2 (update) with the row's `_ItemId` otherwise, `Properties` the mapped fields with
 * `Modified:true` (null as `IsNull:true`). One change per request, because Mongoose refuses a
 * request as a whole: a record it refuses (`Success:false`) fails alone with Mongoose's message.
 *
 * Before any call each record is checked against the IDO's live properties (`info/{ido}`): a
 * field that is no property, a read-only property, a missing required property on insert, a value
 * longer than its Length, or a non-number for a numeric property fail that record naming it.
 */
export const csiWriteEntities: Record<string, { ido: string; keys: string[] }> = {
  customers: { ido: 'SLCustomers', keys: ['CustNum', 'CustSeq'] },
  suppliers: { ido: 'SLVendors', keys: ['VendNum'] },
};

interface IdoProperty {
  Name: string;
  DataType?: string;
  Length?: number;
  ReadOnly?: boolean;
  Required?: boolean;
}

const propertyCache = new WeakMap<object, Map<string, Promise<Map<string, IdoProperty>>>>();

/** `info/{ido}`: the IDO's properties by lower-case name, cached per connection. */
function idoProperties(context: HookContext, ido: string, signal?: AbortSignal): Promise<Map<string, IdoProperty>> {
  let cache = propertyCache.get(context.settings);
  if (!cache) propertyCache.set(context.settings, (cache = new Map()));
  let found = cache.get(ido);
  if (!found) {
    found = (async () => {
      const response = await context.http.request({
        url: idoUrl(context, `info/${ido}`),
        headers: await idoHeaders(context),
        expect: 'json',
        signal,
      });
      idoCheck(response.data, `info ${ido}`);
      const properties = ((response.data as { Properties?: IdoProperty[] }).Properties ?? []).filter(
        (property) => typeof property.Name === 'string',
      );
      return new Map(properties.map((property) => [property.Name.toLowerCase(), property]));
    })();
    found.catch(() => cache.delete(ido));
    cache.set(ido, found);
  }
  return found;
}

export function csiWriteEntity(entity: string, source: CsiSource): { ido: string; keys: string[] } {
  const spec = csiWriteEntities[entity];
  if (!spec || spec.ido !== source.ido)
    throw new AppError('E_INVALID_INPUT', `Infor CloudSuite Industrial: ${entity} is read-only here.`);
  return spec;
}

const numeric = (property: IdoProperty | undefined) =>
  /^(Decimal|Integer|Int16|Int32|Int64|Byte|Double|Single)$/i.test(property?.DataType ?? '');

/** A key value as the filter literal: numbers bare, text quoted with '' doubled (SQL Server). */
const literal = (property: IdoProperty | undefined, value: string) =>
  numeric(property) && /^-?\d+(\.\d+)?$/.test(value) ? value : `'${value.replace(/'/g, "''")}'`;

const textOf = (value: JsonValue | undefined): string =>
  value === null || value === undefined || typeof value === 'object' ? '' : String(value).trim();

/** The record's key values, the CustSeq of a customer defaulting to 0 (the bill-to). */
function keyValues(record: JsonObject, keys: string[]): string[] {
  return keys.map((key) => {
    const value = textOf(
      record[key] ?? record[Object.keys(record).find((name) => name.toLowerCase() === key.toLowerCase()) ?? ''],
    );
    return value === '' && key === 'CustSeq' ? '0' : value;
  });
}

/** Rows of `ido` whose keys are among `wanted` (ORed key filters, 40 a load): key text → row. */
async function loadByKeys(
  context: HookContext,
  ido: string,
  keys: string[],
  wanted: string[][],
  properties: Map<string, IdoProperty>,
  extra: string[],
  signal?: AbortSignal,
): Promise<Map<string, Record<string, unknown>>> {
  const rows = new Map<string, Record<string, unknown>>();
  const unique = [...new Map(wanted.map((values) => [values.join('/'), values])).values()];
  for (let start = 0; start < unique.length; start += 40) {
    const group = unique.slice(start, start + 40);
    const filter = group
      .map(
        (values) =>
          `(${keys.map((key, index) => `${key} = ${literal(properties.get(key.toLowerCase()), values[index]!)}`).join(' AND ')})`,
      )
      .join(' OR ');
    const query = new URLSearchParams({
      properties: [...new Set([...keys, ...extra])].join(','),
      filter,
      recordcap: '0',
    });
    const response = await context.http.request({
      url: `${idoUrl(context, `load/${ido}`)}?${query.toString().replace(/\+/g, '%20')}`,
      headers: await idoHeaders(context),
      expect: 'json',
      signal,
    });
    idoCheck(response.data, `load ${ido}`);
    const items = flattenIdoItems(((response.data as { Items?: unknown[] }).Items ?? []) as unknown[]);
    for (const item of items) rows.set(keys.map((key) => String(item[key] ?? '').trim()).join('/'), item);
  }
  return rows;
}

/** `lookup`: the rows with these keys (`CustNum/CustSeq` text for customers), their RecordDate as stamp. */
export async function csiLookup(
  context: HookContext,
  entity: string,
  source: CsiSource,
  matchKey: string,
  values: string[],
  signal?: AbortSignal,
): Promise<Map<string, LookupHit>> {
  const spec = csiWriteEntity(entity, source);
  const properties = await idoProperties(context, spec.ido, signal);
  const names = [...properties.values()].map((property) => property.Name);
  // One match key naming the whole key: `VendNum`, or `CustNum` (values `C1` or `C1/0`).
  if (matchKey.toLowerCase() !== spec.keys[0]!.toLowerCase())
    throw new AppError('E_INVALID_INPUT', `Infor CSI matches ${spec.ido} rows by ${spec.keys.join(' + ')} only.`, {
      field: 'matchKey',
    });
  const wanted = values.map((value) => {
    const parts = value.split('/');
    return spec.keys.map((key, index) => parts[index] ?? (key === 'CustSeq' ? '0' : ''));
  });
  const rows = await loadByKeys(context, spec.ido, spec.keys, wanted, properties, names, signal);
  const hits = new Map<string, LookupHit>();
  values.forEach((value, index) => {
    const key = wanted[index]!.join('/');
    const row = rows.get(key);
    if (!row) return;
    const { _ItemId: _item, ...data } = row;
    const stamp = parseInforStamp(String(row.RecordDate ?? ''));
    hits.set(value, { targetKey: key, data: data as JsonObject, ...(stamp ? { stamp } : {}) });
  });
  return hits;
}

const failed = (code: string, message: string, field?: string): WriteResult => ({
  outcome: 'failed',
  error: { code, message, ...(field ? { field } : {}) },
});

type Checked =
  | { ok: true; properties: Array<{ Name: string; Value: string | null; Modified: true; IsNull: boolean }> }
  | { ok: false; field: string; message: string };

function check(
  record: JsonObject,
  ido: string,
  keys: string[],
  properties: Map<string, IdoProperty>,
  inserting: boolean,
): Checked {
  const out: Array<{ Name: string; Value: string | null; Modified: true; IsNull: boolean }> = [];
  for (const [field, raw] of Object.entries(record)) {
    const property = properties.get(field.toLowerCase());
    if (!property) return { ok: false, field, message: `${field} is not a property of IDO ${ido}.` };
    const isKey = keys.some((key) => key.toLowerCase() === field.toLowerCase());
    // Keys name the row of an update; they are sent only on insert.
    if (isKey && !inserting) continue;
    if (raw !== null && typeof raw === 'object')
      return { ok: false, field, message: `${field} must be a single value for IDO ${ido}.` };
    if (property.ReadOnly) return { ok: false, field, message: `${property.Name} is read-only on IDO ${ido}.` };
    const value = raw === null || raw === undefined ? null : typeof raw === 'boolean' ? (raw ? '1' : '0') : String(raw);
    // Blanking a required property is refused by Mongoose on update as on insert.
    if (property.Required && (value === null || value.trim() === ''))
      return { ok: false, field, message: `${property.Name} is required on IDO ${ido} and cannot be blank.` };
    if (value !== null && numeric(property) && value.trim() !== '' && !/^-?\d+(\.\d+)?$/.test(value.trim()))
      return { ok: false, field, message: `${property.Name} must be a number for IDO ${ido}; "${value}" is not.` };
    const length = property.Length ?? 0;
    if (value !== null && !numeric(property) && length > 0 && value.length > length)
      return {
        ok: false,
        field,
        message: `${property.Name} is ${value.length} characters; IDO ${ido} takes at most ${length}.`,
      };
    out.push({ Name: property.Name, Value: value, Modified: true, IsNull: value === null });
  }
  if (inserting) {
    for (const key of keys)
      if (key === 'CustSeq' && !out.some((property) => property.Name === key))
        out.push({ Name: key, Value: '0', Modified: true, IsNull: false });
    for (const property of properties.values()) {
      const given = out.find((item) => item.Name === property.Name);
      if (property.Required && !property.ReadOnly && (!given || given.Value === null || given.Value === ''))
        return {
          ok: false,
          field: property.Name,
          message: `${property.Name} is required to insert into IDO ${ido}; the record has none.`,
        };
    }
  }
  return { ok: true, properties: out };
}

interface UpdateAnswer {
  Success?: boolean | string;
  Message?: string | null;
  RefreshItems?: Array<{ ItemId?: string }> | null;
}

/** One `POST update/{ido}?refresh=true` with one change. */
async function update(
  context: HookContext,
  ido: string,
  change: { Action: number; ItemId: string; Properties: unknown[]; UpdateLocking: number },
  signal?: AbortSignal,
): Promise<UpdateAnswer> {
  const response = await context.http.request({
    method: 'POST',
    url: `${idoUrl(context, `update/${ido}`)}?refresh=true`,
    headers: await idoHeaders(context),
    json: { Changes: [change] },
    expect: 'json',
    signal,
  });
  return (response.data ?? {}) as UpdateAnswer;
}

const refused = (body: UpdateAnswer) => body.Success === false || body.Success === 'false';
const message = (body: UpdateAnswer) => body.Message ?? 'Success:false without a message';

/** One batch: one load for all keys, then one update request per record, in order. */
export async function csiWriteBatch(
  context: HookContext,
  entity: string,
  source: CsiSource,
  records: JsonObject[],
  matchKey: string[],
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const spec = csiWriteEntity(entity, source);
  const asked = matchKey.map((key) => key.toLowerCase());
  const allowed = [spec.keys.map((key) => key.toLowerCase()), [spec.keys[0]!.toLowerCase()]];
  if (!allowed.some((keys) => keys.length === asked.length && keys.every((key, index) => key === asked[index])))
    throw new AppError(
      'E_INVALID_INPUT',
      `Infor CSI matches ${spec.ido} rows by ${spec.keys.join(' + ')} (asked: ${matchKey.join(', ') || 'nothing'}).`,
      { field: 'matchKey' },
    );
  const properties = await idoProperties(context, spec.ido, signal);
  const keyed = records.map((record) => keyValues(record, spec.keys));
  const existing = await loadByKeys(
    context,
    spec.ido,
    spec.keys,
    keyed.filter((values) => values.every(Boolean)),
    properties,
    [],
    signal,
  );
  const results: WriteResult[] = [];
  for (const [index, record] of records.entries()) {
    signal?.throwIfAborted();
    const values = keyed[index]!;
    const missing = spec.keys.find((_key, position) => !values[position]);
    if (missing) {
      results.push(failed('E_INVALID_INPUT', `${missing} is part of the key and the record has none.`, missing));
      continue;
    }
    const key = values.join('/');
    const row = existing.get(key);
    const checked = check(record, spec.ido, spec.keys, properties, !row);
    if (!checked.ok) {
      results.push(failed('E_INVALID_INPUT', checked.message, checked.field));
      continue;
    }
    const match = row ? { by: 'id' as const, value: key } : { by: 'none' as const };
    if (row && checked.properties.length === 0) {
      results.push({ outcome: 'unchanged', targetKey: key, match });
      continue;
    }
    const change = row
      ? { Action: 2, ItemId: String(row._ItemId ?? ''), Properties: checked.properties, UpdateLocking: 1 }
      : { Action: 1, ItemId: `PBT=[${spec.ido}]`, Properties: checked.properties, UpdateLocking: 1 };
    let body = await update(context, spec.ido, change, signal);
    if (refused(body) && row) {
      // Mongoose locks on the row's RecordDate (the ItemId's DT); how it words a stale ItemId is
      // unpublished (sandbox switch csiStaleItem: "does not exist" or "changed by another user"), so
      // the row itself tells: loaded again with a new ItemId, it changed since this batch's load and
      // the update goes once more against it; gone, it was deleted; unchanged, the refusal stands.
      const fresh = (await loadByKeys(context, spec.ido, spec.keys, [values], properties, [], signal)).get(key);
      if (!fresh) {
        results.push(
          failed(
            'E_REMOTE',
            `CSI ${spec.ido} ${key}: the row was deleted in CSI after this batch loaded it (Mongoose: ${message(body)}).`,
          ),
        );
        continue;
      }
      if (String(fresh._ItemId ?? '') !== change.ItemId) {
        row._ItemId = fresh._ItemId;
        body = await update(context, spec.ido, { ...change, ItemId: String(fresh._ItemId ?? '') }, signal);
      }
    }
    if (refused(body)) {
      // Mongoose's own words, naming the record (its texts are unpublished: no field can be parsed out reliably).
      results.push(failed('E_REMOTE', `CSI ${spec.ido} ${key}: ${message(body)}`));
      continue;
    }
    // An insert is now a row: a second record with the same key in this batch updates it.
    if (!row) existing.set(key, { _ItemId: body.RefreshItems?.[0]?.ItemId ?? '' });
    else if (body.RefreshItems?.[0]?.ItemId) row._ItemId = body.RefreshItems[0].ItemId;
    results.push({ outcome: row ? 'updated' : 'created', targetKey: key, match });
  }
  return results;
}
