import { useEffect, useRef, useState } from 'react';
import { tenantCheckMarks, type TenantCheckReport } from '../../../../shared/connectors/infor-check';
import type { ErrorInfo } from '../../../../shared/errors';
import { formatRelative } from '../../components/format';

export type TenantCheckAnswer = { report: TenantCheckReport | null } | { error: ErrorInfo };

/**
 * "Check tenant" on an Infor card: runs the read-only tenant check and shows its last report, one
 * line per probe with its mark, and the settings it chose (already applied to the connection). The
 * report is stored with the connection, so it is loaded again when the card mounts.
 */
export function TenantCheck({
  connectionId,
  load,
  run,
}: {
  connectionId: string;
  load(): Promise<TenantCheckAnswer>;
  run(): Promise<TenantCheckAnswer>;
}) {
  const [report, setReport] = useState<TenantCheckReport | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  // Loaded once per connection, not on every render of the card (the callbacks are new each time).
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    let live = true;
    void loader.current().then((answer) => {
      // A check run meanwhile wins over the stored one.
      if (live && 'report' in answer) setReport((shown) => shown ?? answer.report);
    });
    return () => {
      live = false;
    };
  }, [connectionId]);
  const check = async () => {
    setRunning(true);
    const answer = await run();
    setRunning(false);
    if ('error' in answer) setError(answer.error);
    else {
      setError(undefined);
      setReport(answer.report);
    }
  };
  const chosen = report ? Object.entries(report.settingsChosen) : [];
  return (
    <section className="tenant-check" data-testid="tenant-check" aria-label="Tenant check">
      <div className="tenant-check-head">
        <button
          type="button"
          className="button small"
          onClick={() => void check()}
          disabled={running}
          data-testid="check-tenant"
          title="Read-only probes of what the connector assumes about this tenant"
        >
          {running ? 'Checking…' : 'Check tenant'}
        </button>
        {report && (
          <span className="muted" data-testid="tenant-check-when">
            checked {formatRelative(report.checkedAt)}
          </span>
        )}
      </div>
      {error && (
        <p className="inline-warning" role="alert" data-testid="tenant-check-error">
          {error.message}
        </p>
      )}
      {report && (
        <>
          <ul className="tenant-check-list" data-testid="tenant-check-report">
            {report.probes.map((probe) => (
              <li key={probe.id} data-testid="tenant-check-probe" data-probe={probe.id} data-status={probe.status}>
                <span className={`tenant-check-mark ${probe.status}`} aria-label={probe.status}>
                  {tenantCheckMarks[probe.status]}
                </span>
                <span className="tenant-check-title" title={probe.observed}>
                  {probe.title}
                </span>
                <span className="tenant-check-observed muted">{probe.observed}</span>
              </li>
            ))}
          </ul>
          <p className="tenant-check-settings" data-testid="tenant-check-settings">
            Settings chosen:{' '}
            {chosen.length > 0 ? (
              chosen.map(([key, value]) => `${key} = ${value}`).join(', ')
            ) : (
              <span className="muted">none</span>
            )}
          </p>
        </>
      )}
    </section>
  );
}
