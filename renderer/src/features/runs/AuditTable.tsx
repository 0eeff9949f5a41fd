import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { RecordAudit } from '../../../../shared/domain/run';

const outcomeTone: Record<RecordAudit['outcome'], string> = { created: 'ok', updated: 'accent', unchanged: 'neutral', skipped: 'neutral', failed: 'danger' };

/** The audit rows of one page, virtualised; failed rows can be ticked for replay. */
export function AuditTable({
  rows,
  selectedId,
  checked,
  onSelect,
  onToggle,
}: {
  rows: RecordAudit[];
  selectedId?: number;
  checked: number[];
  onSelect(id: number): void;
  onToggle(id: number): void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => 36, overscan: 16, getItemKey: (index) => rows[index]!.id });
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
                  {row.outcome === 'failed' && (
                    <input type="checkbox" aria-label={`Select ${row.sourceKey} for replay`} checked={checked.includes(row.id)} onChange={() => onToggle(row.id)} data-testid="audit-check" />
                  )}
                </span>
                <span role="cell">
                  <span className={`tag tag-${outcomeTone[row.outcome]}`}>{row.outcome}</span>
                </span>
                <span role="cell" className="mono">
                  <button type="button" className="link-button mono" onClick={() => onSelect(row.id)}>
                    {row.sourceKey}
                  </button>
                </span>
                <span role="cell" className="mono muted-cell">{row.targetKey ?? '—'}</span>
                <span role="cell" className="muted-cell">{row.attempt}</span>
                <span role="cell" className={row.outcome === 'failed' ? 'message failed' : 'message'} title={row.errorMessage ?? undefined}>
                  {row.errorCode && <code className="error-code">{row.errorCode}</code>} {row.errorMessage ?? (row.diff ? `${row.diff.length} field ${row.diff.length === 1 ? 'change' : 'changes'}` : '')}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
