import { AppError } from '../../../../shared/errors';
import type { JsonObject, SourceRecord } from '../framework/connector';
import type { ConnectorHooks, HookContext } from '../framework/hooks';
import { parseInforStamp } from './infor-formats';
import type { FsmSource } from './infor-sources';

export function fsmUrl(context: HookContext, path: string): string {
  return `${String(context.settings.iu)}/${String(context.settings.tenant)}/FSM/fsm/soap/${path}`;
}

type FsmItem = { _count?: number; _links?: Array<{ rel?: string; href?: string }>; _fields?: Record<string, unknown> };

/**
 * Landmark `lists/_generic` slots for the runtime's paginator: an array whose first element carries
 * `_count` and `_links`, followed by `{_fields}` items; `rel:"next"` is followed until absent or a page is empty.
 */
export function fsmReadSlots(
  sourceOf: (entity: string) => FsmSource,
): Pick<ConnectorHooks, 'readRequest' | 'mapError' | 'extractRecords' | 'nextToken' | 'normalize'> {
  const items = (body: unknown) => (Array.isArray(body) ? (body as FsmItem[]) : []);
  return {
    readRequest(context, entity, plan) {
      const source = sourceOf(entity);
      // Landmark's largest `_limit` is unpublished: a tenant check that found a lower one sets `fsmMaxLimit`.
      const cap = Number(context.settings.fsmMaxLimit ?? '');
      const limit: Record<string, string> =
        Number.isInteger(cap) && cap > 0 && cap < plan.pageSize ? { _limit: String(cap) } : {};
      return {
        values: { className: encodeURIComponent(source.className) },
        // Every field unless the source names some: the schema (sampled the same way) shows exactly these.
        query: { _fields: source.fields.length > 0 ? source.fields.join(',') : '_all', ...limit },
      };
    },
    mapError(response, entity) {
      if (response.status < 400 && Array.isArray(response.data)) return undefined;
      const message = (response.data as { message?: string } | undefined)?.message;
      return new AppError(
        'E_REMOTE',
        `FSM list of ${sourceOf(entity).className} failed: ${message ?? `HTTP ${response.status}, unexpected body`}`,
        {
          system: 'fsm',
          status: response.status,
        },
      );
    },
    extractRecords: (body) => items(body).filter((item) => item._fields),
    nextToken(body) {
      const meta = items(body).find((item) => item._links !== undefined || item._count !== undefined);
      const next = meta?._links?.find((link) => link.rel === 'next')?.href;
      return next && items(body).some((item) => item._fields) ? next : undefined;
    },
    normalize: (_context, entity, raw) => normalizeFsm(sourceOf(entity), raw as FsmItem),
  };
}

export function normalizeFsm(source: Pick<FsmSource, 'keys' | 'stamp'>, item: FsmItem): SourceRecord {
  const fields = item._fields ?? {};
  const data: JsonObject = {};
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') data[name] = value.trimEnd();
    else if (value !== undefined) data[name] = value as JsonObject[string];
  }
  const stamp = source.stamp ? fields[source.stamp] : undefined;
  return {
    key: source.keys.map((key) => String(fields[key] ?? '').trim()).join('/'),
    stamp: (typeof stamp === 'string' && parseInforStamp(stamp)) || '',
    data,
    raw: item,
  };
}
