import { ProgressBar } from '../../components/ProgressBar';
import { formatDuration, formatNumber, plural } from '../../components/format';
import type { ActiveRun } from './flows.store';

const phaseWords: Record<string, string> = {
  starting: 'Starting',
  reading: 'Reading source',
  transforming: 'Transforming',
  writing: 'Writing to target',
  finishing: 'Finishing',
  done: 'Done',
};

/** Live progress of one run from `sync.progress`: records, rate, ETA, calls and phase. */
export function RunProgress({ active, onCancel }: { active: ActiveRun; onCancel(): void }) {
  const progress = active.progress;
  const fraction = progress?.total ? progress.done / progress.total : null;
  const label = `${active.dryRun ? 'Dry run' : 'Run'} progress`;
  return (
    <div className="run-progress" data-testid="run-progress" data-phase={progress?.phase ?? 'starting'}>
      <div className="run-progress-head">
        <strong>
          {active.dryRun ? 'Dry run' : 'Running'} · {phaseWords[progress?.phase ?? 'starting']}
        </strong>
        <span className="muted" data-testid="run-progress-text">
          {progress
            ? `${formatNumber(progress.done)}${progress.total ? ` of ${formatNumber(progress.total)}` : ''} records · ${formatNumber(Math.round(progress.recordsPerSecond))}/s · ${progress.etaSeconds === null ? 'ETA unknown' : `ETA ${formatDuration(progress.etaSeconds)}`} · ${plural(progress.calls, 'call')}`
            : 'Waiting for the first page…'}
        </span>
        <button type="button" className="button small danger" onClick={onCancel} disabled={active.cancelling} data-testid="run-cancel">
          {active.cancelling ? 'Stopping after this batch…' : 'Cancel'}
        </button>
      </div>
      <ProgressBar value={fraction} label={label} testId="run-progress-bar" />
      {progress && (
        <div className="run-progress-counters">
          <span>{formatNumber(progress.counters.created)} created</span>
          <span>{formatNumber(progress.counters.updated)} updated</span>
          <span>{formatNumber(progress.counters.unchanged)} unchanged</span>
          {progress.counters.skipped > 0 && <span>{formatNumber(progress.counters.skipped)} skipped</span>}
          {progress.counters.failed > 0 && <span className="failed">{formatNumber(progress.counters.failed)} failed</span>}
        </div>
      )}
    </div>
  );
}
