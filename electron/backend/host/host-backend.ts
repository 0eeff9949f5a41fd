import { createBackend, type Backend, type BackendOptions } from '../backend';
import { startSchedules } from '../sync/sync.service';
import { warmMappingPool } from '../mapping/mapping-pool';

/**
 * The backend of a host that stays up — the desktop app's utility process and
 * `mlc studio`: its flows run on their schedules (a run missed while it was
 * closed runs once now). `mlc serve` schedules its bundle's flows itself;
 * short-lived CLI commands use `createBackend` and never fire a schedule.
 */
export function createHostBackend(options: BackendOptions): Backend {
  const backend = createBackend(options);
  startSchedules(backend.context);
  // Previews and runs evaluate in the mapping workers: they start with the host, not at the first click.
  void warmMappingPool();
  return backend;
}
