import { connectionTestTimeoutMs, type ConnectionTestResult } from '../../../../shared/api/connectors.contract';
import { formatDuration, formatNumber, formatRelative } from '../../components/format';
import type { TestState } from './connections.store';

/* What the last connection test said, as the card shows it. */

export function TestOutcome({ test, onCancel }: { test?: TestState; onCancel(): void }) {
  if (!test)
    return (
      <p className="test-outcome muted" data-testid="test-outcome" data-state="untested">
        Not tested yet.
      </p>
    );
  if (test.state === 'running')
    return (
      <div className="test-outcome test-running muted" data-testid="test-outcome" data-state="running" role="status">
        <span>
          <span className="spinner small" aria-hidden="true" />
          {test.cancelling
            ? 'Cancelling…'
            : `Signing in and reading a sample (gives up after ${connectionTestTimeoutMs / 1000} s)…`}
        </span>
        <button
          type="button"
          className="button small"
          onClick={onCancel}
          disabled={test.cancelling}
          data-testid="cancel-test"
        >
          Cancel
        </button>
      </div>
    );
  if (test.state === 'error') return <TestFailure code={test.error.code} message={test.error.message} />;
  const result = test.result;
  if (!result.ok && result.error?.code === 'E_NET_CANCELLED')
    return (
      <div className="test-outcome test-cancelled" data-testid="test-outcome" data-state="cancelled" role="status">
        <strong>Test cancelled</strong>
        <span className="muted">
          after {formatDuration(result.latencyMs / 1000)}; nothing was changed. Test again when the network is back.
        </span>
      </div>
    );
  if (!result.ok)
    return (
      <TestFailure
        code={result.error?.code ?? 'E_REMOTE'}
        message={result.error?.message ?? 'The test failed without a message.'}
        latencyMs={result.latencyMs}
      />
    );
  return (
    <div className="test-outcome test-ok" data-testid="test-outcome" data-state="ok" role="status">
      <strong>Connected in {formatDuration(result.latencyMs / 1000)}</strong>
      <ul>
        {result.tenant && (
          <li>
            Tenant <b>{result.tenant}</b>
          </li>
        )}
        {result.identity && (
          <li>
            As <b title={result.identity}>{result.identity}</b>
          </li>
        )}
        {result.variant && <li>{describeVariant(result)}</li>}
        {result.tokenLifetimeSeconds !== undefined && (
          <li>Token valid {formatDuration(result.tokenLifetimeSeconds)}</li>
        )}
        {result.sampleCount !== undefined && (
          <li>
            Read {formatNumber(result.sampleCount)} sample {result.sampleEntity ?? 'records'}
          </li>
        )}
        {result.callCount !== undefined && <li>{result.callCount} API calls</li>}
        <li className="muted">{formatRelative(test.at)}</li>
      </ul>
    </div>
  );
}

function describeVariant(result: ConnectionTestResult): string {
  const variant = result.variant ?? '';
  const known: Record<string, string> = { m3: 'M3', csi: 'CSI', ln: 'LN', fsm: 'FSM' };
  return known[variant] ? `Product line ${known[variant]}` : variant;
}

function TestFailure({ code, message, latencyMs }: { code: string; message: string; latencyMs?: number }) {
  return (
    <div className="test-outcome test-failed" data-testid="test-outcome" data-state="failed" role="alert">
      <strong>
        Test failed <code className="error-code">{code}</code>
      </strong>
      <p>{message}</p>
      {latencyMs !== undefined && <span className="muted">after {formatDuration(latencyMs / 1000)}</span>}
    </div>
  );
}
