import type { MethodInput } from '../../../../shared/api/contract';
import type { Connection, ConnectionId } from '../../../../shared/domain/connection';
import type { ConflictWinner, Flow, FlowId, Mapping, MappingId, Schedule } from '../../../../shared/domain/flow';

/**
 * The flow editor's state as plain strings (what inputs hold) and its
 * conversion to the contract's `flows.save` input, with one readable message
 * per invalid field. Pure: the store tests run it without a browser.
 */
export type IntervalUnit = 'minutes' | 'hours' | 'days';
export const unitSeconds: Record<IntervalUnit, number> = { minutes: 60, hours: 3600, days: 86_400 };

export interface ScheduleDraft {
  kind: Schedule['kind'];
  cron: string;
  every: string;
  unit: IntervalUnit;
  timeZone: string;
}

export interface FlowDraft {
  id?: FlowId;
  name: string;
  mappingId: string;
  sourceConnectionId: string;
  sourceEntity: string;
  lookbackSeconds: string;
  /** One target record per line of this nested list of the source (`lines`); empty: one per record. */
  linesPath: string;
  /** Line fields that tell a record's lines apart, comma-separated (`PONR, POSX`). */
  lineKey: string;
  /** The flow that writes the lines' parents (orders); `$parentId()` gives its target id. */
  parentFlowId: string;
  targetConnectionId: string;
  targetEntity: string;
  matchKey: string[];
  batchSize: string;
  /** Smallest write that takes the target's bulk path; empty = the target's default, 0 = never. */
  bulkThreshold: string;
  /** Write batches in flight at once (`options.concurrency`); empty = the target's documented limit, 1 = serial. */
  concurrency: string;
  schedule: ScheduleDraft;
  dependsOn: FlowId[];
  paused: boolean;
  /** Reconcile instead of sync: compare the whole source with the whole target (`options.reconcile`). */
  reconcile: boolean;
  /** With `reconcile`: write the differences into the target, not only report them. */
  reconcileFix: boolean;
  /** Conflict rules (`options.conflicts`): '' = none (the source wins, the target is not read first). */
  conflictDefault: '' | ConflictWinner;
  /** Per target field rules, in the order the user added them. */
  conflictFields: Array<{ field: string; winner: ConflictWinner }>;
}

export type DraftErrors = Partial<Record<keyof FlowDraft | 'cron' | 'every' | 'timeZone', string>>;

export const localTimeZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

const defaultSchedule = (timeZone: string): ScheduleDraft => ({
  kind: 'manual',
  cron: '*/15 * * * *',
  every: '15',
  unit: 'minutes',
  timeZone,
});

/**
 * The connections a flow of this mapping reads from and writes to: the ones the
 * mapping was drawn against when they still exist, else an Infor connection and
 * a target (a CRM first; Infor M3 is a target too) — `fallback` first, when given: what the editor holds.
 */
export function connectionsForMapping(
  mapping: (Pick<Mapping, 'sourceConnectionId' | 'targetConnectionId'> & Partial<Pick<Mapping, 'graph'>>) | undefined,
  connections: ReadonlyArray<Pick<Connection, 'id' | 'system'>>,
  fallback: { sourceConnectionId?: string; targetConnectionId?: string } = {},
): { sourceConnectionId: string; targetConnectionId: string } {
  const existing = (id: string | null | undefined, fits: (system: Connection['system']) => boolean) =>
    id ? connections.find((connection) => connection.id === id && fits(connection.system))?.id : undefined;
  // Targets are sources too (a reverse flow reads Dynamics or Zoho): a mapping's own source
  // connection fits when it is of the system its graph reads, or any when the graph does not say.
  const graphSource = mapping?.graph?.nodes.find((node) => node.kind === 'source');
  const readsSystem = graphSource?.kind === 'source' ? graphSource.data.system : undefined;
  const isSource = (system: Connection['system']) => readsSystem === undefined || system === readsSystem;
  // A new flow without a mapping connection starts on Infor (or the system the graph reads).
  const isDefaultSource = (system: Connection['system']) => system === (readsSystem ?? 'infor');
  // Any system is a target (Infor M3 takes customers and suppliers); a new flow starts on a CRM.
  const isTarget = () => true;
  return {
    sourceConnectionId:
      existing(mapping?.sourceConnectionId, isSource) ??
      existing(fallback.sourceConnectionId, isSource) ??
      connections.find((connection) => isDefaultSource(connection.system))?.id ??
      '',
    targetConnectionId:
      existing(mapping?.targetConnectionId, isTarget) ??
      existing(fallback.targetConnectionId, isTarget) ??
      connections.find((connection) => connection.system !== 'infor')?.id ??
      connections[0]?.id ??
      '',
  };
}

