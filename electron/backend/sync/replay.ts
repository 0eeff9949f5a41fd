import type { RunId } from '../../../shared/domain/flow';
import type { RecordAudit, Run } from '../../../shared/domain/run';
import { AppError } from '../../../shared/errors';
import type { JsonObject, SourceRecord } from '../connectors/framework/connector';
import type { EngineDeps } from './engine-deps';
import { processPage, warnOncePerRun } from './page-processor';
import { bulkPathOf } from './bulk-path';
import { referenceBindings } from './reference-bindings';
import { parentLink } from './child-records';
import { commitPage } from './page-commit';
import { emptyCalls, emptyCounters } from './runs.repository';

export interface ReplayRequest {
  runId: RunId | string;
  /** Audit rows to replay; default: every record of the run still in dead letters. */
  auditIds?: number[];
  /** `original`: the expression the record first failed with; `current`: the mapping as it is now. */
  mapping: 'original' | 'current';
}

/**
 * Replays failed records from their stored source payload — the source is not
 * read again — through the chosen mapping version, as a new run whose audit rows
 * carry the next attempt number. The watermark is not touched.
 */
export async function replayRecords(deps: EngineDeps, request: ReplayRequest): Promise<Run> {
  const original = deps.runs.run(request.runId);
  const flow = deps.flows.flow(original.flowId);
  const current = deps.mappings.get(flow.mappingId);
  // By default: the run's failures still waiting, each at its latest attempt (a
  // replay that failed again moved the dead letter to its own audit row).
  const failedHere = new Set(
    [...deps.audit.iterateAudits({ runId: original.id, outcome: 'failed' })].map((audit) => audit.sourceKey),
  );
  const audits: RecordAudit[] = request.auditIds
    ? request.auditIds.map((id) => deps.audit.auditById(id))
    : deps.audit
        .deadLetterKeys(flow.id)
        .filter((entry) => failedHere.has(entry.sourceKey))
        .map((entry) => deps.audit.auditById(entry.auditId));
  for (const audit of audits) {
    if (audit.flowId !== flow.id)
      throw new AppError('E_INVALID_INPUT', `Audit row ${audit.id} belongs to another flow.`);
  }
  const run = deps.runs.startRun({
    flowId: flow.id,
    trigger: 'replay',
    dryRun: false,
    windowFrom: null,
    mappingHash: current.hash,
    replayOf: original.id,
    replayMapping: request.mapping,
  });
  const counters = emptyCounters();
  const calls = emptyCalls();
  const target = await deps.connectors.open(flow.target.connectionId);
  const baseline = target.callCount();
  try {
    const schema = await target.schema(flow.target.entity).catch(() => undefined);
    const write = target.descriptor.entities[flow.target.entity]?.write;
    const batchSize = write && write.mode !== 'read-only' ? write.maxBatch : 1;
    // A replay of a few records goes in normal batches; one of at least the threshold takes the bulk path.
    const bulk = bulkPathOf(target, flow, false);
    // Group by the expression each record will run through.
    const groups = new Map<string, { expression: string; hash: string; audits: RecordAudit[] }>();
    for (const audit of audits) {
      const hash = request.mapping === 'current' ? current.hash : audit.mappingHash;
      const expression = request.mapping === 'current' ? current.expression : deps.mappings.expressionByHash(hash);
      if (!expression)
        throw new AppError('E_NOT_FOUND', `The mapping version ${hash} of audit row ${audit.id} is no longer stored.`);
      const group = groups.get(hash) ?? { expression, hash, audits: [] };
      group.audits.push(audit);
      groups.set(hash, group);
    }
    const deadLetters = new Set(deps.audit.deadLetterKeys(flow.id).map((entry) => entry.sourceKey));
    const onWarning = warnOncePerRun(deps.log, { flow: flow.id, run: run.id }, deps.runs);
    for (const group of groups.values()) {
      for (const attempt of new Set(group.audits.map((audit) => audit.attempt))) {
        const records: SourceRecord[] = group.audits
          .filter((audit) => audit.attempt === attempt)
          .map((audit) => ({
            key: audit.sourceKey,
            stamp: audit.sourceStamp,
            data: audit.sourcePayload as JsonObject,
            raw: audit.sourceRaw,
          }));
        counters.read += records.length;
        const result = await processPage(records, {
          flow,
          mapping: { expression: group.expression, hash: group.hash },
          target,
          targetSchema: schema,
          batchSize,
          dryRun: false,
          attempt: attempt + 1,
          bindings: referenceBindings(deps, flow, target),
          // A line replayed after its parent was fixed finds the parent's id the fix wrote.
          parent: parentLink(deps, flow),
          known: deps.idMap.entries(
            flow.id,
            records.map((record) => record.key),
          ),
          deadLetters,
          counters,
          onWarning,
          bulk,
        });
        calls.target = target.callCount() - baseline;
        calls.targetMinimum +=
          Math.ceil(result.paths.normalRecords / batchSize) + result.paths.bulkJobs * (bulk?.bulk.callsPerJob ?? 0);
        commitPage(
          deps,
          run.id,
          flow.id,
          { connectionId: flow.target.connectionId, entity: flow.target.entity },
          { ...result.commit, counters, calls },
        );
      }
    }
    return deps.runs.finishRun(run.id, {
      status: counters.failed > 0 ? 'partial' : 'succeeded',
      windowTo: null,
      counters,
      calls,
    });
  } catch (error) {
    const info = error instanceof AppError ? error.toInfo() : { code: 'E_INTERNAL', message: String(error) };
    return deps.runs.finishRun(run.id, {
      status: 'failed',
      windowTo: null,
      counters,
      calls,
      error: { code: info.code, message: info.message },
    });
  } finally {
    await target.close().catch(() => undefined);
    deps.events.emit('runs.changed', { flowId: flow.id, runId: run.id, status: deps.runs.run(run.id).status });
  }
}
