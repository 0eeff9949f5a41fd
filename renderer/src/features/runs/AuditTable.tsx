import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { RecordAudit } from '../../../../shared/domain/run';
import type { AuditItem } from './runs.store';
import { targetKeyOf } from './run-scope';

const outcomeTone: Record<RecordAudit['outcome'], string> = {
  created: 'ok',
  updated: 'accent',
  unchanged: 'neutral',
  skipped: 'neutral',
  failed: 'danger',
};

/** The audit rows of one page, virtualised; failed rows can be ticked for replay. */
export function AuditTable({
  rows,
  selectedId,
  checked,
  onSelect,
  onToggle,
}: {
  rows: AuditItem[];
  selectedId?: number;
  checked: number[];
  onSelect(id: number): void;
  onToggle(id: number): void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 36,
    overscan: 16,
    getItemKey: (index) => rows[index]!.id,
  });
  return (
    <div className="audit-table" role="table" aria-label="Audit rows" data-testid="audit-table">
      <div className="audit-row audit-head" role="row">
        <span role="columnheader" aria-label="Select" />
        <span role="columnheader">Outcome</span>
        <span role="columnheader">Source key</span>
        <span role="columnheader">Target key</span>
        <span role="columnheader">Try</span>
        <span role="columnheader">Message</span>
      </div>
      <div className="audit-scroll" ref={scroller}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index]!;
            return (
              <div
                key={item.key}
                className={`audit-row${row.id === selectedId ? ' selected' : ''}`}
                role="row"
                aria-selected={row.id === selectedId}
                style={{ transform: `translateY(${item.start}px)` }}
                onClick={() => onSelect(row.id)}
                data-testid="audit-row"
                data-outcome={row.outcome}
                data-audit-id={row.id}
              >
                <span role="cell" onClick={(event) => event.stopPropagation()}>
                  {row.outcome === 'failed' && (!row.later || row.later.outcome === 'failed') && (
                    <input
                      type="checkbox"
                      aria-label={`Select ${row.sourceKey} for replay`}
                      checked={checked.includes(row.id)}
                      onChange={() => onToggle(row.id)}
                      data-testid="audit-check"
                    />
                  )}
                </span>
                <span role="cell">
                  <span className={`tag tag-${outcomeTone[row.outcome]}`}>{row.outcome}</span>
                  {row.later && <LaterTag later={row.later} />}
                </span>
                <span role="cell" className="mono">
                  <button type="button" className="link-button mono" onClick={() => onSelect(row.id)}>
                    {row.sourceKey}
                  </button>
                </span>
                <TargetKeyCell row={row} />
                <span role="cell" className="muted-cell">
                  {row.attempt}
                </span>
                <span
                  role="cell"
                  className={row.outcome === 'failed' ? 'message failed' : 'message'}
                  title={row.errorMessage ?? undefined}
                >
                  {row.errorCode && <code className="error-code">{row.errorCode}</code>}{' '}
                  {row.errorMessage ??
                    (row.diff ? `${row.diff.length} field ${row.diff.length === 1 ? 'change' : 'changes'}` : '')}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** This run's target id; a failed row's id (from an earlier run) is marked as the record that exists, unchanged. */
/** On a failed row: it was replayed (or read again later) since, and how that went. */
function LaterTag({ later }: { later: NonNullable<AuditItem['later']> }) {
  const how = later.trigger === 'replay' ? 'replayed' : 'ran again';
  const failedAgain = later.outcome === 'failed';
  return (
    <span
      className={`tag tag-${failedAgain ? 'danger' : 'ok'} later-tag`}
      title={`${how === 'replayed' ? 'Replayed' : 'Read again'} in run ${later.runId}: ${later.outcome}`}
      data-testid="audit-later"
      data-outcome={later.outcome}
    >
      {failedAgain ? `${how}, failed again` : `${how} ✓`}
    </span>
  );
}

function TargetKeyCell({ row }: { row: RecordAudit }) {
  const key = targetKeyOf(row);
  if (key.existing)
    return (
      <span
        role="cell"
        className="muted-cell existing-key"
        title={`Not written in this run. The target already holds this record as ${key.existing} (from an earlier run) and keeps its previous values.`}
        data-testid="audit-target-key"
        data-kind="existing"
      >
        existing <span className="mono">{shortKey(key.existing)}</span>
      </span>
    );
  return (
    <span
      role="cell"
      className="mono muted-cell"
      data-testid="audit-target-key"
      data-kind={key.written ? 'written' : 'none'}
    >
      {key.written ?? '—'}
    </span>
  );
}

/** Target ids of one org share long prefixes (Zoho's `41508680000…`): the end tells records apart. */
function shortKey(key: string): string {
  return key.length > 10 ? `…${key.slice(-6)}` : key;
}
