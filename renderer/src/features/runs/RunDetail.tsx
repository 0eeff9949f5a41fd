import { useState } from 'react';
import type { Flow } from '../../../../shared/domain/flow';
import { recordOutcomes, type RecordOutcome, type Run } from '../../../../shared/domain/run';
import { offerDownload } from '../../components/download';
import { ProgressBar } from '../../components/ProgressBar';
import { ErrorPanel, Loading } from '../../components/StateViews';
import { Segmented } from '../../components/Segmented';
import { elapsed, formatDateTime, formatNumber } from '../../components/format';
import { RunStatusBadge } from '../flows/FlowsPage';
import { AuditTable } from './AuditTable';
import { RecordDetail } from './RecordDetail';
import { RunNotes } from './RunNotes';
import { describeRunScope } from './run-scope';
import { refinePage } from './runs.store';
import { runsStore, useRuns } from './runs.instance';

/** Runs up to this many records download in the window; larger ones are written to a file. */
export const inlineExportLimit = 20_000;

/** One run: counters, API calls against the minimum, its audit rows, replay and export. */
export function RunDetail({ run, flow }: { run: Run; flow?: Flow }) {
  const query = useRuns((state) => state.query);
  const audit = useRuns((state) => state.audit);
  const selectedAuditId = useRuns((state) => state.selectedAuditId);
  const checked = useRuns((state) => state.checked);
  const replay = useRuns((state) => state.replay);
  const origin = useRuns((state) =>
    run.replayOf
      ? (state.runs.find((candidate) => candidate.id === run.replayOf) ?? state.related[run.replayOf])
      : undefined,
  );
  const scope = describeRunScope(run, origin);
  const exportFile = useRuns((state) => state.exportFile);
  const {
    closeRun,
    setQuery,
    selectAudit,
    toggleChecked,
    setChecked,
    replayRecords,
    exportAudit,
    exportAuditFile,
    loadAudit,
  } = runsStore.getState();
  const [mapping, setMapping] = useState<'original' | 'current'>('current');
  const [exportError, setExportError] = useState<string>();
  const rows = refinePage(audit.items, query.text);
  const selected = audit.items.find((row) => row.id === selectedAuditId);
  // Rows replayed since (written) have nothing left to replay.
  const failedOnPage = rows
    .filter((row) => row.outcome === 'failed' && (!row.later || row.later.outcome === 'failed'))
    .map((row) => row.id);
  const pages = Math.max(1, Math.ceil(audit.total / query.limit));
  const page = Math.floor(query.offset / query.limit) + 1;

  const exporting = exportFile.state === 'running';
  const download = async (format: 'csv' | 'jsonl') => {
    setExportError(undefined);
    // A large run goes to a file in the data folder a page at a time, with a progress bar: a
    // million-row run never has to fit in one string (or in this window). A small one downloads.
    if (run.counters.read > inlineExportLimit) return exportAuditFile(format);
    const result = await exportAudit(format);
    if ('code' in result) setExportError(`${result.code}: ${result.message}`);
    else offerDownload(result.fileName, result.content, format === 'csv' ? 'text/csv' : 'application/x-ndjson');
  };

  return (
    <div className="run-detail" data-testid="run-detail" data-run-id={run.id}>
      <div className="toolbar">
        <button type="button" className="button ghost" onClick={closeRun} data-testid="back-to-runs">
          ← All runs
        </button>
        <span className="grow" />
        <button
          type="button"
          className="button small"
          onClick={() => void download('csv')}
          disabled={exporting}
          data-testid="export-csv"
        >
          Export CSV
        </button>
        <button
          type="button"
          className="button small"
          onClick={() => void download('jsonl')}
          disabled={exporting}
          data-testid="export-jsonl"
        >
          Export JSON Lines
        </button>
      </div>
      {exporting && (
        <div data-testid="export-progress">
          <ProgressBar
            value={exportFile.total > 0 ? exportFile.rows / exportFile.total : null}
            label="Export progress"
            testId="export-progress-bar"
          />
          <span className="muted">
            Exporting {formatNumber(exportFile.rows)} of {formatNumber(exportFile.total)} rows…
          </span>
        </div>
      )}
      {exportFile.state === 'done' && (
        <p className="muted" data-testid="export-done">
          Exported {formatNumber(exportFile.rows)} rows to <code>{exportFile.path}</code>
        </p>
      )}
      {exportError && (
        <p className="field-error" role="alert">
          Export failed — {exportError}
        </p>
      )}
      {exportFile.state === 'error' && exportFile.error && (
        <p className="field-error" role="alert">
          Export failed — {exportFile.error.code}: {exportFile.error.message}
        </p>
      )}

      <section className="panel run-summary">
        <header className="run-summary-head">
          <div>
            <h2>{flow?.name ?? 'Removed flow'}</h2>
            <span className="muted" data-testid="run-scope" data-kind={scope.kind}>
              {formatDateTime(run.startedAt)} · {scope.kind === 'window' && `${run.trigger} · `}took{' '}
              {elapsed(run.startedAt, run.finishedAt)} ·{' '}
              {scope.kind === 'replay' && scope.origin ? (
                <>
                  Replay of{' '}
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => void runsStore.getState().openRun(scope.origin!.runId as Run['id'])}
                    data-testid="replay-origin"
                  >
                    {scope.origin.label}
                  </button>{' '}
                  · {scope.details}
                </>
              ) : (
                scope.text
              )}
            </span>
          </div>
          <RunStatusBadge status={run.status} dryRun={run.dryRun} />
        </header>
        {run.error && (
          <p className="field-error" role="alert">
            {run.error.code}: {run.error.message}
          </p>
        )}
        {run.resumedFrom && (
          <p className="muted" data-testid="run-resumed">
            Resumed after an{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => void runsStore.getState().openRun(run.resumedFrom!)}
            >
              interrupted run
            </button>
            : it re-read that run&apos;s window, so records the interrupted run wrote after its last committed page
            count here as updated.
          </p>
        )}
        <RunNotes notes={run.notes} />
        <div className="counter-grid" data-testid="run-counters">
          {(['read', 'created', 'updated', 'unchanged', 'skipped', 'failed'] as const).map((key) => (
            <div key={key} className={`counter counter-${key}`}>
              <span className="counter-value">{formatNumber(run.counters[key])}</span>
              <span className="counter-label">{key}</span>
            </div>
          ))}
          {twoWayCounters.map(({ key, label, title }) =>
            run.counters[key] ? (
              <div key={key} className={`counter counter-${key}`} title={title} data-testid={`counter-${key}`}>
                <span className="counter-value">{formatNumber(run.counters[key] ?? 0)}</span>
                <span className="counter-label">{label}</span>
              </div>
            ) : null,
          )}
        </div>
        <div className="calls" data-testid="run-calls">
          <CallMeter label="Source API calls" used={run.calls.source} minimum={run.calls.sourceMinimum} />
          <CallMeter label="Target API calls" used={run.calls.target} minimum={run.calls.targetMinimum} />
        </div>
      </section>

      <section className="panel audit-panel">
        <div className="audit-controls toolbar">
          <label className="form-field">
            <span>Outcome</span>
            <select
              className="select"
              value={query.outcome ?? ''}
              onChange={(event) =>
                void setQuery({ outcome: (event.target.value || undefined) as RecordOutcome | undefined })
              }
              data-testid="audit-outcome"
            >
              <option value="">All outcomes</option>
              {recordOutcomes.map((outcome) => (
                <option key={outcome} value={outcome}>
                  {outcome}
                </option>
              ))}
            </select>
          </label>
          <label className="form-field">
            <span>Key or error</span>
            <input
              className="input"
              type="search"
              value={query.key}
              placeholder="e.g. C0000042"
              onChange={(event) => void setQuery({ key: event.target.value })}
              data-testid="audit-key"
            />
          </label>
          <label className="form-field grow">
            <span>Text in this page</span>
            <input
              className="input"
              type="search"
              value={query.text}
              placeholder="Any value in the payloads"
              onChange={(event) => void setQuery({ text: event.target.value })}
              data-testid="audit-text"
            />
          </label>
        </div>

        <div className="replay-bar toolbar" data-testid="replay-bar">
          <span className="muted">Replay failed records with</span>
          <Segmented
            label="Mapping for replay"
            value={mapping}
            onChange={setMapping}
            testId="replay-mapping"
            options={[
              { value: 'current', label: 'current mapping' },
              { value: 'original', label: 'original mapping' },
            ]}
          />
          <button
            type="button"
            className="button small"
            disabled={checked.length === 0 || replay.state === 'running'}
            onClick={() => void replayRecords({ kind: 'selected' }, mapping)}
            data-testid="replay-selected"
          >
            Replay selected ({checked.length})
          </button>
          <button
            type="button"
            className="button small primary"
            disabled={run.counters.failed === 0 || audit.waiting === 0 || replay.state === 'running'}
            onClick={() => void replayRecords({ kind: 'all' }, mapping)}
            title={audit.waiting === 0 ? 'Every failed record of this run has been replayed.' : undefined}
            data-testid="replay-all"
            data-waiting={audit.waiting}
          >
            {replay.state === 'running'
              ? 'Replaying…'
              : audit.waiting === undefined || run.counters.failed === 0
                ? 'Replay all failed'
                : `Replay all failed (${formatNumber(audit.waiting)} left)`}
          </button>
          {failedOnPage.length > 0 && (
            <button
              type="button"
              className="link-button"
              onClick={() => setChecked(checked.length === failedOnPage.length ? [] : failedOnPage)}
            >
              {checked.length === failedOnPage.length
                ? 'Clear selection'
                : `Select ${failedOnPage.length} failed on this page`}
            </button>
          )}
        </div>
        {replay.state === 'done' && replay.run && (
          <div
            className={`banner ${replay.run.counters.failed > 0 ? 'banner-warn' : 'banner-ok'}`}
            role="status"
            data-testid="replay-result"
          >
            <div className="banner-body">
              <strong>
                Replay {replay.run.status}: {formatNumber(replay.run.counters.created + replay.run.counters.updated)}{' '}
                written, {formatNumber(replay.run.counters.failed)} still failing
              </strong>
              <p className="muted">
                {replay.run.counters.read === 0
                  ? 'Nothing was waiting to be replayed.'
                  : 'The replay is a run of its own in the history.'}
              </p>
            </div>
            <button
              type="button"
              className="button small"
              onClick={() => void runsStore.getState().openRun(replay.run!.id)}
              data-testid="open-replay-run"
            >
              Open replay run
            </button>
          </div>
        )}
        {replay.state === 'error' && replay.error && (
          <ErrorPanel title="Replay failed" error={replay.error} testId="replay-error" />
        )}

        <div className={selected ? 'audit-split with-detail' : 'audit-split'}>
          <div className="audit-main">
            {audit.state === 'error' && audit.error ? (
              <ErrorPanel
                title="Could not read the audit log"
                error={audit.error}
                onRetry={() => void loadAudit()}
                testId="audit-error"
              />
            ) : audit.state === 'loading' && audit.items.length === 0 ? (
              <Loading label="Reading audit rows…" testId="audit-loading" />
            ) : rows.length === 0 ? (
              <p className="muted audit-empty" data-testid="audit-empty">
                {audit.total === 0 && !query.outcome && !query.key
                  ? 'This run recorded no records (nothing changed in its window).'
                  : 'No audit row matches these filters.'}
              </p>
            ) : (
              <AuditTable
                rows={rows}
                selectedId={selectedAuditId}
                checked={checked}
                onSelect={selectAudit}
                onToggle={toggleChecked}
              />
            )}
            <div className="pager toolbar">
              <span className="muted" data-testid="audit-total">
                {formatNumber(audit.total)} {audit.total === 1 ? 'row' : 'rows'}
                {query.text && ` · ${rows.length} on this page mention “${query.text}”`}
              </span>
              <span className="grow" />
              <button
                type="button"
                className="button small"
                disabled={page <= 1}
                onClick={() => void setQuery({ offset: query.offset - query.limit })}
              >
                Previous
              </button>
              <span className="muted">
                Page {page} of {pages}
              </span>
              <button
                type="button"
                className="button small"
                disabled={page >= pages}
                onClick={() => void setQuery({ offset: query.offset + query.limit })}
              >
                Next
              </button>
            </div>
          </div>
          {selected && (
            <RecordDetail
              row={selected}
              dryRun={run.dryRun}
              replaying={replay.state === 'running'}
              onReplay={
                // A record replayed since and written has nothing left to replay.
                selected.outcome === 'failed' && (!selected.later || selected.later.outcome === 'failed')
                  ? () => void replayRecords({ kind: 'one', auditId: selected.id }, mapping)
                  : undefined
              }
              onClose={() => selectAudit(undefined)}
            />
          )}
        </div>
      </section>
    </div>
  );
}

