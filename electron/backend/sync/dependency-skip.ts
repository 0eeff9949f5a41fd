import type { Flow } from '../../../shared/domain/flow';
import type { Run } from '../../../shared/domain/run';
import type { EngineDeps } from './engine-deps';

/**
 * A pass's `skipped` run for a flow whose dependency failed, was cancelled or was skipped in the
 * same pass: nothing read or written, and a message naming the dependency and what to do.
 */
export async function recordDependencySkip(
  deps: Pick<EngineDeps, 'runs' | 'mappings' | 'log' | 'events'>,
  flow: Flow,
  dependencyName: string,
  dependency: Run,
  options: { dryRun?: boolean; trigger?: Run['trigger'] },
): Promise<Run> {
  const why =
    dependency.status === 'skipped'
      ? 'was skipped too'
      : dependency.error
        ? `${dependency.status} (${dependency.error.code})`
        : dependency.status;
  const dryRun = options.dryRun ?? flow.options.dryRun;
  const run = await deps.runs.recordSkipped(
    {
      flowId: flow.id,
      trigger: options.trigger ?? (dryRun ? 'dry-run' : 'manual'),
      dryRun,
      windowFrom: null,
      mappingHash: (await deps.mappings.get(flow.mappingId)).hash,
    },
    {
      code: 'E_SYNC_DEPENDENCY',
      message: `Not run: it depends on “${dependencyName}”, which ${why} in this pass. Nothing was read or written; run it again once “${dependencyName}” succeeds.`,
    },
  );
  deps.log.warn('skipped a flow: its dependency did not succeed', {
    flow: flow.id,
    dependency: dependency.flowId,
    status: dependency.status,
  });
  deps.events.emit('runs.changed', { flowId: flow.id, runId: run.id, status: run.status });
  return run;
}
