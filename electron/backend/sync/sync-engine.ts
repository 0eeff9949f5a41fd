import type { Flow, FlowId, Mapping } from '../../../shared/domain/flow';
import type { Run } from '../../../shared/domain/run';
import { AppError } from '../../../shared/errors';
import type { Connector } from '../connectors/framework/connector';
import type { EngineDeps } from './engine-deps';
import { processPage } from './page-processor';
import { ProgressMeter } from './progress-meter';
import { emptyCalls, emptyCounters } from './run-store';
import { dependencyOrder } from './dependency-order';
import { referenceBindings } from './reference-bindings';
import { defaultResilience, isTransient } from './resilience';

export interface RunFlowOptions {
  trigger?: Run['trigger'];
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Soft stop (graceful shutdown): ends the run after the page being written is committed; calls in flight finish. */
  stopSignal?: AbortSignal;
}

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

  constructor(private readonly deps: EngineDeps) {}

  isRunning(flowId: string): boolean {
    return this.active.has(flowId);
  }

  /** One run of one flow; refuses to overlap a run of the same flow (here or in another process). */
  runFlow(flowId: FlowId | string, options: RunFlowOptions = {}): Promise<Run> {
    if (this.active.has(flowId)) throw new AppError('E_CONFLICT', 'This flow is already running; wait for it to finish.');
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

  /** One pass over several flows in dependency order (accounts before orders). */
  async runPass(flowIds: Array<FlowId | string>, options: RunFlowOptions = {}): Promise<Run[]> {
    const flows = flowIds.map((id) => this.deps.flows.flow(id));
    const runs: Run[] = [];
    for (const flow of dependencyOrder(flows)) {
      if (options.signal?.aborted || options.stopSignal?.aborted) break;
      runs.push(await this.runFlow(flow.id, options));
    }
    return runs;
  }

  private async execute(flowId: string, options: RunFlowOptions): Promise<Run> {
    const { flows, runs, connectors, events, log } = this.deps;
    const flow = flows.flow(flowId);
    const mapping = flows.mapping(flow.mappingId);
    const claim = runs.claimFlow(flow.id);
    if (claim.liveRun) throw new AppError('E_CONFLICT', `The flow “${flow.name}” is already running in another process (run ${claim.liveRun.id}).`);
    if (claim.interrupted > 0) log.info('resuming after an interrupted run', { flow: flow.id, interrupted: claim.interrupted });

    const dryRun = options.dryRun ?? flow.options.dryRun;
    const watermark = runs.watermark(flow.id);
    const windowFrom = watermark ? new Date(Date.parse(watermark) - flow.source.lookbackSeconds * 1000).toISOString() : null;
    const run = runs.startRun({ flowId: flow.id, trigger: options.trigger ?? (dryRun ? 'dry-run' : 'manual'), dryRun, windowFrom, mappingHash: mapping.hash });
    const counters = emptyCounters();
    const calls = emptyCalls();
    const meter = new ProgressMeter(run.id, flow.id, (progress) => events.emit('sync.progress', progress));
    let source: Connector | undefined;
    let target: Connector | undefined;
    let baseline = { source: 0, target: 0 };
    let maxStamp = watermark;
    try {
      source = await connectors.open(flow.source.connectionId);
      target = await connectors.open(flow.target.connectionId);
      baseline = { source: source.callCount(), target: target.callCount() };
      const limits = entityLimits(source, target, flow, dryRun);
      const targetSchema = await target.schema(flow.target.entity).catch((error: unknown) => {
        log.warn('target schema unavailable; the target validates alone', { error: error instanceof Error ? error.message : String(error) });
        return undefined;
      });
      const deadLetters = new Set(runs.deadLetterKeys(flow.id).map((entry) => entry.sourceKey));
      const bindings = referenceBindings(this.deps, flow, target);
      let sent = 0;
      // Sources rarely say how many records a window holds; a full read is
      // estimated from the last full read, so the bar can show an ETA.
      const estimate = windowFrom === null ? runs.lastFullReadCount(flow.id) : null;
      meter.update('reading', counters, 0, estimate, true);
      // A read restarted after a storm skips what this run already committed; the
      // audit log knows, so no per-record memory grows with the size of the run.
      const resilience = this.deps.resilience ?? defaultResilience;
      for (let attempt = 1; ; attempt += 1) {
        try {
          for await (const page of source.read(flow.source.entity, { since: windowFrom ?? undefined, pageSize: limits.pageSize, signal: options.signal })) {
            const records = attempt === 1 ? page.records : runs.notYetInRun(run.id, flow.id, page.records);
            counters.read += records.length;
            for (const record of records) if (record.stamp && (!maxStamp || record.stamp > maxStamp)) maxStamp = record.stamp;
            const known = runs.idMapEntries(flow.id, records.map((record) => record.key));
            const result = await processPage(records, {
              flow,
              mapping,
              target,
              targetSchema,
              batchSize: limits.batchSize,
              dryRun,
              attempt: 1,
              bindings,
              known,
              deadLetters,
              counters,
              signal: options.signal,
              resilience,
              onPhase: (phase) => meter.update(phase, counters, this.callsSince(baseline, source!, target!), estimate),
            });
            sent += result.sent;
            Object.assign(calls, usage(baseline, source, target, counters.read, sent, limits));
            // A dry run writes its audit rows (with diffs) but changes no state: no id map, no dead letters.
            const commit = dryRun ? { ...result.commit, idMap: [], deadLetters: { add: [], clear: [] } } : result.commit;
            runs.commitPage(run.id, flow.id, { connectionId: flow.target.connectionId, entity: flow.target.entity }, { ...commit, counters, calls });
            for (const key of commit.deadLetters.add) deadLetters.add(key);
            for (const key of commit.deadLetters.clear) deadLetters.delete(key);
            meter.update('reading', counters, calls.source + calls.target, estimate);
            if (options.signal?.aborted || options.stopSignal?.aborted) throw new AppError('E_SYNC_CANCELLED', 'The run was cancelled.');
          }
          break;
        } catch (error) {
          if (!isTransient(error) || attempt >= resilience.attempts || options.signal?.aborted) throw error;
          const wait = Math.min(resilience.maxDelayMs, resilience.initialDelayMs * 2 ** (attempt - 1));
          log.warn('source read interrupted; re-reading the window', { flow: flow.id, attempt, waitMs: wait, error: error instanceof Error ? error.message : String(error) });
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
      Object.assign(calls, usage(baseline, source, target, counters.read, sent, limits));
      meter.update('done', counters, calls.source + calls.target, counters.read, true);
      return runs.finishRun(run.id, {
        status: counters.failed > 0 ? 'partial' : 'succeeded',
        windowTo: maxStamp,
        counters,
        calls,
        watermark: dryRun ? undefined : { flowId: flow.id, stamp: maxStamp },
      });
    } catch (error) {
      const info = error instanceof AppError ? error.toInfo() : { code: 'E_INTERNAL' as const, message: error instanceof Error ? error.message : String(error) };
      if (source && target) Object.assign(calls, { source: source.callCount() - baseline.source, target: target.callCount() - baseline.target });
      log.warn('run stopped', { flow: flow.id, run: run.id, code: info.code, error: info.message });
      meter.update('done', counters, calls.source + calls.target, null, true);
      return runs.finishRun(run.id, {
        status: info.code === 'E_SYNC_CANCELLED' || options.signal?.aborted ? 'cancelled' : 'failed',
        windowTo: null,
        counters,
        calls,
        error: { code: info.code, message: info.message },
      });
    } finally {
      await Promise.all([source?.close(), target?.close()]).catch(() => undefined);
      const finished = runs.run(run.id);
      events.emit('runs.changed', { flowId: flow.id, runId: run.id, status: finished.status });
    }
  }

  private callsSince(baseline: { source: number; target: number }, source: Connector, target: Connector): number {
    return source.callCount() - baseline.source + target.callCount() - baseline.target;
  }
}

interface Limits {
  pageSize: number;
  maxPageSize: number;
  batchSize: number;
  maxBatch: number;
  /** What one target call handles at best: a write batch, or a dry run's lookup. */
  recordsPerTargetCall: number;
}

function entityLimits(source: Connector, target: Connector, flow: Flow, dryRun = false): Limits {
  const read = source.descriptor.entities[flow.source.entity]?.read;
  if (!read) throw new AppError('E_NOT_FOUND', `The source cannot read “${flow.source.entity}”.`);
  const write = target.descriptor.entities[flow.target.entity]?.write;
  if (!write || write.mode === 'read-only') throw new AppError('E_NOT_FOUND', `The target cannot write “${flow.target.entity}”.`);
  const maxPageSize = read.pagination.maxPageSize;
  // A dry run writes nothing but must look every record up: its minimum is the lookups at the system's best rate.
  const lookupRate = dryRun ? target.lookupValuesPerCall?.(flow.target.entity, flow.target.matchKey[0]!) : undefined;
  return {
    maxPageSize,
    pageSize: Math.min(flow.options.pageSize ?? maxPageSize, maxPageSize),
    maxBatch: write.maxBatch,
    recordsPerTargetCall: lookupRate ?? write.maxBatch,
    batchSize: Math.min(flow.options.batchSize ?? write.maxBatch, write.maxBatch),
  };
}

function usage(baseline: { source: number; target: number }, source: Connector, target: Connector, read: number, sent: number, limits: Limits) {
  return {
    source: source.callCount() - baseline.source,
    target: target.callCount() - baseline.target,
    // Even an empty window costs one read call.
    sourceMinimum: Math.max(1, Math.ceil(read / limits.maxPageSize)),
    targetMinimum: Math.ceil(sent / limits.recordsPerTargetCall),
  };
}

export type { Mapping };
