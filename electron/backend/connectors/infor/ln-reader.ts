import { AppError } from '../../../../shared/errors';
import type { JsonObject, ReadOptions, ReadPage, SourceRecord } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { parseInforStamp } from './infor-formats';
import type { LnSource } from './infor-sources';

export function lnUrl(context: HookContext, service: string, path: string): string {
  return `${String(context.settings.iu)}/${String(context.settings.tenant)}/LN/lnapi/odata/${service}/${path}`;
}


interface ODataPage {
  value?: Array<Record<string, unknown>>;
  '@odata.nextLink'?: string;
  error?: { code?: string; message?: string };
}

/** Follows `@odata.nextLink` (resolved against the page URL; the host policy still applies) until absent. */
export async function* odataPages(context: HookContext, firstUrl: string, signal?: AbortSignal): AsyncIterable<Array<Record<string, unknown>>> {
  let url: string | undefined = firstUrl;
  while (url) {
    signal?.throwIfAborted();
    // X-Infor-LnCompany is the descriptor's `{lnCompany}` header, which the client adds when the setting is set.
    const response = await context.http.request({ url, expect: 'json', signal, passStatuses: [400, 403, 404, 422] });
    const body = (response.data ?? {}) as ODataPage;
    if (response.status >= 400) {
      throw new AppError('E_REMOTE', `LN answered HTTP ${response.status}: ${body.error?.message ?? 'no message'}`, {
        system: 'ln',
        status: response.status,
        code: body.error?.code,
      });
    }
    yield body.value ?? [];
    const next = body['@odata.nextLink'];
    url = next ? new URL(next, url).toString() : undefined;
  }
}

export async function* readLn(context: HookContext, source: LnSource, options: ReadOptions): AsyncIterable<ReadPage> {
  const query = new URLSearchParams({ $orderby: source.keys.join(',') });
  if (options.since && source.stamp) query.set('$filter', `${source.stamp} ge ${options.since}`);
  const first = `${lnUrl(context, source.service, source.set)}?${query.toString().replace(/\+/g, '%20')}`;
  for await (const rows of odataPages(context, first, options.signal)) {
    let calls = 1;
    const linesByParent = new Map<string, Array<Record<string, unknown>>>();
    if (source.lines && rows.length > 0) {
      const link = source.lines.link;
      const firstKey = String(rows[0]![link] ?? '');
      const lastKey = String(rows[rows.length - 1]![link] ?? '');
      const filter =
        firstKey === lastKey ? `${link} eq '${escape(firstKey)}'` : `${link} ge '${escape(firstKey)}' and ${link} le '${escape(lastKey)}'`;
      const lineQuery = new URLSearchParams({ $filter: filter, $orderby: link });
      const url = `${lnUrl(context, source.service, source.lines.set)}?${lineQuery.toString().replace(/\+/g, '%20')}`;
      for await (const lines of odataPages(context, url, options.signal)) {
        calls += 1;
        for (const line of lines) {
          const parent = String(line[link] ?? '');
          if (!linesByParent.has(parent)) linesByParent.set(parent, []);
          linesByParent.get(parent)!.push(line);
        }
      }
    }
    yield {
      records: rows.map((row) => normalizeLn(source, row, source.lines ? (linesByParent.get(String(row[source.lines.link] ?? '')) ?? []) : undefined)),
      calls,
    };
  }
}

const escape = (value: string) => value.replace(/'/g, "''");

export function normalizeLn(source: Pick<LnSource, 'keys' | 'stamp'>, row: Record<string, unknown>, lines?: Array<Record<string, unknown>>): SourceRecord {
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
