import { z } from 'zod';
import { flowIdSchema, flowSchema, mappingIdSchema, mappingSchema, runIdSchema, scheduleSchema } from '../domain/flow';
import { recordAuditSchema, recordOutcomeSchema, runProgressSchema, runSchema } from '../domain/run';
import { method } from './define';

/** What the live scheduler of the answering host holds for one flow. */
export const flowScheduleStateSchema = z.object({
  active: z
    .boolean()
    .describe(
      'A job for this flow is live in this host’s scheduler (false when paused, manual, or in a short-lived CLI command).',
    ),
  paused: z.boolean().describe('The schedule is paused: no tick starts a run until it is resumed.'),
  nextRun: z
    .string()
    .nullable()
    .describe('When the live job fires next (ISO 8601), as the scheduler computed it; null when no job is active.'),
});
export type FlowScheduleState = z.infer<typeof flowScheduleStateSchema>;

/** A flow as the Flows screen lists it: its design, its live schedule and its newest run. */
export const flowListItemSchema = flowSchema.extend({
  scheduleState: flowScheduleStateSchema,
  lastRun: runSchema
    .nullable()
    .describe('The newest run by start time, whatever started it (it may still be running); null before the first.'),
});
export type FlowListItem = z.infer<typeof flowListItemSchema>;

const flowInputSchema = flowSchema
  .omit({ id: true, createdAt: true, updatedAt: true })
  .extend({ id: flowIdSchema.optional() });
/** What became of a failed record after its run: replayed (or read again by a later run), and how that went. */
export const laterAttemptSchema = z.object({
  runId: runIdSchema,
  trigger: z.string().describe('`replay` for a replay; otherwise the later run that read the record again.'),
  outcome: recordOutcomeSchema,
});
export type LaterAttempt = z.infer<typeof laterAttemptSchema>;

/** A flow that runs a mapping. */
export const mappingUserSchema = z.object({ id: flowIdSchema, name: z.string() });

/** One saved version of a mapping, as History lists it. */
export const mappingVersionInfoSchema = z.object({
  version: z.number().int().positive(),
  name: z.string().describe('The mapping’s name when this version was saved.'),
  hash: z.string().describe('Hash of the version’s JSONata (what audit rows and replays name).'),
  createdAt: z.string(),
  restoredFrom: z.number().int().nullable().describe('The version this one brought back, when Restore made it.'),
  current: z.boolean().describe('The version the mapping holds now.'),
});
export type MappingVersionInfo = z.infer<typeof mappingVersionInfoSchema>;

/** One semantic difference between two designs (shared/mapping/diff.ts). */
export const mappingChangeSchema = z.object({
  field: z.string().describe('The target field; empty for a change of the whole mapping (match key, entities).'),
  kind: z.enum(['added', 'removed', 'changed']),
  message: z.string(),
  nodeIds: z.array(z.string()),
});

const mappingInputSchema = mappingSchema
  .omit({ id: true, hash: true, updatedAt: true })
  .extend({ id: mappingIdSchema.optional() });