/** A new flow for a mapping, reading from and writing to the connections it was drawn against. */
export function draftFromMapping(
  mapping: Mapping | undefined,
  connections: Connection[],
  timeZone = localTimeZone(),
): FlowDraft {
  const chosen = connectionsForMapping(mapping, connections);
  return {
    name: mapping?.name ?? '',
    mappingId: mapping?.id ?? '',
    sourceConnectionId: chosen.sourceConnectionId,
    sourceEntity: mapping?.sourceEntity ?? '',
    lookbackSeconds: '60',
    linesPath: mapping?.sourceLines ?? '',
    lineKey: '',
    parentFlowId: '',
    targetConnectionId: chosen.targetConnectionId,
    targetEntity: mapping?.targetEntity ?? '',
    matchKey: [],
    batchSize: '',
    bulkThreshold: '',
    concurrency: '',
    schedule: defaultSchedule(timeZone),
    dependsOn: [],
    paused: false,
    reconcile: false,
    reconcileFix: false,
    conflictDefault: '',
    conflictFields: [],
  };
}

export function draftFromFlow(flow: Flow, timeZone = localTimeZone()): FlowDraft {
  const schedule = defaultSchedule(timeZone);
  if (flow.schedule.kind === 'cron')
    Object.assign(schedule, { kind: 'cron', cron: flow.schedule.cron, timeZone: flow.schedule.timeZone });
  if (flow.schedule.kind === 'interval') {
    const seconds = flow.schedule.everySeconds;
    const unit: IntervalUnit = seconds % 86_400 === 0 ? 'days' : seconds % 3600 === 0 ? 'hours' : 'minutes';
    Object.assign(schedule, {
      kind: 'interval',
      every: String(seconds / unitSeconds[unit]),
      unit,
      timeZone: flow.schedule.timeZone,
    });
  }
  return {
    id: flow.id,
    name: flow.name,
    mappingId: flow.mappingId,
    sourceConnectionId: flow.source.connectionId,
    sourceEntity: flow.source.entity,
    lookbackSeconds: String(flow.source.lookbackSeconds),
    linesPath: flow.source.each?.path ?? '',
    lineKey: flow.source.each?.lineKey.join(', ') ?? '',
    parentFlowId: flow.parent?.flowId ?? '',
    targetConnectionId: flow.target.connectionId,
    targetEntity: flow.target.entity,
    matchKey: [...flow.target.matchKey],
    batchSize: flow.options.batchSize === undefined ? '' : String(flow.options.batchSize),
    bulkThreshold: flow.options.bulkThreshold === undefined ? '' : String(flow.options.bulkThreshold),
    concurrency: flow.options.concurrency === undefined ? '' : String(flow.options.concurrency),
    schedule,
    dependsOn: [...flow.dependsOn],
    paused: flow.paused,
    reconcile: flow.options.reconcile !== undefined,
    reconcileFix: flow.options.reconcile?.fix ?? false,
    conflictDefault: flow.options.conflicts?.default ?? '',
    conflictFields: Object.entries(flow.options.conflicts?.fields ?? {}).map(([field, winner]) => ({ field, winner })),
  };
}

/** The schedule as the contract wants it, or why it cannot be one. */
export function scheduleFromDraft(draft: ScheduleDraft): {
  schedule?: Schedule;
  error?: { field: 'cron' | 'every' | 'timeZone'; message: string };
} {
  if (draft.kind === 'manual') return { schedule: { kind: 'manual' } };
  // Said at once, before asking the backend (which says the same): no "Working out…" that never ends.
  const zone = draft.timeZone.trim() || 'UTC';
  if (!isTimeZone(zone))
    return {
      error: {
        field: 'timeZone',
        message: `“${zone}” is not a time zone. Pick one from the list, e.g. Europe/Amsterdam, America/New_York or UTC.`,
      },
    };
  if (draft.kind === 'cron') {
    const cron = draft.cron.trim();
    const parts = cron === '' ? 0 : cron.split(/\s+/).length;
    if (parts < 5 || parts > 6)
      return {
        error: {
          field: 'cron',
          message: `A cron expression has five fields (minute hour day-of-month month day-of-week), e.g. */15 * * * *; this one has ${parts}.`,
        },
      };
    return { schedule: { kind: 'cron', cron, timeZone: zone } };
  }
  const every = Number(draft.every);
  if (!Number.isFinite(every) || every <= 0)
    return { error: { field: 'every', message: 'Enter how often, e.g. every 15 minutes.' } };
  const everySeconds = Math.round(every * unitSeconds[draft.unit]);
  if (everySeconds < 60) return { error: { field: 'every', message: 'Run at most once a minute.' } };
  if (everySeconds > 7 * 86_400)
    return { error: { field: 'every', message: 'Run at least once a week; use a cron schedule for rarer runs.' } };
  return { schedule: { kind: 'interval', everySeconds, timeZone: zone } };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** True when `candidate` depending on `dependsOn` would close a loop. */
export function wouldCycle(
  flowId: string | undefined,
  dependsOn: readonly string[],
  flows: ReadonlyArray<Pick<Flow, 'id' | 'dependsOn'>>,
): boolean {
  if (!flowId) return false;
  const edges = new Map(flows.map((flow) => [flow.id as string, flow.dependsOn as readonly string[]]));
  edges.set(flowId, dependsOn);
  const seen = new Set<string>();
  const stack = [...dependsOn];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next === flowId) return true;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(edges.get(next) ?? []));
  }
  return false;
}

