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
import { checkReplayFields } from './replay-fields';
import { emptyCalls, emptyCounters } from './runs.repository';
import { flowWriteWindow, windowNote } from './write-window';
import { PagePipeline, pipelineDepth } from './page-pipeline';
import { addCounters, type PageDone } from './page-done';

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
  const original = await deps.runs.run(request.runId);
  const flow = await deps.flows.flow(original.flowId);
  const current = await deps.mappings.get(flow.mappingId);
  // Rows chosen by id are checked before the run starts (a page at a time, nothing kept).
  const auditIds = request.auditIds;
  if (auditIds) {
    for await (const page of idPages(deps, auditIds)) {
      for (const audit of page) {
        if (audit.flowId !== flow.id)
          throw new AppError('E_INVALID_INPUT', `Audit row ${audit.id} belongs to another flow.`);
      }
    }
  }
  // The dead letters as they are now are the set to replay: ones written later (this replay's own
  // failures, a run meanwhile) point at higher audit rows and are left for the next replay.
  const upToAuditId = await deps.audit.lastAuditId();
  const run = await deps.runs.startRun({
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
    const maxBatch = write && write.mode !== 'read-only' ? write.maxBatch : 1;
    // The flow's batch size, as its syncs write (a smaller batch keeps more of the window busy).
    const batchSize = Math.min(flow.options.batchSize ?? maxBatch, maxBatch);
    // A replay of a few records goes in normal batches; one of at least the threshold takes the bulk path.
    const bulk = bulkPathOf(target, flow, false);
    const onWarning = warnOncePerRun(deps.log, { flow: flow.id, run: run.id }, deps.runs);
    // The run's batches in flight, as a sync's: up to the target's documented concurrency (or the
    // flow's cap), halved on throttles, the same key never in two batches at once, none after a failure.
    const window = flowWriteWindow(target, flow, onWarning);
    // A page of failed rows at a time, so a large dead-letter set is never all in memory; a page is
    // big enough to reach the bulk threshold.
    const pageSize = Math.max(replayPageSize, bulk?.threshold ?? 0);
    const pages = auditIds
      ? idPages(deps, auditIds, pageSize)
      : deadLetterPages(deps, flow.id, original.id, upToAuditId, pageSize);
    const bindings = await referenceBindings(deps, flow, target);
    // A line replayed after its parent was fixed finds the parent's id the fix wrote.
    const parent = await parentLink(deps, flow);
    // The next page of dead letters is fetched and transformed while this one writes, as a sync's
    // pages are (its keyset pages hold distinct keys; rows chosen by id may not, and wait); pages
    // commit in order, each with its own counters, so a crash leaves the run row what was committed.
    const pipeline = new PagePipeline<PageDone>(
      async ({ result, counters: page }) => {
        addCounters(counters, page);
        calls.target = target.callCount() - baseline;
        calls.targetMinimum +=
          Math.ceil(result.paths.normalRecords / maxBatch) + result.paths.bulkJobs * (bulk?.bulk.callsPerJob ?? 0);
        await commitPage(
          deps,
          run.id,
          flow.id,
          { connectionId: flow.target.connectionId, entity: flow.target.entity },
          { ...result.commit, counters, calls },
        );
      },
      pipelineDepth({ limit: window.limit, batchSize, pageSize }),
    );
    try {
      for await (const audits of pages) {
        // Group by the expression each record will run through.
        const groups = new Map<string, { expression: string; hash: string; audits: RecordAudit[] }>();
        for (const audit of audits) {
          const hash = request.mapping === 'current' ? current.hash : audit.mappingHash;
          const expression =
            request.mapping === 'current' ? current.expression : await deps.mappings.expressionByHash(hash);
          if (!expression)
            throw new AppError(
              'E_NOT_FOUND',
              `The mapping version ${hash} of audit row ${audit.id} is no longer stored.`,
            );
          const group = groups.get(hash) ?? { expression, hash, audits: [] };
          group.audits.push(audit);
          groups.set(hash, group);
        }
        for (const group of groups.values()) {
          checkReplayFields(group.audits, group.expression);
          for (const attempt of new Set(group.audits.map((audit) => audit.attempt))) {
            const records: SourceRecord[] = group.audits
              .filter((audit) => audit.attempt === attempt)
              .map((audit) => ({
                key: audit.sourceKey,
                stamp: audit.sourceStamp,
                data: audit.sourcePayload as JsonObject,
                raw: audit.sourceRaw,
              }));
            const keys = records.map((record) => record.key);
            // A key an open page holds waits for its commit: its dead letter and id map are then current.
            await pipeline.admit(keys);
            const page = { ...emptyCounters(), read: records.length };
            const done = processPage(records, {
              flow,
              mapping: { expression: group.expression, hash: group.hash },
              target,
              targetSchema: schema,
              batchSize,
              dryRun: false,
              attempt: attempt + 1,
              bindings,
              parent,
              known: await deps.idMap.entries(flow.id, keys),
              deadLetters: await deps.audit.deadLettersAmong(flow.id, keys),
              counters: page,
              onWarning,
              bulk,
              window,
            }).then((result) => ({ result, counters: page }));
            pipeline.push(keys, records.length, done);
          }
        }
      }
      await pipeline.drain();
    } catch (error) {
      // What finished is committed before the run ends as failed; a failed page's own failure wins.
      await pipeline.drain();
      throw error;
    }
    if (window.stats.reductions > 0) await deps.runs.addNote(run.id, windowNote(target.descriptor.label, window));
    await onWarning.flush();
    return await deps.runs.finishRun(run.id, {
      status: counters.failed > 0 ? 'partial' : 'succeeded',
      windowTo: null,
      counters,
      calls,
    });
  } catch (error) {
    const info = error instanceof AppError ? error.toInfo() : { code: 'E_INTERNAL', message: String(error) };
    return await deps.runs.finishRun(run.id, {
      status: 'failed',
      windowTo: null,
      counters,
      calls,
      error: { code: info.code, message: info.message },
    });
  } finally {
    await target.close().catch(() => undefined);
    deps.events.emit('runs.changed', { flowId: flow.id, runId: run.id, status: (await deps.runs.run(run.id)).status });
  }
}

/** Failed rows per replay page; a replay whose target takes bulk writes uses at least its threshold. */
const replayPageSize = 1000;

/** The rows asked for by id, a page at a time. */
async function* idPages(deps: EngineDeps, ids: number[], pageSize = replayPageSize): AsyncGenerator<RecordAudit[]> {
  for (let start = 0; start < ids.length; start += pageSize)
    yield await deps.audit.auditsByIds(ids.slice(start, start + pageSize));
}

/**
 * The run's failures still waiting, each at its latest attempt (a replay that failed again moved the
 * dead letter to its own audit row), in keyset pages by source key, only those whose audit row
 * is at most `upToAuditId`.
 */
async function* deadLetterPages(
  deps: EngineDeps,
  flowId: string,
  runId: string,
  upToAuditId: number,
  pageSize: number,
): AsyncGenerator<RecordAudit[]> {
  let afterKey = '';
  for (;;) {
    const entries = await deps.audit.deadLetterPage(flowId, {
      failedInRun: runId,
      afterKey,
      upToAuditId,
      limit: pageSize,
    });
    if (entries.length === 0) return;
    // Within a page, in the order the rows were written (roughly the source's order).
    yield await deps.audit.auditsByIds(entries.map((entry) => entry.auditId).sort((a, b) => a - b));
    if (entries.length < pageSize) return;
    afterKey = entries[entries.length - 1]!.sourceKey;
  }
}
