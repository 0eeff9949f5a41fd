import type { Run } from '../../../../shared/domain/run';
import { formatDateTime, formatNumber } from '../../components/format';

const width = 960;
const height = 170;
const padding = { top: 12, right: 12, bottom: 26, left: 44 };

/**
 * Records and failures per run, oldest on the left: stacked bars of written
 * (created + updated), unchanged/skipped and failed. A small SVG of our own;
 * a bar is a button that opens its run.
 */
export function RunHistoryChart({
  runs,
  selectedId,
  onSelect,
}: {
  runs: Run[];
  selectedId?: string;
  onSelect(run: Run): void;
}) {
  const shown = [...runs].slice(0, 60).reverse();
  if (shown.length === 0) return null;
  const max = Math.max(1, ...shown.map((run) => run.counters.read));
  const innerWidth = width - padding.left - padding.right;
  const innerHeight = height - padding.top - padding.bottom;
  const slot = innerWidth / Math.max(shown.length, 12);
  const bar = Math.max(4, Math.min(28, slot * 0.7));
  const y = (value: number) => (value / max) * innerHeight;
  const ticks = [0, 0.5, 1].map((fraction) => Math.round(max * fraction));
  const totals = shown.reduce(
    (sum, run) => ({ read: sum.read + run.counters.read, failed: sum.failed + run.counters.failed }),
    { read: 0, failed: 0 },
  );

  return (
    <figure className="run-chart panel" data-testid="run-chart">
      <figcaption>
        <strong>Records per run</strong>
        <span className="muted">
          last {shown.length} runs · {formatNumber(totals.read)} records · {formatNumber(totals.failed)} failed
        </span>
        <span className="chart-legend">
          <span className="legend-item written">written</span>
          <span className="legend-item unchanged">unchanged / skipped</span>
          <span className="legend-item failed">failed</span>
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Bar chart of records and failures for the last ${shown.length} runs`}
        preserveAspectRatio="none"
      >
        {ticks.map((tick) => (
          <g key={tick} className="chart-grid">
            <line
              x1={padding.left}
              x2={width - padding.right}
              y1={padding.top + innerHeight - y(tick)}
              y2={padding.top + innerHeight - y(tick)}
            />
            <text x={padding.left - 8} y={padding.top + innerHeight - y(tick) + 4} textAnchor="end">
              {formatNumber(tick)}
            </text>
          </g>
        ))}
        {shown.map((run, index) => {
          const x = padding.left + index * slot + (slot - bar) / 2;
          const written = run.counters.created + run.counters.updated;
          const quiet = run.counters.unchanged + run.counters.skipped;
          const failed = run.counters.failed;
          let base = padding.top + innerHeight;
          const segment = (value: number, className: string) => {
            const h = y(value);
            base -= h;
            // Small counts stay visible next to big ones: a few failures among thousands matter most.
            const shownHeight = Math.max(h, className === 'failed' ? 4 : 2);
            if (shownHeight > h) base -= shownHeight - h;
            return value > 0 ? (
              <rect className={className} x={x} y={base} width={bar} height={shownHeight} rx={2} />
            ) : null;
          };
          return (
            <g
              key={run.id}
              className={`chart-bar${run.id === selectedId ? ' selected' : ''}`}
              role="button"
              tabIndex={0}
              aria-label={`Run of ${formatDateTime(run.startedAt)}: ${run.counters.read} read, ${failed} failed`}
              onClick={() => onSelect(run)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' || event.key === ' ') onSelect(run);
              }}
              data-testid="chart-bar"
            >
              <title>{`${formatDateTime(run.startedAt)} · ${run.status}${run.dryRun ? ' (dry run)' : ''}\n${run.counters.read} read · ${written} written · ${quiet} unchanged/skipped · ${failed} failed`}</title>
              <rect
                className="bar-hit"
                x={padding.left + index * slot}
                y={padding.top}
                width={slot}
                height={innerHeight}
              />
              {run.counters.read === 0 && (
                <rect className="empty" x={x} y={padding.top + innerHeight - 1.5} width={bar} height={1.5} />
              )}
              {segment(written, run.dryRun ? 'written dry' : 'written')}
              {segment(quiet, 'unchanged')}
              {segment(failed, 'failed')}
            </g>
          );
        })}
        <text className="chart-axis" x={padding.left} y={height - 6}>
          {formatDateTime(shown[0]!.startedAt)}
        </text>
        <text className="chart-axis" x={width - padding.right} y={height - 6} textAnchor="end">
          {formatDateTime(shown[shown.length - 1]!.startedAt)}
        </text>
      </svg>
    </figure>
  );
}
