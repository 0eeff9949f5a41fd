import { useState } from 'react';
import { connectionTestTimeoutMs, type ConnectionTestResult } from '../../../../shared/api/connectors.contract';
import type { ErrorInfo } from '../../../../shared/errors';
import { systemLabels, type Connection } from '../../../../shared/domain/connection';
import { Badge } from '../../components/StateViews';
import { formatDuration, formatNumber, formatRelative } from '../../components/format';
import { systemSpec } from '../../../../shared/systems/catalog';
import type { SignInState, TestState } from './connections.store';
import { SystemMark } from './SystemMark';
import { InforM3Settings } from './InforM3Settings';
import { TenantCheck, type TenantCheckAnswer } from './TenantCheck';

/** Infor settings chosen on the card: the CSI site, the LN company, a confirmed gateway. */
export type InforChoice = Partial<Record<'mongooseConfig' | 'csiSite' | 'lnCompany' | 'iu', string>> & {
  gatewayProposed?: boolean;
};

const productLines = [
  { value: 'm3', label: 'M3' },
  { value: 'csi', label: 'CloudSuite Industrial (CSI)' },
  { value: 'ln', label: 'LN' },
  { value: 'fsm', label: 'Financials & Supply (FSM)' },
] as const;
type ProductLine = (typeof productLines)[number]['value'];

/** Settings worth a glance, in the order an analyst looks for them. */
const summaryKeys: Array<[string, string]> = [
  ['tenant', 'Tenant'],
  ['dataCentre', 'Data centre'],
  ['environment', 'Environment'],
  ['subdomain', 'Subdomain'],
  ['myDomainUrl', 'My Domain'],
  ['orgUrl', 'Environment URL'],
  ['iu', 'Gateway'],
  ['apiDomain', 'API'],
  ['baseUrl', 'API'],
];

function settingsSummary(connection: Connection): Array<[string, string]> {
  const seen = new Set<string>();
  const rows: Array<[string, string]> = [];
  for (const [key, label] of summaryKeys) {
    const value = connection.settings[key];
    if (value === undefined || value === null || value === '' || seen.has(label)) continue;
    seen.add(label);
    rows.push([label, String(value)]);
  }
  return rows.slice(0, 3);
}

