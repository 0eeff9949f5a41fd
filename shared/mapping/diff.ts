import type { EntityField, EntitySchema } from '../domain/entity-schema';
import { GraphIndex } from './graph-index';
import type { MappingGraph } from './graph.model';
import { inputPorts } from './ports';
import { flattenSchemaFields } from './validator';

/** Semantic differences between two versions of a mapping, and what a schema change breaks. */
export interface MappingChange {
  field: string;
  kind: 'added' | 'removed' | 'changed';
  message: string;
  nodeIds: string[];
}

export function diffMappings(before: MappingGraph, after: MappingGraph): MappingChange[] {
  const old = describeTargets(before);
  const next = describeTargets(after);
  const changes: MappingChange[] = [];
  for (const [field, was] of old) {
    const now = next.get(field);
    if (!now) {
      changes.push({ field, kind: 'removed', message: `${field}: no longer mapped (was ${was.text})`, nodeIds: [] });
    } else if (now.text !== was.text) {
      const message =
        was.direct && now.direct
          ? `${field}: source changed from ${was.text} to ${now.text}`
          : (valueMapChange(field, was, now) ?? `${field}: changed from ${was.text} to ${now.text}`);
      changes.push({ field, kind: 'changed', message, nodeIds: now.nodeIds });
    }
  }
  for (const [field, now] of next) {
    if (!old.has(field))
      changes.push({ field, kind: 'added', message: `${field}: now mapped from ${now.text}`, nodeIds: now.nodeIds });
  }
  const keyBefore = (before.matchKey ?? []).join(', ');
  const keyAfter = (after.matchKey ?? []).join(', ');
  if (keyBefore !== keyAfter) {
    changes.push({
      field: '',
      kind: 'changed',
      message: `Match key changed from [${keyBefore}] to [${keyAfter}]`,
      nodeIds: [],
    });
  }
  return changes.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

interface Description {
  text: string;
  direct: boolean;
  nodeIds: string[];
  table?: Map<string, string>;
  tableInput?: string;
}

function describeTargets(graph: MappingGraph): Map<string, Description> {
  const index = new GraphIndex(graph);
  const result = new Map<string, Description>();
  for (const edge of index.targetEdges()) {
    const node = index.node(edge.source);
    const description: Description = {
      text: describe(index, edge.source, edge.sourceHandle, 0),
      direct: node.kind === 'source',
      nodeIds: index.upstream(node.id).sort(),
    };
    if (node.kind === 'valueMap') {
      description.table = new Map(node.data.entries.map((entry) => [entry.from, JSON.stringify(entry.to)]));
      const input = index.input(node.id, 'in');
      description.tableInput = input ? describe(index, input.source, input.sourceHandle, 0) : '';
    }
    result.set(edge.targetHandle, description);
  }
  return result;
}

/** A readable, order-independent rendering of what feeds an output: `trim(CUNM)`, `map(STAT)`. */
function describe(index: GraphIndex, nodeId: string, handle: string, depth: number): string {
  const node = index.node(nodeId);
  if (depth > 40) return '…';
  const args = inputPorts(node)
    .map((port) => index.input(node.id, port.handle))
    .filter((edge) => edge !== undefined)
    .map((edge) => describe(index, edge.source, edge.sourceHandle, depth + 1));
  switch (node.kind) {
    case 'source':
      return handle;
    case 'constant':
      return JSON.stringify(node.data.value);
    case 'function':
      return `${node.data.name}(${args.join(', ')})`;
    case 'valueMap':
      return `map[${node.data.entries.map((entry) => `${entry.from}→${JSON.stringify(entry.to)}`).join(', ')}](${args.join(', ')})`;
    case 'conditional':
      return `if(${args.join(', ')})`;
    case 'coalesce':
      return `default(${args.join(', ')})`;
    case 'lookup':
      return `lookup ${node.data.entity}(${args.join(', ')})`;
    case 'loop':
      return `each(${args.join(', ')})`;
    case 'custom':
      return `custom(${node.data.expression})`;
    default:
      return node.kind;
  }
}

function valueMapChange(field: string, was: Description, now: Description): string | undefined {
  if (!was.table || !now.table || was.tableInput !== now.tableInput) return undefined;
  const parts: string[] = [];
  for (const [from, to] of was.table) {
    const next = now.table.get(from);
    if (next === undefined) parts.push(`value map entry "${from}" removed`);
    else if (next !== to) parts.push(`value map entry "${from}" changed from ${to} to ${next}`);
  }
  for (const [from, to] of now.table) if (!was.table.has(from)) parts.push(`value map entry "${from}" → ${to} added`);
  return parts.length > 0 ? `${field}: ${parts.join('; ')}` : undefined;
}

export interface SchemaChange {
  code:
    | 'new-required-field'
    | 'removed-field'
    | 'type-changed'
    | 'picklist-value-removed'
    | 'max-length-reduced'
    | 'became-read-only';
  field: string;
  message: string;
  /** True when the current mapping is affected (maps the field, or must now map it). */
  affectsMapping: boolean;
  nodeIds: string[];
}

/** Re-validation report for a target schema change: what the new schema asks of this mapping. */
export function diffSchemas(before: EntitySchema, after: EntitySchema, graph: MappingGraph): SchemaChange[] {
  const index = new GraphIndex(graph);
  const mapped = new Map(index.targetEdges().map((edge) => [edge.targetHandle, index.upstream(edge.source).sort()]));
  const old = new Map(flattenSchemaFields(before.fields).map((entry) => [entry.handle, entry.field]));
  const changes: SchemaChange[] = [];
  const push = (code: SchemaChange['code'], field: string, message: string): void => {
    changes.push({
      code,
      field,
      message,
      affectsMapping: mapped.has(field) || code === 'new-required-field',
      nodeIds: mapped.get(field) ?? [index.target.id],
    });
  };
  const seen = new Set<string>();
  for (const { handle, field } of flattenSchemaFields(after.fields)) {
    seen.add(handle);
    const was = old.get(handle);
    const required = field.required.onCreate && !field.readOnly;
    if ((!was || !(was.required.onCreate && !was.readOnly)) && required && !mapped.has(handle)) {
      push('new-required-field', handle, `${handle} is now required and not mapped.`);
    }
    if (!was) continue;
    if (was.type !== field.type)
      push('type-changed', handle, `${handle} changed type from ${was.type} to ${field.type}.`);
    if (!was.readOnly && field.readOnly) push('became-read-only', handle, `${handle} became read-only.`);
    if (field.maxLength !== undefined && (was.maxLength === undefined || field.maxLength < was.maxLength)) {
      push('max-length-reduced', handle, `${handle} now allows at most ${field.maxLength} characters.`);
    }
    for (const value of removedPicklistValues(was, field)) {
      push('picklist-value-removed', handle, `${handle} no longer allows ${JSON.stringify(value)}.`);
    }
  }
  for (const handle of old.keys())
    if (!seen.has(handle)) push('removed-field', handle, `${handle} was removed from ${after.entity}.`);
  return changes.filter((change) => change.affectsMapping);
}

function removedPicklistValues(before: EntityField, after: EntityField): (string | number)[] {
  const active = new Set(
    (after.picklist ?? []).filter((option) => option.active !== false).map((option) => String(option.value)),
  );
  return (before.picklist ?? [])
    .filter((option) => option.active !== false && !active.has(String(option.value)))
    .map((option) => option.value);
}
