import type { FlowId, Mapping } from '../../../shared/domain/flow';
import type { Run } from '../../../shared/domain/run';
import { AppError, errorMessage, toErrorInfo } from '../../../shared/errors';
import { sourceFieldsOf } from '../../../shared/mapping/source-fields';
import type { Connector } from '../connectors/framework/connector';
import type { EngineDeps } from './engine-deps';
import { processPage, warnOncePerRun } from './page-processor';
import { reconcileFlow } from './reconcile';
import { ProgressMeter } from './progress-meter';
import { commitPage } from './page-commit';
import { warmMappingPool } from '../mapping/mapping-pool';
import { PagePipeline, pipelineDepth } from './page-pipeline';
import { flowWriteWindow, windowNote } from './write-window';
import { emptyCalls, emptyCounters, type RunProgressState } from './runs.repository';
import { leaseTiming, startHeartbeat, type LeaseTiming } from './run-heartbeat';
import { storeFailure } from '../store/store-errors';
import { blocksDependants, dependenciesOf, dependencyOrder } from './dependency-order';
import { referenceBindings } from './reference-bindings';
import { expandLines, parentLink } from './child-records';
import { defaultResilience, realClock, transientRetry, targetInterrupted, withPauses } from './resilience';
import { bulkPathOf, emptyWritePaths, writePathNote } from './bulk-path';
import { entityLimits, usage } from './run-limits';
import { finishedRunStatus } from './run-status';
import { echoFinder } from './echo';
import { recordDependencySkip } from './dependency-skip';
import { addCounters, PageFailed, type PageDone } from './page-done';
import { mark } from './run-timeline';

export interface RunFlowOptions {
  trigger?: Run['trigger'];
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Soft stop (graceful shutdown): ends the run after the page being written is committed; calls in flight finish. */
  stopSignal?: AbortSignal;
}

export interface PassOptions extends RunFlowOptions {
  /** Each flow's run (or skip) as soon as it is known, in pass order. */
  onRun?: (run: Run) => void;
}

export { leaseTiming, type LeaseTiming };

/**
 * Runs flows: streams source pages, transforms with the compiled mapping, writes
 * in the target's batches and commits each page's audit rows with the id map in
 * one transaction. The watermark moves only when a run has finished its window,
 * so a crash at any instant means the next run re-reads that window; records
 * already written come back unchanged by hash and cost no write.
 */
export class SyncEngine {
  private readonly active = new Map<string, Promise<Run>>();
  private readonly controllers = new Map<string, AbortController>();

  private readonly lease: LeaseTiming;

  constructor(
    private readonly deps: EngineDeps,
    options: { lease?: LeaseTiming } = {},
  ) {
    this.lease = options.lease ?? leaseTiming();
  }

  isRunning(flowId: string): boolean {
    return this.active.has(flowId);
  }

  /** Resolves when the flow's run in this process (if any) has ended, however it ended. */
  async finished(flowId: string): Promise<void> {
    await this.active.get(flowId)?.catch(() => undefined);
  }

  /** One run of one flow; refuses to overlap a run of the same flow (here or in another process). */
  runFlow(flowId: FlowId | string, options: RunFlowOptions = {}): Promise<Run> {
    if (this.active.has(flowId))
      throw new AppError('E_CONFLICT', 'This flow is already running; wait for it to finish.');
    const controller = new AbortController();
    options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    this.controllers.set(flowId, controller);
    const promise = this.execute(flowId, { ...options, signal: controller.signal }).finally(() => {
      this.active.delete(flowId);
      this.controllers.delete(flowId);
    });
    this.active.set(flowId, promise);
    return promise;
  }

  /** Stops a running flow after its current batch; what was written stays audited. */
  cancel(flowId: string): boolean {
    const controller = this.controllers.get(flowId);
    controller?.abort();
    return Boolean(controller);
  }

