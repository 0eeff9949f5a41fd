import type { RetryPolicy } from 'cockatiel';
import type { EntitySchema } from '../../../shared/domain/entity-schema';
import type { Flow, Mapping } from '../../../shared/domain/flow';
import type { RunCounters } from '../../../shared/domain/run';
import { AppError, errorMessage } from '../../../shared/errors';
import { stableHash } from '../../../shared/hash';
import type { Bindings } from '../../../shared/mapping/evaluate';
import type { Connector, JsonObject, SourceRecord } from '../connectors/framework/connector';
import { evaluateIsolated } from '../mapping/mapping-pool';
import { checkPayload } from './payload-check';
import { defaultResilience, transientRetry, withPauses, type Resilience } from './resilience';
import type { AuditInput } from './audit.repository';
import type { IdMapEntry } from './id-map.repository';
import type { PageCommit } from './page-commit';
import type { BulkPath, WritePaths } from './bulk-path';
import { parentBindings, type ParentLink } from './child-records';
import { heldAlready, type EchoFinder } from './echo';
import { applyConflictRules } from './conflicts';
import { WriteWindow } from './write-window';
import { mark } from './run-timeline';

export interface PageContext {
  flow: Flow;
  mapping: Pick<Mapping, 'expression' | 'hash'>;
  target: Connector;
  targetSchema: EntitySchema | undefined;
  batchSize: number;
  dryRun: boolean;
  attempt: number;
  bindings: Bindings;
  /** A child flow's link to its parent flow's target ids: lines without one fail, `$parentId()` answers the rest. */
  parent?: ParentLink;
  /** What each source key became last time (payload hash, target key). */
  known: Map<string, IdMapEntry>;
  deadLetters: Set<string>;
  counters: RunCounters;
  signal?: AbortSignal;
  onPhase?: (phase: 'transforming' | 'writing') => void;
  resilience?: Resilience;
  /** Before each new try of a target call (a batch's write, a dry run's lookup) after a transient failure: the try that failed (from 1) and the wait. */
  onWriteRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** What the target says about its writes (e.g. a slower path and why); the engine logs each once per run. */
  onWarning?: (message: string) => void;
  /** Waits out a target's long Retry-After (the run shows "paused until"); the call is then made again. */
  pause?: (waitMs: number) => Promise<void>;
  /** The target's bulk path when the flow may take it: a page with at least `threshold` writes does (see bulk-path.ts). */
  bulk?: BulkPath;
  /** Two-way integrations: finds the records the opposite flow wrote, so their echoes are not written back. */
  echoes?: EchoFinder;
  /** Conflict rules: what this flow last wrote of a source key (the baseline both sides are compared with). */
  lastWritten?: (sourceKey: string) => Promise<unknown>;
  /** The run's batches in flight (shared by its pages); absent: one batch at a time. */
  window?: WriteWindow;
}

/** A run's `onWarning`, and `flush` to await the notes it wrote before the run's row is finished. */
export type RunWarnings = ((message: string) => void) & { flush(): Promise<void> };

/**
 * `onWarning` for a run: each distinct message goes to the log once, with the flow and the run,
 * and is kept with the run (its notes) so the Runs screen shows it. Connectors warn synchronously,
 * so the note is written in the background; `flush` waits for every one (a note that could not be
 * written is logged, never lost silently: the log line above it already says the warning).
 */
export function warnOncePerRun(
  log: { warn(message: string, fields?: Record<string, unknown>): void },
  fields: { flow: string; run: string },
  notes?: { addNote(runId: string, note: string): Promise<void> },
): RunWarnings {
  const said = new Set<string>();
  const writes: Array<Promise<void>> = [];
  const warn = (message: string) => {
    if (said.has(message)) return;
    said.add(message);
    log.warn(message, fields);
    if (notes)
      writes.push(
        notes
          .addNote(fields.run, message)
          .catch((error: unknown) => log.warn('run note not written', { ...fields, error: errorMessage(error) })),
      );
  };
  return Object.assign(warn, { flush: async () => void (await Promise.all(writes)) });
}

interface Pending {
  record: SourceRecord;
  payload: JsonObject;
  hash: string;
  /** An audit message for a written record (conflicts a rule decided). */
  note?: { code: string; message: string; diff: Array<{ field: string; before: unknown; after: unknown }> };
}

/**
 * One page: transform, check, skip what is unchanged, write the rest in batches
 * and describe everything that happened, for the caller to commit in one
 * transaction. Returns how many records were sent to the target.
 */
