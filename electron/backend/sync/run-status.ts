import type { RunCounters, RunStatus } from '../../../shared/domain/run';

/**
 * How a run that did its work ends, from its record counters: `succeeded` when no record failed,
 * `failed` when every record it handled failed (nothing was written, left unchanged or skipped, so
 * calling it "partial" would hide that the run achieved nothing), `partial` otherwise.
 */
export function finishedRunStatus(counters: RunCounters): Extract<RunStatus, 'succeeded' | 'partial' | 'failed'> {
  if (counters.failed === 0) return 'succeeded';
  const handled = counters.created + counters.updated + counters.unchanged + counters.skipped;
  return handled === 0 ? 'failed' : 'partial';
}
