import { ProgressBar } from '../../components/ProgressBar';
import { formatDuration, formatNumber, plural } from '../../components/format';
import type { ActiveRun } from './flows.store';
import { runProgressHeadline } from './run-progress-text';

/** Live progress of one run from `sync.progress`: records, rate, ETA, calls and phase. */
export function RunProgress({ active, onCancel }: { active: ActiveRun; onCancel(): void }) {
  const progress = active.progress;
  const finished = progress?.phase === 'done';
  const fraction = finished ? 1 : progress?.total ? Math.min(1, progress.done / progress.total) : null;
  // Parts joined with no-break spaces inside each part, so "ETA 3 s" never splits across lines.
  const keep = (text: string) => text.replace(/ /g, '\u00a0');
  const eta = (seconds: number | null) =>
    finished ? null : seconds === null ? 'ETA unknown' : seconds < 1 ? 'almost done' : `ETA ${formatDuration(seconds)}`;
  const label = `${active.dryRun ? 'Dry run' : 'Run'} progress`;
  return (
    <div className="run-progress" data-testid="run-progress" data-phase={progress?.phase ?? 'starting'}>
      <div className="run-progress-head">
        <strong data-testid="run-progress-headline">{runProgressHeadline(progress, active.dryRun)}</strong>
        <span className="muted" data-testid="run-progress-text">
          {progress
            ? [
                `${formatNumber(progress.done)}${progress.total && !finished ? ` of ~${formatNumber(progress.total)}` : ''} read`,
                `${formatNumber(Math.round(progress.recordsPerSecond))} records/s`,
                eta(progress.etaSeconds),
                plural(progress.calls, 'call'),
              ]
                .filter((part): part is string => Boolean(part))
                .map(keep)
                .join(' · ')
            : 'Waiting for the first page…'}
        </span>
        {!finished && (
          <button
            type="button"
            className="button small danger"
            onClick={onCancel}
            disabled={active.cancelling}
            data-testid="run-cancel"
          >
            {active.cancelling ? 'Stopping after this batch…' : 'Cancel'}
          </button>
        )}
      </div>
      <ProgressBar value={fraction} label={label} testId="run-progress-bar" />
      {progress && (
        <div className="run-progress-counters">
          <span>{formatNumber(progress.counters.created)} created</span>
          <span>{formatNumber(progress.counters.updated)} updated</span>
          <span>{formatNumber(progress.counters.unchanged)} unchanged</span>
          {progress.counters.skipped > 0 && <span>{formatNumber(progress.counters.skipped)} skipped</span>}
          {progress.counters.failed > 0 && (
            <span className="failed">{formatNumber(progress.counters.failed)} failed</span>
          )}
        </div>
      )}
    </div>
  );
}