function CallMeter({ label, used, minimum }: { label: string; used: number; minimum: number }) {
  const overhead = minimum > 0 ? used / minimum : used > 0 ? Infinity : 1;
  const tone = overhead <= 1.25 ? 'ok' : overhead <= 2 ? 'warn' : 'danger';
  return (
    <div className="call-meter">
      <span className="muted">{label}</span>
      <strong>
        {formatNumber(used)} <span className="muted">used · {formatNumber(minimum)} minimum</span>
      </strong>
      <span
        className={`tag tag-${tone}`}
        title="Calls made compared with the theoretical minimum at maximum page and batch sizes without retries"
      >
        {minimum === 0
          ? used === 0
            ? 'no calls'
            : `${used} extra`
          : `${overhead.toFixed(overhead < 10 ? 2 : 0)}× minimum`}
      </span>
    </div>
  );
}

/** Two-way integrations: parts of `skipped` and of the writes, shown when a run has any. */
const twoWayCounters = [
  {
    key: 'echoes',
    label: 'echoes skipped',
    title: 'Records the opposite flow wrote coming back: the other side already holds them, so nothing was sent back.',
  },
  {
    key: 'deleted',
    label: 'deleted in source',
    title: 'Records deleted in the source since the last run: reported, the target records are left as they are.',
  },
  {
    key: 'conflicts',
    label: 'conflicts resolved',
    title: "Records both sides had changed: the flow's conflict rules chose per field (see the CONFLICT rows).",
  },
] as const;
