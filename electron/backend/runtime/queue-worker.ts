import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Flow } from '../../../shared/domain/flow';
import type { Run, RunProgress } from '../../../shared/domain/run';
import { AppError, errorMessage } from '../../../shared/errors';
import { leaseTiming } from '../sync/sync-engine';
import { settleDependencies } from '../sync/sync.service';
import type { Logger } from '../util/log';
import type { Headless } from './headless-runtime';
import type { QueueSettings, RunJobData, RunJobResult } from './queue-connection';

export interface QueueWorkerOptions {
  headless: Headless;
  settings: QueueSettings;
  connection: Redis;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Graceful stop: runs end after their current page (checkpointed) and their jobs go back to the queue. */
  stopSignal: AbortSignal;
  /** Second signal: runs abort at once; their jobs go back to the queue all the same. */
  signal: AbortSignal;
  /** Jobs at once in this process (default: one per flow of the bundle; a flow never runs twice at once). */
  concurrency?: number;
  onStart?(flowId: string): void;
  onFinished?(run: Run): void;
}

export type RunJob = Job<RunJobData, RunJobResult>;

/**
 * A BullMQ worker running the bundle's flows as jobs. One run per flow across all workers is the
 * store's run lease (claimAndStart): a job that finds its flow running elsewhere is recorded as a
 * skipped run, like a croner tick that finds its flow busy. A job BullMQ hands over after its worker
 * died (stalled) instead waits for the dead run's lease to expire and takes it over, so the slot
 * still runs once. A failed run throws, so BullMQ retries it with exponential backoff; progress goes
 * to `job.updateProgress`. Closing hands running jobs back to the queue after their current page.
 */
