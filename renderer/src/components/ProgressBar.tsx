import './components.css';

/**
 * `value` from 0 to 1; `null` when the total is unknown (the bar shows activity,
 * not a made-up percentage).
 */
export function ProgressBar({
  value,
  label,
  tone = 'accent',
  testId,
}: {
  value: number | null;
  label: string;
  tone?: 'accent' | 'danger' | 'ok';
  testId?: string;
}) {
  const percent = value === null ? undefined : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className={`progress progress-${tone}${percent === undefined ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      data-testid={testId}
    >
      <div className="progress-fill" style={percent === undefined ? undefined : { width: `${percent}%` }} />
    </div>
  );
}
