import { AppError } from '../../../../shared/errors';
import type { HttpResponse } from '../../http/http-client';
import type { JsonObject, SourceRecord } from '../framework/connector';
import type { ConnectorHooks, HookContext } from '../framework/hooks';
import { attachLines, detachLines, linkRange } from '../framework/lines';
import { walkPages, withQuery } from '../framework/paginator';
import { parseInforStamp } from './infor-formats';
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
 * header, added by the client. Without one, a server listing exactly one
 * configuration gets that one; a multi-site tenant lists several (CSI_DALS,
 * CSI_EMEA, CSI_LA), each its own database, so picking one silently would read
 * the wrong site: the user must choose.
 */
export async function idoHeaders(context: HookContext): Promise<Record<string, string>> {
  const config = context.settings.mongooseConfig;
  if (typeof config === 'string' && config.trim()) return {};
  let found = discoveredConfigs.get(context);
  if (!found) {
    found = listConfigurations(context).then((list) => {
      if (!list[0])
        throw new AppError('E_REMOTE', 'CSI lists no IDO configurations; set "mongooseConfig" on the connection.');
      if (list.length > 1)
        throw new AppError(
          'E_INFOR_CSI_CONFIG_REQUIRED',
          `CSI serves ${list.length} configurations (${list.join(', ')}), each a site with its own data: choose one as the connection's Mongoose configuration.`,
          { field: 'mongooseConfig', configurations: list },
        );
      return list[0];
    });
    discoveredConfigs.set(context, found);
    found.catch(() => discoveredConfigs.delete(context));
  }
  return { 'x-infor-mongooseconfig': await found };
}

export async function listConfigurations(context: HookContext, signal?: AbortSignal): Promise<string[]> {
  const response = await context.http.request({
    url: idoUrl(context, 'configurations'),
    expect: 'json',
    signal,
    passStatuses: [400, 403, 404],
  });
  if (response.status >= 400)
    throw new AppError('E_REMOTE', `CSI configurations answered HTTP ${response.status}.`, { status: response.status });
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
    throw new AppError('E_REMOTE', `CSI ${what} failed: ${b.Message ?? 'Success:false without a message'}`, {
      system: 'csi',
      message: b.Message ?? null,
    });
  }
}

/** `load/{IDO}` with `recordcap`, then `loadtype=NEXT&bookmark=` until `MoreRowsExist` is false. */
const bookmarkPaging = { style: 'bookmark', cursorParam: 'bookmark', nextQuery: { loadtype: 'NEXT' } } as const;

/**
 * `used` names the properties this read sent (stamp, keys, order, link): a refusal naming one of
 * them is a source setting that does not fit the IDO, reported as such rather than as a remote failure.
 */
function loadError(ido: string, used: Array<[property: string, role: string]> = []) {
  return (response: HttpResponse): AppError | undefined => {
    if (response.status >= 400)
      return new AppError('E_REMOTE', `CSI load ${ido} answered HTTP ${response.status}.`, { status: response.status });
    try {
      idoCheck(response.data, `load ${ido}`);
      return undefined;
    } catch (error) {
      return unknownProperty(error as AppError, ido, used) ?? (error as AppError);
    }
  };
}

/** The real message text is unpublished (API-FACTS §10): any refusal that names a property we sent, as a property. */
function unknownProperty(error: AppError, ido: string, used: Array<[string, string]>): AppError | undefined {
  const message = String((error.details as { message?: unknown } | undefined)?.message ?? '');
  if (!/propert|column|invalid|not found|does not exist/i.test(message)) return undefined;
  const hit = used.find(([property]) =>
    new RegExp(`(^|[^\\w])${property.replace(/[^\w]/g, '\\$&')}([^\\w]|$)`, 'i').test(message),
  );
  if (!hit) return undefined;
  const [property, role] = hit;
  return new AppError(
    'E_INFOR_CSI_UNKNOWN_PROPERTY',
    `CSI IDO ${ido} has no property "${property}" (the ${role} of this entity's source). Fix entitySources or pick a property the IDO has. CSI said: ${message}`,
    { system: 'csi', ido, property, role, message },
  );
}

