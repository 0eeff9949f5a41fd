import type { Flow } from '../../../shared/domain/flow';
import type { RunStatus } from '../../../shared/domain/run';
import { AppError } from '../../../shared/errors';

/** What a flow waits for: its `dependsOn` and, for a child flow (order lines), its parent flow. */
export function dependenciesOf(flow: Flow): string[] {
  return flow.parent && !flow.dependsOn.includes(flow.parent.flowId)
    ? [...flow.dependsOn, flow.parent.flowId]
    : [...flow.dependsOn];
}

/** Flows sorted so each comes after what it depends on; a cycle is an error naming the flows. */
export function dependencyOrder(flows: Flow[]): Flow[] {
  const byId = new Map(flows.map((flow) => [flow.id as string, flow]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: Flow[] = [];
  const visit = (flow: Flow, path: string[]) => {
    if (done.has(flow.id)) return;
    if (visiting.has(flow.id)) {
      throw new AppError('E_CONFLICT', `Flows depend on each other in a circle: ${[...path, flow.name].join(' → ')}.`);
    }
    visiting.add(flow.id);
    for (const dependency of dependenciesOf(flow)) {
      const required = byId.get(dependency);
      if (required) visit(required, [...path, flow.name]);
    }
    visiting.delete(flow.id);
    done.add(flow.id);
    ordered.push(flow);
  };
  for (const flow of flows) visit(flow, []);
  return ordered;
}

/**
 * Run outcomes after which the flows that depend on this one must not start: a pass skips
 * them, and the scheduler holds their ticks back. `partial` (some records failed) does not
 * block: the records that failed are dead letters, the rest reached the target.
 */
const blockingStatuses = new Set<RunStatus>(['failed', 'cancelled', 'interrupted', 'skipped']);

export function blocksDependants(status: RunStatus): boolean {
  return blockingStatuses.has(status);
}
