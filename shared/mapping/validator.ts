import type { EntityField, EntitySchema, FieldType } from '../domain/entity-schema';
import { compileGraph } from './compiler';
import { decodePath, encodePath } from './field-path';
import { GraphIndex } from './graph-index';
import type { MappingGraph } from './graph.model';
import { outputPorts, portTypeOfField, typesCompatible } from './ports';
import { MappingPreview, type PreviewOptions, type PreviewRecord } from './preview';

/** Checks a mapping against the live target schema and sample records; every finding names graph nodes. */
export type IssueCode =
  | 'unmapped-required'
  | 'unknown-field'
  | 'type-mismatch'
  | 'picklist-value'
  | 'max-length'
  | 'read-only'
  | 'create-only'
  | 'missing-match-key'
  | 'needs-lookup'
  | 'evaluation-error';

export interface ValidationIssue {
  code: IssueCode;
  severity: 'error' | 'warning';
  /** Target field handle (`Billing_City`, `Ordered_Items[].Quantity`), when the issue has one. */
  field?: string;
  nodeIds: string[];
  message: string;
  /** Indexes of sample records showing the problem (first few). */
  records?: number[];
  count?: number;
  /** The first sample value showing the problem (sample-based issues): quick fixes choose from it. */
  example?: unknown;
}

export interface FieldStatistics {
  field: string;
  values: number;
  nullPercent: number;
  failingPercent: number;
  distinctCount: number;
  /** Up to ten distinct values, for display. */
  distinctSample: unknown[];
}

export interface ValidationReport {
  issues: ValidationIssue[];
  fields: FieldStatistics[];
}

export interface ValidateOptions extends PreviewOptions {
  samples?: readonly unknown[];
  /** Results of a preview already run on the samples (skips evaluating again). */
  outputs?: readonly PreviewRecord[];
  /** Defaults to the graph's match key, then to the schema's key fields. */
  matchKey?: string[];
  /** Whether records will be created (required-on-create) or only updated. */
  operation?: 'create' | 'update';
}

export interface FlatField {
  handle: string;
  field: EntityField;
}

export function flattenSchemaFields(
  fields: readonly EntityField[],
  prefix: { name: string; array: boolean }[] = [],
): FlatField[] {
  const flat: FlatField[] = [];
  for (const field of fields) {
    const segments = [...prefix, { name: field.name, array: false }];
    flat.push({ handle: encodePath(segments), field });
    if (field.children) {
      const childPrefix = [...prefix, { name: field.name, array: field.type === 'array' }];
      flat.push(...flattenSchemaFields(field.children, childPrefix));
    }
  }
  return flat;
}

