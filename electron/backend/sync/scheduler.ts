import { Cron } from 'croner';
import cronstrue from 'cronstrue';
import type { Flow, Schedule } from '../../../shared/domain/flow';
import { AppError, errorMessage } from '../../../shared/errors';
import type { Logger } from '../util/log';

export interface SchedulerHooks {
  flows(): Flow[];
  /** When the flow last started a run (ISO), to catch up on runs missed while stopped. */
  lastRunAt(flowId: string): string | undefined;
  isRunning(flowId: string): boolean;
  run(flowId: string, trigger: 'schedule' | 'startup'): Promise<unknown>;
  /**
   * Waits for the flows this one depends on that are running here, then says why it must not
   * start (a dependency never ran, runs elsewhere, or its last run did not succeed), or
   * undefined when it may: orders follow their accounts, as in a pass.
   */
  settleDependencies?(flowId: string): Promise<string | undefined>;
  /** A tick happened (a run started or was skipped): the flow's next run moved. */
  ticked?(flowId: string): void;
  log: Logger;
}

/** What the live scheduler holds for one flow (the Flows screen shows it). */
export interface ScheduleState {
  /** A job for the flow runs in this process's scheduler. */
  active: boolean;
  paused: boolean;
  /** When the job fires next (ISO); null when no job is active. */
  nextRun: string | null;
}

/**
 * Validates a schedule and returns its croner pattern and options. An interval is
 * an every-second pattern throttled by croner's own `interval` option, starting
 * one interval after the last run (not at once, which croner would otherwise do).
 */
function cronFor(
  schedule: Exclude<Schedule, { kind: 'manual' }>,
  lastRunAt?: string,
): { pattern: string; options: { timezone: string; interval?: number; startAt?: Date } } {
  if (schedule.kind === 'cron') return { pattern: schedule.cron, options: { timezone: schedule.timeZone } };
  const last = lastRunAt ? Date.parse(lastRunAt) : Date.now();
  const startAt = new Date(Math.max(Date.now(), last + schedule.everySeconds * 1000));
  return { pattern: '* * * * * *', options: { timezone: schedule.timeZone, interval: schedule.everySeconds, startAt } };
}

export function describeSchedule(
  schedule: Schedule,
  count = 5,
  from = new Date(),
): { description: string; next: string[] } {
  if (schedule.kind === 'manual') return { description: 'Only when started by hand', next: [] };
  // Said in plain words before croner, whose own messages name its internals (CronPattern, toTZ).
  const problem = scheduleProblem(schedule);
  if (problem) throw new AppError('E_SCHEDULE_INVALID', problem);
  try {
    if (schedule.kind === 'interval') {
      const next = Array.from({ length: count }, (_, index) =>
        new Date(from.getTime() + (index + 1) * schedule.everySeconds * 1000).toISOString(),
      );
      return { description: `Every ${plainDuration(schedule.everySeconds)}`, next };
    }
    const job = new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true });
    const next = job.nextRuns(count, from).map((date) => date.toISOString());
    job.stop();
    const words = cronstrue.toString(schedule.cron, { use24HourTimeFormat: true, verbose: false });
    return { description: `${words} (${schedule.timeZone})`, next };
  } catch (error) {
    throw new AppError('E_SCHEDULE_INVALID', `The schedule is not valid: ${errorMessage(error)}`);
  }
}

/**
 * What is wrong with a schedule that croner would refuse with a message about its internals: the
 * field count of a cron expression, or a time zone that is not an IANA name. Undefined when neither.
 */
export function scheduleProblem(schedule: Exclude<Schedule, { kind: 'manual' }>): string | undefined {
  if (schedule.kind === 'cron') {
    const fields = schedule.cron.trim().split(/\s+/).filter(Boolean).length;
    if (fields !== 5 && fields !== 6)
      return `A cron expression has five fields (minute hour day-of-month month day-of-week, e.g. 0 6 * * 1-5), or six with seconds first; “${schedule.cron.trim()}” has ${fields}.`;
  }
  if (!isTimeZone(schedule.timeZone))
    return `“${schedule.timeZone}” is not a time zone. Use an IANA name such as Europe/Amsterdam, America/New_York or UTC.`;
  return undefined;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.trim() !== '';
  } catch {
    return false;
  }
}

function plainDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? 'day' : `${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'minute' : `${seconds / 60} minutes`;
  return `${seconds} seconds`;
}

/**
 * Fires flows on their cron or interval (croner, time-zone aware). A tick that
 * finds its flow still running — here, or in another process on the same data
 * folder (the engine answers E_CONFLICT) — is skipped, never queued; paused
 * flows do not fire; a run missed while the app was closed runs once at start.
 */
export class Scheduler {
  private readonly jobs = new Map<string, { job: Cron; signature: string }>();
  /** Flows whose tick waits for a dependency to finish. */
  private readonly settling = new Set<string>();
  private started = false;

  constructor(private readonly hooks: SchedulerHooks) {}

  start(options: { catchUp?: boolean } = {}): void {
    this.started = true;
    this.reload();
    if (options.catchUp ?? true) this.catchUp();
  }

  /** Re-reads flows: new schedules start, changed ones restart, removed or paused ones stop. */
  reload(): void {
    if (!this.started) return;
    const wanted = new Map<string, Flow>();
    for (const flow of this.hooks.flows())
      if (flow.schedule.kind !== 'manual' && !flow.paused) wanted.set(flow.id, flow);
    for (const [id, entry] of this.jobs) {
      const flow = wanted.get(id);
      if (!flow || JSON.stringify(flow.schedule) !== entry.signature) {
        entry.job.stop();
        this.jobs.delete(id);
      }
    }
    for (const [id, flow] of wanted) {
      if (this.jobs.has(id) || flow.schedule.kind === 'manual') continue;
      try {
        const { pattern, options } = cronFor(flow.schedule, this.hooks.lastRunAt(id));
        const job = new Cron(
          pattern,
          {
            ...options,
            protect: true,
            catch: (error) => this.hooks.log.error('scheduled run failed', { flow: id, error: String(error) }),
          },
          () => this.fire(id, 'schedule'),
        );
        this.jobs.set(id, { job, signature: JSON.stringify(flow.schedule) });
      } catch (error) {
        // One unreadable schedule (say, a time zone this machine lacks) must not stop the others.
        this.hooks.log.error('a schedule could not start; fix it in the flow', {
          flow: id,
          error: errorMessage(error),
        });
      }
    }
  }

  nextRun(flowId: string): string | undefined {
    return this.jobs.get(flowId)?.job.nextRun()?.toISOString();
  }

  /** True between `start` and `stop`: only long-lived hosts start their scheduler. */
  get running(): boolean {
    return this.started;
  }

  state(flow: Pick<Flow, 'id' | 'paused'>): ScheduleState {
    const nextRun = this.nextRun(flow.id) ?? null;
    return { active: this.jobs.has(flow.id), paused: flow.paused, nextRun };
  }

  stop(): void {
    this.started = false;
    for (const entry of this.jobs.values()) entry.job.stop();
    this.jobs.clear();
  }

  /** Flows whose previous scheduled time passed since their last run: run once now. */
  private catchUp(): void {
    for (const flow of this.hooks.flows()) {
      if (flow.schedule.kind === 'manual' || flow.paused || !this.jobs.has(flow.id)) continue;
      const last = this.hooks.lastRunAt(flow.id);
      if (!last) continue;
      const { pattern, options } = cronFor(flow.schedule);
      const probe = new Cron(pattern, { ...options, paused: true });
      const due =
        flow.schedule.kind === 'interval'
          ? Date.parse(last) + flow.schedule.everySeconds * 1000 <= Date.now()
          : (probe.nextRun(new Date(last))?.getTime() ?? Infinity) <= Date.now();
      probe.stop();
      if (due) this.fire(flow.id, 'startup');
    }
  }

  private fire(flowId: string, trigger: 'schedule' | 'startup'): void {
    try {
      if (this.hooks.isRunning(flowId)) {
        this.hooks.log.info('skipped a tick: the flow is still running', { flow: flowId });
        return;
      }
      if (this.settling.has(flowId)) {
        this.hooks.log.info('skipped a tick: the flow is still waiting for a flow it depends on', { flow: flowId });
        return;
      }
      if (!this.hooks.settleDependencies) return this.startRun(flowId, trigger);
      // A tick that finds a dependency running waits for it instead of skipping: with both on
      // the same schedule, the dependant would otherwise never run.
      this.settling.add(flowId);
      this.hooks
        .settleDependencies(flowId)
        .then((reason) => {
          if (!this.started) return;
          if (reason)
            this.hooks.log.info('skipped a tick: a flow it depends on is not ready', { flow: flowId, reason });
          else if (!this.hooks.isRunning(flowId)) this.startRun(flowId, trigger);
        })
        .catch((error: unknown) => this.notStarted(flowId, error))
        .finally(() => {
          this.settling.delete(flowId);
          this.hooks.ticked?.(flowId);
        });
    } finally {
      this.hooks.ticked?.(flowId);
    }
  }

  private startRun(flowId: string, trigger: 'schedule' | 'startup'): void {
    let run: Promise<unknown>;
    try {
      run = this.hooks.run(flowId, trigger);
    } catch (error) {
      // The engine refuses an overlapping run by throwing before it returns a promise.
      run = Promise.reject(error);
    }
    run.catch((error: unknown) => this.notStarted(flowId, error));
  }

  /** A run that did not start: another process holding the flow is the normal case of two hosts, not an error. */
  private notStarted(flowId: string, error: unknown): void {
    const message = errorMessage(error);
    if (error instanceof AppError && error.code === 'E_CONFLICT')
      this.hooks.log.info('skipped a tick: the flow is running elsewhere', { flow: flowId, reason: message });
    else this.hooks.log.warn('scheduled run did not start', { flow: flowId, error: message });
  }
}
