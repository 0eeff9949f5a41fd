import type { FlowId } from '../../../shared/domain/flow';
import type { Run } from '../../../shared/domain/run';
import { errorMessage, toErrorInfo } from '../../../shared/errors';
import type { JsonObject, JsonValue, SourceRecord } from '../connectors/framework/connector';
import { evaluateIsolated } from '../mapping/mapping-pool';
import type { EngineDeps } from './engine-deps';
import { processPage, warnOncePerRun } from './page-processor';
import { referenceBindings } from './reference-bindings';
import { parentBindings, parentLink } from './child-records';
import { realClock, targetInterrupted } from './resilience';
import type { IdMapEntry } from './id-map.repository';
import { commitPage } from './page-commit';
import { emptyCalls, emptyCounters } from './runs.repository';
import { flowWriteWindow, windowNote } from './write-window';

/**
 * A targeted sync of given records (the Zoho notification receiver): for target
 * records someone changed in the target, re-asserts what the source says, from
 * the source record the engine last read (the audit log keeps it). Only records
 * whose target values drifted from the mapping's output are written, so the
 * engine's own writes — which notify too — never start a loop.
 */
export async function syncTargetKeys(
  deps: EngineDeps,
  flowId: FlowId | string,
  targetKeys: string[],
  trigger: Run['trigger'] = 'notification',
): Promise<Run | undefined> {
  const flow = await deps.flows.flow(flowId);
  const mapping = await deps.mappings.get(flow.mappingId);
  const sourceKeys = await deps.idMap.sourceKeysForTargets(flow.id, targetKeys);
  if (sourceKeys.length === 0) return undefined;
  const records: SourceRecord[] = [];
  for (const key of sourceKeys) records.push(...(await lastRead(deps, flow.id, key)));
  if (records.length === 0) return undefined;

  const target = await deps.connectors.open(flow.target.connectionId);
  const baseline = target.callCount();
  let run: Run | undefined;
  const counters = emptyCounters();
  const calls = emptyCalls();
  try {
    const bindings = await referenceBindings(deps, flow, target);
    // A child flow's lines answer `$parentId()` here too (the drift check evaluates before writing).
    const parent = await parentLink(deps, flow);
    await parent?.prefetch(records.map((record) => record.key));
    const keys = new Map<unknown, string>(records.map((record) => [record.data, record.key]));
    const outputs = await evaluateIsolated(
      mapping.expression,
      records.map((record) => record.data),
      { bindings: parent ? { ...bindings, ...parentBindings(parent, (data) => keys.get(data)) } : bindings },
    );
    const matchField = flow.target.matchKey[0]!;
    const values = outputs.map((output) =>
      output.ok && output.value && typeof output.value === 'object'
        ? String((output.value as JsonObject)[matchField])
        : '',
    );
    const current = target.lookup
      ? await target.lookup(flow.target.entity, matchField, values.filter(Boolean))
      : new Map();
    const drifted = records.filter((_record, index) => {
      const output = outputs[index]!;
      const hit = current.get(values[index]!);
      return output.ok && (!hit || !contains(hit.data, output.value));
    });
    // Most notifications echo the engine's own writes: nothing drifted, nothing to record.
    if (drifted.length === 0) return undefined;
    run = await deps.runs.startRun({
      flowId: flow.id,
      trigger,
      dryRun: false,
      windowFrom: null,
      mappingHash: mapping.hash,
    });
    // Without their remembered payload hash the page processor writes them even though the source did not change.
    const known = new Map<string, IdMapEntry>(
      [
        ...(await deps.idMap.entries(
          flow.id,
          drifted.map((record) => record.key),
        )),
      ].map(([key, entry]) => [key, { ...entry, payloadHash: '' }]),
    );
    const write = target.descriptor.entities[flow.target.entity]?.write;
    const batchSize = write && write.mode !== 'read-only' ? write.maxBatch : 1;
    counters.read = drifted.length;
    const warnings = warnOncePerRun(deps.log, { flow: flow.id, run: run.id }, deps.runs);
    // Batches in flight as a sync keeps them (the target's concurrency, the flow's cap, halved on throttles).
    const window = flowWriteWindow(target, flow, warnings);
    const result = await processPage(drifted, {
      flow,
      mapping,
      target,
      targetSchema: await target.schema(flow.target.entity).catch(() => undefined),
      batchSize,
      dryRun: false,
      attempt: 1,
      bindings,
      parent,
      known,
      deadLetters: new Set((await deps.audit.deadLetterKeys(flow.id)).map((entry) => entry.sourceKey)),
      counters,
      // The host's storm tolerance, as for scheduled runs (it used to fall back to the defaults).
      resilience: deps.resilience,
      // A long Retry-After is waited out here too, never retried every few seconds.
      pause: (waitMs) => (deps.clock ?? realClock).sleep(waitMs),
      onWriteRetry: (error, attempt, waitMs) =>
        deps.log.warn(targetInterrupted, { flow: flow.id, attempt, waitMs, error: errorMessage(error) }),
      onWarning: warnings,
      window,
    });
    if (window.stats.reductions > 0) await deps.runs.addNote(run.id, windowNote(target.descriptor.label, window));
    Object.assign(calls, {
      target: target.callCount() - baseline,
      targetMinimum: Math.ceil(result.sent / batchSize) + (target.lookup ? 1 : 0),
    });
    await commitPage(
      deps,
      run.id,
      flow.id,
      { connectionId: flow.target.connectionId, entity: flow.target.entity },
      { ...result.commit, counters, calls },
    );
    await warnings.flush();
    return await deps.runs.finishRun(run.id, {
      status: counters.failed > 0 ? 'partial' : 'succeeded',
      windowTo: null,
      counters,
      calls,
    });
  } catch (error) {
    if (!run) throw error;
    const info = toErrorInfo(error);
    return await deps.runs.finishRun(run.id, {
      status: 'failed',
      windowTo: null,
      counters,
      calls,
      error: { code: info.code, message: info.message },
    });
  } finally {
    await target.close().catch(() => undefined);
    if (run)
      deps.events.emit('runs.changed', {
        flowId: flow.id,
        runId: run.id,
        status: (await deps.runs.run(run.id)).status,
      });
  }
}

/** The record as the source last sent it, from the newest audit row that has it. */
async function lastRead(deps: EngineDeps, flowId: string, sourceKey: string): Promise<SourceRecord[]> {
  const audit = await deps.audit.latestAudit(flowId, sourceKey);
  return audit
    ? [
        {
          key: audit.sourceKey,
          stamp: audit.sourceStamp,
          data: audit.sourcePayload as JsonObject,
          raw: audit.sourceRaw,
        },
      ]
    : [];
}

/** Whether the target already holds every value the mapping produces (targets add fields of their own, e.g. lookup names). */
export function contains(held: JsonValue | undefined, wanted: unknown): boolean {
  if (wanted === null || wanted === undefined) return held === null || held === undefined || held === '';
  if (Array.isArray(wanted))
    return (
      Array.isArray(held) && held.length === wanted.length && wanted.every((item, index) => contains(held[index], item))
    );
  if (typeof wanted === 'object') {
    if (!held || typeof held !== 'object' || Array.isArray(held)) return false;
    return Object.entries(wanted as Record<string, unknown>).every(([key, value]) =>
      contains((held as JsonObject)[key], value),
    );
  }
  // Targets echo numbers as strings and the reverse (Zoho phone fields, decimals): compare as text.
  return held !== null && held !== undefined && String(held) === String(wanted);
}
