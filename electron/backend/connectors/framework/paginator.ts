import type { PaginationDescriptor } from '../../../../shared/connectors/descriptor';
import { AppError } from '../../../../shared/errors';
import type { HttpConnection, HttpResponse } from '../../http/http-client';

/**
 * The one read loop of every connector whose paging the descriptor can state
 * (nextLink, cursor, bookmark, page). A system replaces single steps through slots, the
 * way the Airbyte CDK swaps one component: where the records sit in a body,
 * where the next token sits, and which answers are errors.
 */
export interface PageSlots {
  /** The records of one page; default: OData's `value` array. */
  extractRecords?(body: unknown): unknown[];
  /** nextLink: the URL to follow; cursor: the token to send back; undefined ends the read. Default: `@odata.nextLink`. */
  nextToken?(body: unknown, response: HttpResponse): string | undefined;
  /** The error a page answer stands for, or undefined when it is a page; default: any status from 400 up. */
  mapError?(response: HttpResponse): Error | undefined;
}

export interface PageWalk extends PageSlots {
  /** The descriptor's `pagination` (or the same fields for calls no entity declares: lookups, line reads). */
  paging: Pick<PaginationDescriptor, 'style'> &
    Partial<Pick<PaginationDescriptor, 'cursorParam' | 'pageParam' | 'totalField' | 'nextQuery'>> & {
      endStatuses?: readonly number[];
    };
  /** The first request; cursor and page styles derive every later one from it. */
  url: string;
  headers?: Record<string, string>;
  /** page style: records per page, to know when the pages cover the total. */
  pageSize: number;
  signal?: AbortSignal;
  /** What is being read, for error messages. */
  what: string;
}

export interface WalkedPage {
  rows: unknown[];
  body: unknown;
}

export async function* walkPages(http: HttpConnection, walk: PageWalk): AsyncIterable<WalkedPage> {
  const { paging } = walk;
  if (paging.style === 'keyset') {
    throw new AppError(
      'E_INTERNAL',
      `${walk.what}: keyset paging is read by the connector's readPages hook, not the paginator.`,
    );
  }
  const endStatuses = paging.endStatuses ?? [];
  // Page 1 is asked for by number too, so every page's request has the same shape.
  const first = paging.style === 'page' ? withQuery(walk.url, { [paging.pageParam!]: '1' }) : walk.url;
  let url: string | undefined = first;
  for (let page = 1; url; page += 1) {
    walk.signal?.throwIfAborted();
    const response = await http.request({
      url,
      headers: walk.headers,
      expect: 'json',
      signal: walk.signal,
      passStatuses: endStatuses.length ? [...endStatuses] : undefined,
    });
    if (endStatuses.includes(response.status)) return;
    const error = walk.mapError
      ? walk.mapError(response)
      : response.status >= 400
        ? pageError(walk.what, response)
        : undefined;
    if (error) throw error;
    const body = response.data ?? {};
    const rows = (walk.extractRecords ?? odataRecords)(body);
    yield { rows, body };
    if (paging.style === 'page') {
      const total = paging.totalField
        ? Number((body as Record<string, unknown>)[paging.totalField] ?? rows.length)
        : Number.POSITIVE_INFINITY;
      const done =
        rows.length === 0 || page * walk.pageSize >= total || (!paging.totalField && rows.length < walk.pageSize);
      url = done ? undefined : withQuery(first, { [paging.pageParam!]: String(page + 1) });
      continue;
    }
    const token = (walk.nextToken ?? odataNextLink)(body, response);
    if (!token) return;
    // Links may be relative (FSM, Salesforce `nextRecordsUrl`); the host policy still checks where they lead.
    url =
      paging.style === 'nextLink'
        ? new URL(token, url).toString()
        : withQuery(first, { ...paging.nextQuery, [paging.cursorParam!]: token });
  }
}

function odataRecords(body: unknown): unknown[] {
  const value = (body as { value?: unknown }).value;
  return Array.isArray(value) ? value : [];
}

function odataNextLink(body: unknown): string | undefined {
  const next = (body as { '@odata.nextLink'?: unknown })['@odata.nextLink'];
  return typeof next === 'string' && next ? next : undefined;
}

function pageError(what: string, response: HttpResponse): AppError {
  return new AppError(
    'E_REMOTE',
    `Reading ${what} failed with HTTP ${response.status}: ${response.text.slice(0, 300)}`,
    { status: response.status },
  );
}

/**
 * Sets query parameters on a URL. Spaces go as `%20` and `$ [ ] , :` stay literal, as OData,
 * Zendesk and Zoho print them in their own links; everything else is percent-encoded.
 */
export function withQuery(url: string, query: Record<string, string>): string {
  const [path, search = ''] = url.split(/\?(.*)/s, 2) as [string, string?];
  const params = new URLSearchParams(search);
  for (const [name, value] of Object.entries(query)) params.set(name, value);
  const text = params
    .toString()
    .replace(/\+/g, '%20')
    .replace(/%24/g, '$')
    .replace(/%5B/gi, '[')
    .replace(/%5D/gi, ']')
    .replace(/%2C/gi, ',')
    .replace(/%3A/gi, ':');
  return text ? `${path}?${text}` : path;
}
