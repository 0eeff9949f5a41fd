import type { EntityField, EntitySchema } from '../domain/entity-schema';
import { diffSchemas } from '../mapping/diff';
import { GraphIndex } from '../mapping/graph-index';
import type { MappingGraph } from '../mapping/graph.model';
import { flattenSchemaFields } from '../mapping/validator';
import type { SnapshotField } from './bundle.schema';

interface MappingLike {
  graph?: MappingGraph | null;
  expression: string;
}

/**
 * The field paths a mapping reads (`source`) or writes (`target`): from the graph's edges when it
 * has one, else every field whose name occurs as a word in the JSONata (over-inclusive, never missing one).
 */
export function mappedFieldPaths(mapping: MappingLike, side: 'source' | 'target', schema: EntitySchema): Set<string> {
  const flat = flattenSchemaFields(schema.fields);
  if (mapping.graph) {
    const index = new GraphIndex(mapping.graph);
    if (side === 'target') return new Set(index.targetEdges().map((edge) => edge.targetHandle));
    return new Set(
      mapping.graph.edges
        .filter((edge) => index.nodes.get(edge.source)?.kind === 'source')
        .map((edge) => edge.sourceHandle),
    );
  }
  const words = new Set(mapping.expression.match(/[A-Za-z_$][\w$]*/g) ?? []);
  return new Set(flat.filter((entry) => words.has(entry.field.name)).map((entry) => entry.handle));
}

/** The schema pruned to the mapped fields (and their parents), as the bundle stores it. */
export function snapshotOf(schema: EntitySchema, paths: ReadonlySet<string>): SnapshotField[] {
  const flat = flattenSchemaFields(schema.fields);
  const handleOf = new Map(flat.map((entry) => [entry.field, entry.handle]));
  const prune = (fields: readonly EntityField[]): SnapshotField[] =>
    fields.flatMap((field) => {
      const children = field.children ? prune(field.children) : [];
      if (!paths.has(handleOf.get(field) ?? '') && children.length === 0) return [];
      return [
        {
          name: field.name,
          type: field.type,
          ...(field.required.onCreate ? { required: true } : {}),
          ...(field.readOnly ? { readOnly: true } : {}),
          ...(field.maxLength !== undefined ? { maxLength: field.maxLength } : {}),
          ...(children.length > 0 ? { children } : {}),
        },
      ];
    });
  return prune(schema.fields);
}

function asEntityFields(fields: readonly SnapshotField[]): EntityField[] {
  return fields.map((field) => ({
    name: field.name,
    label: field.name,
    type: field.type,
    required: { onCreate: field.required ?? false, onUpdate: false },
    readOnly: field.readOnly ?? false,
    createOnly: false,
    externalId: false,
    ...(field.maxLength !== undefined ? { maxLength: field.maxLength } : {}),
    ...(field.children ? { children: asEntityFields(field.children) } : {}),
  }));
}

export interface SchemaDriftFinding {
  side: 'source' | 'target';
  entity: string;
  field: string;
  code: 'removed-field' | 'type-changed' | 'became-read-only' | 'max-length-reduced' | 'picklist-value-removed';
  message: string;
}

/**
 * What changed in a live schema for the fields a mapping uses, against the bundle's snapshot. The
 * target side of a graph mapping goes through `diffSchemas` (the designer's report); the source side
 * and expression-only mappings compare the snapshot's paths and types. `new-required-field` is left
 * out: the snapshot holds only mapped fields, so it cannot tell a new requirement from an old one.
 */
export function schemaDrift(
  mapping: MappingLike,
  side: 'source' | 'target',
  snapshot: readonly SnapshotField[],
  live: EntitySchema,
): SchemaDriftFinding[] {
  const before: EntitySchema = { ...live, fields: asEntityFields(snapshot) };
  if (side === 'target' && mapping.graph) {
    return diffSchemas(before, live, mapping.graph)
      .filter((change) => change.code !== 'new-required-field')
      .map((change) => ({
        side,
        entity: live.entity,
        field: change.field,
        code: change.code as SchemaDriftFinding['code'],
        message: change.message,
      }));
  }
  const now = new Map(flattenSchemaFields(live.fields).map((entry) => [entry.handle, entry.field]));
  const findings: SchemaDriftFinding[] = [];
  for (const { handle, field } of flattenSchemaFields(before.fields)) {
    const current = now.get(handle);
    if (!current)
      findings.push({
        side,
        entity: live.entity,
        field: handle,
        code: 'removed-field',
        message: `${handle} was removed from ${live.entity}.`,
      });
    else if (current.type !== field.type)
      findings.push({
        side,
        entity: live.entity,
        field: handle,
        code: 'type-changed',
        message: `${handle} changed type from ${field.type} to ${current.type}.`,
      });
  }
  return findings;
}

/**
 * What a schema refresh breaks on one side of a mapping: the fields it uses in the schema as it
 * was, snapshotted the way an export does, against the schema as it is now. The designer's report
 * is thereby the very comparison `mlc validate --live-schemas` and `mlc run` make on a bundle.
 */
export function refreshDrift(
  mapping: MappingLike,
  side: 'source' | 'target',
  before: EntitySchema,
  after: EntitySchema,
): SchemaDriftFinding[] {
  return schemaDrift(mapping, side, snapshotOf(before, mappedFieldPaths(mapping, side, before)), after);
}
