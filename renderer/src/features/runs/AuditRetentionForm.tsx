import type { MethodInput } from '../../../../shared/api/contract';

/* The retention form without the API (tests render it alone; AuditRetention gives it state). */

type RetentionInput = MethodInput<'audit.retention'>;

/**
 * The form's text as the `audit.retention` input, or what is wrong with it: days 1–3650; an empty size
 * cap removes the cap.
 */
export function retentionInput(daysText: string, maxMbText: string): RetentionInput | { error: string } {
  const days = Number(daysText);
  if (!/^\d+$/.test(daysText.trim()) || days < 1 || days > 3650)
    return { error: 'Keep audit rows for 1 to 3650 days.' };
  if (maxMbText.trim() === '') return { days, maxMb: null };
  const maxMb = Number(maxMbText);
  if (!/^\d+$/.test(maxMbText.trim()) || maxMb < 1)
    return { error: 'The size cap is a whole number of MB (or empty).' };
  return { days, maxMb };
}

export function AuditRetentionForm(props: {
  days: string;
  maxMb: string;
  message?: string;
  setDays(value: string): void;
  setMaxMb(value: string): void;
  save(): void;
}) {
  return (
    <details className="panel audit-retention" data-testid="audit-retention">
      <summary>Audit retention</summary>
      <div className="toolbar">
        <label className="form-field">
          <span>Keep audit rows (days)</span>
          <input
            className="input"
            inputMode="numeric"
            value={props.days}
            onChange={(event) => props.setDays(event.target.value)}
            data-testid="retention-days"
          />
        </label>
        <label className="form-field">
          <span>Size cap (MB, empty = none)</span>
          <input
            className="input"
            inputMode="numeric"
            value={props.maxMb}
            placeholder="none"
            onChange={(event) => props.setMaxMb(event.target.value)}
            data-testid="retention-max-mb"
          />
        </label>
        <button type="button" className="button small" onClick={props.save} data-testid="retention-save">
          Save
        </button>
      </div>
      <p className="muted">
        Applied hourly and after each run; the oldest rows go first. Failed records keep theirs until replayed.
      </p>
      {props.message && (
        <p role="status" data-testid="retention-message">
          {props.message}
        </p>
      )}
    </details>
  );
}