export async function processPage(
  records: SourceRecord[],
  context: PageContext,
): Promise<{ commit: Omit<PageCommit, 'counters' | 'calls'>; sent: number; paths: WritePaths }> {
  const { flow, mapping, counters } = context;
  const audits: AuditInput[] = [];
  const idMap: IdMapEntry[] = [];
  const dead = { add: [] as string[], clear: [] as string[] };
  const base = (record: SourceRecord) => ({
    sourceKey: record.key,
    sourceStamp: record.stamp,
    sourcePayload: record.data,
    sourceRaw: record.raw ?? null,
    // A narrowed read's field list goes with the payload, so a replay can tell what it lacks.
    ...(record.fields ? { sourceFields: record.fields } : {}),
    attempt: context.attempt,
    mappingHash: mapping.hash,
    diff: null,
  });
  const fail = (record: SourceRecord, payload: unknown, code: string, message: string) => {
    counters.failed += 1;
    audits.push({
      ...base(record),
      transformedPayload: payload ?? null,
      targetKey: context.known.get(record.key)?.targetKey ?? null,
      outcome: 'failed',
      errorCode: code,
      errorMessage: message,
    });
    dead.add.push(record.key);
  };

  context.onPhase?.('transforming');
  // A record deleted in the source is reported, never written: deleting in the target (an ERP's
  // customer, a CRM's contact) is a decision no mapping can take.
  const live = records.filter((record) => {
    if (!record.deleted) return true;
    counters.skipped += 1;
    counters.deleted = (counters.deleted ?? 0) + 1;
    audits.push({
      ...base(record),
      transformedPayload: null,
      targetKey: context.known.get(record.key)?.targetKey ?? null,
      outcome: 'skipped',
      errorCode: 'DELETED',
      errorMessage: 'Deleted in the source; the target record (if any) is left as it is.',
    });
    return false;
  });
  // A line whose parent has no target record is never written unlinked: it fails, naming its
  // parent, and waits as a dead letter for a replay once the parent is there.
  const link = context.parent;
  await link?.prefetch(live.map((record) => record.key));
  const ready = link
    ? live.filter((record) => {
        if (link.targetId(record.key)) return true;
        fail(record, null, 'E_SYNC_PARENT_MISSING', link.missing(record.key));
        return false;
      })
    : live;
  // `$parentId()` knows its record by identity: the pool hands each binding call the record being evaluated.
  const keys = new Map<unknown, string>(ready.map((record) => [record.data, record.key]));
  const bindings = link ? { ...context.bindings, ...parentBindings(link, (data) => keys.get(data)) } : context.bindings;
  // In worker processes: a record that runs away with memory or time fails alone, the run goes on.
  mark('transform.start', { records: ready.length });
  const results = await evaluateIsolated(
    mapping.expression,
    ready.map((record) => record.data),
    { bindings, signal: context.signal },
  );
  mark('transform.end');
  const pending: Pending[] = [];
  const counterparts = await context.echoes?.counterparts(ready.map((record) => record.key));
  ready.forEach((record, index) => {
    const result = results[index]!;
    if (!result.ok) return fail(record, null, result.error.code, result.error.message);
    const payload = result.value;
    if (payload === undefined || payload === null) {
      counters.skipped += 1;
      audits.push({
        ...base(record),
        transformedPayload: null,
        targetKey: null,
        outcome: 'skipped',
        errorCode: null,
        errorMessage: 'The mapping returned nothing for this record.',
      });
      return;
    }
    const hash = stableHash(payload);
    const prior = context.known.get(record.key);
    if (prior && prior.payloadHash === hash && prior.targetKey && !context.deadLetters.has(record.key)) {
      counters.unchanged += 1;
      audits.push({
        ...base(record),
        transformedPayload: payload,
        targetKey: prior.targetKey,
        outcome: 'unchanged',
        errorCode: null,
        errorMessage: null,
      });
      if (prior.sourceStamp !== record.stamp) idMap.push({ ...prior, sourceStamp: record.stamp });
      return;
    }
    // The opposite flow's write coming back: the target already holds all of it (as that flow read it
    // after this flow's last write there), so nothing is sent back and the loop ends here.
    const counterpart = counterparts?.get(record.key);
    if (
      counterpart &&
      typeof payload === 'object' &&
      !Array.isArray(payload) &&
      (!prior?.targetKey || prior.targetKey === counterpart.targetKey) &&
      (!prior?.updatedAt || prior.updatedAt <= counterpart.readAt) &&
      heldAlready(payload as JsonObject, counterpart.data)
    ) {
      counters.skipped += 1;
      counters.echoes = (counters.echoes ?? 0) + 1;
      audits.push({
        ...base(record),
        transformedPayload: payload,
        targetKey: counterpart.targetKey,
        outcome: 'skipped',
        errorCode: 'ECHO',
        errorMessage: `Written here by “${counterpart.flowName}” from ${counterpart.targetKey}, which already holds these values: not sent back.`,
      });
      idMap.push({
        sourceKey: record.key,
        sourceStamp: record.stamp,
        targetKey: counterpart.targetKey,
        payloadHash: hash,
      });
      if (context.deadLetters.has(record.key)) dead.clear.push(record.key);
      return;
    }
    // A match key that is the target's own record id (a Cin7 purchase's `ID`) never comes from the
    // source: the first write creates the record, later ones carry the id it got (the id map).
    const { payload: keyed, matchKey } = withOwnId(
      payload,
      flow.target.matchKey,
      context.targetSchema,
      prior?.targetKey,
    );
    const problems = checkPayload(keyed, context.targetSchema, matchKey, !prior?.targetKey);
    if (problems.length > 0)
      return fail(record, payload, problems[0]!.code, problems.map((problem) => problem.message).join(' '));
    pending.push({ record, payload: keyed as JsonObject, hash });
  });

  const paths: WritePaths = { bulkRecords: 0, bulkJobs: 0, normalRecords: 0 };
  if (pending.length === 0) return { commit: { audits, idMap, deadLetters: dead }, sent: 0, paths };
  context.onPhase?.('writing');
  // The target calls of a page (writes, a dry run's lookups) ride out storms here; the engine's
  // re-read of the window is for failed reads only.
  const policy = transientRetry(
    context.resilience ?? defaultResilience,
    context.onWriteRetry ? { onRetry: context.onWriteRetry } : {},
  );
  if (context.dryRun) {
    await describeDryRun(pending, context, audits, base, policy);
    return { commit: { audits, idMap: [], deadLetters: { add: [], clear: [] } }, sent: pending.length, paths };
  }
  const rules = flow.options.conflicts;
  if (rules) {
    // Two-way: the target's current records decide, field by field, what this flow may overwrite.
    const lookup = context.target.lookup?.bind(context.target);
    if (!lookup)
      throw new AppError(
        'E_INVALID_INPUT',
        `Conflict rules need to read the target's records; ${context.target.descriptor.label} cannot look them up.`,
      );
    const ruled = await applyConflictRules(pending, {
      rules,
      matchKey: flow.target.matchKey,
      targetName: context.target.descriptor.label,
      lookup: (values, fields) =>
        policy.execute(
          () =>
            withPauses(
              () => lookup(flow.target.entity, flow.target.matchKey[0]!, values, { signal: context.signal, fields }),
              context.pause,
            ),
          context.signal,
        ),
      lastWritten: context.lastWritten ?? (() => undefined),
    });
    counters.conflicts = (counters.conflicts ?? 0) + ruled.conflicted;
    for (const item of ruled.kept) {
      counters.unchanged += 1;
      audits.push({
        ...base(item.record),
        transformedPayload: item.payload,
        targetKey: context.known.get(item.record.key)?.targetKey ?? null,
        outcome: 'unchanged',
        errorCode: item.note?.code ?? null,
        errorMessage: item.note?.message ?? "The target kept its values (the flow's conflict rules).",
        diff: item.note?.diff ?? null,
      });
      idMap.push({
        sourceKey: item.record.key,
        sourceStamp: item.record.stamp,
        targetKey: context.known.get(item.record.key)?.targetKey ?? null,
        payloadHash: item.hash,
      });
    }
    pending.splice(0, pending.length, ...ruled.write);
    if (pending.length === 0) return { commit: { audits, idMap, deadLetters: dead }, sent: 0, paths };
  }
  // A page with enough writes goes in one bulk write (the runtime splits it into jobs); otherwise in batches.
  const bulk = context.bulk && pending.length >= context.bulk.threshold ? context.bulk.bulk : undefined;
  if (bulk) {
    paths.bulkRecords = pending.length;
    paths.bulkJobs = Math.ceil(pending.length / bulk.maxRecords);
  } else paths.normalRecords = pending.length;
  const step = bulk ? pending.length : context.batchSize;
  const batches: Pending[][] = [];
  for (let start = 0; start < pending.length; start += step) batches.push(pending.slice(start, start + step));
  const window = context.window ?? serialWindow();
  // Up to the window's batches in flight at once; a batch sharing a key with one still in flight waits for it.
  const settled = await Promise.allSettled(
    batches.map((batch) =>
      window.run(batchKeys(batch, flow.target.matchKey), () =>
        // Upserts match by key, so resending a batch after a storm never duplicates.
        // The run's signal goes to `execute` as for re-reads: a cancelled run resends nothing.
        policy.execute(
          () =>
            withPauses(
              () =>
                context.target.write(
                  flow.target.entity,
                  batch.map((item) => item.payload),
                  {
                    matchKey: flow.target.matchKey,
                    signal: context.signal,
                    onWarning: context.onWarning,
                    ...(bulk ? { bulk: true } : {}),
                  },
                ),
              context.pause,
            ),
          context.signal,
        ),
      ),
    ),
  );
  // Every batch has settled (none is left writing behind the run's back); the first failure fails the page.
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  // Results are matched back batch by batch, in source order, as the batches were cut.
  batches.forEach((batch, position) => {
    const written = (settled[position] as PromiseFulfilledResult<Awaited<ReturnType<Connector['write']>>>).value;
    batch.forEach((item, index) => {
      const result = written[index];
      if (!result || result.outcome === 'failed') {
        return fail(
          item.record,
          item.payload,
          result?.error?.code ?? 'E_SYNC_NO_RESULT',
          result?.error ? withField(result.error) : 'The target returned no result for this record.',
        );
      }
      counters[result.outcome] += 1;
      const targetKey = result.targetKey ?? context.known.get(item.record.key)?.targetKey ?? null;
      audits.push({
        ...base(item.record),
        transformedPayload: item.payload,
        targetKey,
        outcome: result.outcome,
        errorCode: item.note?.code ?? null,
        // What the target said about a written record (M3: purchase lines it kept) is kept with it.
        errorMessage: item.note?.message ?? result.note ?? null,
        ...(item.note ? { diff: item.note.diff } : {}),
      });
      idMap.push({ sourceKey: item.record.key, sourceStamp: item.record.stamp, targetKey, payloadHash: item.hash });
      if (context.deadLetters.has(item.record.key)) dead.clear.push(item.record.key);
    });
  });
  return { commit: { audits, idMap, deadLetters: dead }, sent: pending.length, paths };
}

