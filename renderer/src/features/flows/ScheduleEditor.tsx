import { useEffect, useMemo, useState } from 'react';
import { Segmented } from '../../components/Segmented';
import { formatDateTime } from '../../components/format';
import { scheduleFromDraft, type DraftErrors, type IntervalUnit, type ScheduleDraft } from './flow-draft';
import { flowsStore } from './flows.instance';
import type { SchedulePreview } from './flows.store';
import type { ErrorInfo } from '../../../../shared/errors';

const zones = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
})();

/** Manual, cron or interval, in plain words with the next five run times from the backend's scheduler. */
export function ScheduleEditor({
  value,
  onChange,
  errors,
}: {
  value: ScheduleDraft;
  onChange(next: ScheduleDraft): void;
  errors: DraftErrors;
}) {
  const [preview, setPreview] = useState<SchedulePreview | ErrorInfo | undefined>();
  const built = useMemo(() => scheduleFromDraft(value), [value]);
  const patch = (next: Partial<ScheduleDraft>) => onChange({ ...value, ...next });

  useEffect(() => {
    // A preview of the previous schedule must not stand for this one while the new one is asked for.
    setPreview(undefined);
    if (!built.schedule) return;
    let live = true;
    // Let the user finish typing a cron expression before asking.
    const timer = setTimeout(() => {
      void flowsStore
        .getState()
        .preview(built.schedule!)
        .then((result) => live && setPreview(result));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [built.schedule]);

  const previewError = built.error ?? (preview && 'code' in preview ? preview : undefined);
  const shownZone = built.schedule && built.schedule.kind !== 'manual' ? built.schedule.timeZone : undefined;
  const previewOk = preview && !('code' in preview) ? preview : undefined;

  return (
    <fieldset className="schedule-editor" data-testid="schedule-editor">
      <legend>Schedule</legend>
      <Segmented
        label="Schedule kind"
        value={value.kind}
        onChange={(kind) => patch({ kind })}
        testId="schedule-kind"
        options={[
          { value: 'manual', label: 'Manual' },
          { value: 'interval', label: 'Every …' },
          { value: 'cron', label: 'Cron' },
        ]}
      />
      {value.kind === 'interval' && (
        <div className="schedule-row">
          <label className="form-field">
            <span>Every</span>
            <input
              className="input narrow"
              inputMode="numeric"
              value={value.every}
              onChange={(event) => patch({ every: event.target.value })}
              aria-invalid={errors.every ? true : undefined}
              data-testid="schedule-every"
            />
          </label>
          <label className="form-field">
            <span>Unit</span>
            <select
              className="select"
              value={value.unit}
              onChange={(event) => patch({ unit: event.target.value as IntervalUnit })}
              data-testid="schedule-unit"
            >
              <option value="minutes">minutes</option>
              <option value="hours">hours</option>
              <option value="days">days</option>
            </select>
          </label>
          <TimeZoneInput
            value={value.timeZone}
            invalid={built.error?.field === 'timeZone'}
            onChange={(timeZone) => patch({ timeZone })}
          />
        </div>
      )}
      {value.kind === 'cron' && (
        <div className="schedule-row">
          <label className="form-field grow">
            <span>Cron expression</span>
            <input
              className="input mono"
              value={value.cron}
              spellCheck={false}
              onChange={(event) => patch({ cron: event.target.value })}
              aria-invalid={errors.cron || built.error?.field === 'cron' || previewError ? true : undefined}
              data-testid="schedule-cron"
            />
            <small>
              minute hour day-of-month month day-of-week, e.g. <code>0 6 * * 1-5</code>
            </small>
          </label>
          <TimeZoneInput
            value={value.timeZone}
            invalid={built.error?.field === 'timeZone'}
            onChange={(timeZone) => patch({ timeZone })}
          />
        </div>
      )}
      {(errors.every || errors.cron) && !built.error && <p className="field-error">{errors.every ?? errors.cron}</p>}
      <div className="schedule-preview" data-testid="schedule-preview" aria-live="polite">
        {value.kind === 'manual' ? (
          <p className="muted">Runs only when you press Run now (or a flow it follows in a pass runs).</p>
        ) : previewError ? (
          <p className="field-error" data-testid="schedule-preview-error">
            {previewError.message}
          </p>
        ) : previewOk ? (
          <>
            <p className="schedule-words" data-testid="schedule-words">
              {previewOk.description}
            </p>
            <p className="muted small" data-testid="schedule-next-zone">
              Next runs, in {shownZone ?? 'UTC'} time:
            </p>
            <ol className="next-runs" data-testid="schedule-next">
              {previewOk.next.map((stamp) => (
                <li key={stamp}>{formatDateTime(stamp, { timeZone: shownZone, seconds: false })}</li>
              ))}
            </ol>
          </>
        ) : (
          <p className="muted">Working out the next runs…</p>
        )}
      </div>
    </fieldset>
  );
}

function TimeZoneInput({
  value,
  invalid,
  onChange,
}: {
  value: string;
  invalid: boolean;
  onChange(value: string): void;
}) {
  return (
    <label className="form-field">
      <span>Time zone</span>
      <input
        className="input"
        list="mlc-time-zones"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={invalid ? true : undefined}
        data-testid="schedule-timezone"
      />
      <datalist id="mlc-time-zones">
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
    </label>
  );
}
