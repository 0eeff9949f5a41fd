import { AppError } from '../../../../shared/errors';
import type { JsonObject, ReadOptions, ReadPage, SourceRecord } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { parseInforStamp, toIdoFilterDate } from './infor-formats';
import type { CsiSource } from './infor-sources';

interface IdoLoad {
  Items?: Array<Record<string, unknown>>;
  Bookmark?: string | null;
  MoreRowsExist?: boolean | string;
  Success?: boolean | string;
  Message?: string | null;
}

export function idoUrl(context: HookContext, path: string): string {
  return `${String(context.settings.iu)}/${String(context.settings.tenant)}/CSI/IDORequestService/ido/${path}`;
}

const discoveredConfigs = new WeakMap<HookContext, Promise<string>>();

/**
 * `X-Infor-MongooseConfig` is required through ION (API-FACTS §1.5). A
 * `mongooseConfig` setting goes out as the descriptor's `{mongooseConfig}`
 * header, added by the client; without one, the first configuration the server
 * lists is discovered here and sent per call.
 */
export async function idoHeaders(context: HookContext): Promise<Record<string, string>> {
  const config = context.settings.mongooseConfig;
  if (typeof config === 'string' && config.trim()) return {};
  let found = discoveredConfigs.get(context);
  if (!found) {
    found = listConfigurations(context).then((list) => {
      if (!list[0]) throw new AppError('E_REMOTE', 'CSI lists no IDO configurations; set "mongooseConfig" on the connection.');
      return list[0];
    });
    discoveredConfigs.set(context, found);
    found.catch(() => discoveredConfigs.delete(context));
  }
  return { 'x-infor-mongooseconfig': await found };
}

export async function listConfigurations(context: HookContext, signal?: AbortSignal): Promise<string[]> {
  const response = await context.http.request({ url: idoUrl(context, 'configurations'), expect: 'json', signal, passStatuses: [400, 403, 404] });
  if (response.status >= 400) throw new AppError('E_REMOTE', `CSI configurations answered HTTP ${response.status}.`, { status: response.status });
  idoCheck(response.data, 'configurations');
  const list = (response.data as { Configurations?: unknown }).Configurations;
  return Array.isArray(list) ? list.map(String) : [];
}

/** Raises Mongoose's HTTP-200 `Success:false` as an error carrying its own message. */
export function idoCheck(body: unknown, what: string): void {
  const b = (body ?? {}) as IdoLoad & { MessageCode?: number };
  const failed = b.Success === false || b.Success === 'false' || (b.MessageCode !== undefined && b.MessageCode !== 0);
  // GetPropertyInformation shows Success:false with valid data: properties present = success.
  if (failed && !('Properties' in (b as object))) {
    throw new AppError('E_REMOTE', `CSI ${what} failed: ${b.Message ?? 'Success:false without a message'}`, { system: 'csi', message: b.Message ?? null });
  }
}

/** `load/{IDO}` with `recordcap`, then `loadtype=NEXT&bookmark=` until `MoreRowsExist` is false. */
export async function* idoLoad(
  context: HookContext,
  ido: string,
  params: { filter?: string; orderby: string; properties?: string },
  pageSize: number,
  signal?: AbortSignal,
): AsyncIterable<Array<Record<string, unknown>>> {
  let bookmark: string | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const query = new URLSearchParams({ properties: params.properties ?? '*', orderby: params.orderby, recordcap: String(pageSize) });
    if (params.filter) query.set('filter', params.filter);
    if (bookmark !== undefined) {
      query.set('loadtype', 'NEXT');
      query.set('bookmark', bookmark);
    }
    const response = await context.http.request({
      url: `${idoUrl(context, `load/${encodeURIComponent(ido)}`)}?${query.toString().replace(/\+/g, '%20')}`,
      headers: await idoHeaders(context),
      expect: 'json',
      signal,
    });
    if (response.status >= 400) throw new AppError('E_REMOTE', `CSI load ${ido} answered HTTP ${response.status}.`, { status: response.status });
    const body = (response.data ?? {}) as IdoLoad;
    idoCheck(body, `load ${ido}`);
    const items = flattenIdoItems(body.Items ?? []);
    yield items;
    const more = body.MoreRowsExist === true || body.MoreRowsExist === 'true';
    if (!more || items.length === 0 || !body.Bookmark) return;
    bookmark = body.Bookmark;
  }
}

/** v2 items are flat objects; v1 (`MGRESTService`) items are arrays of `{Name, Value}`. */
export function flattenIdoItems(items: unknown[]): Array<Record<string, unknown>> {
  return items.map((item) =>
    Array.isArray(item)
      ? Object.fromEntries((item as Array<{ Name: string; Value: unknown }>).map((pair) => [pair.Name, pair.Value]))
      : (item as Record<string, unknown>),
  );
}

export async function* readCsi(context: HookContext, source: CsiSource, options: ReadOptions): AsyncIterable<ReadPage> {
  const filter = options.since ? `${source.stamp} >= '${toIdoFilterDate(options.since)}'` : undefined;
  for await (const items of idoLoad(context, source.ido, { filter, orderby: source.orderBy ?? source.keys[0]! }, options.pageSize ?? 200, options.signal)) {
    let calls = 1;
    const linesByParent = new Map<string, Array<Record<string, unknown>>>();
    if (source.lines && items.length > 0) {
      const link = source.lines.link;
      const first = String(items[0]![link] ?? '');
      const last = String(items[items.length - 1]![link] ?? '');
      const lineFilter = first === last ? `${link} = '${escape(first)}'` : `${link} >= '${escape(first)}' AND ${link} <= '${escape(last)}'`;
      for await (const lines of idoLoad(context, source.lines.ido, { filter: lineFilter, orderby: source.lines.link }, 0, options.signal)) {
        calls += 1;
        for (const line of lines) {
          const parent = String(line[link] ?? '');
          if (!linesByParent.has(parent)) linesByParent.set(parent, []);
          linesByParent.get(parent)!.push(line);
        }
      }
    }
    const records = items.map((item) =>
      normalizeIdo(source, item, source.lines ? (linesByParent.get(String(item[source.lines.link] ?? '')) ?? []) : undefined),
    );
    yield { records, calls };
  }
}

const escape = (value: string) => value.replace(/'/g, "''");

export function normalizeIdo(source: Pick<CsiSource, 'keys' | 'stamp'>, item: Record<string, unknown>, lines?: Array<Record<string, unknown>>): SourceRecord {
  const data = idoData(item);
  if (lines) data.lines = lines.map(idoData);
  const stampText = item[source.stamp];
  return {
    key: source.keys.map((key) => String(item[key] ?? '').trim()).join('/'),
    stamp: (typeof stampText === 'string' && parseInforStamp(stampText)) || '',
    data,
    raw: lines ? { ...item, lines } : item,
  };
}

/** Values arrive as strings (or null); datetimes `yyyyMMdd HH:mm:ss.fff` become ISO; `_ItemId` stays in `raw`. */
function idoData(item: Record<string, unknown>): JsonObject {
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith('_')) continue;
    if (value === null || value === undefined) out[name] = null;
    else if (typeof value === 'string') {
      const text = value.trimEnd();
      out[name] = /^\d{8} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/.test(text) ? (parseInforStamp(text) ?? text) : text;
    } else out[name] = typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value);
  }
  return out;
}
