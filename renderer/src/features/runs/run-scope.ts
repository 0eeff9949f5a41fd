import type { RecordAudit, Run } from '../../../../shared/domain/run';
import { formatDateTime, plural } from '../../components/format';

/**
 * What a run covered, in the words an analyst uses. A replay re-reads nothing
 * from the source, so a watermark window means nothing for it: it says which
 * run it replayed, how many records and through which mapping.
 */
export type RunScope =
  | { kind: 'replay'; text: string; origin?: { runId: string; label: string }; details: string }
  | { kind: 'window'; text: string };

export function describeRunScope(run: Run, origin?: Pick<Run, 'id' | 'startedAt'>): RunScope {
  if (run.trigger === 'replay') {
    const mapping = run.replayMapping ? ` · ${run.replayMapping} mapping` : '';
    const details = `${plural(run.counters.read, 'record')}${mapping}`;
    if (!run.replayOf) return { kind: 'replay', text: `Replay of earlier failed records · ${details}`, details };
    // The replayed run may be older than the loaded history: its id still says which one.
    const label = origin ? `run of ${formatDateTime(origin.startedAt)}` : `run ${run.replayOf.slice(0, 8)}`;
    return { kind: 'replay', text: `Replay of ${label} · ${details}`, origin: { runId: run.replayOf, label }, details };
  }
  const from = run.windowFrom ? formatDateTime(run.windowFrom) : 'everything';
  const to = run.windowTo ? ` → ${formatDateTime(run.windowTo)}` : run.status === 'running' ? ' → now' : '';
  return { kind: 'window', text: `window ${from}${to}` };
}

/**
 * The target key an audit row can honestly show. A failed row carries the id the
 * record got in an earlier run (so a replay can update it), but nothing was
 * written in this run: it is shown as the existing record, not as this run's result.
 */
export function targetKeyOf(row: Pick<RecordAudit, 'outcome' | 'targetKey'>): { written?: string; existing?: string } {
  if (!row.targetKey) return {};
  return row.outcome === 'failed' ? { existing: row.targetKey } : { written: row.targetKey };
}
