import { z } from 'zod';
import { fieldTypeSchema } from '../domain/entity-schema';

/**
 * The mapping graph: the source of truth while editing, shaped for a React Flow canvas
 * (nodes with `id`, `kind`, `position`, `data`; edges between named handles).
 */
export const mappingGraphVersion = 1;

export const positionSchema = z.object({ x: z.number(), y: z.number() });

/** One handle per field path (`CUNO`, `lines[].ITNO`, see field-path.ts). */
export const fieldPortSchema = z.object({
  path: z.string().min(1),
  type: fieldTypeSchema,
  label: z.string().optional(),
});
export type FieldPort = z.infer<typeof fieldPortSchema>;

const schemaSideData = z.object({
  system: z.string().optional(),
  entity: z.string().optional(),
  fields: z.array(fieldPortSchema),
});

export const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalarSchema>;

export const valueMapEntrySchema = z.object({ from: z.string(), to: scalarSchema });
export type ValueMapEntry = z.infer<typeof valueMapEntrySchema>;

export const valueMapFallbackSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('input') }),
  z.object({ kind: z.literal('constant'), value: scalarSchema }),
]);
export type ValueMapFallback = z.infer<typeof valueMapFallbackSchema>;

const base = { id: z.string().min(1), position: positionSchema };

export const sourceNodeSchema = z.object({ ...base, kind: z.literal('source'), data: schemaSideData });
export const targetNodeSchema = z.object({ ...base, kind: z.literal('target'), data: schemaSideData });
export const constantNodeSchema = z.object({
  ...base,
  kind: z.literal('constant'),
  data: z.object({ value: scalarSchema }),
});
export const functionNodeSchema = z.object({
  ...base,
  kind: z.literal('function'),
  data: z.object({
    name: z.string(),
    /**
     * Concatenate only: how many texts it joins (2 when absent, as every mapping before issue 19) and
     * what goes between them ("" when absent). Other functions take their catalogue parameters.
     */
    inputs: z.number().int().min(2).max(16).optional(),
    separator: z.string().max(20).optional(),
  }),
});
export const valueMapNodeSchema = z.object({
  ...base,
  kind: z.literal('valueMap'),
  data: z.object({ entries: z.array(valueMapEntrySchema), fallback: valueMapFallbackSchema }),
});
export const conditionalNodeSchema = z.object({ ...base, kind: z.literal('conditional'), data: z.object({}) });
export const coalesceNodeSchema = z.object({
  ...base,
  kind: z.literal('coalesce'),
  data: z.object({ inputs: z.number().int().min(2).max(16) }),
});
export const loopNodeSchema = z.object({
  ...base,
  kind: z.literal('loop'),
  data: z.object({
    /**
     * `false`: the loop is `path.{…}` as written by hand, which JSONata evaluates to one object for
     * a single item and to nothing (the key is left out) for a missing list. Absent or `true`: a
     * list always, `[path.{…}]`, which is what loops drawn on the canvas compile to.
     */
    wrapped: z.boolean().optional(),
  }),
});
/** Source key → target record id, resolved at run time by the sync engine through `$lookupRef`. */
export const lookupNodeSchema = z.object({
  ...base,
  kind: z.literal('lookup'),
  data: z.object({ entity: z.string().min(1) }),
});
/** Anything the graph cannot show: the exact JSONata text, kept verbatim. */
export const customNodeSchema = z.object({
  ...base,
  kind: z.literal('custom'),
  data: z.object({ expression: z.string().min(1) }),
});

export const mappingNodeSchema = z.discriminatedUnion('kind', [
  sourceNodeSchema,
  targetNodeSchema,
  constantNodeSchema,
  functionNodeSchema,
  valueMapNodeSchema,
  conditionalNodeSchema,
  coalesceNodeSchema,
  loopNodeSchema,
  lookupNodeSchema,
  customNodeSchema,
]);
export type MappingNode = z.infer<typeof mappingNodeSchema>;
export type NodeKind = MappingNode['kind'];
export type NodeOfKind<K extends NodeKind> = Extract<MappingNode, { kind: K }>;

export const mappingEdgeSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  sourceHandle: z.string().min(1),
  target: z.string().min(1),
  targetHandle: z.string().min(1),
});
export type MappingEdge = z.infer<typeof mappingEdgeSchema>;

export const mappingGraphSchema = z.object({
  version: z.literal(mappingGraphVersion),
  nodes: z.array(mappingNodeSchema),
  edges: z.array(mappingEdgeSchema),
  /** Target fields that match a record on upsert (`Account_Number`, `accountnumber`). */
  matchKey: z.array(z.string()).optional(),
  /**
   * Target field handles in the order the user wrote them in the JSONata text, where that differs
   * from the order of the target's fields: the compiled text keeps the user's order. Fields not
   * listed follow, in the target's order.
   */
  fieldOrder: z.array(z.string()).optional(),
});
export type MappingGraph = z.infer<typeof mappingGraphSchema>;

/** Handle names of the expression nodes. */
export const outputHandle = 'out';
/** Target handle that receives the whole output record (a hand-written top-level expression). */
export const wholeRecordHandle = '$';

export function parseMappingGraph(value: unknown): MappingGraph {
  return mappingGraphSchema.parse(value);
}

export function emptyGraph(): MappingGraph {
  return { version: mappingGraphVersion, nodes: [], edges: [] };
}