export function ConnectionCard({
  connection,
  test,
  onTest,
  onCancelTest,
  onBrowse,
  onEdit,
  onRemove,
  onProductLine,
  onSettings,
  onListConfigurations,
  onInforChoice,
  onTenantCheck,
  signIn,
  onSignIn,
  onCancelSignIn,
}: {
  connection: Connection;
  test?: TestState;
  /** The browser sign-in this window started for the connection, if any. */
  signIn?: SignInState;
  onSignIn?: () => void;
  onCancelSignIn?: () => void;
  onTest(): void;
  onCancelTest(): void;
  onBrowse(): void;
  onEdit?: () => void;
  onRemove(): void;
  onProductLine(productLine: ProductLine): void;
  /** Saves settings edited on the card (Infor M3 company and division). */
  onSettings?: (settings: Record<string, string>) => void;
  /** Infor CSI: lists the server's configurations for the picker. */
  onListConfigurations?: () => Promise<{ configurations: string[] } | { error: ErrorInfo }>;
  /** Infor: saves a CSI configuration/site or an LN company chosen on the card. */
  onInforChoice?: (choice: InforChoice) => void;
  /** Infor: the stored tenant check (`load`) and a new run (`run`). */
  onTenantCheck?: { load(): Promise<TenantCheckAnswer>; run(): Promise<TenantCheckAnswer> };
}) {
  const isInfor = connection.system === 'infor';
  const productLine = String(connection.settings.productLine ?? 'm3') as ProductLine;
  const undetected =
    isInfor &&
    !connection.sandbox &&
    connection.settings.productLineDetected !== true &&
    connection.settings.productLineChosen !== true;
  return (
    <article
      className="connection-card"
      data-testid="connection-card"
      data-system={connection.system}
      data-connection-id={connection.id}
      aria-label={connection.name}
    >
      <header className="connection-card-head">
        <SystemMark system={connection.system} />
        <div className="connection-title">
          <h3 data-testid="connection-name">{connection.name}</h3>
          <span className="muted">{systemLabels[connection.system]}</span>
        </div>
        <div className="connection-tags">
          {connection.sandbox && <Badge tone="accent">sandbox</Badge>}
          {test?.state === 'done' && test.result.ok && <Badge tone="ok">connected</Badge>}
          {((test?.state === 'done' && !test.result.ok && test.result.error?.code !== 'E_NET_CANCELLED') ||
            test?.state === 'error') && <Badge tone="danger">failing</Badge>}
        </div>
      </header>

      <dl className="kv connection-settings">
        {settingsSummary(connection).map(([label, value]) => (
          <div key={label} className="kv-row">
            <dt>{label}</dt>
            <dd title={value}>{value}</dd>
          </div>
        ))}
        {isInfor && (
          <div className="kv-row">
            <dt>Product line</dt>
            <dd>
              <select
                className="select select-inline"
                aria-label="Product line"
                value={productLine}
                onChange={(event) => onProductLine(event.target.value as ProductLine)}
                data-testid="product-line"
              >
                {productLines.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
              {undetected && (
                <span className="inline-warning" data-testid="product-line-undetected">
                  Not detected yet — the first successful test detects it, or pick the one your tenant runs
                </span>
              )}
            </dd>
          </div>
        )}
        {isInfor && productLine === 'm3' && onSettings && (
          <InforM3Settings connection={connection} onSettings={onSettings} />
        )}
        {isInfor && connection.settings.gatewayProposed === true && onInforChoice && (
          <div className="kv-row">
            <dt>Gateway</dt>
            <dd>
              <input
                className="input input-inline"
                aria-label="ION API gateway URL"
                defaultValue={String(connection.settings.iu ?? '')}
                onBlur={(event) => onInforChoice({ iu: event.target.value.trim(), gatewayProposed: false })}
                data-testid="gateway-url"
              />
              <span className="inline-warning" data-testid="gateway-proposed">
                The file names no gateway (iu): this one was proposed from its sign-in server. Check it and confirm.
              </span>
            </dd>
          </div>
        )}
        {isInfor && productLine === 'csi' && onListConfigurations && onInforChoice && (
          <CsiSiteChoice connection={connection} list={onListConfigurations} choose={onInforChoice} />
        )}
        {isInfor && productLine === 'ln' && onInforChoice && (
          <div className="kv-row">
            <dt>LN company</dt>
            <dd>
              <input
                className="input input-inline"
                aria-label="LN company"
                inputMode="numeric"
                placeholder="the user's default"
                defaultValue={String(connection.settings.lnCompany ?? '')}
                onBlur={(event) => {
                  const value = event.target.value.trim();
                  if (value !== String(connection.settings.lnCompany ?? '')) onInforChoice({ lnCompany: value });
                }}
                data-testid="ln-company"
              />
            </dd>
          </div>
        )}
        <div className="kv-row">
          <dt>Credentials</dt>
          <dd data-testid="connection-secrets">
            {connection.secretsSet.length > 0 ? (
              connection.secretsSet.map((slot) => (
                <span key={slot} className="secret-slot">
                  {slot} <em>set</em>
                </span>
              ))
            ) : (
              <span className="muted">none stored</span>
            )}
          </dd>
        </div>
      </dl>

      {signInOffered(connection) && onSignIn && (
        <SignInRow
          label={systemSpec(connection.system).signIn!.label}
          signIn={signIn}
          onSignIn={onSignIn}
          onCancel={onCancelSignIn}
        />
      )}
      <TestOutcome test={test} onCancel={onCancelTest} />
      {isInfor && onTenantCheck && (
        <TenantCheck connectionId={connection.id} load={onTenantCheck.load} run={onTenantCheck.run} />
      )}

      <footer className="connection-actions">
        <button
          type="button"
          className="button small primary"
          onClick={onTest}
          disabled={test?.state === 'running'}
          data-testid="test-connection"
        >
          {test?.state === 'running' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="button small" onClick={onBrowse} data-testid="browse-schema">
          Browse schema
        </button>
        {onEdit && (
          <button type="button" className="button small ghost" onClick={onEdit} data-testid="edit-connection">
            Edit
          </button>
        )}
        <span className="grow" />
        <button type="button" className="button small ghost danger" onClick={onRemove} data-testid="remove-connection">
          Remove
        </button>
      </footer>
    </article>
  );
}

/**
 * A multi-site CSI tenant lists several configurations, each a site with its own data: the person
 * picks one (reads stop and name them until then). The list comes from the server on request.
 */
function CsiSiteChoice({
  connection,
  list,
  choose,
}: {
  connection: Connection;
  list: () => Promise<{ configurations: string[] } | { error: ErrorInfo }>;
  choose: (choice: Partial<Record<'mongooseConfig' | 'csiSite', string>>) => void;
}) {
  const current = String(connection.settings.mongooseConfig ?? '');
  const [options, setOptions] = useState<string[] | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ErrorInfo | undefined>();
  const load = async () => {
    setLoading(true);
    const result = await list();
    setLoading(false);
    if ('error' in result) setError(result.error);
    else {
      setError(undefined);
      setOptions(result.configurations);
    }
  };
  const choices = options ?? (current ? [current] : []);
  return (
    <>
      <div className="kv-row">
        <dt>Configuration</dt>
        <dd>
          <select
            className="select select-inline"
            aria-label="CSI configuration"
            value={current}
            onChange={(event) => choose({ mongooseConfig: event.target.value })}
            data-testid="csi-configuration"
          >
            <option value="">{current ? 'Not chosen' : 'Not chosen — list the sites'}</option>
            {choices.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button small ghost"
            onClick={() => void load()}
            disabled={loading}
            data-testid="list-csi-configurations"
          >
            {loading ? 'Listing…' : 'List sites'}
          </button>
          {error && (
            <span className="inline-warning" role="alert" data-testid="csi-configurations-error">
              {error.message}
            </span>
          )}
        </dd>
      </div>
      <div className="kv-row">
        <dt>Site</dt>
        <dd>
          <input
            className="input input-inline"
            aria-label="CSI site"
            placeholder="not sent"
            defaultValue={String(connection.settings.csiSite ?? '')}
            onBlur={(event) => {
              const value = event.target.value.trim();
              if (value !== String(connection.settings.csiSite ?? '')) choose({ csiSite: value });
            }}
            data-testid="csi-site"
          />
        </dd>
      </div>
    </>
  );
}

function signInOffered(connection: Connection): boolean {
  const offer = systemSpec(connection.system).signIn;
  return offer !== undefined && (offer.available?.(connection.settings) ?? true);
}

/**
 * The browser sign-in: the button opens the system's sign-in page in the browser;
 * the card waits for the loopback redirect (5 minutes at most) and says how it went.
 */
function SignInRow({
  label,
  signIn,
  onSignIn,
  onCancel,
}: {
  label: string;
  signIn?: SignInState;
  onSignIn(): void;
  onCancel?: () => void;
}) {
  const busy = signIn?.state === 'starting' || signIn?.state === 'waiting';
  return (
    <div className="sign-in-row" data-testid="sign-in" data-state={signIn?.state ?? 'idle'} role="status">
      <button type="button" className="button small" onClick={onSignIn} disabled={busy} data-testid="sign-in-button">
        {label}
      </button>
      {busy && (
        <>
          <span className="muted">
            <span className="spinner small" aria-hidden="true" /> Waiting for the browser — finish signing in there (up
            to 5 minutes)…
          </span>
          {signIn.state === 'waiting' && onCancel && (
            <button type="button" className="button small ghost" onClick={onCancel} data-testid="sign-in-cancel">
              Cancel
            </button>
          )}
        </>
      )}
      {signIn?.state === 'signedIn' && (
        <span className="sign-in-ok" data-testid="sign-in-outcome">
          Signed in {formatRelative(signIn.at)}; the new refresh token is stored.
        </span>
      )}
      {signIn?.state === 'cancelled' && (
        <span className="muted" data-testid="sign-in-outcome">
          Sign-in cancelled.
        </span>
      )}
      {signIn?.state === 'failed' && (
        <span className="inline-warning" data-testid="sign-in-outcome">
          {signIn.error.message} <code>{signIn.error.code}</code>
        </span>
      )}
    </div>
  );
}

function TestOutcome({ test, onCancel }: { test?: TestState; onCancel(): void }) {
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