export async function validateMapping(
  graph: MappingGraph,
  schema: EntitySchema,
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const index = new GraphIndex(graph);
  const issues: ValidationIssue[] = [];
  const flat = flattenSchemaFields(schema.fields);
  const byHandle = new Map(flat.map((entry) => [entry.handle, entry]));
  const edges = index.targetEdges();
  const mapped = new Map(edges.map((edge) => [edge.targetHandle, edge]));
  const nodesOf = (handle: string): string[] => {
    const edge = mapped.get(handle);
    return edge ? [...index.upstream(edge.source).sort(), index.target.id] : [index.target.id];
  };
  const isMapped = (handle: string): boolean =>
    mapped.has('$') ||
    [...mapped.keys()].some(
      (key) =>
        key === handle ||
        key.startsWith(`${handle}.`) ||
        key.startsWith(`${handle}[].`) ||
        handle.startsWith(`${key}.`) ||
        handle.startsWith(`${key}[].`),
    );
  const creating = (options.operation ?? 'create') === 'create';

  for (const { handle, field } of flat) {
    const required = creating ? field.required.onCreate : field.required.onUpdate;
    // By segments, not by the last '.': a name may hold an escaped dot (`pricelevelid@odata\.bind`),
    // which made a required Dataverse lookup look like a child of an unmapped parent.
    const segments = decodePath(handle);
    const parentMapped =
      segments.length === 1 ||
      isMapped(encodePath(segments.slice(0, -1).map((segment) => ({ ...segment, array: false }))));
    if (required && !field.readOnly && parentMapped && !isMapped(handle)) {
      issues.push({
        code: 'unmapped-required',
        severity: 'error',
        field: handle,
        nodeIds: [index.target.id],
        message: isReferenceField(field)
          ? `${field.label || field.name} is required but not mapped: it needs a lookup ($lookupRef/$lookupId) to a record in ${field.referenceTo ?? 'another entity'}.`
          : `${field.label || field.name} is required but not mapped.`,
      });
    }
  }
  for (const edge of edges) {
    if (edge.targetHandle === '$') continue;
    const entry = byHandle.get(edge.targetHandle);
    const nodeIds = nodesOf(edge.targetHandle);
    if (!entry) {
      issues.push({
        code: 'unknown-field',
        severity: 'warning',
        field: edge.targetHandle,
        nodeIds,
        message: `${edge.targetHandle} is not a field of ${schema.entity}.`,
      });
      continue;
    }
    const { field } = entry;
    if (field.readOnly)
      issues.push({
        code: 'read-only',
        severity: 'error',
        field: edge.targetHandle,
        nodeIds,
        message: `${field.name} is read-only in ${schema.entity}.`,
      });
    else if (field.createOnly)
      issues.push({
        code: 'create-only',
        severity: 'warning',
        field: edge.targetHandle,
        nodeIds,
        message: `${field.name} is set on create and ignored on update.`,
      });
    const reference = referenceOf(edge.targetHandle, byHandle);
    if (reference && !fedByLookup(index, edge.source)) {
      issues.push({
        code: 'needs-lookup',
        severity: 'warning',
        field: edge.targetHandle,
        nodeIds,
        message: `${reference.label || reference.name} needs a lookup: it takes the id of a record in ${reference.referenceTo ?? 'another entity'}, not a copied value. Map it through $lookupRef/$lookupId (a Lookup node) or $parentId().`,
      });
    }
    const port = outputPorts(index.node(edge.source)).find((candidate) => candidate.handle === edge.sourceHandle);
    if (port && !typesCompatible(port.type, portTypeOfField(field.type))) {
      issues.push({
        code: 'type-mismatch',
        severity: 'error',
        field: edge.targetHandle,
        nodeIds,
        message: `${field.name} expects ${field.type} but is fed ${port.type}.`,
      });
    }
  }
  const matchKey = options.matchKey ?? graph.matchKey ?? schema.keyFields;
  if (matchKey.length === 0) {
    issues.push({
      code: 'missing-match-key',
      severity: 'error',
      nodeIds: [index.target.id],
      message: 'No match key: upserts cannot find existing records.',
    });
  }
  for (const key of matchKey) {
    if (!isMapped(key))
      issues.push({
        code: 'missing-match-key',
        severity: 'error',
        field: key,
        nodeIds: [index.target.id],
        message: `Match key ${key} is not mapped.`,
      });
  }

  const outputs = options.outputs ?? (options.samples ? await previewOutputs(graph, options.samples, options) : []);
  const fields = sampleChecks(
    outputs,
    flat.filter((entry) => isMapped(entry.handle) && entry.field.type !== 'object'),
    nodesOf,
    issues,
  );
  return { issues, fields };
}

/**
 * A field that holds another record's id: Salesforce lookups (`AccountId`, `Pricebook2Id`) and
 * Dataverse navigation properties (`transactioncurrencyid@odata.bind`). A copied source value
 * ("EUR", a customer number) is never such an id, so the write fails on every record.
 */
export function isReferenceField(field: EntityField): boolean {
  return field.type === 'reference' || field.referenceTo !== undefined || field.name.endsWith('@odata.bind');
}

/**
 * The reference field a target handle fills: the field itself, or the lookup whose `id` member
 * it is (Zoho writes a lookup as `{ "id": … }`, so mappings fill `Account_Name.id`).
 */
export function referenceOf(handle: string, byHandle: ReadonlyMap<string, FlatField>): EntityField | undefined {
  const entry = byHandle.get(handle);
  if (!entry) return undefined;
  if (isReferenceField(entry.field)) return entry.field;
  const segments = decodePath(handle);
  if (entry.field.name !== 'id' || segments.length < 2) return undefined;
  const parent = byHandle.get(encodePath(segments.slice(0, -1)));
  return parent && isReferenceField(parent.field) ? parent.field : undefined;
}

/**
 * Run-time bindings that answer a target record id: `$lookupRef` (compiler), and `$lookupId`/`$parentId`
 * of child records (engine). Accepted wherever they appear in hand-written JSONata too.
 */
export const lookupBindingNames = ['lookupRef', 'lookupId', 'parentId'] as const;
const lookupCall = new RegExp(`\\$(?:${lookupBindingNames.join('|')})\\s*\\(`);

/**
 * A value fit for a reference field: some node upstream resolves an id (a Lookup node, or custom
 * JSONata calling a lookup binding), or it is a constant that already is a record id (a fixed
 * owner or currency picked by id).
 */
function fedByLookup(index: GraphIndex, source: string): boolean {
  return index.upstream(source).some((id) => {
    const node = index.node(id);
    if (node.kind === 'lookup') return true;
    if (node.kind === 'custom') return lookupCall.test(node.data.expression);
    if (node.kind === 'constant' && id === source) return looksLikeRecordId(node.data.value);
    return false;
  });
}

/** A Salesforce id (15/18 alphanumerics with a digit), a Zoho id (digits), a GUID, or a Dataverse bind path `/set(guid)`. */
function looksLikeRecordId(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const guid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  return (
    (/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value) && /\d/.test(value) && /[a-zA-Z]/.test(value)) ||
    /^\d{15,19}$/.test(value) ||
    new RegExp(`^${guid}$`, 'i').test(value) ||
    new RegExp(`^/?[a-z_][a-z0-9_]*\\(${guid}\\)$`, 'i').test(value)
  );
}

