import type { Queue, RepeatOptions } from 'bullmq';
import type { Flow, Schedule } from '../../../shared/domain/flow';
import { errorMessage } from '../../../shared/errors';
import { scheduleProblem } from '../sync/scheduler';
import type { Logger } from '../util/log';
import { schedulerId, type QueueSettings, type RunJobData, type RunJobResult } from './queue-connection';

export type RunQueue = Queue<RunJobData, RunJobResult>;

/**
 * A flow's schedule as BullMQ repeat options: a cron pattern in its time zone (BullMQ reads five or
 * six fields like croner, seconds first), or `every` milliseconds for an interval.
 */
export function repeatFor(schedule: Exclude<Schedule, { kind: 'manual' }>): Omit<RepeatOptions, 'key'> {
  if (schedule.kind === 'cron') return { pattern: schedule.cron.trim(), tz: schedule.timeZone };
  return { every: schedule.everySeconds * 1000 };
}

/**
 * Makes the queue's job schedulers the bundle's schedules: one per scheduled, unpaused flow
 * (upserted: a changed schedule replaces the old one, an unchanged one keeps its next slot), and
 * none for flows that are gone, paused or manual. Jobs carry the retry policy; kept finished jobs are
 * capped so Redis does not grow. Returns the flow ids now scheduled. A schedule BullMQ refuses is
 * logged and skipped so one bad flow does not stop the others, as the croner path does.
 */
export async function syncJobSchedulers(
  queue: RunQueue,
  flows: Array<Pick<Flow, 'id' | 'name' | 'schedule' | 'paused'>>,
  settings: QueueSettings,
  log: Logger,
): Promise<string[]> {
  const wanted = flows.filter((flow) => flow.schedule.kind !== 'manual' && !flow.paused);
  const keep = new Set(wanted.map((flow) => schedulerId(flow.id)));
  for (const existing of await queue.getJobSchedulers(0, -1)) {
    const id = existing.key;
    if (keep.has(id)) continue;
    await queue.removeJobScheduler(id);
    log.info('removed the job scheduler of a flow no longer scheduled in this bundle', { scheduler: id });
  }
  const scheduled: string[] = [];
  for (const flow of wanted) {
    if (flow.schedule.kind === 'manual') continue;
    const problem = scheduleProblem(flow.schedule);
    if (problem) {
      log.error('a schedule could not start; fix it in the flow', { flow: flow.name, error: problem });
      continue;
    }
    try {
      await queue.upsertJobScheduler(schedulerId(flow.id), repeatFor(flow.schedule), {
        name: flow.name,
        data: { flowId: flow.id },
        opts: {
          attempts: settings.attempts,
          backoff: { type: 'exponential', delay: settings.backoffMs },
          // Finished jobs are the record of which slot ran which run; a day or a thousand is plenty.
          removeOnComplete: { age: 24 * 3600, count: 1000 },
          removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
        },
      });
      scheduled.push(flow.id);
    } catch (error) {
      log.error('a schedule could not start; fix it in the flow', { flow: flow.name, error: errorMessage(error) });
    }
  }
  return scheduled;
}

/** Each scheduled flow's next slot (ISO), from the queue's schedulers. */
export async function nextSlots(queue: RunQueue): Promise<Map<string, string>> {
  const slots = new Map<string, string>();
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    const flowId = scheduler.template?.data?.flowId;
    if (flowId && scheduler.next) slots.set(flowId, new Date(scheduler.next).toISOString());
  }
  return slots;
}
