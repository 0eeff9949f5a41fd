import { AppError } from '../../../../shared/errors';
import type { HttpResponse } from '../../http/http-client';
import type { JsonObject, LookupHit, ReadOptions, ReadPage, SourceRecord } from '../framework/connector';
import { walkPages, withQuery } from '../framework/paginator';
import type { HookContext } from '../framework/hooks';
import { formatSince, sinceParts } from '../framework/since';
import { fillTemplate } from '../../../../shared/connectors/descriptor';
import { entitySetOf, primaryIdOf } from './dynamics.descriptor';
import {
  apiBaseOf,
  extractDataverseErrorCode,
  odataHeaders,
  odataLiteral,
  parseDataverseError,
} from './dynamics-odata';

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
        found.set(String(record.data[matchKey] ?? ''), {
          targetKey: record.key,
          data: record.data,
          // `modifiedon` (ISO UTC): conflict rules "newest wins" compare it with the source's stamp.
          ...(record.stamp ? { stamp: record.stamp } : {}),
        });
      }
    }
  }
  return found;
}

/** Dataverse's error for a delta token older than the org keeps changes for (`ExpiredVersionStamp`). */
export const expiredVersionStampCode = '0x80044352';

/** Whether the table has "Track changes" on (EntityDefinitions `ChangeTrackingEnabled`): only then are deletions told. */
async function changeTrackingEnabled(context: HookContext, entity: string, signal?: AbortSignal): Promise<boolean> {
  const response = await context.http.request({
    url: `${apiBaseOf(context)}/EntityDefinitions(LogicalName='${entity}')?$select=ChangeTrackingEnabled`,
    headers: odataHeaders(),
    expect: 'json',
    signal,
  });
  return (response.data as { ChangeTrackingEnabled?: unknown } | undefined)?.ChangeTrackingEnabled === true;
}

/** A `$deletedEntity` entry of a delta read: `{"@odata.context":"…/$deletedEntity","id":"…","reason":"deleted"}`. */
function deletedEntry(entity: string, raw: unknown): SourceRecord | undefined {
  const row = (raw ?? {}) as JsonObject;
  const context = row['@odata.context'];
  if (typeof context !== 'string' || !context.endsWith('/$deletedEntity')) return undefined;
  if (typeof row.id !== 'string' || !row.id)
    throw new AppError('E_REMOTE', `Dataverse ${entity}: a deleted entry without an id: ${JSON.stringify(raw)}`);
  return { key: row.id, stamp: '', data: { [primaryIdOf(entity)]: row.id }, raw, deleted: true };
}

/**
 * Reads one table page by page (replacing the generic paginator):
 * - modified since: `$filter=modifiedon ge {since}` (seconds: Dataverse stores `modifiedon` to the
 *   second, so the floor of `since` keeps ties at the boundary), `$orderby=modifiedon asc,{id} asc`
 *   and the server's `@odata.nextLink`. The paging cookie is keyset on the order columns, so a
 *   record changed while we page moves behind us and comes again: the read stops there (warning),
 *   and the rest of the window, that record included, is the next run's (its stamp is at or after
 *   everything read before it, so the watermark cannot pass it);
 * - deletions (`options.deletions`), where the table tracks changes: `Prefer: odata.track-changes`,
 *   whose last page carries `@odata.deltaLink` (returned as the page's `cursor`); a later read
 *   follows that link and gets changes and `$deletedEntity` entries. An expired token
 *   (`0x80044352`) falls back to a tracked read of everything at or after `since`, with a warning.
 */
