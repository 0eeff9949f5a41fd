import type { Flow } from '../../../shared/domain/flow';
import type { Run } from '../../../shared/domain/run';
import { errorMessage } from '../../../shared/errors';
import type { BackendContext } from '../context';
import { openConnector } from '../connectors/connector-registry';
import { storeDeps, type EngineDeps } from './engine-deps';
import { blocksDependants } from './dependency-order';
import type { MappingRepository } from '../mapping/mapping.repository';
import type { FlowRepository } from './flows.repository';
import type { AuditRepository } from './audit.repository';
import type { IdMapRepository } from './id-map.repository';
import type { RunRepository } from './runs.repository';
import { applyRetentionNow, scheduleRetention } from './audit-retention';
import { Scheduler, type ScheduleState } from './scheduler';
import { SyncEngine, type RunFlowOptions } from './sync-engine';

/**
 * The desktop's sync: the engine (`deps`) on the async store, and the synchronous repositories of the
 * same SQLite database for the UI handlers (safe together: see ASYNC-STORE.md, "One process, two faces").
 */
export interface SyncService {
  flows: FlowRepository;
  mappings: MappingRepository;
  runs: RunRepository;
  audit: AuditRepository;
  idMap: IdMapRepository;
  engine: SyncEngine;
  scheduler: Scheduler;
  deps: EngineDeps;
}

/** How one host schedules: every host builds its scheduler here, so all fire, skip and log alike. */
export interface SchedulingOptions {
  /** Which flows this host schedules (`mlc serve`: its bundle's only). Default: every flow. */
  only?(flow: Flow): boolean;
  /** Signals for each run (`mlc serve`: its graceful and hard stops). */
  runOptions?: Pick<RunFlowOptions, 'signal' | 'stopSignal'>;
  /** False while the host shuts down: ticks then start nothing. */
  accepting?(): boolean;
  onStart?(flowId: string, trigger: Run['trigger']): void;
  onFinished?(run: Run): void;
}

/**
 * What the scheduler reads synchronously (croner jobs are set up in one go): the flows to schedule and
 * when each last started. The desktop reads its SQLite store; `mlc serve` keeps a snapshot of its
 * bundle's flows and their last runs, so it schedules the same on PostgreSQL.
 */
export interface ScheduleSource {
  flows(): Flow[];
  lastRunAt(flowId: string): string | undefined;
}

/** The scheduler for an engine; ticks tell the UI (`flows.changed`) that the flow's next run moved. */
export function createScheduler(
  deps: Pick<EngineDeps, 'flows' | 'runs' | 'events' | 'log'>,
  source: ScheduleSource,
  engine: SyncEngine,
  options: SchedulingOptions = {},
): Scheduler {
  const { events, log } = deps;
  return new Scheduler({
    flows: () => (options.only ? source.flows().filter((flow) => options.only!(flow)) : source.flows()),
    lastRunAt: (flowId) => source.lastRunAt(flowId),
    isRunning: (flowId) => engine.isRunning(flowId),
    run: async (flowId, trigger) => {
      if (options.accepting && !options.accepting()) return undefined;
      options.onStart?.(flowId, trigger);
      const run = await engine.runFlow(flowId, { trigger, ...options.runOptions });
      options.onFinished?.(run);
      return run;
    },
    settleDependencies: (flowId) => settleDependencies(deps, engine, flowId),
    ticked: (flowId) => events.emit('flows.changed', { ids: [flowId as Flow['id']] }),
    log,
  });
}

/** Same-tick jobs fire a few milliseconds apart; this lets a dependency due on the same tick start first. */
const sameTickMs = 250;

/**
 * A scheduled flow follows the flows it depends on, as in a pass: it waits while one runs in
 * this process, and does not start before a dependency's first real run, while one runs in
 * another process, or after one's last run did not succeed. Otherwise orders fired on the same
 * tick as their accounts look up accounts that do not exist yet and fail.
 */
