import { decodePath, encodePath, type FieldPort } from '../../../../../shared/mapping';

/**
 * Schema fields as tree rows: one row per field handle (`lines`, `lines[].ITNO`), in schema
 * order, with collapsed groups and the field search applied. Both tree nodes and the edge
 * adapter read the same rows, so an edge always finds the row (or group) it lands on.
 */
export interface TreeRow {
  path: string;
  label: string;
  name: string;
  type: FieldPort['type'];
  depth: number;
  hasChildren: boolean;
  collapsed: boolean;
}

/** `lines[].ITNO` → `lines`; top-level fields have no parent. */
export function parentPath(path: string): string | undefined {
  const segments = decodePath(path);
  if (segments.length < 2) return undefined;
  const parent = segments.slice(0, -1);
  const last = parent[parent.length - 1];
  if (last) parent[parent.length - 1] = { name: last.name, array: false };
  return encodePath(parent);
}

export function buildRows(fields: readonly FieldPort[], collapsed: ReadonlySet<string>, query: string): TreeRow[] {
  const paths = new Set(fields.map((field) => field.path));
  const parents = new Map<string, string | undefined>();
  const withChildren = new Set<string>();
  for (const field of fields) {
    const parent = parentPath(field.path);
    const known = parent !== undefined && paths.has(parent) ? parent : undefined;
    parents.set(field.path, known);
    if (known) withChildren.add(known);
  }
  const needle = query.trim().toLowerCase();
  let shown: Set<string> | undefined;
  if (needle) {
    shown = new Set();
    for (const field of fields) {
      const matches = field.path.toLowerCase().includes(needle) || (field.label ?? '').toLowerCase().includes(needle);
      if (!matches) continue;
      for (let path: string | undefined = field.path; path !== undefined && !shown.has(path); path = parents.get(path))
        shown.add(path);
    }
  }
  const rows: TreeRow[] = [];
  for (const field of fields) {
    if (shown && !shown.has(field.path)) continue;
    if (!shown && hiddenByCollapse(field.path, parents, collapsed)) continue;
    const segments = decodePath(field.path);
    rows.push({
      path: field.path,
      label: field.label ?? field.path,
      name: segments[segments.length - 1]?.name ?? field.path,
      type: field.type,
      depth: segments.length - 1,
      hasChildren: withChildren.has(field.path),
      collapsed: !shown && collapsed.has(field.path),
    });
  }
  return rows;
}

function hiddenByCollapse(
  path: string,
  parents: ReadonlyMap<string, string | undefined>,
  collapsed: ReadonlySet<string>,
): boolean {
  for (let parent = parents.get(path); parent !== undefined; parent = parents.get(parent))
    if (collapsed.has(parent)) return true;
  return false;
}

/** Handle ids for edges whose field row is not rendered (scrolled away, collapsed, filtered out). */
export const aboveHandle = '__above';
export const belowHandle = '__below';

/** The rows a virtualised tree currently renders (indexes into its row list). */
export interface RowWindow {
  rows: readonly TreeRow[];
  index: ReadonlyMap<string, number>;
  start: number;
  end: number;
}

export function rowWindow(rows: readonly TreeRow[], start: number, end: number): RowWindow {
  return { rows, index: new Map(rows.map((row, position) => [row.path, position])), start, end };
}

/**
 * The handle an edge should attach to: the field's own row when rendered, else its nearest
 * shown group, else a proxy at the top or bottom of the tree; `undefined` when search hides it.
 */
export function resolveHandle(path: string, window: RowWindow | undefined): string | undefined {
  if (!window) return path;
  for (let current: string | undefined = path; current !== undefined; current = parentPath(current)) {
    const position = window.index.get(current);
    if (position === undefined) continue;
    if (position < window.start) return aboveHandle;
    if (position > window.end) return belowHandle;
    return current;
  }
  return undefined;
}
