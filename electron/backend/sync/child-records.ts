import type { Flow } from '../../../shared/domain/flow';
import { AppError } from '../../../shared/errors';
import type { Bindings, BindingCall } from '../../../shared/mapping/evaluate';
import { parentGroup, withoutValue } from '../../../shared/mapping/line-records';
import type { JsonObject, JsonValue, SourceRecord } from '../connectors/framework/connector';
import type { EngineDeps } from './engine-deps';

/**
 * Child records (order lines): a flow with `source.each` writes one target record per element of
 * its source records' nested array, linked to the target record its parent flow wrote.
 *
 * A line's key is `<parent key>/<line key values>`, each value URI-encoded so it holds no `/`:
 * the parent key (which may itself hold `/`, M3 joins its key columns so) is the key without its
 * last `lineKey.length` segments. That is how replays and targeted syncs, which start from a stored
 * line, find the parent again without reading the source.
 */
export type LineSpec = NonNullable<Flow['source']['each']>;

/** One source record's lines as records of their own; refuses (naming the parent) a line with no key or a repeated one. */
export function expandLines(records: SourceRecord[], each: LineSpec): SourceRecord[] {
  const out: SourceRecord[] = [];
  for (const record of records) {
    const value = valueAt(record.data, each.path);
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value))
      throw new AppError(
        'E_SYNC_LINE_KEY',
        `“${each.path}” of source record ${record.key} is not a list, so it has no lines to write one by one.`,
      );
    // The same shape the Mapper previews (shared/mapping/line-records.ts).
    const parent = withoutValue(record.data, each.path.split('.')) as JsonObject;
    const seen = new Set<string>();
    value.forEach((line, index) => {
      if (!line || typeof line !== 'object' || Array.isArray(line))
        throw new AppError('E_SYNC_LINE_KEY', `Line ${index + 1} of source record ${record.key} is not a record.`);
      const parts = each.lineKey.map((field) => (line as JsonObject)[field]);
      const missing = each.lineKey.filter(
        (_field, at) => parts[at] === undefined || parts[at] === null || parts[at] === '',
      );
      if (missing.length > 0)
        throw new AppError(
          'E_SYNC_LINE_KEY',
          `Line ${index + 1} of source record ${record.key} has no ${missing.join(', ')}: its lines cannot be told apart. Check the line key of the flow.`,
          { parentKey: record.key, line: index + 1 },
        );
      const key = `${record.key}/${parts.map((part) => encodeURIComponent(String(part))).join('/')}`;
      if (seen.has(key))
        throw new AppError(
          'E_SYNC_LINE_KEY',
          `Two lines of source record ${record.key} share the line key ${each.lineKey.join(', ')} = ${parts.map(String).join(', ')}: add fields to the flow's line key so each line has its own.`,
          { parentKey: record.key, lineKey: key },
        );
      seen.add(key);
      out.push({ key, stamp: record.stamp, data: { ...(line as JsonObject), [parentGroup]: parent }, raw: null });
    });
  }
  return out;
}

/** The parent's key of a line key made by `expandLines`. */
export function parentKeyOf(lineKey: string, each: LineSpec): string {
  return lineKey.split('/').slice(0, -each.lineKey.length).join('/');
}

function valueAt(data: JsonObject, path: string): JsonValue | undefined {
  let value: JsonValue | undefined = data;
  for (const part of path.split('.')) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = value[part];
  }
  return value;
}

/** How a child flow's lines reach their parent's target id. */
export interface ParentLink {
  /** Reads the parents of a page's lines in one query (the id map); `targetId` then answers from memory. */
  prefetch(lineKeys: string[]): Promise<void>;
  /** The parent's target id for a line key (prefetched); null when the parent was never written (or failed). */
  targetId(lineKey: string): string | null;
  /** Why a line cannot be written yet. */
  missing(lineKey: string): string;
}

/**
 * The parent link of a child flow (undefined for other flows). Reads the parent flow's id map
 * for each page, so a replay after the parent was fixed finds the id the fix wrote.
 */
export async function parentLink(
  deps: Pick<EngineDeps, 'idMap' | 'flows'>,
  flow: Flow,
): Promise<ParentLink | undefined> {
  const each = flow.source.each;
  if (!flow.parent || !each) return undefined;
  const parentFlow = await deps.flows.findFlow(flow.parent.flowId);
  const name = parentFlow?.name ?? flow.parent.flowId;
  const cache = new Map<string, string | null>();
  // Every caller prefetches a page's lines first (the store is async; a binding call cannot wait for it).
  const targetId = (lineKey: string): string | null => cache.get(parentKeyOf(lineKey, each)) ?? null;
  return {
    prefetch: async (lineKeys) => {
      const wanted = [...new Set(lineKeys.map((key) => parentKeyOf(key, each)))].filter((key) => !cache.has(key));
      if (!parentFlow || wanted.length === 0) return;
      const found = await deps.idMap.entries(parentFlow.id, wanted);
      for (const key of wanted) cache.set(key, found.get(key)?.targetKey ?? null);
    },
    targetId,
    missing: (lineKey) =>
      `Line ${lineKey} was not written: its parent ${parentKeyOf(lineKey, each)} has no target record from the flow “${name}” (it failed or has not run). Fix the parent, run “${name}”, then replay this line.`,
  };
}

/**
 * `$parentId()` for a child flow's mapping: the target id of the line's parent (the mapping
 * writes e.g. `"salesorderid@odata.bind": "/salesorders(" & $parentId() & ")"`). Lines whose
 * parent has none never reach the mapping (the page processor fails them first), so an answer
 * here is always an id.
 */
export function parentBindings(link: ParentLink | undefined, keyOf: (data: unknown) => string | undefined): Bindings {
  return {
    parentId: function (this: BindingCall | undefined): string {
      const key = keyOf(this?.input);
      const id = key === undefined ? null : link?.targetId(key);
      if (!link)
        throw new AppError('E_MAPPING_EVAL', '$parentId() works in flows that write one record per line of a parent.');
      if (!id) throw new AppError('E_SYNC_PARENT_MISSING', key ? link.missing(key) : 'The line has no parent.');
      return id;
    },
  };
}
