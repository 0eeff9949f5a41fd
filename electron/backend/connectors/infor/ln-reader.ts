import { AppError } from '../../../../shared/errors';
import type { HttpResponse } from '../../http/http-client';
import type { JsonObject, ReadOptions, ReadPage, SourceRecord } from '../framework/connector';
import type { ConnectorHooks, HookContext } from '../framework/hooks';
import { attachLines, detachLines, linkRange } from '../framework/lines';
import { withQuery, type WalkedPage } from '../framework/paginator';
import { parseInforStamp } from './infor-formats';
import type { LnSource } from './infor-sources';

export function lnUrl(context: HookContext, service: string, path: string): string {
  return `${String(context.settings.iu)}/${String(context.settings.tenant)}/LN/lnapi/odata/${service}/${path}`;
}

interface ODataPage {
  error?: { code?: string; message?: string };
}

/** LN's own error text; LN answers failures with an OData `error` body. */
export function lnError(response: HttpResponse): AppError | undefined {
  if (response.status < 400) return undefined;
  const body = (response.data ?? {}) as ODataPage;
  return new AppError('E_REMOTE', `LN answered HTTP ${response.status}: ${body.error?.message ?? 'no message'}`, {
    system: 'ln',
    status: response.status,
    code: body.error?.code,
  });
}

/** LN answers at most 500 rows per call (API-FACTS §10); asking for more is asking to be cut. */
export const lnMaxPage = 500;

/**
 * The pages of one LN query. A public LN client pages with `$top`/`$skip` because LN may send no
 * `@odata.nextLink` (API-FACTS §10): a next link is followed when one comes; otherwise the read goes
 * on with `$skip` until a page comes back empty. Ending on a short page instead would lose rows
 * whenever the server cuts pages below `$top` (its cap is unpublished), so the read pays one empty
 * call per query for that certainty. `$orderby` on the whole key keeps `$skip` windows stable.
 * `Prefer: odata.maxpagesize` is the OData way to ask for a page size; servers may ignore it.
 * LN's intermittent 401 "U14" needs nothing here: every 401 gets a fresh token and one retry from
 * the HTTP client (descriptor `authFailureStatuses`).
 */
export async function* lnPages(
  context: HookContext,
  url: string,
  pageSize: number,
  signal?: AbortSignal,
): AsyncIterable<WalkedPage> {
  const size = Math.max(1, Math.min(pageSize, lnMaxPage));
  const first = withQuery(url, { $top: String(size) });
  let next: string | undefined = first;
  let skipped = 0;
  let linked = false;
  while (next) {
    signal?.throwIfAborted();
    const response = await context.http.request({
      url: next,
      headers: { prefer: `odata.maxpagesize=${size}` },
      expect: 'json',
      signal,
    });
    const error = lnError(response);
    if (error) throw error;
    const body = (response.data ?? {}) as { value?: unknown; '@odata.nextLink'?: unknown };
    const rows = Array.isArray(body.value) ? body.value : [];
    if (rows.length > 0) yield { rows, body };
    const link = body['@odata.nextLink'];
    if (typeof link === 'string' && link) {
      linked = true;
      next = new URL(link, next).toString();
    } else if (linked || rows.length === 0) {
      next = undefined;
    } else {
      skipped += rows.length;
      next = withQuery(first, { $skip: String(skipped) });
    }
  }
}

/**
 * LN reads: the source's service and set, ordered by the whole key and paged by `lnPages`;
 * X-Infor-LnCompany is the descriptor's header. Lines of a page's orders come in one ranged
 * query paged the same way.
 */
export function lnReadSlots(
  sourceOf: (entity: string) => LnSource,
): Pick<ConnectorHooks, 'readPages' | 'mapError' | 'normalize'> {
  const normalize = (entity: string, raw: unknown) => {
    const source = sourceOf(entity);
    if (!source.lines) return normalizeLn(source, raw as Record<string, unknown>);
    const { row, lines } = detachLines(raw);
    return normalizeLn(source, row, lines);
  };
  return {
    async *readPages(context, entity, options: ReadOptions): AsyncIterable<ReadPage> {
      const source = sourceOf(entity);
      const query: Record<string, string> = { $orderby: source.keys.join(',') };
      // No stamp is known for LN (the descriptor declares none); a configured one still narrows the read.
      if (options.since && source.stamp) query.$filter = `${source.stamp} ge ${options.since}`;
      const url = withQuery(lnUrl(context, source.service, source.set), query);
      for await (const page of lnPages(context, url, options.pageSize ?? lnMaxPage, options.signal)) {
        const expanded = source.lines
          ? await expandLines(context, source, page.rows, options.signal)
          : { rows: page.rows, calls: 0 };
        yield { records: expanded.rows.map((raw) => normalize(entity, raw)), calls: 1 + expanded.calls };
      }
    },
    mapError: (response) => lnError(response),
    normalize: (_context, entity, raw) => normalize(entity, raw),
  };
}

/** Lines of one page's orders in one ranged query, ordered by the lines' whole key, kept under `lines`. */
async function expandLines(context: HookContext, source: LnSource, rows: unknown[], signal?: AbortSignal) {
  const lines = source.lines!;
  const link = lines.link;
  const { first, last } = linkRange(rows, link);
  const filter =
    first === last ? `${link} eq '${escape(first)}'` : `${link} ge '${escape(first)}' and ${link} le '${escape(last)}'`;
  const url = withQuery(lnUrl(context, source.service, lines.set), {
    $filter: filter,
    $orderby: lines.keys.join(','),
  });
  return attachLines(rows, link, lnPages(context, url, lnMaxPage, signal));
}

const escape = (value: string) => value.replace(/'/g, "''");

export function normalizeLn(
  source: Pick<LnSource, 'keys' | 'stamp'>,
  row: Record<string, unknown>,
  lines?: Array<Record<string, unknown>>,
): SourceRecord {
  const data = lnData(row);
  if (lines) data.lines = lines.map(lnData);
  const stamp = source.stamp ? row[source.stamp] : undefined;
  return {
    key: source.keys.map((key) => String(row[key] ?? '').trim()).join('/'),
    stamp: (typeof stamp === 'string' && parseInforStamp(stamp)) || '',
    data,
    raw: lines ? { ...row, lines } : row,
  };
}

/** OData annotations (`@odata.etag`) stay in `raw`; strings are trimmed. */
function lnData(row: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(row)) {
    if (name.includes('@')) continue;
    if (typeof value === 'string') out[name] = value.trimEnd();
    else if (value === undefined) continue;
    else out[name] = value as JsonObject[string];
  }
  return out;
}
