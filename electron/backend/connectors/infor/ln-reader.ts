import { AppError } from '../../../../shared/errors';
import type { HttpResponse } from '../../http/http-client';
import type { JsonObject, SourceRecord } from '../framework/connector';
import type { ConnectorHooks, HookContext } from '../framework/hooks';
import { attachLines, detachLines, linkRange } from '../framework/lines';
import { walkPages, withQuery } from '../framework/paginator';
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

/**
 * LN read slots for the runtime's paginator (`@odata.nextLink`, the OData defaults): the source's
 * service and set fill the descriptor's endpoint; X-Infor-LnCompany is the descriptor's header.
 */
export function lnReadSlots(
  sourceOf: (entity: string) => LnSource,
): Pick<ConnectorHooks, 'readRequest' | 'mapError' | 'expandPage' | 'normalize'> {
  return {
    readRequest(_context, entity, plan) {
      const source = sourceOf(entity);
      const query: Record<string, string> = { $orderby: source.keys.join(',') };
      // No stamp is known for LN (the descriptor declares none); a configured one still narrows the read.
      if (plan.since && source.stamp) query.$filter = `${source.stamp} ge ${plan.since}`;
      return { values: { service: source.service, set: source.set }, query };
    },
    mapError: (response) => lnError(response),
    /** Lines of one page's orders in one ranged query (and its next links), kept under `lines`. */
    async expandPage(context, entity, rows, signal) {
      const source = sourceOf(entity);
      if (!source.lines) return { rows, calls: 0 };
      const link = source.lines.link;
      const { first, last } = linkRange(rows, link);
      const filter =
        first === last
          ? `${link} eq '${escape(first)}'`
          : `${link} ge '${escape(first)}' and ${link} le '${escape(last)}'`;
      const pages = walkPages(context.http, {
        paging: { style: 'nextLink' },
        url: withQuery(lnUrl(context, source.service, source.lines.set), { $filter: filter, $orderby: link }),
        pageSize: 500,
        signal,
        what: `LN ${source.lines.set}`,
        mapError: lnError,
      });
      return attachLines(rows, link, pages);
    },
    normalize(_context, entity, raw) {
      const source = sourceOf(entity);
      if (!source.lines) return normalizeLn(source, raw as Record<string, unknown>);
      const { row, lines } = detachLines(raw);
      return normalizeLn(source, row, lines);
    },
  };
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
