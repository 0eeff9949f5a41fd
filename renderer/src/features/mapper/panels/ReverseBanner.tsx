import { useState } from 'react';
import type { ReverseReport } from '../../flows/reverse-flow';

/**
 * Over the canvas of a mapping "Reverse flow" just made: how many fields were turned round, and
 * each one that was not with the reason, so the analyst maps those by hand (or leaves them).
 */
export function ReverseBanner({ report }: { report: ReverseReport }) {
  const [open, setOpen] = useState(true);
  const missed = report.notInverted.length;
  const noted = report.inverted.filter((field) => field.note);
  const summary =
    missed === 0
      ? `All ${report.total} fields of “${report.forwardFlow}” were turned round.`
      : `${missed} of ${report.total} fields could not be inverted.`;
  return (
    <div
      className={`banner ${missed > 0 ? 'banner-warn' : 'banner-ok'} reverse-banner`}
      role="status"
      data-testid="reverse-report"
      data-inverted={report.inverted.length}
      data-not-inverted={missed}
    >
      <div className="banner-body">
        <strong>
          Reverse of “{report.forwardFlow}” · matches on {report.matchKey.join(' + ')} · {summary}
        </strong>
        {open && (missed > 0 || noted.length > 0) && (
          <ul className="reverse-list" data-testid="not-inverted">
            {report.notInverted.map((field) => (
              <li key={field.field} data-testid="not-inverted-field" data-field={field.field}>
                <code>{field.field}</code> — {field.reason}
              </li>
            ))}
            {noted.map((field) => (
              <li key={`note-${field.from}`} className="muted" data-testid="inverted-note" data-field={field.from}>
                <code>{field.from}</code> → <code>{field.to}</code>: {field.note}
              </li>
            ))}
          </ul>
        )}
      </div>
      {(missed > 0 || noted.length > 0) && (
        <button
          type="button"
          className="button small ghost"
          onClick={() => setOpen(!open)}
          data-testid="reverse-toggle"
        >
          {open ? 'Hide' : 'Show'}
        </button>
      )}
    </div>
  );
}