export async function settleDependencies(
  deps: Pick<EngineDeps, 'flows' | 'runs'>,
  engine: SyncEngine,
  flowId: string,
): Promise<string | undefined> {
  const dependsOn = (await deps.flows.findFlow(flowId))?.dependsOn ?? [];
  if (dependsOn.length === 0) return undefined;
  await new Promise((resolve) => setTimeout(resolve, sameTickMs));
  for (const dependencyId of dependsOn) await engine.finished(dependencyId);
  for (const dependencyId of dependsOn) {
    const dependency = await deps.flows.findFlow(dependencyId);
    const name = dependency ? `“${dependency.name}”` : dependencyId;
    if (engine.isRunning(dependencyId)) return `${name} started again`;
    const last = (await deps.runs.runs({ flowId: dependencyId, limit: 50 })).find(
      (run) => !run.dryRun && run.trigger !== 'replay' && run.trigger !== 'notification',
    );
    if (!last) return `${name} has not run yet`;
    if (last.status === 'running') return `${name} is running in another process`;
    if (blocksDependants(last.status)) return `the last run of ${name} ended ${last.status}`;
  }
  return undefined;
}

const services = new WeakMap<BackendContext, SyncService>();

/** The backend's one sync engine and scheduler, made on first use; the scheduler fires only once a host starts it. */
export function syncService(context: BackendContext): SyncService {
  const existing = services.get(context);
  if (existing) return existing;
  const { flows, mappings, runs, audit, idMap } = context.store;
  const deps: EngineDeps = {
    ...storeDeps(context.asyncStore),
    connectors: { open: async (connectionId) => openConnector(context, connectionId) },
    events: context.events,
    log: context.log,
    resilience: context.syncResilience,
    clock: context.syncClock,
  };
  const engine = new SyncEngine(deps);
  const scheduler = createScheduler(
    deps,
    { flows: () => flows.flows(), lastRunAt: (flowId) => runs.latestRun(flowId)?.startedAt },
    engine,
  );
  const service = { flows, mappings, runs, audit, idMap, engine, scheduler, deps };
  services.set(context, service);
  context.onClose(async () => {
    scheduler.stop();
    await engine.drain();
  });
  return service;
}

/** How often a host looks for flows another process on its data folder changed. */
const foreignChangesEveryMs = 3_000;

/**
 * Long-lived hosts (the desktop backend, `mlc studio`) call this once: their
 * flows then run on schedule, and a run missed while closed runs once now.
 * Short-lived commands (`mlc run`, `validate`, …) never do. Flows created,
 * paused or removed by another process on the same data folder (the desktop
 * app beside `mlc studio`) are picked up within a few seconds.
 */
export function startSchedules(context: BackendContext): Scheduler {
  const { scheduler, flows } = syncService(context);
  if (scheduler.running) return scheduler;
  scheduler.start({ catchUp: true });
  let known = flows.stamps();
  const timer = setInterval(() => {
    try {
      const now = flows.stamps();
      const changed = [...new Set([...known.keys(), ...now.keys()])].filter((id) => known.get(id) !== now.get(id));
      known = now;
      if (changed.length > 0) flowsChanged(context, changed);
    } catch (error) {
      context.log.warn('could not look for flow changes; schedules stay as they were', { error: errorMessage(error) });
    }
  }, foreignChangesEveryMs);
  timer.unref();
  context.onClose(() => clearInterval(timer));
  // Audit retention (age, size cap, space given back): now, hourly and after each run that ends here.
  const retention = scheduleRetention(() => applyRetentionNow(context.store), context.log);
  const unsubscribe = context.events.subscribe((event, payload) => {
    if (event === 'runs.changed' && (payload as { status: string }).status !== 'running') retention.afterRun();
  });
  context.onClose(() => {
    unsubscribe();
    retention.stop();
  });
  return scheduler;
}

/** After flows were created, changed, paused, removed or imported: schedules follow, and screens refresh. */
export function flowsChanged(context: BackendContext, ids: string[]): void {
  syncService(context).scheduler.reload();
  if (ids.length > 0) context.events.emit('flows.changed', { ids: ids as Array<Flow['id']> });
}

export type FlowListItem = Flow & { scheduleState: ScheduleState; lastRun: Run | null };

/** Every flow in creation order with what the live scheduler holds for it and its newest run. */
export function flowList(context: BackendContext): FlowListItem[] {
  const { flows, runs, scheduler } = syncService(context);
  return flows
    .flows()
    .map((flow) => ({ ...flow, scheduleState: scheduler.state(flow), lastRun: runs.latestRun(flow.id) ?? null }));
}
