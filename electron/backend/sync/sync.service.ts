import type { BackendContext } from '../context';
import { openConnector } from '../connectors/connector-registry';
import type { EngineDeps } from './engine-deps';
import { FlowStore } from './flow-store';
import { RunStore } from './run-store';
import { Scheduler } from './scheduler';
import { SyncEngine } from './sync-engine';

export interface SyncService {
  flows: FlowStore;
  runs: RunStore;
  engine: SyncEngine;
  scheduler: Scheduler;
  deps: EngineDeps;
}

const services = new WeakMap<BackendContext, SyncService>();

/** The backend's one sync engine and scheduler, made on first use. */
export function syncService(context: BackendContext): SyncService {
  const existing = services.get(context);
  if (existing) return existing;
  const flows = new FlowStore(context.db);
  const runs = new RunStore(context.db);
  const deps: EngineDeps = {
    flows,
    runs,
    connectors: { open: async (connectionId) => openConnector(context, connectionId) },
    events: context.events,
    log: context.log,
    resilience: context.syncResilience,
  };
  const engine = new SyncEngine(deps);
  const scheduler = new Scheduler({
    flows: () => flows.flows(),
    lastRunAt: (flowId) => runs.latestRun(flowId)?.startedAt,
    isRunning: (flowId) => engine.isRunning(flowId),
    run: (flowId, trigger) => engine.runFlow(flowId, { trigger }),
    log: context.log,
  });
  const service = { flows, runs, engine, scheduler, deps };
  services.set(context, service);
  context.onClose(async () => {
    scheduler.stop();
    await engine.drain();
  });
  return service;
}
