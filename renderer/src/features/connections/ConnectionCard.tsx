import type { ErrorInfo } from '../../../../shared/errors';
import { systemLabels, type Connection } from '../../../../shared/domain/connection';
import { Badge } from '../../components/StateViews';
import { systemSpec } from '../../../../shared/systems/catalog';
import type { SignInState, TestState } from './connections.store';
import { SystemMark } from './SystemMark';
import { InforM3Settings } from './InforM3Settings';
import { InforM3Templates } from './InforM3Templates';
import { TenantCheck, type TenantCheckAnswer } from './TenantCheck';

import { CsiSiteChoice } from './CsiSiteChoice';
import { SignInRow, signInOffered } from './SignInRow';
import { TestOutcome } from './TestOutcome';

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
          <>
            <InforM3Settings connection={connection} onSettings={onSettings} />
            <InforM3Templates connection={connection} onSettings={onSettings} />
          </>
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