export async function* readDynamicsPages(
  context: HookContext,
  entity: string,
  options: ReadOptions,
): AsyncIterable<ReadPage> {
  const pageSize = options.pageSize ?? 1000;
  const base = apiBaseOf(context);
  const set = entitySetOf(entity);
  const primaryId = primaryIdOf(entity);
  const warnings: string[] = [];
  const tracked = options.deletions === true && options.since !== undefined;
  let tracking = false;
  let calls = 0;
  if (tracked) {
    tracking = await changeTrackingEnabled(context, entity, options.signal);
    calls += 1;
    if (!tracking)
      warnings.push(
        `Dataverse reports no deletions of ${entity}: change tracking is off for the table (turn on "Track changes" in its settings).`,
      );
  }
  // The descriptor's read is what goes on the wire (page-size header, fixed query, since format).
  const read = context.descriptor.entities[entity]?.read;
  if (!read) throw new AppError('E_INVALID_INPUT', `Dynamics 365: ${entity} cannot be read.`);
  const sizeHeader = read.pagination.pageSizeHeader;
  const headers = odataHeaders();
  if (sizeHeader) headers[sizeHeader.name.toLowerCase()] = fillTemplate(sizeHeader.template, { pageSize });
  if (tracking) headers.prefer = headers.prefer ? `${headers.prefer},odata.track-changes` : 'odata.track-changes';
  const sinceSpec = options.since ? read.modifiedSince : undefined;
  // The instant the server compares with, as sent (Dataverse: whole seconds, the floor of `since`).
  const since =
    sinceSpec && options.since
      ? new Date(Date.parse(formatSince(sinceSpec.format, options.since))).toISOString()
      : undefined;
  let url: string;
  if (tracking && options.cursor) {
    if (!options.cursor.startsWith(`${base}/${set}?`))
      throw new AppError('E_INVALID_INPUT', `Dataverse ${entity}: the stored delta link is not one of this table.`);
    const first = await context.http.request({
      url: options.cursor,
      headers,
      expect: 'json',
      signal: options.signal,
      passStatuses: [400],
    });
    calls += 1;
    if (first.status === 400 && extractDataverseErrorCode(first) === expiredVersionStampCode) {
      warnings.push(
        `Dataverse no longer keeps the changes of ${entity} since the last run (${parseDataverseError(first.text)?.message ?? 'expired delta token'}): reading every record modified since ${options.since ?? 'the beginning'} instead.`,
      );
    } else if (first.status >= 400) {
      throw new AppError(
        'E_REMOTE',
        `Reading Dataverse ${entity} changes failed with HTTP ${first.status}: ${first.text.slice(0, 300)}`,
        { status: first.status },
      );
    } else {
      yield* deltaPages(context, entity, first, headers, { calls, warnings, url: options.cursor }, options.signal);
      return;
    }
  }
  const endpoint = `${base}/${context.url(read.endpoint)}`;
  if (tracking) {
    // Change tracking takes no `$filter`/`$orderby` (unconfirmed which it refuses): the first tracked
    // read is the whole table in the server's order, filtered here; later reads follow delta links.
    url = endpoint;
  } else {
    // Oldest first with the id breaking ties (the descriptor's `$orderby`), so the keyset paging
    // cookie moves a changed record behind the reader, where the check below sees it.
    const query: Record<string, string> = {};
    for (const [name, template] of Object.entries(read.query)) query[name] = context.url(template);
    const parts = sinceSpec && options.since ? sinceParts(sinceSpec, options.since) : undefined;
    Object.assign(headers, parts?.headers);
    url = withQuery(endpoint, { ...query, ...parts?.query });
  }
  const seen = new Set<string>();
  const pages = walkPages(context.http, {
    paging: { style: 'nextLink' },
    url,
    headers,
    pageSize,
    signal: options.signal,
    what: `Dynamics 365 ${entity}`,
  });
  for await (const page of pages) {
    const records: SourceRecord[] = [];
    let stop = false;
    for (const raw of page.rows) {
      const record = normalizeDynamicsRecord(entity, raw);
      if (!record.key)
        throw new AppError(
          'E_REMOTE',
          `Dataverse ${entity}: a record without ${primaryId}: ${JSON.stringify(raw).slice(0, 300)}`,
        );
      if (tracking && since && record.stamp && record.stamp < since) continue;
      if (seen.has(record.key)) {
        warnings.push(
          `${entity} ${record.key} changed while it was being read: this read stops there and the next run reads the rest of the window.`,
        );
        stop = true;
        break;
      }
      seen.add(record.key);
      records.push(record);
    }
    const deltaLink = (page.body as { '@odata.deltaLink'?: unknown })['@odata.deltaLink'];
    calls += 1;
    yield {
      records,
      calls,
      ...(warnings.length ? { warnings: warnings.splice(0) } : {}),
      ...(tracking && !stop && typeof deltaLink === 'string' ? { cursor: deltaLink } : {}),
    };
    calls = 0;
    if (stop) return;
  }
}

/** The pages of a followed delta link: changed records and deleted entries, the fresh delta link last. */
async function* deltaPages(
  context: HookContext,
  entity: string,
  first: HttpResponse,
  headers: Record<string, string>,
  start: { calls: number; warnings: string[]; url: string },
  signal?: AbortSignal,
): AsyncIterable<ReadPage> {
  let response: HttpResponse | undefined = first;
  let calls = start.calls;
  let warnings = start.warnings;
  let url = start.url;
  while (response) {
    const body = (response.data ?? {}) as {
      value?: unknown;
      '@odata.nextLink'?: unknown;
      '@odata.deltaLink'?: unknown;
    };
    const rows = Array.isArray(body.value) ? body.value : [];
    const records = rows.map((raw) => deletedEntry(entity, raw) ?? normalizeDynamicsRecord(entity, raw));
    const next = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
    const deltaLink = typeof body['@odata.deltaLink'] === 'string' ? body['@odata.deltaLink'] : undefined;
    yield {
      records,
      calls,
      ...(warnings.length ? { warnings } : {}),
      ...(deltaLink ? { cursor: deltaLink } : {}),
    };
    calls = 0;
    warnings = [];
    if (!next) return;
    url = new URL(next, url).toString();
    response = await context.http.request({ url, headers, expect: 'json', signal });
    calls += 1;
    if (response.status >= 400)
      throw new AppError(
        'E_REMOTE',
        `Reading Dataverse ${entity} changes failed with HTTP ${response.status}: ${response.text.slice(0, 300)}`,
        { status: response.status },
      );
  }
}