/** What a batch holds that no other batch in flight may hold too: its source keys and match key values. */
function batchKeys(batch: Pending[], matchKey: string[]): string[] {
  return batch.flatMap((item) => [
    `source\u0000${item.record.key}`,
    ...(matchKey.length > 0
      ? [`match\u0000${JSON.stringify(matchKey.map((field) => item.payload[field] ?? null))}`]
      : []),
  ]);
}

/** One batch at a time: for a caller that sets no window (every run path sets one: see `flowWriteWindow`). */
function serialWindow(): WriteWindow {
  return new WriteWindow({ limit: 1 });
}

function withField(error: { message: string; field?: string }): string {
  return error.field && !error.message.includes(error.field)
    ? `${error.message} (field ${error.field})`
    : error.message;
}

/** Dry run: compare with the target's current record field by field; nothing is written. */
async function describeDryRun(
  pending: Pending[],
  context: PageContext,
  audits: AuditInput[],
  base: (
    record: SourceRecord,
  ) => Omit<AuditInput, 'transformedPayload' | 'targetKey' | 'outcome' | 'errorCode' | 'errorMessage'>,
  policy: RetryPolicy,
) {
  const matchField = context.flow.target.matchKey[0]!;
  const values = pending.map((item) => String(item.payload[matchField]));
  const lookup = context.target.lookup?.bind(context.target);
  // The diff compares every mapped field, so the lookup must bring them all back (not a system's first 50).
  const mappedFields = [...new Set(pending.flatMap((item) => Object.keys(item.payload)))];
  const current = lookup
    ? await policy.execute(
        () =>
          withPauses(
            () =>
              lookup(context.flow.target.entity, matchField, values, { signal: context.signal, fields: mappedFields }),
            context.pause,
          ),
        context.signal,
      )
    : new Map();
  pending.forEach((item, index) => {
    const hit = current.get(values[index]!);
    const diff = Object.entries(item.payload)
      .filter(([field, after]) => !hit || stableHash(hit.data[field] ?? null) !== stableHash(after ?? null))
      .map(([field, after]) => ({ field, before: hit ? (hit.data[field] ?? null) : null, after }));
    const outcome = !hit ? 'created' : diff.length === 0 ? 'unchanged' : 'updated';
    context.counters[outcome] += 1;
    audits.push({
      ...base(item.record),
      transformedPayload: item.payload,
      targetKey: hit?.targetKey ?? null,
      outcome,
      errorCode: null,
      errorMessage: null,
      diff,
    });
  });
}

/**
 * The payload with an empty own-id match key filled from the id map, and the match keys the
 * payload itself must carry (an own id it lacks is fine: the record is new).
 */
function withOwnId(
  payload: unknown,
  matchKey: string[],
  schema: EntitySchema | undefined,
  knownTargetKey: string | null | undefined,
): { payload: unknown; matchKey: string[] } {
  if (!schema || !payload || typeof payload !== 'object' || Array.isArray(payload)) return { payload, matchKey };
  const record = payload as Record<string, unknown>;
  const blank = (value: unknown) => value === undefined || value === null || value === '';
  const own = matchKey.filter((key) => schema.keyFields.includes(key) && blank(record[key]));
  // Only where the own id is the whole match key: with another key beside it, that key matches.
  if (own.length !== 1 || matchKey.length !== 1) return { payload, matchKey };
  return {
    payload: knownTargetKey ? { ...record, [own[0]!]: knownTargetKey } : payload,
    matchKey: [],
  };
}
