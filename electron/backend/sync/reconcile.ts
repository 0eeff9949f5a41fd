import type { Flow, Mapping, RunId } from '../../../shared/domain/flow';
import type { CallUsage, RunCounters } from '../../../shared/domain/run';
import { AppError, errorMessage } from '../../../shared/errors';
import { stableHash } from '../../../shared/hash';
import type { Connector, JsonObject, SourceRecord } from '../connectors/framework/connector';
import { evaluateIsolated } from '../mapping/mapping-pool';
import type { AuditInput } from './audit.repository';
import type { EngineDeps } from './engine-deps';
import type { IdMapEntry } from './id-map.repository';
import { commitPage } from './page-commit';
import { processPage } from './page-processor';
import type { ProgressMeter } from './progress-meter';
import { referenceBindings } from './reference-bindings';
import { defaultResilience, transientRetry, type Resilience } from './resilience';
import type { RunProgressState } from './runs.repository';
import { contains } from './targeted-sync';
import { flowWriteWindow, windowNote, type WriteWindow } from './write-window';

/**
 * A reconcile run (flow option `reconcile`): the whole source against the whole target, paired by
 * the flow's match key, instead of a sync of a window. The target is read once into an index of
 * match values → target key and the mapped fields only; the source is then read page by page,
 * transformed with the flow's mapping (the engine's isolated evaluation), compared and committed
 * page by page through the engine's commit path, so source memory stays bounded.
 *
 * Per source record: equal → `unchanged`; different or missing in the target → with `fix` written
 * through the engine's normal page write (`created`/`updated`, id map as a sync keeps it), else
 * `skipped` with the differing fields and a diff. Records only the target has are reported in the
 * run's note, never deleted. A dry run reports only. The watermark is left alone.
 */
export interface ReconcileContext {
  flow: Flow;
  mapping: Pick<Mapping, 'expression' | 'hash'>;
  runId: RunId;
  dryRun: boolean;
  source: Connector;
  target: Connector;
  counters: RunCounters;
  calls: CallUsage;
  progress: RunProgressState;
  baseline: { source: number; target: number };
  meter: ProgressMeter;
  signal?: AbortSignal;
  stopSignal?: AbortSignal;
  resilience?: Resilience;
  onWarning?: (message: string) => void;
  /** The run's batches in flight; absent: one made for the flow's target (its concurrency, the flow's cap). */
  window?: WriteWindow;
}

interface TargetEntry {
  targetKey: string;
  /** The target's values of the fields the mapping can produce. */
  fields: JsonObject;
  /** More than one target record has this match value: no record can be paired with it. */
  ambiguous: string[];
  seen: boolean;
}

/** How the outcomes add up: the run's note. */
export interface ReconcileSummary {
  match: number;
  differ: number;
  onlyInSource: number;
  onlyInTarget: string[];
  /** Target records without a match value (they pair with nothing). */
  unkeyed: string[];
  failed: number;
  notMapped: number;
}

const maxNamed = 20;

/** Carries a page's write failure past the re-read policy, which is for failed reads alone. */
class PageFailed extends Error {
  constructor(readonly failure: unknown) {
    super('The page failed.');
  }
}

/** The match value as text, as targets echo numbers and strings either way (see `contains`). */
const matchText = (value: unknown): string =>
  value === null || value === undefined || typeof value === 'object' ? '' : String(value).trim();

/**
 * The fields of the target the mapping can write: every name the expression spells (`"Name"`,
 * `Name`), a superset of its output keys for any mapping that names its fields. A payload field
 * outside the set (built dynamically) is looked up per record instead, so nothing is compared blind.
 */
function fieldsNamedBy(expression: string, matchField: string): Set<string> {
  const names = new Set<string>([matchField]);
  for (const match of expression.matchAll(/"([^"\\]{1,200})"|'([^'\\]{1,200})'|`([^`]{1,200})`|([A-Za-z_][\w]*)/g))
    names.add(match[1] ?? match[2] ?? match[3] ?? match[4]!);
  return names;
}

