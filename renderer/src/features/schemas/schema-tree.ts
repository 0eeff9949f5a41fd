import type { EntityField } from '../../../../shared/domain/entity-schema';

/**
 * The schema tree as flat rows for a virtualised list: nested fields (order
 * lines, addresses) become indented rows under their parent; a search keeps
 * matching fields plus their ancestors, opened, so a hit deep in a line item
 * is visible without clicking.
 */
export type TreeRow =
  | { kind: 'field'; id: string; path: string; depth: number; field: EntityField; hasChildren: boolean; expanded: boolean; match: boolean; picklistOpen: boolean }
  | { kind: 'values'; id: string; depth: number; field: EntityField };

export interface TreeOptions {
  expanded: ReadonlySet<string>;
  openPicklists?: ReadonlySet<string>;
  query?: string;
}

export const childPath = (parent: string, name: string) => (parent ? `${parent}.${name}` : name);

export function countFields(fields: readonly EntityField[]): number {
  return fields.reduce((sum, field) => sum + 1 + countFields(field.children ?? []), 0);
}

export function fieldMatches(field: EntityField, path: string, query: string): boolean {
  if (!query) return false;
  const needle = query.toLowerCase();
  return (
    field.name.toLowerCase().includes(needle) ||
    field.label.toLowerCase().includes(needle) ||
    path.toLowerCase().includes(needle) ||
    (field.description?.toLowerCase().includes(needle) ?? false)
  );
}

export function buildRows(fields: readonly EntityField[], options: TreeOptions): { rows: TreeRow[]; matches: number } {
  const query = options.query?.trim() ?? '';
  let matches = 0;

  const fieldRows = (field: EntityField, path: string, depth: number, expanded: boolean, match: boolean): TreeRow[] => {
    const picklistOpen = (options.openPicklists?.has(path) ?? false) && (field.picklist?.length ?? 0) > 0;
    const row: TreeRow = { kind: 'field', id: path, path, depth, field, hasChildren: (field.children?.length ?? 0) > 0, expanded, match, picklistOpen };
    return picklistOpen ? [row, { kind: 'values', id: `${path}#values`, depth, field }] : [row];
  };

  /** Rows of one level; `matched` says whether the search hit anything in it. */
  const collect = (list: readonly EntityField[], parent: string, depth: number, filtering: boolean): { rows: TreeRow[]; matched: boolean } => {
    const rows: TreeRow[] = [];
    let matched = false;
    for (const field of list) {
      const path = childPath(parent, field.name);
      const children = field.children ?? [];
      if (!filtering) {
        const expanded = options.expanded.has(path);
        rows.push(...fieldRows(field, path, depth, expanded, false));
        if (expanded) rows.push(...collect(children, path, depth + 1, false).rows);
        continue;
      }
      const match = fieldMatches(field, path, query);
      if (match) matches += 1;
      const inner = children.length > 0 ? collect(children, path, depth + 1, true) : { rows: [], matched: false };
      if (!match && !inner.matched) continue;
      matched = true;
      // Ancestors of a hit open by themselves; a matching parent opens when asked.
      const expanded = inner.matched || options.expanded.has(path);
      rows.push(...fieldRows(field, path, depth, expanded, match));
      if (inner.matched) rows.push(...inner.rows);
      else if (expanded) rows.push(...collect(children, path, depth + 1, false).rows);
    }
    return { rows, matched };
  };

  return { rows: collect(fields, '', 0, query !== '').rows, matches };
}

/** Every path that has children: "Expand all". */
export function expandablePaths(fields: readonly EntityField[], parent = ''): string[] {
  return fields.flatMap((field) => {
    const path = childPath(parent, field.name);
    return field.children && field.children.length > 0 ? [path, ...expandablePaths(field.children, path)] : [];
  });
}

/** Target fields that can match records: the entity's key fields and every external-id field. */
export function matchKeyCandidates(schema: { keyFields: string[]; fields: readonly EntityField[] }): EntityField[] {
  const candidates = schema.fields.filter((field) => field.externalId || schema.keyFields.includes(field.name));
  return [...candidates].sort((left, right) => Number(right.externalId) - Number(left.externalId) || left.name.localeCompare(right.name));
}