export const syncMethods = {
  'mappings.list': method({
    summary: 'All saved mappings.',
    input: z.object({}).strict(),
    output: z.array(mappingSchema).describe('By name, then in creation order (names may repeat).'),
  }),
  'mappings.get': method({
    summary: 'One mapping with its graph and compiled JSONata.',
    input: z.object({ id: mappingIdSchema }).strict(),
    output: mappingSchema,
  }),
  'mappings.save': method({
    summary: 'Create or update a mapping; every version is kept for replays.',
    input: mappingInputSchema.strict(),
    output: mappingSchema,
  }),
  'mappings.remove': method({
    summary: 'Delete a mapping no flow uses (refused with E_CONFLICT naming the flows that use it in details.flows).',
    input: z.object({ id: mappingIdSchema }).strict(),
    output: z.object({ removed: z.boolean() }),
  }),
  'mappings.usage': method({
    summary: 'The flows that run a mapping (what a delete would break).',
    input: z.object({ id: mappingIdSchema }).strict(),
    output: z.object({ flows: z.array(mappingUserSchema).describe('In creation order.') }),
  }),
  'mappings.rename': method({
    summary: 'Rename a mapping (its design and History are unchanged).',
    input: z.object({ id: mappingIdSchema, name: z.string().trim().min(1).max(200) }).strict(),
    output: mappingSchema,
  }),
  'mappings.duplicate': method({
    summary: 'Copy a mapping under a new name (default “<name> (copy)”); the copy starts its own History.',
    input: z.object({ id: mappingIdSchema, name: z.string().trim().min(1).max(200).optional() }).strict(),
    output: mappingSchema,
  }),
  'mappings.versions': method({
    summary: 'The saved versions of a mapping, newest first (every save that changes the design keeps one).',
    input: z.object({ id: mappingIdSchema }).strict(),
    output: z.array(mappingVersionInfoSchema),
  }),
  'mappings.diff': method({
    summary: 'What changed, field by field, from one saved version to another (or to the current design).',
    input: z
      .object({
        id: mappingIdSchema,
        from: z.number().int().positive(),
        to: z.number().int().positive().optional().describe('Left out: the current design.'),
      })
      .strict(),
    output: z.object({
      from: z.number().int(),
      to: z.number().int(),
      changes: z.array(mappingChangeSchema).describe('Empty when the two designs map the same.'),
    }),
  }),
  'mappings.restore': method({
    summary: 'Make a past version the current design again; the restore is saved as a new version.',
    input: z.object({ id: mappingIdSchema, version: z.number().int().positive() }).strict(),
    output: mappingSchema,
  }),

  'flows.list': method({
    summary: 'All flows with their schedules, what the live scheduler holds for each and their newest run.',
    input: z.object({}).strict(),
    output: z
      .array(flowListItemSchema)
      .describe(
        'In creation order (a store sequence, so flows made in one millisecond keep their order; a bundle import creates them in dependency order).',
      ),
  }),
  'flows.get': method({
    summary: 'One flow with its source, target and schedule.',
    input: z.object({ id: flowIdSchema }).strict(),
    output: flowSchema,
  }),
  'flows.save': method({ summary: 'Create or update a flow.', input: flowInputSchema.strict(), output: flowSchema }),
  'flows.remove': method({
    summary: 'Delete a flow no other flow depends on.',
    input: z.object({ id: flowIdSchema }).strict(),
    output: z.object({ removed: z.boolean() }),
  }),
  'flows.pause': method({
    summary: 'Pause or resume a flow’s schedule.',
    input: z.object({ id: flowIdSchema, paused: z.boolean() }).strict(),
    output: flowSchema,
  }),
  'flows.run': method({
    summary: 'Run a flow now (or dry-run it); answers when the run ends, progress comes as events.',
    input: z.object({ id: flowIdSchema, dryRun: z.boolean().optional() }).strict(),
    output: runSchema,
  }),
  'flows.creditBudget': method({
    summary:
      'Before a run: the daily API credits it will spend per Zoho connection (estimated from earlier runs), against what the org has; warn when it may not fit.',
    input: z.object({ ids: z.array(flowIdSchema).min(1) }).strict(),
    output: z.array(
      z.object({
        connectionId: z.string(),
        connectionName: z.string(),
        flows: z.array(z.string()),
        records: z.number().int(),
        unknownFlows: z.array(z.string()),
        low: z.number().int().describe('Credits at 1 per upsert call.'),
        high: z.number().int().describe('Credits at 1 per 10 records (sources disagree).'),
        left: z.number().int().describe('Credits the org has per rolling 24 hours (its edition and users).'),
        verdict: z.enum(['fits', 'may-exceed', 'exceeds']),
        warn: z.boolean(),
        text: z.string(),
      }),
    ),
  }),
  'flows.cancel': method({
    summary: 'Stop a running flow after its current batch.',
    input: z.object({ id: flowIdSchema }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  }),
  'schedules.preview': method({
    summary: 'A schedule in plain words with its next run times.',
    input: z.object({ schedule: scheduleSchema, count: z.number().int().min(1).max(20).default(5) }).strict(),
    output: z.object({ description: z.string(), next: z.array(z.string()) }),
  }),

  'runs.list': method({
    summary: 'Recent runs, newest first.',
    input: z
      .object({ flowId: flowIdSchema.optional(), limit: z.number().int().min(1).max(1000).default(100) })
      .strict(),
    output: z.array(runSchema).describe('Newest first: by start time, then by creation order, descending.'),
  }),
  'runs.get': method({
    summary: 'One run with its counters and API calls.',
    input: z.object({ id: runIdSchema }).strict(),
    output: runSchema,
  }),
  'runs.replay': method({
    summary: 'Replay failed records of a run (all, or the given audit rows) with the original or the current mapping.',
    input: z
      .object({
        runId: runIdSchema,
        auditIds: z.array(z.number().int()).optional(),
        mapping: z.enum(['original', 'current']).default('current'),
      })
      .strict(),
    output: runSchema,
  }),
  'audit.list': method({
    summary: 'Audit rows of a run or flow, filtered by outcome and text, a page at a time.',
    input: z
      .object({
        runId: runIdSchema.optional(),
        flowId: flowIdSchema.optional(),
        outcome: recordOutcomeSchema.optional(),
        text: z.string().max(200).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: z.object({
      total: z.number().int(),
      items: z
        .array(
          recordAuditSchema.extend({
            later: laterAttemptSchema
              .optional()
              .describe('Failed rows only: what became of the record afterwards (absent while nothing did).'),
          }),
        )
        .describe('In the order the rows were written (audit id, ascending).'),
      waiting: z
        .number()
        .int()
        .optional()
        .describe('With runId: the records that failed in the run and are still waiting for a replay.'),
    }),
  }),
  'audit.export': method({
    summary: 'A run’s audit rows as CSV or JSON Lines.',
    input: z.object({ runId: runIdSchema, format: z.enum(['csv', 'jsonl']) }).strict(),
    output: z.object({
      fileName: z.string(),
      content: z.string().describe('Rows in the order they were written (audit id, ascending).'),
      rows: z.number().int(),
    }),
  }),
  'audit.exportFile': method({
    summary:
      'Writes a run’s audit rows as CSV or JSON Lines to a file in the data folder’s exports/, a page at a time, reporting `audit.exportProgress`; any run size.',
    input: z.object({ runId: runIdSchema, format: z.enum(['csv', 'jsonl']) }).strict(),
    output: z.object({
      fileName: z.string(),
      path: z.string().describe('Where the file was written (the same text `audit.export` returns).'),
      rows: z.number().int(),
      bytes: z.number().int(),
    }),
  }),
  'audit.retention': method({
    summary:
      'Read or set how long audit rows are kept and how large the store may grow, and apply it now (failed records stay until replayed).',
    input: z
      .object({
        days: z.number().int().min(1).max(3650).optional(),
        maxMb: z
          .number()
          .int()
          .min(1)
          .max(1_048_576)
          .nullable()
          .optional()
          .describe('Size cap in MB: the oldest audit rows go until the store fits; null removes the cap.'),
      })
      .strict(),
    output: z.object({
      days: z.number().int(),
      maxMb: z.number().int().optional().describe('Absent when there is no size cap.'),
      pruned: z.number().int(),
    }),
  }),
};

export const syncEvents = {
  'sync.progress': runProgressSchema,
  'runs.changed': z.object({ flowId: flowIdSchema, runId: runIdSchema, status: runSchema.shape.status }),
  /** An `audit.exportFile` wrote another page: rows so far of the run's total. */
  'audit.exportProgress': z.object({
    runId: runIdSchema,
    fileName: z.string(),
    rows: z.number().int(),
    total: z.number().int(),
    bytes: z.number().int(),
    done: z.boolean(),
  }),
  /** Flows were created, changed, paused, removed or imported, or a schedule ticked (the next run moved): re-read `flows.list`. */
  'flows.changed': z.object({ ids: z.array(flowIdSchema) }),
};
