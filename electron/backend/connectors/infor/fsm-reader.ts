import { AppError } from '../../../../shared/errors';
import type { JsonObject, ReadOptions, ReadPage, SourceRecord } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { parseInforStamp, toFsmStamp } from './infor-formats';
import type { FsmSource } from './infor-sources';

export function fsmUrl(context: HookContext, path: string): string {
  return `${String(context.settings.iu)}/${String(context.settings.tenant)}/FSM/fsm/soap/${path}`;
}

type FsmItem = { _count?: number; _links?: Array<{ rel?: string; href?: string }>; _fields?: Record<string, unknown> };

/**
 * Landmark `lists/_generic`: an array whose first element carries `_count`
 * and `_links`, followed by `{_fields}` items; follow `rel:"next"` until absent.
 */
export async function* readFsm(context: HookContext, source: FsmSource, options: ReadOptions): AsyncIterable<ReadPage> {
  const query = new URLSearchParams({ _limit: String(options.pageSize ?? 500), _links: 'true', _pageNav: 'true', _out: 'JSON', _flatten: 'false' });
  if (source.fields.length > 0) query.set('_fields', source.fields.join(','));
  if (options.since) query.set('_fts', toFsmStamp(options.since));
  let url: string | undefined = `${fsmUrl(context, `classes/${encodeURIComponent(source.className)}/lists/_generic`)}?${query.toString()}`;
  while (url) {
    options.signal?.throwIfAborted();
    const response = await context.http.request({ url, expect: 'json', signal: options.signal, passStatuses: [400, 404] });
    if (response.status >= 400 || !Array.isArray(response.data)) {
      const message = (response.data as { message?: string } | undefined)?.message;
      throw new AppError('E_REMOTE', `FSM list of ${source.className} failed: ${message ?? `HTTP ${response.status}, unexpected body`}`, {
        system: 'fsm',
        status: response.status,
      });
    }
    const items = response.data as FsmItem[];
    const meta = items.find((item) => item._links !== undefined || item._count !== undefined);
    const records = items.filter((item) => item._fields).map((item) => normalizeFsm(source, item));
    yield { records, calls: 1 };
    const next = meta?._links?.find((link) => link.rel === 'next')?.href;
    url = next && records.length > 0 ? new URL(next, url).toString() : undefined;
  }
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
