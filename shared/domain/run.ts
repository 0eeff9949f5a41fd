import { z } from 'zod';
import { flowIdSchema, runIdSchema } from './flow';

export const recordOutcomes = ['created', 'updated', 'unchanged', 'skipped', 'failed'] as const;
export const recordOutcomeSchema = z.enum(recordOutcomes);
export type RecordOutcome = z.infer<typeof recordOutcomeSchema>;

/**
 * `interrupted`: the process running it stopped (crash, kill, `mlc unlock`); its error says what is known.
 * `skipped`: not started in a pass because a flow it depends on failed, was cancelled or was skipped.
 */
export const runStatuses = [
  'running',
  'succeeded',
  'partial',
  'failed',
  'cancelled',
  'interrupted',
  'skipped',
] as const;
export const runStatusSchema = z.enum(runStatuses);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const runTriggers = ['manual', 'schedule', 'startup', 'replay', 'dry-run', 'notification', 'cli'] as const;

export const runCountersSchema = z.object({
  read: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  /**
   * Of `skipped`: records that are this integration's own writes coming back (a reverse flow's
   * write read again). Absent in runs recorded before echo detection.
   */
  echoes: z.number().int().optional(),
  /** Of `skipped`: records deleted in the source (never written to the target). */
  deleted: z.number().int().optional(),
  /** Of `created`/`updated`: records where both sides had changed a field and a conflict rule chose. */
  conflicts: z.number().int().optional(),
});
export type RunCounters = z.infer<typeof runCountersSchema>;

export const callUsageSchema = z.object({
  /** Calls actually made, per system role. */
  source: z.number().int(),
  target: z.number().int(),
  /** What the same records need at the systems' maximum page and batch sizes, with no retries. */
  sourceMinimum: z.number().int(),
  targetMinimum: z.number().int(),
});
export type CallUsage = z.infer<typeof callUsageSchema>;

export const runSchema = z.object({
  id: runIdSchema,
  flowId: flowIdSchema,
  trigger: z.enum(runTriggers),
  status: runStatusSchema,
  dryRun: z.boolean(),
  /** Records modified at or after this stamp were read (watermark minus lookback); null = everything. */
  windowFrom: z.string().nullable(),
  /** The watermark this run reached (the newest stamp it saw), once finished. */
  windowTo: z.string().nullable(),
  counters: runCountersSchema,
  calls: callUsageSchema,
  mappingHash: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** A replay run: the run whose failed records it replayed (null for every other trigger, and replays recorded before this existed). */
  replayOf: runIdSchema.nullable().default(null),
  /** A replay run: which mapping version the records went through. */
  replayMapping: z.enum(['original', 'current']).nullable().default(null),
  /** The interrupted run of the same flow this run picked up after (its window is re-read). */
  resumedFrom: runIdSchema.nullable().default(null),
  /** What the systems said about this run, each once (e.g. incremental sync not engaged, and why; a slower write path). */
  notes: z.array(z.string()).default([]),
});
export type Run = z.infer<typeof runSchema>;

export const recordAuditSchema = z.object({
  id: z.number().int(),
  runId: runIdSchema,
  flowId: flowIdSchema,
  sourceKey: z.string(),
  sourceStamp: z.string(),
  /** The normalised record the mapping read (what a replay feeds it again). */
  sourcePayload: z.unknown(),
  /** The record exactly as the source API sent it. */
  sourceRaw: z.unknown().nullable(),
  /**
   * Set when the read was narrowed to the mapping's fields: the payload holds only these (what the
   * source has of them). Absent: the record was read whole.
   */
  sourceFields: z.array(z.string()).optional(),
  transformedPayload: z.unknown().nullable(),
  targetKey: z.string().nullable(),
  outcome: recordOutcomeSchema,
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  attempt: z.number().int(),
  mappingHash: z.string(),
  /** Per-field differences against the target's current record (dry runs). */
  diff: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })).nullable(),
  createdAt: z.string(),
});
export type RecordAudit = z.infer<typeof recordAuditSchema>;

/** `paused`: a system asked to wait longer than the HTTP client waits (Retry-After); the run resumes at `pausedUntil`. */
export const runPhases = ['starting', 'reading', 'transforming', 'writing', 'paused', 'finishing', 'done'] as const;
export const runProgressSchema = z.object({
  runId: runIdSchema,
  flowId: flowIdSchema,
  phase: z.enum(runPhases),
  done: z.number().int(),
  /** Estimated when the source can tell (else null: the bar shows activity, not a percentage). */
  total: z.number().int().nullable(),
  calls: z.number().int(),
  recordsPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  counters: runCountersSchema,
  /** Phase `paused`: when the run calls again (ISO instant), as the system's Retry-After said. */
  pausedUntil: z.string().optional(),
});
export type RunProgress = z.infer<typeof runProgressSchema>;
