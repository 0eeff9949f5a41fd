import { AppError } from '../../../../shared/errors';
import type { JsonObject, LookupHit, SourceRecord } from '../framework/connector';
import { walkPages, withQuery } from '../framework/paginator';
import type { HookContext } from '../framework/hooks';
import { entitySetOf, primaryIdOf } from './dynamics.descriptor';
import { apiBaseOf, odataHeaders, odataLiteral } from './dynamics-odata';

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
    const pages = walkPages(context.http, {
      paging: { style: 'nextLink' },
      url: withQuery(`${apiBaseOf(context)}/${entitySetOf(entity)}`, { $filter: filter }),
      headers,
      pageSize: 5000,
      signal,
      what: `Dynamics ${entity}`,
    });
    for await (const page of pages) {
      for (const row of page.rows) {
        const record = normalizeDynamicsRecord(entity, row);
        found.set(String(record.data[matchKey] ?? ''), { targetKey: record.key, data: record.data });
      }
    }
  }
  return found;
}