function propertiesUsed(source: CsiSource): Array<[string, string]> {
  return [
    [source.stamp, 'change-stamp property'],
    ...source.keys.map((key): [string, string] => [key, 'key']),
    ...(source.orderBy ? [[source.orderBy, 'order'] as [string, string]] : []),
    ...(source.lines ? [[source.lines.link, 'line link'] as [string, string]] : []),
  ];
}

const loadSlots = {
  extractRecords: (body: unknown) => flattenIdoItems((body as IdoLoad).Items ?? []),
  nextToken(body: unknown) {
    const page = body as IdoLoad;
    const more = page.MoreRowsExist === true || page.MoreRowsExist === 'true';
    return more && (page.Items?.length ?? 0) > 0 && page.Bookmark ? page.Bookmark : undefined;
  },
};

/**
 * CSI read slots for the runtime's paginator (Mongoose bookmarks, the descriptor's `bookmark` style):
 * HTTP-200 `Success:false` answers are errors, and the configuration header is discovered when unset.
 */
export function csiReadSlots(
  sourceOf: (entity: string) => CsiSource,
): Pick<ConnectorHooks, 'readRequest' | 'mapError' | 'extractRecords' | 'nextToken' | 'expandPage' | 'normalize'> {
  return {
    async readRequest(context, entity) {
      const source = sourceOf(entity);
      return {
        values: {
          ido: encodeURIComponent(source.ido),
          orderby: source.orderBy ?? source.keys[0]!,
          stamp: source.stamp,
        },
        headers: await idoHeaders(context),
      };
    },
    mapError: (response, entity) => {
      const source = sourceOf(entity);
      return loadError(source.ido, propertiesUsed(source))(response);
    },
    extractRecords: loadSlots.extractRecords,
    nextToken: loadSlots.nextToken,
    /** Lines of one page's parents in one ranged load (all of them: `recordcap=0`), kept under `lines`. */
    async expandPage(context, entity, rows, signal) {
      const source = sourceOf(entity);
      if (!source.lines) return { rows, calls: 0 };
      const { ido, link } = source.lines;
      const { first, last } = linkRange(rows, link);
      const filter =
        first === last
          ? `${link} = '${escape(first)}'`
          : `${link} >= '${escape(first)}' AND ${link} <= '${escape(last)}'`;
      const url = withQuery(idoUrl(context, `load/${encodeURIComponent(ido)}`), {
        properties: '*',
        orderby: link,
        recordcap: '0',
        filter,
      });
      const pages = walkPages(context.http, {
        paging: bookmarkPaging,
        url,
        headers: await idoHeaders(context),
        pageSize: 0,
        signal,
        what: `CSI ${ido}`,
        mapError: loadError(ido, [[link, 'line link']]),
        ...loadSlots,
      });
      return attachLines(rows, link, pages);
    },
    normalize(_context, entity, raw) {
      const source = sourceOf(entity);
      if (!source.lines) return normalizeIdo(source, raw as Record<string, unknown>);
      const { row, lines } = detachLines(raw);
      return normalizeIdo(source, row, lines);
    },
  };
}

/** v2 items are flat objects; v1 (`MGRESTService`) items are arrays of `{Name, Value}`. */
export function flattenIdoItems(items: unknown[]): Array<Record<string, unknown>> {
  return items.map((item) =>
    Array.isArray(item)
      ? Object.fromEntries((item as Array<{ Name: string; Value: unknown }>).map((pair) => [pair.Name, pair.Value]))
      : (item as Record<string, unknown>),
  );
}

const escape = (value: string) => value.replace(/'/g, "''");

export function normalizeIdo(
  source: Pick<CsiSource, 'keys' | 'stamp'>,
  item: Record<string, unknown>,
  lines?: Array<Record<string, unknown>>,
): SourceRecord {
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