export function validateDraft(
  draft: FlowDraft,
  flows: ReadonlyArray<Pick<Flow, 'id' | 'dependsOn'>> = [],
): { errors: DraftErrors; input?: MethodInput<'flows.save'> } {
  const errors: DraftErrors = {};
  if (!draft.name.trim()) errors.name = 'Name the flow, e.g. “Customers → Zoho accounts”.';
  if (!draft.mappingId) errors.mappingId = 'Choose the mapping that transforms each record.';
  if (!draft.sourceConnectionId) errors.sourceConnectionId = 'Choose where records come from.';
  if (!draft.sourceEntity) errors.sourceEntity = 'Choose the source entity.';
  if (!draft.targetConnectionId) errors.targetConnectionId = 'Choose where records go.';
  if (!draft.targetEntity) errors.targetEntity = 'Choose the target entity.';
  if (draft.matchKey.length === 0)
    errors.matchKey =
      'Pick the target field that matches records (an external id), so re-runs update instead of duplicating.';
  const lookback = Number(draft.lookbackSeconds);
  if (draft.lookbackSeconds.trim() === '' || !Number.isInteger(lookback) || lookback < 0 || lookback > 7 * 86_400)
    errors.lookbackSeconds = 'Lookback is a whole number of seconds from 0 to 604800 (a week).';
  const batch = draft.batchSize.trim() === '' ? undefined : Number(draft.batchSize);
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1 || batch > 5000))
    errors.batchSize = 'Batch size is a whole number from 1 to 5000, or empty for the target’s maximum.';
  const bulk = draft.bulkThreshold.trim() === '' ? undefined : Number(draft.bulkThreshold);
  if (bulk !== undefined && (!Number.isInteger(bulk) || bulk < 0 || bulk > 10_000_000))
    errors.bulkThreshold =
      'Bulk threshold is a whole number of records from 0 (never) to 10000000, or empty for the target’s default.';
  // The flow schema's bounds (shared/domain/flow.ts); the target's own limit still caps a run.
  const concurrency = draft.concurrency.trim() === '' ? undefined : Number(draft.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100))
    errors.concurrency =
      'Writes in flight is a whole number from 1 (one batch at a time) to 100, or empty for the target’s documented limit.';
  const lineKey = draft.lineKey
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (draft.linesPath && lineKey.length === 0)
    errors.lineKey = 'Name the line fields that tell an order’s lines apart, e.g. PONR, POSX.';
  if (draft.parentFlowId && !draft.linesPath)
    errors.parentFlowId = 'A parent flow is for flows that write one record per line: choose the list first.';
  // A reconcile run pairs whole records by one field (reconcile.ts).
  if (draft.reconcile && draft.matchKey.length > 1)
    errors.reconcile = 'A reconcile pairs records by one match key field; keep one.';
  if (draft.reconcile && draft.linesPath)
    errors.reconcile = 'A reconcile compares whole records; a flow of lines cannot reconcile.';
  const ruled = draft.conflictFields.map((rule) => rule.field.trim());
  if (draft.conflictDefault && ruled.some((field) => !field))
    errors.conflictFields = 'Name the target field of each rule, or remove the empty rule.';
  else if (new Set(ruled).size < ruled.length) errors.conflictFields = 'Each field has one rule; remove the repeat.';
  const schedule = scheduleFromDraft(draft.schedule);
  if (schedule.error) errors[schedule.error.field] = schedule.error.message;
  const dependsOn =
    draft.parentFlowId && !draft.dependsOn.includes(draft.parentFlowId as FlowId)
      ? [...draft.dependsOn, draft.parentFlowId as FlowId]
      : draft.dependsOn;
  if (wouldCycle(draft.id, dependsOn, flows))
    errors.dependsOn = 'These dependencies form a loop; a flow cannot wait for itself.';
  if (Object.keys(errors).length > 0 || !schedule.schedule) return { errors };
  return {
    errors,
    input: {
      id: draft.id,
      name: draft.name.trim(),
      source: {
        connectionId: draft.sourceConnectionId as ConnectionId,
        entity: draft.sourceEntity,
        lookbackSeconds: lookback,
        ...(draft.linesPath ? { each: { path: draft.linesPath, lineKey } } : {}),
      },
      ...(draft.parentFlowId ? { parent: { flowId: draft.parentFlowId as FlowId } } : {}),
      mappingId: draft.mappingId as MappingId,
      target: {
        connectionId: draft.targetConnectionId as ConnectionId,
        entity: draft.targetEntity,
        matchKey: draft.matchKey,
      },
      schedule: schedule.schedule,
      dependsOn,
      options: {
        dryRun: false,
        batchSize: batch,
        ...(bulk === undefined ? {} : { bulkThreshold: bulk }),
        ...(concurrency === undefined ? {} : { concurrency }),
        ...(draft.reconcile ? { reconcile: { fix: draft.reconcileFix } } : {}),
        ...(draft.conflictDefault
          ? {
              conflicts: {
                default: draft.conflictDefault,
                fields: Object.fromEntries(draft.conflictFields.map((rule) => [rule.field.trim(), rule.winner])),
              },
            }
          : {}),
      },
      paused: draft.paused,
    },
  };
}
