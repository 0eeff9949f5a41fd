import { Queue, type Worker } from 'bullmq';
import type { Run } from '../../../shared/domain/run';
import { errorMessage } from '../../../shared/errors';
import type { Logger } from '../util/log';
import type { Headless } from './headless-runtime';
import {
  redisConnection,
  redisReachable,
  safeQueueUrl,
  type QueueSettings,
  type RunJobData,
  type RunJobResult,
} from './queue-connection';
import { nextSlots, syncJobSchedulers, type RunQueue } from './queue-schedules';
import { startQueueWorker } from './queue-worker';

export interface QueueModeOptions {
  headless: Headless;
  settings: QueueSettings;
  log: Logger;
  env: NodeJS.ProcessEnv;
  /** Also take jobs in this process (false: `--no-work`, schedules and endpoints only). */
  work: boolean;
  stopSignal: AbortSignal;
  signal: AbortSignal;
  onStart?(flowId: string): void;
  onFinished?(run: Run): void;
}

export interface QueueMode {
  /** The flow's next slot as the queue's scheduler last said (ISO), for /health and /metrics. */
  nextRun(flowId: string): string | undefined;
  /** Redis answers (readiness). */
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}

/** How often `mlc serve --queue` re-reads the schedulers' next slots (they move as workers take jobs). */
const slotsEveryMs = 5_000;

/**
 * `mlc serve --queue`: the bundle's schedules become BullMQ job schedulers (instead of croner), and
 * unless `work` is false this process is one of the workers too.
 */
export async function startQueueMode(options: QueueModeOptions): Promise<QueueMode> {
  const { headless, settings, log } = options;
  const connection = redisConnection(settings, (error) =>
    log.warn('redis connection error; reconnecting', { error: errorMessage(error) }),
  );
  const queue: RunQueue = new Queue<RunJobData, RunJobResult>(settings.name, { connection });
  let worker: Worker<RunJobData, RunJobResult> | undefined;
  let slots = new Map<string, string>();
  try {
    const bundleFlows = new Set(headless.flowIds);
    const flows = (await headless.deps.flows.flows()).filter((flow) => bundleFlows.has(flow.id));
    const scheduled = await syncJobSchedulers(queue, flows, settings, log);
    slots = await nextSlots(queue);
    log.info('job schedulers in place', {
      queue: safeQueueUrl(settings.url),
      name: settings.name,
      flows: scheduled.length,
    });
    if (options.work) {
      worker = startQueueWorker({ ...options, connection });
      await worker.waitUntilReady();
    }
  } catch (error) {
    await queue.close().catch(() => undefined);
    connection.disconnect();
    throw error;
  }
  const timer = setInterval(() => {
    nextSlots(queue)
      .then((next) => (slots = next))
      .catch((error: unknown) => log.debug('next slots not read', { error: errorMessage(error) }));
  }, slotsEveryMs);
  timer.unref();
  return {
    nextRun: (flowId) => slots.get(flowId),
    reachable: () => redisReachable(connection),
    async close() {
      clearInterval(timer);
      // worker.close() waits for running jobs: they stop after their page and go back to the queue.
      await worker?.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