async function previewOutputs(
  graph: MappingGraph,
  samples: readonly unknown[],
  options: PreviewOptions,
): Promise<readonly PreviewRecord[]> {
  compileGraph(graph);
  return (await new MappingPreview(samples, options).update(graph)).records;
}

function sampleChecks(
  outputs: readonly PreviewRecord[],
  fields: FlatField[],
  nodesOf: (handle: string) => string[],
  issues: ValidationIssue[],
): FieldStatistics[] {
  const errorRecords = new Map<string, number[]>();
  outputs.forEach((record, recordIndex) => {
    for (const error of record.errors)
      errorRecords.set(error.target, [...(errorRecords.get(error.target) ?? []), recordIndex]);
  });
  for (const [target, records] of errorRecords) {
    const first = outputs[records[0] as number]?.errors.find((error) => error.target === target);
    issues.push({
      code: 'evaluation-error',
      severity: 'error',
      field: target,
      nodeIds: first?.nodeIds ?? [],
      message: `${target}: ${first?.error.message ?? 'evaluation failed'}`,
      records: records.slice(0, 5),
      count: records.length,
    });
  }
  const statistics: FieldStatistics[] = [];
  for (const { handle, field } of fields) {
    let values = 0;
    let nulls = 0;
    let failing = 0;
    const distinct = new Map<string, unknown>();
    const problems = new Map<IssueCode, { records: number[]; example: unknown }>();
    const flag = (code: IssueCode, record: number, value: unknown): void => {
      const problem = problems.get(code) ?? { records: [], example: value };
      if (problem.records[problem.records.length - 1] !== record) problem.records.push(record);
      problems.set(code, problem);
    };
    outputs.forEach((record, recordIndex) => {
      for (const value of valuesAt(record.output, handle)) {
        values += 1;
        if (value === null || value === undefined) {
          nulls += 1;
          continue;
        }
        if (distinct.size < 1000) distinct.set(JSON.stringify(value), value);
        const problem = checkValue(field, value);
        if (problem) {
          failing += 1;
          flag(problem, recordIndex, value);
        }
      }
    });
    for (const [code, problem] of problems) {
      issues.push({
        code,
        severity: 'error',
        field: handle,
        nodeIds: nodesOf(handle),
        message: describeProblem(code, field, problem.example),
        example: problem.example,
        records: problem.records.slice(0, 5),
        count: problem.records.length,
      });
    }
    const percent = (part: number): number => (values === 0 ? 0 : Math.round((part / values) * 1000) / 10);
    statistics.push({
      field: handle,
      values,
      nullPercent: values === 0 ? 100 : percent(nulls),
      failingPercent: percent(failing),
      distinctCount: distinct.size,
      distinctSample: [...distinct.values()].slice(0, 10),
    });
  }
  return statistics;
}

/** Values of a field handle in one output record; arrays along the path contribute one value per item. */
function valuesAt(output: unknown, handle: string): unknown[] {
  let current: unknown[] = [output];
  for (const segment of decodePath(handle)) {
    const next: unknown[] = [];
    for (const value of current) {
      const item =
        value && typeof value === 'object' && !Array.isArray(value)
          ? (value as Record<string, unknown>)[segment.name]
          : undefined;
      if (segment.array) {
        if (Array.isArray(item)) next.push(...item);
      } else {
        next.push(item);
      }
    }
    current = next;
  }
  return current;
}

function checkValue(field: EntityField, value: unknown): IssueCode | undefined {
  if (!valueHasType(field.type, value)) return 'type-mismatch';
  if (field.picklist && field.picklist.length > 0) {
    const allowed = field.picklist
      .filter((option) => option.active !== false)
      .some((option) => option.value === value || String(option.value) === String(value));
    if (!allowed) return 'picklist-value';
  }
  if (field.maxLength !== undefined && typeof value === 'string' && [...value].length > field.maxLength)
    return 'max-length';
  return undefined;
}

function valueHasType(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
    case 'datetime':
      return (
        typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value))
      );
    case 'picklist':
      return typeof value === 'string' || typeof value === 'number';
    case 'reference':
      return (
        typeof value === 'string' || typeof value === 'number' || (typeof value === 'object' && !Array.isArray(value))
      );
    case 'object':
      return typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
  }
}

function describeProblem(code: IssueCode, field: EntityField, example: unknown): string {
  const shown = JSON.stringify(example);
  switch (code) {
    case 'type-mismatch':
      return `${field.name} expects ${field.type}; got ${shown}.`;
    case 'picklist-value':
      return `${field.name}: ${shown} is not an allowed value.`;
    case 'max-length':
      return `${field.name}: ${shown} is longer than ${field.maxLength} characters.`;
    default:
      return `${field.name}: ${shown}.`;
  }
}
