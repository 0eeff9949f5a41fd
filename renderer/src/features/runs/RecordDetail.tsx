import { useEffect, useRef } from 'react';
import type { RecordAudit } from '../../../../shared/domain/run';
import { JsonView } from '../../components/JsonView';
import { formatDateTime } from '../../components/format';
import { targetKeyOf } from './run-scope';

/** Everything the audit log knows about one record: what came in, what went out, what the target said. */
/**
 * What a row's diff means: a dry run's would-be changes, a reconcile's differences it only reported
 * (`skipped`), the differences a fixing reconcile wrote, or the conflicts a flow's rules resolved.
 */
export function diffHeading(row: Pick<RecordAudit, 'outcome' | 'errorCode'>, dryRun: boolean) {
  // Conflict rules: fields both sides changed, the target's value and what the rule left there.
  if (row.errorCode === 'CONFLICT')
    return { title: 'Conflicts resolved', before: 'In the target (changed there)', after: 'After the rule' };
  if (dryRun) return { title: 'Dry-run changes', before: 'In the target now', after: 'After the sync' };
  if (row.outcome === 'skipped')
    return { title: 'Differences (reported, not written)', before: 'In the target', after: 'From the source (mapped)' };
  return { title: 'Differences fixed', before: 'In the target before', after: 'Written' };
}

export function RecordDetail({
  row,
  dryRun = false,
  onReplay,
  replaying,
  onClose,
}: {
  row: RecordAudit;
  /** The row's run was a dry run (its diff shows would-be changes). */
  dryRun?: boolean;
  onReplay?: () => void;
  replaying: boolean;
  onClose(): void;
}) {
  const { written, existing } = targetKeyOf(row);
  const heading = diffHeading(row, dryRun);
  const box = useRef<HTMLElement>(null);
  // It opens below the audit table, often below the fold: bring the record into view (issue 19).
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'nearest' });
  }, [row.id]);
  return (
    <aside ref={box} className="record-detail panel" data-testid="record-detail" aria-label={`Record ${row.sourceKey}`}>
      <header className="record-head">
        <div>
          <span className="pane-side">Record</span>
          <h3 className="mono">{row.sourceKey}</h3>
          <span className="muted">
            {row.outcome} · attempt {row.attempt} · source stamp {formatDateTime(row.sourceStamp)}
          </span>
        </div>
        <button type="button" className="button small ghost" onClick={onClose} aria-label="Close record detail">
          ✕
        </button>
      </header>
      {row.outcome === 'failed' && (
        <div className="record-error" role="alert" data-testid="record-error">
          <strong>
            <code className="error-code">{row.errorCode ?? 'E_UNKNOWN'}</code>
          </strong>
          <p>{row.errorMessage ?? 'The target gave no message.'}</p>
          {onReplay && (
            <button
              type="button"
              className="button small primary"
              onClick={onReplay}
              disabled={replaying}
              data-testid="replay-one"
            >
              {replaying ? 'Replaying…' : 'Replay this record'}
            </button>
          )}
        </div>
      )}
      {row.outcome !== 'failed' && row.errorCode && row.errorMessage && (
        // Why a written or skipped record is noted (a conflict's rules, an echo, a deletion): the table cuts it short.
        <p className="record-note" data-testid="record-note">
          <code className="error-code">{row.errorCode}</code> {row.errorMessage}
        </p>
      )}
      <dl className="kv">
        <dt>Target key</dt>
        {existing ? (
          <dd data-testid="record-target-key" data-kind="existing">
            — <span className="muted">not written in this run; the target already holds this record as</span>{' '}
            <span className="mono">{existing}</span> <span className="muted">(from an earlier run, unchanged)</span>
          </dd>
        ) : (
          <dd className="mono" data-testid="record-target-key" data-kind={written ? 'written' : 'none'}>
            {written ?? '— (not written)'}
          </dd>
        )}
        <dt>Mapping version</dt>
        <dd className="mono">{row.mappingHash.slice(0, 12)}</dd>
      </dl>
      {row.diff && row.diff.length > 0 && (
        <section>
          <h4>{heading.title}</h4>
          <table className="diff-table" data-testid="record-diff">
            <thead>
              <tr>
                <th>Field</th>
                <th>{heading.before}</th>
                <th>{heading.after}</th>
              </tr>
            </thead>
            <tbody>
              {row.diff.map((change) => {
                // A conflict the target won leaves its value: not a change, so not struck through.
                const kept = display(change.before) === display(change.after);
                return (
                  <tr key={change.field} data-kept={kept}>
                    <td className="mono">{change.field}</td>
                    <td className={kept ? 'same' : 'before'}>{display(change.before)}</td>
                    <td className={kept ? 'same' : 'after'}>
                      {display(change.after)}
                      {kept && <span className="muted"> (kept)</span>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}
      <section>
        <h4>Transformed payload (sent to the target)</h4>
        <JsonView
          value={row.transformedPayload}
          empty="The mapping produced nothing for this record."
          testId="record-transformed"
        />
      </section>
      <section>
        <h4>Source payload</h4>
        <JsonView value={row.sourcePayload} testId="record-source" />
      </section>
    </aside>
  );
}

function display(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