  /** Waits for every running flow (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.active.values()]);
  }

  /**
   * One pass over several flows in dependency order (accounts before orders).
   * A flow whose dependency in this pass failed, was cancelled or was skipped
   * is not started: it gets a `skipped` run saying why. A store error (disk
   * full, damaged or unwritable store) stops the pass at once: it is thrown.
   */
  async runPass(flowIds: Array<FlowId | string>, options: PassOptions = {}): Promise<Run[]> {
    const flows = await Promise.all(flowIds.map((id) => this.deps.flows.flow(id)));
    const names = new Map(flows.map((flow) => [flow.id as string, flow.name]));
    const blocked = new Map<string, Run>();
    const runs: Run[] = [];
    for (const flow of dependencyOrder(flows)) {
      if (options.signal?.aborted || options.stopSignal?.aborted) break;
      const dependency = dependenciesOf(flow).find((id) => blocked.has(id));
      const run =
        dependency === undefined
          ? await this.runFlow(flow.id, options)
          : await recordDependencySkip(
              this.deps,
              flow,
              names.get(dependency) ?? dependency,
              blocked.get(dependency)!,
              options,
            );
      runs.push(run);
      if (blocksDependants(run.status)) blocked.set(flow.id, run);
      options.onRun?.(run);
    }
    return runs;
  }