/** Fields whose target value differs from what the mapping produced (targets add fields of their own). */
export function differences(held: JsonObject | undefined, payload: JsonObject) {
  return Object.entries(payload)
    .filter(([field, after]) => !held || !contains(held[field], after))
    .map(([field, after]) => ({ field, before: held ? (held[field] ?? null) : null, after: after as unknown }));
}

export async function reconcileFlow(deps: EngineDeps, context: ReconcileContext): Promise<ReconcileSummary> {
  const { flow, mapping, source, target, counters, calls, progress, meter, runId } = context;
  const fix = Boolean(flow.options.reconcile?.fix) && !context.dryRun;
  const matchField = flow.target.matchKey[0];
  if (!matchField || flow.target.matchKey.length !== 1)
    throw new AppError(
      'E_INVALID_INPUT',
      'A reconcile run pairs records by one match key field; set exactly one on the flow.',
    );
  const sourceRead = source.descriptor.entities[flow.source.entity]?.read;
  if (!sourceRead) throw new AppError('E_NOT_FOUND', `The source cannot read “${flow.source.entity}”.`);
  const targetRead = target.descriptor.entities[flow.target.entity]?.read;
  if (!targetRead)
    throw new AppError(
      'E_NOT_FOUND',
      `The target cannot read “${flow.target.entity}”, so it cannot be compared with the source.`,
    );
  const write = target.descriptor.entities[flow.target.entity]?.write;
  if (fix && (!write || write.mode === 'read-only'))
    throw new AppError('E_NOT_FOUND', `The target cannot write “${flow.target.entity}”; reconcile without fixing.`);
  if (flow.source.each)
    throw new AppError('E_INVALID_INPUT', 'Reconcile runs compare whole records; a flow of lines cannot reconcile.');

  // 1. The target index: match value → target key and the mapped fields (keys + mapped fields only).
  const named = fieldsNamedBy(mapping.expression, matchField);
  const index = new Map<string, TargetEntry>();
  const unkeyed: string[] = [];
  let targetRecords = 0;
  meter.update('reading', counters, 0, null, true);
  // A storm that outlasts the HTTP client's retries ends a read; it is read again (the target from
  // its start, the source skipping what this run committed), as the engine re-reads a window.
  const reread = (side: 'source' | 'target') =>
    transientRetry(context.resilience ?? defaultResilience, {
      exactDelays: true,
      onRetry: (error, attempt, waitMs) =>
        deps.log.warn(`reconcile: the ${side} read was interrupted; reading it again`, {
          flow: flow.id,
          attempt,
          waitMs,
          error: errorMessage(error),
        }),
    });
  await reread('target').execute(async () => {
    index.clear();
    unkeyed.length = 0;
    targetRecords = 0;
    for await (const page of target.read(flow.target.entity, {
      pageSize: targetRead.pagination.maxPageSize,
      signal: context.signal,
    })) {
      for (const record of page.records) {
        targetRecords += 1;
        const value = matchText(record.data[matchField]);
        // Named in the note: a target record without a match value can never be paired.
        if (!value) {
          unkeyed.push(record.key);
          continue;
        }
        const fields: JsonObject = {};
        for (const [name, held] of Object.entries(record.data)) if (named.has(name)) fields[name] = held;
        const prior = index.get(value);
        if (prior) prior.ambiguous.push(record.key);
        else index.set(value, { targetKey: record.key, fields, ambiguous: [], seen: false });
      }
      if (context.signal?.aborted) throw new AppError('E_SYNC_CANCELLED', 'The run was cancelled.');
    }
  }, context.signal);

  // 2. The source, page by page.
  const bindings = await referenceBindings(deps, flow, target);
  const summary: ReconcileSummary = {
    match: 0,
    differ: 0,
    onlyInSource: 0,
    onlyInTarget: [],
    unkeyed,
    failed: 0,
    notMapped: 0,
  };
  const sourceValues = new Map<string, string>();
  let writes = 0;
  // Fixes go through the window a sync uses: several batches in flight, halved on throttles.
  const window = context.window ?? flowWriteWindow(target, flow, context.onWarning);
  const maxBatch = write && write.mode !== 'read-only' ? write.maxBatch : 1;
  const pageSize = Math.min(
    flow.options.pageSize ?? sourceRead.pagination.maxPageSize,
    sourceRead.pagination.maxPageSize,
  );
  let reads = 0;
  await reread('source')
    .execute(async ({ attempt }) => {
      const again = attempt > 0 || reads > 0;
      reads += 1;
      for await (const page of source.read(flow.source.entity, { pageSize, signal: context.signal })) {
        // A full read reports no deletions (they come only with `since`).
        const read = page.records.filter((record) => !record.deleted);
        const records = again ? await deps.audit.notYetInRun(runId, flow.id, read) : read;
        counters.read += records.length;
        progress.recordsInFlight = records.length;
        const audits: AuditInput[] = [];
        const base = (record: SourceRecord) => ({
          sourceKey: record.key,
          sourceStamp: record.stamp,
          sourcePayload: record.data,
          sourceRaw: record.raw ?? null,
          attempt: 1,
          mappingHash: mapping.hash,
        });
        const report = (
          record: SourceRecord,
          outcome: 'unchanged' | 'skipped' | 'failed',
          payload: JsonObject | null,
          extra: { targetKey?: string | null; message?: string; code?: string; diff?: AuditInput['diff'] } = {},
        ) => {
          counters[outcome] += 1;
          audits.push({
            ...base(record),
            transformedPayload: payload,
            targetKey: extra.targetKey ?? null,
            outcome,
            errorCode: extra.code ?? null,
            errorMessage: extra.message ?? null,
            diff: extra.diff ?? null,
          });
        };
        const outputs = await evaluateIsolated(
          mapping.expression,
          records.map((record) => record.data),
          { bindings, signal: context.signal },
        );
        const toFix: Array<{ record: SourceRecord; diff: NonNullable<AuditInput['diff']>; missing: boolean }> = [];
        // Payloads with fields the target index does not hold (a dynamic mapping): looked up with every field.
        const paired: IdMapEntry[] = [];
        const unindexed: Array<{ record: SourceRecord; payload: JsonObject; value: string }> = [];
        const compare = (record: SourceRecord, payload: JsonObject, value: string, held: TargetEntry | undefined) => {
          const diff = differences(held?.fields, payload);
          if (held && diff.length === 0) {
            summary.match += 1;
            // A fixing run leaves the id map as a sync would: the pair and the payload the target holds.
            if (fix)
              paired.push({
                sourceKey: record.key,
                sourceStamp: record.stamp,
                targetKey: held.targetKey,
                payloadHash: stableHash(payload),
              });
            return report(record, 'unchanged', payload, { targetKey: held.targetKey });
          }
          if (held) summary.differ += 1;
          else summary.onlyInSource += 1;
          if (fix) return toFix.push({ record, diff, missing: !held });
          const what = held
            ? `Differs from ${target.descriptor.label} ${value}: ${diff.map((item) => item.field).join(', ')}.`
            : `Missing in ${target.descriptor.label} (no ${flow.target.entity} with ${matchField} ${value}).`;
          report(record, 'skipped', payload, {
            targetKey: held?.targetKey ?? null,
            message: `${what} Reported only: ${context.dryRun ? 'a dry run' : 'this reconcile does not fix'} differences.`,
            diff,
          });
        };
        records.forEach((record, position) => {
          const output = outputs[position]!;
          if (!output.ok) {
            summary.failed += 1;
            return report(record, 'failed', null, { code: output.error.code, message: output.error.message });
          }
          const payload = output.value;
          if (payload === null || payload === undefined) {
            summary.notMapped += 1;
            return report(record, 'skipped', null, { message: 'The mapping returned nothing for this record.' });
          }
          if (typeof payload !== 'object' || Array.isArray(payload)) {
            summary.failed += 1;
            return report(record, 'failed', null, {
              code: 'E_MAPPING_OUTPUT',
              message: `The mapping made ${Array.isArray(payload) ? 'a list' : typeof payload} of record ${record.key}, not one ${flow.target.entity}.`,
            });
          }
          const data = payload as JsonObject;
          const value = matchText(data[matchField]);
          if (!value) {
            summary.failed += 1;
            return report(record, 'failed', data, {
              code: 'E_SYNC_NO_MATCH_KEY',
              message: `Record ${record.key} maps to no ${matchField}: it cannot be paired with a ${target.descriptor.label} record.`,
            });
          }
          const twin = sourceValues.get(value);
          if (twin !== undefined && twin !== record.key) {
            summary.failed += 1;
            return report(record, 'failed', data, {
              code: 'E_SYNC_AMBIGUOUS',
              message: `Records ${twin} and ${record.key} both map to ${matchField} ${value}; neither is written for the other.`,
            });
          }
          sourceValues.set(value, record.key);
          const held = index.get(value);
          if (held) held.seen = true;
          if (held && held.ambiguous.length > 0) {
            summary.failed += 1;
            return report(record, 'failed', data, {
              code: 'E_SYNC_AMBIGUOUS',
              message: `${target.descriptor.label} has ${held.ambiguous.length + 1} records with ${matchField} ${value} (${[held.targetKey, ...held.ambiguous].join(', ')}); record ${record.key} cannot be paired with one.`,
            });
          }
          if (held && Object.keys(data).some((field) => !named.has(field)))
            return unindexed.push({ record, payload: data, value });
          compare(record, data, value, held);
        });
        if (unindexed.length > 0 && target.lookup) {
          const hits = await target.lookup(
            flow.target.entity,
            matchField,
            unindexed.map((item) => item.value),
            { signal: context.signal, fields: [...new Set(unindexed.flatMap((item) => Object.keys(item.payload)))] },
          );
          for (const item of unindexed) {
            const hit = hits.get(item.value);
            const held = index.get(item.value)!;
            compare(item.record, item.payload, item.value, hit ? { ...held, fields: hit.data } : held);
          }
        } else for (const item of unindexed) compare(item.record, item.payload, item.value, index.get(item.value));

        let commit = { audits, idMap: paired, deadLetters: { add: [] as string[], clear: [] as string[] } };
        if (toFix.length > 0) {
          // The normal page write (payload checks, batches, retries, id map); the remembered payload hash is
          // blanked so a record the id map calls unchanged is written anyway: the target says otherwise.
          const known = new Map(
            [
              ...(await deps.idMap.entries(
                flow.id,
                toFix.map((item) => item.record.key),
              )),
            ].map(([key, entry]) => [key, { ...entry, payloadHash: '' }]),
          );
          const result = await processPage(
            toFix.map((item) => item.record),
            {
              flow,
              mapping,
              target,
              targetSchema: await target.schema(flow.target.entity).catch(() => undefined),
              batchSize: Math.min(flow.options.batchSize ?? maxBatch, maxBatch),
              dryRun: false,
              attempt: 1,
              bindings,
              known,
              deadLetters: new Set((await deps.audit.deadLetterKeys(flow.id)).map((entry) => entry.sourceKey)),
              counters,
              signal: context.signal,
              resilience: context.resilience,
              onWarning: context.onWarning,
              window,
            },
          ).catch((error: unknown) => {
            // Its writes already had their tries: a failure here ends the run, it does not re-read the source.
            throw new PageFailed(error);
          });
          writes += result.sent;
          const diffs = new Map(toFix.map((item) => [item.record.key, item]));
          for (const audit of result.commit.audits) {
            const fixed = diffs.get(audit.sourceKey);
            if (!fixed) continue;
            audit.diff = fixed.diff;
            if (audit.outcome === 'failed') {
              // Counted once, as a failure: the note's "differ (fixed)" and "created" are what was written.
              summary.failed += 1;
              if (fixed.missing) summary.onlyInSource -= 1;
              else summary.differ -= 1;
            } else if (!audit.errorMessage)
              audit.errorMessage = fixed.missing
                ? `Was missing in ${target.descriptor.label}: created.`
                : `Differed in ${fixed.diff.map((item) => item.field).join(', ')}: fixed.`;
          }
          commit = {
            ...result.commit,
            audits: [...audits, ...result.commit.audits],
            idMap: [...paired, ...result.commit.idMap],
          };
        }
        Object.assign(
          calls,
          usage(
            context,
            targetRecords,
            targetRead.pagination.maxPageSize,
            sourceRead.pagination.maxPageSize,
            writes,
            maxBatch,
          ),
        );
        await commitPage(
          deps,
          runId,
          flow.id,
          { connectionId: flow.target.connectionId, entity: flow.target.entity },
          {
            ...commit,
            counters,
            calls,
            progress: { ...progress, pagesCommitted: progress.pagesCommitted + 1, recordsInFlight: 0 },
          },
        );
        progress.pagesCommitted += 1;
        progress.recordsInFlight = 0;
        meter.update('reading', counters, calls.source + calls.target, null);
        if (context.signal?.aborted || context.stopSignal?.aborted)
          throw new AppError('E_SYNC_CANCELLED', 'The run was cancelled.');
      }
    }, context.signal)
    .catch((error: unknown) => {
      throw error instanceof PageFailed ? error.failure : error;
    });
  Object.assign(
    calls,
    usage(
      context,
      targetRecords,
      targetRead.pagination.maxPageSize,
      sourceRead.pagination.maxPageSize,
      writes,
      maxBatch,
    ),
  );
  for (const entry of index.values()) if (!entry.seen) summary.onlyInTarget.push(entry.targetKey, ...entry.ambiguous);
  if (window.stats.reductions > 0) await deps.runs.addNote(runId, windowNote(target.descriptor.label, window));
  await deps.runs.addNote(runId, reconcileNote(summary, { fix, dryRun: context.dryRun, source, target }));
  return summary;
}

