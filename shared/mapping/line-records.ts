import type { EntityField, EntitySchema } from '../domain/entity-schema';

/**
 * The record a child flow (one target record per source line) maps from, for the designer as for
 * the engine: the line's fields plus `parent`, the parent record's fields without its lines. The
 * engine builds these records in electron/backend/sync/child-records.ts; the Mapper builds the
 * same shape here for its tree (schema) and its Preview (samples), so a line mapping previews per
 * line instead of failing on an array.
 */

/** The name of the group holding the parent's fields in a line record. */
export const parentGroup = 'parent';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonRecord = { [key: string]: Json };

/** Paths of the nested lists of a schema (`lines`, `order.lines`): what "one record per line of" offers. */
export function lineListPaths(fields: readonly EntityField[], prefix = ''): string[] {
  return fields.flatMap((field) => {
    const path = prefix ? `${prefix}.${field.name}` : field.name;
    if (field.type === 'array' && field.children?.length) return [path];
    if (field.type === 'object' && field.children) return lineListPaths(field.children, path);
    return [];
  });
}

/** A line's schema: the list's item fields plus a read-only `parent` group (the record without the list). */
export function lineSchema(schema: EntitySchema, path: string): EntitySchema {
  const list = fieldAt(schema.fields, path.split('.'));
  if (!list || list.type !== 'array' || !list.children)
    throw new Error(`“${path}” is not a list of records in ${schema.label}.`);
  const parent: EntityField = {
    name: parentGroup,
    label: `${schema.label} (parent)`,
    type: 'object',
    required: { onCreate: false, onUpdate: false },
    readOnly: true,
    createOnly: false,
    externalId: false,
    children: withoutField(schema.fields, path.split('.')),
    description: `The ${schema.label} record this line belongs to.`,
  };
  return {
    ...schema,
    label: `${schema.label}: ${list.label || list.name}`,
    fields: [...list.children.filter((field) => field.name !== parentGroup), parent],
    hash: `${schema.hash}/${path}`,
  };
}

/**
 * Sample records as lines: each element of `path` with its parent's fields under `parent`, keyed
 * `<parent key>/<line number>` (the preview's own label; the engine keys lines by the flow's line key).
 */
export function lineSamples<T extends { key: string; data: Record<string, unknown> }>(
  samples: readonly T[],
  path: string,
): Array<{ key: string; data: Record<string, unknown> }> {
  return samples.flatMap((sample) => {
    const record = sample.data as JsonRecord;
    const list = valueAt(record, path.split('.'));
    if (!Array.isArray(list)) return [];
    const parent = withoutValue(record, path.split('.'));
    return list
      .filter((line): line is JsonRecord => Boolean(line) && typeof line === 'object' && !Array.isArray(line))
      .map((line, index) => ({ key: `${sample.key}/${index + 1}`, data: { ...line, [parentGroup]: parent } }));
  });
}

function fieldAt(fields: readonly EntityField[], path: string[]): EntityField | undefined {
  const [head, ...rest] = path;
  const found = fields.find((field) => field.name === head);
  return rest.length === 0 ? found : found?.children ? fieldAt(found.children, rest) : undefined;
}

function withoutField(fields: readonly EntityField[], path: string[]): EntityField[] {
  const [head, ...rest] = path;
  return fields
    .filter((field) => rest.length > 0 || field.name !== head)
    .map((field) =>
      rest.length > 0 && field.name === head && field.children
        ? { ...field, children: withoutField(field.children, rest) }
        : field,
    );
}

function valueAt(record: JsonRecord, path: string[]): Json | undefined {
  let value: Json | undefined = record;
  for (const part of path) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = value[part];
  }
  return value;
}

/** The record without the list at `path` (the parent's own fields). */
export function withoutValue(record: JsonRecord, path: string[]): JsonRecord {
  const [head, ...rest] = path;
  const copy: JsonRecord = { ...record };
  const inner = copy[head!];
  if (rest.length === 0) delete copy[head!];
  else if (inner && typeof inner === 'object' && !Array.isArray(inner)) copy[head!] = withoutValue(inner, rest);
  return copy;
}
