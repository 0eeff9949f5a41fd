import { z } from 'zod';
import { mappingGraphSchema } from '../mapping/graph.model';
import { connectionIdSchema } from './connection';

export const flowIdSchema = z.string().min(1).max(64).brand<'FlowId'>();
export type FlowId = z.infer<typeof flowIdSchema>;
export const mappingIdSchema = z.string().min(1).max(64).brand<'MappingId'>();
export type MappingId = z.infer<typeof mappingIdSchema>;
export const runIdSchema = z.string().min(1).max(64).brand<'RunId'>();
export type RunId = z.infer<typeof runIdSchema>;

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('manual') }),
  z.object({
    kind: z.literal('cron'),
    /** Five or six cron fields, e.g. every 15 minutes; validated by the scheduler’s cron library. */
    cron: z.string().min(9).max(120),
    timeZone: z.string().default('UTC'),
  }),
  z.object({
    kind: z.literal('interval'),
    everySeconds: z
      .number()
      .int()
      .min(10)
      .max(7 * 24 * 3600),
    timeZone: z.string().default('UTC'),
  }),
]);
export type Schedule = z.infer<typeof scheduleSchema>;

/** A mapping as the sync engine runs it: the compiled JSONata is the run-time artifact. */
export const mappingSchema = z.object({
  id: mappingIdSchema,
  name: z.string().min(1).max(200),
  sourceEntity: z.string().min(1),
  /**
   * Maps one line of the source record (`lines`): the designer's tree and Preview show the line's
   * fields plus `parent` (shared/mapping/line-records.ts), as a flow with `source.each` runs it.
   */
  sourceLines: z.string().min(1).max(200).optional(),
  targetEntity: z.string().min(1),
  /**
   * The connections the mapping was drawn against: the designer reopens it on them and a new
   * flow of it starts from them. Null when not known (saved by the contract alone, or before they
   * were recorded); the designer then falls back to a connection of the graph's system.
   */
  sourceConnectionId: connectionIdSchema.nullable().default(null),
  targetConnectionId: connectionIdSchema.nullable().default(null),
  /** The visual graph (shared/mapping); the engine never needs it, the designer does. */
  graph: mappingGraphSchema.optional(),
  /** One JSONata expression: source record → target payload. */
  expression: z.string().min(1),
  /** Hash of the expression: audit rows remember which version transformed them. */
  hash: z.string(),
  updatedAt: z.string(),
});
export type Mapping = z.infer<typeof mappingSchema>;

/**
 * Who wins a conflict: `source` (this flow's source is the source of truth), `target` (the target
 * keeps its value: the field is not written), `newest` (the side modified last, by the source
 * record's stamp against the target record's).
 */
export const conflictWinners = ['source', 'target', 'newest'] as const;
export type ConflictWinner = (typeof conflictWinners)[number];
export const conflictRulesSchema = z.object({
  /** The rule for every field without its own. */
  default: z.enum(conflictWinners).default('source'),
  /** Per target field (`CUNM`, `telephone1`). */
  fields: z.record(z.string().min(1), z.enum(conflictWinners)).default({}),
});
export type ConflictRules = z.infer<typeof conflictRulesSchema>;

export const flowSchema = z.object({
  id: flowIdSchema,
  name: z.string().min(1).max(200),
  source: z.object({
    connectionId: connectionIdSchema,
    entity: z.string().min(1),
    /** Re-read this far behind the watermark: clocks drift and stamps can tie. */
    lookbackSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(60),
    /**
     * Child records: one target record per element of the source record's nested array at `path`
     * (an order's `lines`). Each line's key is `<parent key>/<lineKey values>`, its stamp the
     * parent's, its data the line's fields plus `parent` (the parent's fields without the lines).
     */
    each: z
      .object({
        path: z.string().min(1).max(200),
        /** Line fields that tell a parent's lines apart (M3 `PONR`, `POSX`). */
        lineKey: z.array(z.string().min(1)).min(1),
      })
      .optional(),
  }),
  mappingId: mappingIdSchema,
  target: z.object({
    connectionId: connectionIdSchema,
    entity: z.string().min(1),
    /** Target fields the upsert matches on (the Infor key lives there). */
    matchKey: z.array(z.string().min(1)).min(1),
  }),
  schedule: scheduleSchema.default({ kind: 'manual' }),
  /**
   * The flow that writes this flow's parents (orders for order lines): it runs first (an implicit
   * `dependsOn`), and `$parentId()` gives each line its parent's target id from that flow's id map.
   */
  parent: z.object({ flowId: flowIdSchema }).optional(),
  /** Flows that must finish first in a pass (accounts before orders). */
  dependsOn: z.array(flowIdSchema).default([]),
  options: z
    .object({
      /** Records per write call; capped by the target's own maximum. */
      batchSize: z.number().int().positive().max(5000).optional(),
      /**
       * Write batches in flight at once, below the target's documented concurrency (which is the
       * default and the ceiling); 1 writes one batch at a time.
       */
      concurrency: z.number().int().positive().max(100).optional(),
      /** Source page size; capped by the source's maximum. */
      pageSize: z.number().int().positive().max(100000).optional(),
      /**
       * Smallest write that takes the target's bulk path (Bulk API 2.0, UpsertMultiple, Bulk Write);
       * absent = the target's default, 0 = never.
       */
      bulkThreshold: z.number().int().min(0).max(10_000_000).optional(),
      dryRun: z.boolean().default(false),
      /**
       * Two-way integrations: which side wins a field both sides changed since this flow last wrote
       * it (see `conflictRulesSchema`). Absent: the source wins and the target is not read first.
       */
      conflicts: conflictRulesSchema.optional(),
      /**
       * A reconcile run instead of a sync: the whole source is compared with the whole target by
       * match key (no watermark); differences are reported per record, and written only with `fix`.
       * Records only the target has are reported, never deleted.
       */
      reconcile: z.object({ fix: z.boolean().default(false) }).optional(),
    })
    .default({ dryRun: false }),
  paused: z.boolean().default(false),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Flow = z.infer<typeof flowSchema>;