function usage(
  context: Pick<ReconcileContext, 'source' | 'target' | 'baseline' | 'counters'>,
  targetRecords: number,
  targetPage: number,
  sourcePage: number,
  writes: number,
  maxBatch: number,
): CallUsage {
  return {
    source: context.source.callCount() - context.baseline.source,
    target: context.target.callCount() - context.baseline.target,
    // Both sides read whole (even an empty one costs a call), plus the writes at the target's best batch.
    sourceMinimum: Math.max(1, Math.ceil(context.counters.read / sourcePage)),
    targetMinimum: Math.max(1, Math.ceil(targetRecords / targetPage)) + Math.ceil(writes / maxBatch),
  };
}

/** "Reconcile: 120 match, 3 differ (fixed), 2 only in Infor M3 (created), 1 only in Cin7 Core (reported: 999)". */
export function reconcileNote(
  summary: ReconcileSummary,
  options: { fix: boolean; dryRun: boolean; source: Connector; target: Connector },
): string {
  const done = options.fix ? 'fixed' : 'reported';
  const parts = [
    `${summary.match} match`,
    `${summary.differ} differ (${done})`,
    `${summary.onlyInSource} only in ${options.source.descriptor.label} (${options.fix ? 'created' : 'reported'})`,
  ];
  const named = summary.onlyInTarget.slice(0, maxNamed).join(', ');
  const more = summary.onlyInTarget.length > maxNamed ? ` and ${summary.onlyInTarget.length - maxNamed} more` : '';
  parts.push(
    `${summary.onlyInTarget.length} only in ${options.target.descriptor.label} (reported, never deleted${summary.onlyInTarget.length > 0 ? `: ${named}${more}` : ''})`,
  );
  if (summary.unkeyed.length > 0)
    parts.push(
      `${summary.unkeyed.length} in ${options.target.descriptor.label} without a match value (${summary.unkeyed.slice(0, maxNamed).join(', ')}${summary.unkeyed.length > maxNamed ? ' …' : ''})`,
    );
  if (summary.failed > 0) parts.push(`${summary.failed} failed`);
  if (summary.notMapped > 0) parts.push(`${summary.notMapped} not mapped`);
  return `${options.dryRun ? 'Reconcile (dry run)' : 'Reconcile'}: ${parts.join(', ')}.`;
}
