import { AppError } from '../../../../shared/errors';
import type { JsonObject, LookupHit, ReadOptions, ReadPage, SourceRecord } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { entitySetOf, primaryIdOf } from './dynamics.descriptor';
import { apiBaseOf, odataHeaders, odataLiteral } from './dynamics-odata';

/**
 * Reading (API-FACTS §5.2): `Prefer: odata.maxpagesize=N` and the opaque
 * `@odata.nextLink`, followed unchanged with the same preference until it is
 * absent. No `$top`/`$skip`: they do not mix with server paging.
 */
export async function* readDynamicsPages(context: HookContext, entity: string, options: ReadOptions): AsyncIterable<ReadPage> {
  const set = entitySetOf(entity);
  const params = new URLSearchParams();
  if (options.since) params.set('$filter', `modifiedon ge ${isoSeconds(options.since)}`);
  // Oldest first so a watermark can advance page by page; the id breaks ties between equal stamps.
  params.set('$orderby', `modifiedon asc,${primaryIdOf(entity)} asc`);
  // OData system options keep their literal `$`, as Dataverse's own links print them.
  let url: string | undefined = `${apiBaseOf(context)}/${set}?${params.toString().replace(/\+/g, '%20').replace(/%24/g, '$')}`;
  const headers = odataHeaders({ prefer: `odata.maxpagesize=${options.pageSize ?? 1000}` });
  while (url) {
    options.signal?.throwIfAborted();
    const response = await context.http.request({ url, headers, expect: 'json', signal: options.signal });
    if (response.status >= 400) throw readError(entity, response.status, response.text);
    const body = (response.data ?? {}) as { value?: unknown; '@odata.nextLink'?: unknown };
    const rows = Array.isArray(body.value) ? (body.value as JsonObject[]) : [];
    yield { records: rows.map((row) => normalizeDynamicsRecord(entity, row)), calls: 1 };
    const next = body['@odata.nextLink'];
    url = typeof next === 'string' && next ? next : undefined;
  }
}

/** Annotations (`@odata.etag`, formatted values) stay in `raw`; `data` holds the columns. */
export function normalizeDynamicsRecord(entity: string, raw: unknown): SourceRecord {
  const row = (raw ?? {}) as JsonObject;
  const data: JsonObject = {};
  for (const [name, value] of Object.entries(row)) if (!name.includes('@')) data[name] = value;
  const id = data[primaryIdOf(entity)];
  const modified = typeof data.modifiedon === 'string' ? Date.parse(data.modifiedon) : Number.NaN;
  const stamp = Number.isNaN(modified) ? '' : new Date(modified).toISOString();
  return { key: typeof id === 'string' ? id : String(id ?? ''), stamp, data, raw };
}

/** How many values one lookup query carries; keeps URLs far below the 32 KB limit. */
const lookupChunk = 50;

/** Current records by one match-key column (dry runs diff against them); keyed by the value as a string. */
export async function lookupDynamicsRecords(
  context: HookContext,
  entity: string,
  matchKey: string,
  values: string[],
  signal?: AbortSignal,
): Promise<Map<string, LookupHit>> {
  if (!matchKey) throw new AppError('E_INVALID_INPUT', 'A lookup needs a match-key column.');
  const found = new Map<string, LookupHit>();
  const wanted = [...new Set(values.filter((value) => value !== ''))];
  const headers = odataHeaders({ prefer: 'odata.maxpagesize=5000' });
  for (let start = 0; start < wanted.length; start += lookupChunk) {
    const filter = wanted
      .slice(start, start + lookupChunk)
      .map((value) => `${matchKey} eq ${odataLiteral(value)}`)
      .join(' or ');
    let url: string | undefined = `${apiBaseOf(context)}/${entitySetOf(entity)}?$filter=${encodeURIComponent(filter)}`;
    while (url) {
      signal?.throwIfAborted();
      const response = await context.http.request({ url, headers, expect: 'json', signal });
      if (response.status >= 400) throw readError(entity, response.status, response.text);
      const body = (response.data ?? {}) as { value?: unknown; '@odata.nextLink'?: unknown };
      for (const row of Array.isArray(body.value) ? (body.value as JsonObject[]) : []) {
        const record = normalizeDynamicsRecord(entity, row);
        found.set(String(record.data[matchKey] ?? ''), { targetKey: record.key, data: record.data });
      }
      const next = body['@odata.nextLink'];
      url = typeof next === 'string' && next ? next : undefined;
    }
  }
  return found;
}

/** Dataverse compares datetimes in UTC with second precision; `…Z` without fractions is what it prints. */
function isoSeconds(since: string): string {
  const instant = Date.parse(since);
  if (Number.isNaN(instant)) throw new AppError('E_INVALID_INPUT', `Not an ISO instant: ${since}`);
  return new Date(Math.floor(instant / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function readError(entity: string, status: number, text: string): AppError {
  return new AppError('E_REMOTE', `Reading ${entity} failed with HTTP ${status}: ${text.slice(0, 300)}`, { status });
}