  private async execute(flowId: string, options: RunFlowOptions): Promise<Run> {
    const { flows, mappings, runs, audit, idMap, connectors, events, log } = this.deps;
    mark('run.start');
    const flow = await flows.flow(flowId);
    const mapping = await mappings.get(flow.mappingId);
    const dryRun = options.dryRun ?? flow.options.dryRun;
    const watermark = await runs.watermark(flow.id);
    // A reconcile run reads everything: its window starts nowhere and it leaves the watermark alone.
    const windowFrom =
      watermark && !flow.options.reconcile
        ? new Date(Date.parse(watermark) - flow.source.lookbackSeconds * 1000).toISOString()
        : null;
    let claim;
    try {
      claim = await runs.claimAndStart(
        {
          flowId: flow.id,
          flowName: flow.name,
          trigger: options.trigger ?? (dryRun ? 'dry-run' : 'manual'),
          dryRun,
          windowFrom,
          mappingHash: mapping.hash,
        },
        { leaseMs: this.lease.leaseMs },
      );
    } catch (error) {
      throw storeFailure(error) ?? error;
    }
    const { run } = claim;
    for (const dead of claim.interrupted)
      log.warn('found a dead run of this flow; resuming after it', {
        flow: flow.id,
        interrupted: dead.id,
        error: dead.error?.message,
      });
    if (run.resumedFrom)
      log.info('resuming after an interrupted run', { flow: flow.id, run: run.id, resumedFrom: run.resumedFrom });
    const counters = emptyCounters();
    const calls = emptyCalls();
    const progress: RunProgressState = { pagesCommitted: 0, recordsInFlight: 0, pageSize: null };
    const meter = new ProgressMeter(run.id, flow.id, (progress) => events.emit('sync.progress', progress));
    let source: Connector | undefined;
    let target: Connector | undefined;
    let baseline = { source: 0, target: 0 };
    let maxStamp = watermark;
    const paths = emptyWritePaths();
    // The run's one note on its write path (bulk or batches, and why), however the run ends.
    let pathNoted = false;
    const notePath = async () => {
      if (pathNoted || !target || !source) return;
      pathNoted = true;
      const maxPageSize = source.descriptor.entities[flow.source.entity]?.read?.pagination.maxPageSize ?? 0;
      const pageSize = Math.min(flow.options.pageSize ?? maxPageSize, maxPageSize);
      const note = writePathNote(target, flow, dryRun, paths, { pageSize, fromFlow: pageSize < maxPageSize });
      if (note) {
        log.info(note, { flow: flow.id, run: run.id });
        await runs.addNote(run.id, note);
      }
    };
    const heartbeat = startHeartbeat(
      runs,
      { id: run.id, flowId: flow.id },
      () => ({
        counters,
        calls:
          source && target
            ? { ...calls, source: source.callCount() - baseline.source, target: target.callCount() - baseline.target }
            : calls,
        progress,
      }),
      this.lease,
      log,
      () => this.controllers.get(flow.id)?.abort(),
    );
    // The run's last writes: notes said once per run, then its row, with no heartbeat landing after.
    let warnings: { flush(): Promise<void> } | undefined;
    const finish = async (outcome: Parameters<typeof runs.finishRun>[1]) => {
      await warnings?.flush();
      await heartbeat.stop();
      return runs.finishRun(run.id, outcome);
    };
    try {
      mark('run.claimed');
      // The mapping workers start while the connectors open and the first page is read.
      if (!flow.options.reconcile) void warmMappingPool();
      source = await connectors.open(flow.source.connectionId);
      target = await connectors.open(flow.target.connectionId);
      mark('connectors.opened');
      baseline = { source: source.callCount(), target: target.callCount() };
      if (flow.options.reconcile) {
        pathNoted = true;
        const onWarning = warnOncePerRun(log, { flow: flow.id, run: run.id }, runs);
        warnings = onWarning;
        await reconcileFlow(this.deps, {
          ...{ flow, mapping, runId: run.id, dryRun, source, target, counters, calls, progress, baseline, meter },
          ...{ signal: options.signal, stopSignal: options.stopSignal, resilience: this.deps.resilience },
          onWarning,
        });
        meter.update('done', counters, calls.source + calls.target, counters.read, true);
        const status = finishedRunStatus(counters);
        return await finish({ status, windowTo: null, counters, calls });
      }
      const bulk = bulkPathOf(target, flow, dryRun);
      const limits = entityLimits(source, target, flow, dryRun, bulk);
      progress.pageSize = limits.pageSize;
      const targetSchema = await target.schema(flow.target.entity).catch((error: unknown) => {
        log.warn('target schema unavailable; the target validates alone', { error: errorMessage(error) });
        return undefined;
      });
      mark('schema.done');
      const deadLetters = new Set((await audit.deadLetterKeys(flow.id)).map((entry) => entry.sourceKey));
      const bindings = await referenceBindings(this.deps, flow, target);
      // A child flow (order lines): each line is a record; lines wait for their parent's target id.
      const parent = await parentLink(this.deps, flow);
      const each = flow.source.each;
      // Two-way integrations: the opposite flow's writes coming back are skipped as echoes.
      const echoes = await echoFinder(this.deps, flow);
      // Where the previous finished run's read ended (a delta link, an export cursor), for an incremental read.
      const startCursor = windowFrom === null ? undefined : ((await runs.readCursor(flow.id)) ?? undefined);
      mark('startup.done');
      let endCursor: string | undefined;
      let sent = 0;
      // Source records read (orders), which the read minimum counts, next to the lines written.
      let parentsRead = 0;
      // Sources rarely say how many records a window holds; a full read is
      // estimated from the last full read, so the bar can show an ETA.
      const estimate = windowFrom === null ? await runs.lastFullReadCount(flow.id) : null;
      meter.update('reading', counters, 0, estimate, true);
      // Pages join the run's counters when they commit; the bar counts a page as read as soon as it is read.
      let readSoFar = 0;
      const live = () => ({ ...counters, read: Math.max(counters.read, readSoFar) });
      // A read restarted after a storm skips what this run already committed; the
      // audit log knows, so no per-record memory grows with the size of the run.
      const resilience = this.deps.resilience ?? defaultResilience;
      // Both are open here; the closure below cannot see that through the outer `let`s.
      const reader = source;
      const writer = target;
      // The same policy as page writes, read by read: `attempts` reads of the window at most, waits of
      // exactly initialDelay·2ⁿ, none once the run is cancelled (its signal goes to `execute`).
      const reread = transientRetry(resilience, {
        exactDelays: true,
        onRetry: (error, attempt, waitMs) =>
          log.warn('source read interrupted; re-reading the window', {
            flow: flow.id,
            attempt,
            waitMs,
            error: errorMessage(error),
          }),
      });
      // What the source or the target says about this run (M3: incremental sync not engaged; Zendesk:
      // bulk import off, users one at a time), each once per run.
      const warnOnce = warnOncePerRun(log, { flow: flow.id, run: run.id }, runs);
      warnings = warnOnce;
      // A long Retry-After (more than the HTTP client waits) pauses the run: committed pages are the
      // checkpoint, the call is made again at the time the system gave, and nothing calls meanwhile.
      const clock = this.deps.clock ?? realClock;
      const pauseSignal =
        options.signal && options.stopSignal
          ? AbortSignal.any([options.signal, options.stopSignal])
          : (options.signal ?? options.stopSignal);
      const pause = async (waitMs: number) => {
        const until = new Date(clock.now() + waitMs).toISOString();
        progress.pausedUntil = until;
        log.warn('the system asked to wait; run paused', { flow: flow.id, run: run.id, until, waitMs });
        meter.update('paused', live(), this.callsSince(baseline, reader, writer), estimate, true, until);
        try {
          await clock.sleep(waitMs, pauseSignal);
        } finally {
          progress.pausedUntil = null;
        }
        log.info('run resumed after its pause', { flow: flow.id, run: run.id });
      };
      // Up to the target's documented concurrency of batches in flight, halved when it throttles.
      const window = flowWriteWindow(writer, flow, warnOnce);
      // A mapping that looks up target ids ($lookupRef) may look up this flow's own records: its
      // pages are transformed only once every earlier page is committed.
      const ownReferences = mapping.expression.includes('$lookupRef');
      // Only the fields the mapping reads are asked for (keys and stamp the connector adds itself);
      // a flow of lines reads its records whole, as lines become records of their own.
      const fields = each ? undefined : sourceFieldsOf(mapping.expression);
      // Enough pages open that the next page's batches are ready when the window frees up.
      const depth = pipelineDepth({ limit: window.limit, batchSize: limits.batchSize, pageSize: limits.pageSize });
      const commitDone = async ({ result, counters: page }: PageDone, inFlight: number) => {
        sent += result.sent;
        paths.bulkRecords += result.paths.bulkRecords;
        paths.bulkJobs += result.paths.bulkJobs;
        paths.normalRecords += result.paths.normalRecords;
        addCounters(counters, page);
        Object.assign(
          calls,
          usage(baseline, reader, writer, each ? parentsRead : counters.read, paths, limits, dryRun ? sent : 0),
        );
        // A dry run writes its audit rows (with diffs) but changes no state: no id map, no dead letters.
        const commit = dryRun ? { ...result.commit, idMap: [], deadLetters: { add: [], clear: [] } } : result.commit;
        const target = { connectionId: flow.target.connectionId, entity: flow.target.entity };
        const after = { ...progress, pagesCommitted: progress.pagesCommitted + 1, recordsInFlight: inFlight };
        // The page's last batch ended with others of its burst: they start the next batches first.
        await window.betweenBursts();
        mark('commit.start', { page: progress.pagesCommitted });
        await commitPage(this.deps, run.id, flow.id, target, { ...commit, counters, calls, progress: after });
        mark('commit.end', { page: progress.pagesCommitted });
        progress.pagesCommitted += 1;
        progress.recordsInFlight = inFlight;
        for (const key of commit.deadLetters.add) deadLetters.add(key);
        for (const key of commit.deadLetters.clear) deadLetters.delete(key);
        meter.update('reading', live(), calls.source + calls.target, estimate);
      };
      let reads = 0;
      await reread
        .execute(
          ({ attempt }) =>
            withPauses(async () => {
              // A read made again (after a storm or a pause) skips what this run already committed.
              const again = attempt > 0 || reads > 0;
              reads += 1;
              // Later pages are read and transformed while earlier ones write (`depth` open); pages commit in read order.
              const pipeline: PagePipeline<PageDone> = new PagePipeline<PageDone>(
                (done) => commitDone(done, pipeline.recordsInFlight()),
                depth,
              );
              try {
                for await (const page of reader.read(flow.source.entity, {
                  since: windowFrom ?? undefined,
                  // Deletions only matter since a point: a full read has none to report.
                  deletions: windowFrom !== null,
                  cursor: startCursor,
                  pageSize: limits.pageSize,
                  fields,
                  signal: options.signal,
                })) {
                  mark('page.read', { records: page.records.length });
                  for (const warning of page.warnings ?? []) warnOnce(warning);
                  if (page.cursor) endCursor = page.cursor;
                  parentsRead += page.records.length;
                  const read = each ? expandLines(page.records, each) : page.records;
                  // A key an open page holds waits for that page's commit; a same-flow reference waits for all.
                  const keys = read.map((record) => record.key);
                  await pipeline.admit(keys, ownReferences);
                  mark('page.admitted');
                  const records = again ? await audit.notYetInRun(run.id, flow.id, read) : read;
                  readSoFar += records.length;
                  progress.recordsInFlight = pipeline.recordsInFlight() + records.length;
                  for (const record of records)
                    if (record.stamp && (!maxStamp || record.stamp > maxStamp)) maxStamp = record.stamp;
                  const known = await idMap.entries(
                    flow.id,
                    records.map((record) => record.key),
                  );
                  // The page's own counters join the run's when it commits, so a commit holds its page whole.
                  const pageCounters = { ...emptyCounters(), read: records.length };
                  // A page's own failure (writes that gave up after their `attempts` tries) ends the run as it is;
                  // re-reading the window for it would multiply the write tries by the reads.
                  const done = processPage(records, {
                    ...{ flow, mapping, target: writer, targetSchema, batchSize: limits.batchSize, dryRun },
                    ...{ attempt: 1, bindings, parent, known, deadLetters, counters: pageCounters, window },
                    ...{ signal: options.signal, resilience, pause, bulk, echoes, onWarning: warnOnce },
                    lastWritten: (sourceKey) => audit.lastWritten(flow.id, sourceKey),
                    onWriteRetry: (error, attempt, waitMs) =>
                      log.warn(targetInterrupted, { flow: flow.id, attempt, waitMs, error: errorMessage(error) }),
                    onPhase: (phase) =>
                      meter.update(phase, live(), this.callsSince(baseline, reader, writer), estimate),
                  }).then(
                    (result) => ({ result, counters: pageCounters }),
                    (error: unknown) => {
                      throw new PageFailed(error);
                    },
                  );
                  pipeline.push(keys, records.length, done);
                  if (options.signal?.aborted || options.stopSignal?.aborted) {
                    // "Finish the current page": the pages in flight finish and commit, no new one starts.
                    await pipeline.drain();
                    throw new AppError('E_SYNC_CANCELLED', 'The run was cancelled.');
                  }
                }
                await pipeline.drain();
              } catch (error) {
                // A read that broke off: what finished is committed first, so a re-read skips it.
                // A failed page's own failure wins (drain throws it).
                await pipeline.drain();
                throw error;
              }
            }, pause),
          options.signal,
        )
        .catch((error: unknown) => {
          throw error instanceof PageFailed ? error.failure : error;
        });
      Object.assign(
        calls,
        usage(baseline, source, target, each ? parentsRead : counters.read, paths, limits, dryRun ? sent : 0),
      );
      await notePath();
      // How the window fared when the target throttled: where it ended, next to its limit.
      if (window.stats.reductions > 0) await runs.addNote(run.id, windowNote(writer.descriptor.label, window));
      meter.update('done', counters, calls.source + calls.target, counters.read, true);
      mark('run.finishing');
      return await finish({
        status: finishedRunStatus(counters),
        windowTo: maxStamp,
        counters,
        calls,
        watermark: dryRun ? undefined : { flowId: flow.id, stamp: maxStamp, cursor: endCursor ?? null },
      });
    } catch (error) {
      const store = storeFailure(error);
      const info = store ? store.toInfo() : toErrorInfo(error);
      if (source && target)
        Object.assign(calls, {
          source: source.callCount() - baseline.source,
          target: target.callCount() - baseline.target,
        });
      log.warn('run stopped', { flow: flow.id, run: run.id, code: info.code, error: info.message });
      try {
        await notePath();
      } catch {
        // A store that takes no note: the run's own row says what went wrong.
      }
      meter.update('done', counters, calls.source + calls.target, null, true);
      const outcome = { windowTo: null, counters, calls, error: { code: info.code, message: info.message } };
      if (store) {
        // The run's row is written if the store still takes it (a full disk often does); the pass stops either way.
        try {
          await finish({ ...outcome, status: 'failed' });
        } catch (secondary) {
          log.warn('could not record the failed run', { flow: flow.id, run: run.id, error: errorMessage(secondary) });
          try {
            await runs.release(run.id, 'failed', info.code);
          } catch {
            // Nothing more fits: the lease expires on its own.
          }
        }
        throw new AppError(store.code, store.message, {
          ...(store.details as object | undefined),
          flowId: flow.id,
          runId: run.id,
        });
      }
      return await finish({
        ...outcome,
        status: info.code === 'E_SYNC_CANCELLED' || options.signal?.aborted ? 'cancelled' : 'failed',
      });
    } finally {
      await heartbeat.stop();
      await Promise.all([source?.close(), target?.close()]).catch(() => undefined);
      mark('run.closed');
      let status: Run['status'] = 'failed';
      try {
        status = (await runs.run(run.id)).status;
      } catch {
        // A store that cannot be read any more: the error thrown above says so.
      }
      events.emit('runs.changed', { flowId: flow.id, runId: run.id, status });
    }
  }

  private callsSince(baseline: { source: number; target: number }, source: Connector, target: Connector): number {
    return source.callCount() - baseline.source + target.callCount() - baseline.target;
  }
}

export type { Mapping };