export function startQueueWorker(options: QueueWorkerOptions): Worker<RunJobData, RunJobResult> {
  const { headless, settings, log } = options;
  const { engine, deps } = headless;
  const flowIds = new Set(headless.flowIds);
  const lease = leaseTiming(options.env);
  const jobs = new Map<string, RunJob>();

  // The engine's progress events (already throttled by its meter) feed the job of the flow that runs.
  const unsubscribe = deps.events.subscribe((event, payload) => {
    if (event !== 'sync.progress') return;
    const progress = payload as RunProgress;
    const job = jobs.get(progress.flowId);
    if (!job) return;
    const { counters } = progress;
    job
      .updateProgress({
        runId: progress.runId,
        // Which process runs it, for operators (and a test that kills that worker).
        pid: process.pid,
        phase: progress.phase,
        read: counters.read,
        written: counters.created + counters.updated,
        unchanged: counters.unchanged,
        failed: counters.failed,
      })
      .catch((error: unknown) => log.debug('job progress not written', { error: errorMessage(error) }));
  });

  const skip = async (flow: Flow, reason: { code: string; message: string }): Promise<RunJobResult> => {
    const run = await deps.runs.recordSkipped(
      {
        flowId: flow.id,
        trigger: 'schedule',
        dryRun: flow.options.dryRun,
        windowFrom: null,
        mappingHash: (await deps.mappings.get(flow.mappingId)).hash,
      },
      reason,
    );
    deps.events.emit('runs.changed', { flowId: flow.id, runId: run.id, status: run.status });
    log.info('skipped a scheduled job', { flow: flow.name, code: reason.code, reason: reason.message });
    options.onFinished?.(run);
    return { flowId: flow.id, runId: run.id, status: run.status, resumedFrom: null };
  };

  const stopped = () => options.stopSignal.aborted || options.signal.aborted;
  /** Back to the queue untouched (another worker, or this one after a restart, runs the slot). */
  const handBack = async (job: RunJob, token: string | undefined): Promise<never> => {
    await job.moveToWait(token);
    throw new WaitingError();
  };

  /** Starts the flow's run; a conflict is a skipped slot, except for a job taken over from a dead worker. */
  const start = async (job: RunJob, flow: Flow): Promise<Run | AppError> => {
    const redelivered = job.stalledCounter > 0;
    // A dead run's lease lapses within leaseMs of its last heartbeat; a bit more covers clock steps.
    const giveUpAt = Date.now() + lease.leaseMs + 2 * lease.heartbeatMs;
    // Signals of this job only: the engine listens to them without letting go, and a long-lived
    // worker would otherwise pile a listener per job onto the process-wide ones.
    const { signal, stopSignal, release } = jobSignals(options.signal, options.stopSignal);
    try {
      for (;;) {
        try {
          return await engine.runFlow(flow.id, { trigger: 'schedule', signal, stopSignal });
        } catch (error) {
          if (!(error instanceof AppError) || error.code !== 'E_CONFLICT') throw error;
          if (!redelivered || Date.now() > giveUpAt || stopped()) return error;
          log.info('waiting for the lease of a run whose worker stopped', { flow: flow.name, job: job.id });
          await new Promise((resolve) => setTimeout(resolve, lease.heartbeatMs));
        }
      }
    } finally {
      release();
    }
  };

  const processor = async (job: RunJob, token?: string): Promise<RunJobResult> => {
    const { flowId } = job.data;
    if (!flowIds.has(flowId))
      throw new UnrecoverableError(
        `This worker's bundle has no flow ${flowId}; give every worker the bundle \`mlc serve --queue\` scheduled.`,
      );
    if (stopped()) return handBack(job, token);
    const flow = await deps.flows.flow(flowId);
    const reason = await settleDependencies(deps, engine, flowId);
    if (reason)
      return skip(flow, {
        code: 'E_SYNC_DEPENDENCY',
        message: `Not run: ${reason}. Nothing was read or written; the next slot tries again.`,
      });
    options.onStart?.(flowId);
    jobs.set(flowId, job);
    let run: Run | AppError;
    try {
      run = await start(job, flow);
    } finally {
      jobs.delete(flowId);
    }
    if (run instanceof AppError) return skip(flow, { code: run.code, message: run.message });
    options.onFinished?.(run);
    // Stopped after a page by shutdown: the slot is not done; the next worker re-reads from the checkpoint.
    if (run.status === 'cancelled' && stopped()) return handBack(job, token);
    if (run.status === 'failed' || run.status === 'interrupted')
      throw new Error(`Run ${run.id} ${run.status}: ${run.error?.message ?? 'no reason recorded'}`);
    return { flowId, runId: run.id, status: run.status, resumedFrom: run.resumedFrom };
  };

  const worker = new Worker<RunJobData, RunJobResult>(settings.name, processor, {
    connection: options.connection,
    concurrency: options.concurrency ?? Math.max(1, flowIds.size),
    lockDuration: settings.lockMs,
    stalledInterval: settings.stalledIntervalMs,
    // A job whose worker died is handed over once; if that worker dies too, the job fails visibly.
    maxStalledCount: 1,
  });
  worker.on('error', (error) => log.warn('queue worker error; BullMQ reconnects', { error: errorMessage(error) }));
  worker.on('failed', (job, error) =>
    log.warn('queue job failed', {
      job: job?.id,
      flow: job?.name,
      attempt: job?.attemptsMade,
      of: settings.attempts,
      error: errorMessage(error),
    }),
  );
  worker.on('stalled', (jobId) =>
    log.warn('a job stalled (its worker stopped); another worker takes it', { job: jobId }),
  );
  worker.on('closed', unsubscribe);
  return worker;
}

/** Per-job copies of the worker's hard and graceful stops; `release` unhooks them when the job ends. */
function jobSignals(
  hard: AbortSignal,
  soft: AbortSignal,
): { signal: AbortSignal; stopSignal: AbortSignal; release(): void } {
  const signal = new AbortController();
  const stopSignal = new AbortController();
  const abortHard = () => signal.abort();
  const abortSoft = () => stopSignal.abort();
  if (hard.aborted) abortHard();
  if (soft.aborted) abortSoft();
  hard.addEventListener('abort', abortHard, { once: true });
  soft.addEventListener('abort', abortSoft, { once: true });
  return {
    signal: signal.signal,
    stopSignal: stopSignal.signal,
    release() {
      hard.removeEventListener('abort', abortHard);
      soft.removeEventListener('abort', abortSoft);
    },
  };
}
