import { systemLabels } from '../../../../shared/domain/connection';
import { ErrorPanel } from '../../components/StateViews';
import { useConnections } from './connections.instance';
import { SystemMark } from './SystemMark';

export function SandboxButton({ quiet }: { quiet?: boolean }) {
  const state = useConnections((store) => store.workspace.state);
  const openWorkspace = useConnections((store) => store.openWorkspace);
  return (
    <button
      type="button"
      className={quiet ? 'button' : 'button sandbox-button'}
      onClick={() => void openWorkspace()}
      disabled={state === 'opening'}
      data-testid="open-sandbox"
      title="Start simulators of all six systems on 127.0.0.1 and connect to them"
    >
      {state === 'opening' ? 'Starting simulators…' : 'Open sandbox workspace'}
    </button>
  );
}

/** Where the simulators run; their control API (`/__sandbox/`) sits on the same URLs. */
export function SandboxPanel() {
  const workspace = useConnections((store) => store.workspace);
  if (workspace.state === 'error' && workspace.error)
    return <ErrorPanel title="The sandbox did not start" error={workspace.error} testId="sandbox-error" />;
  if (workspace.simulators.length === 0) return null;
  const summary = workspace.summary;
  return (
    <details className="panel sandbox-panel" data-testid="sandbox-panel">
      <summary>
        <span className="live-dot" aria-hidden="true" />
        <strong>Sandbox running</strong>
        <span className="muted">
          {workspace.simulators.length} simulators on 127.0.0.1
          {summary && ` · ${summary.created} connections created, ${summary.reused} reused`}
        </span>
      </summary>
      <ul className="sandbox-list">
        {workspace.simulators.map((simulator) => (
          <li key={simulator.system}>
            <SystemMark system={simulator.system} small />
            <span>{systemLabels[simulator.system]}</span>
            <code data-testid={`sandbox-url-${simulator.system}`}>{simulator.url}</code>
          </li>
        ))}
      </ul>
      <p className="muted small-print">
        Each simulator's control API lives under <code>/__sandbox/</code> on its URL: stats, faults, quotas and the
        clock. The simulators stop when the app closes.
      </p>
    </details>
  );
}
