import type { BundleCheck } from '../../../../shared/api/bundles.contract';
import { bundleFileSuffix, legacyBundleFileSuffix } from '../../../../shared/bundle/bundle.schema';
import { useAppStore } from '../../app/app.store';
import { Badge, ErrorPanel, Loading } from '../../components/StateViews';
import { plural } from '../../components/format';
import { Segmented } from '../../components/Segmented';
import { groupProblems } from './bundle-advice';
import type { BundleSummary } from './bundle-summary';
import { BundleSummaryView } from './BundleSummaryView';
import { bundlesStore, useBundles } from './bundles.instance';
import type { ImportResult } from './bundles.store';

/** Reads a picked or dropped file and has the backend check it; nothing is saved before the user confirms. */
export async function checkBundleFile(file: File): Promise<void> {
  await bundlesStore.getState().checkFile(file.name, await file.text());
}

export function BundlePicker({
  primary,
  small,
  label = 'Choose a bundle file…',
}: {
  primary?: boolean;
  small?: boolean;
  label?: string;
}) {
  return (
    <label
      className={`button file-button${primary ? ' primary' : ''}${small ? ' small' : ''}`}
      data-testid="bundle-picker"
    >
      {label}
      <input
        type="file"
        accept={`${bundleFileSuffix},${legacyBundleFileSuffix},.json,application/json`}
        className="visually-hidden"
        data-testid="bundle-input"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void checkBundleFile(file);
        }}
      />
    </label>
  );
}

export function ImportPanel() {
  const state = useBundles((store) => store.import);
  const mode = useBundles((store) => store.connectionsMode);
  const { importChecked, resetImport, setForm } = bundlesStore.getState();

  if (state.state === 'idle')
    return (
      <div className="drop-zone" data-testid="import-empty">
        <div className="empty-icon" aria-hidden="true">
          ⇣
        </div>
        <h2>Drop a bundle here</h2>
        <p className="muted">
          A <code>*{bundleFileSuffix}</code> file exported by ml-connector Studio. It is checked first — content hash,
          format version, no secrets inside, every mapping compiles, samples still give their expected output — and
          nothing is saved until you confirm.
        </p>
        <BundlePicker primary />
      </div>
    );

  if (state.state === 'checking') return <Loading label={`Checking ${state.fileName}…`} testId="import-checking" />;

  const check = 'check' in state ? state.check : undefined;
  const summary = 'summary' in state ? state.summary : undefined;
  const refused = check !== undefined && !check.ok;

  return (
    <div className="bundle-import" data-testid="bundle-import" data-state={refused ? 'refused' : state.state}>
      <div className="toolbar">
        <span className="file-chip mono" data-testid="import-file-name">
          {state.fileName}
        </span>
        <span className="grow" />
        <button type="button" className="button small ghost" onClick={resetImport} data-testid="import-reset">
          Start over
        </button>
        <BundlePicker small label="Choose another file…" />
      </div>

      {state.state === 'error' && (
        <ErrorPanel
          title={check ? 'The import did not finish' : 'The file could not be checked'}
          error={state.error}
          testId="import-error"
        />
      )}
      {check && !check.ok && <Refusal check={check} />}
      {check?.ok && state.state !== 'done' && (
        <div className="banner banner-ok" role="status" data-testid="import-valid">
          <div className="banner-body">
            <strong>Ready to import “{check.name}”</strong>
            <p>
              Content hash intact · format version {check.version}
              {check.migratedFrom !== null && ` (migrated from version ${check.migratedFrom})`} · {check.samples.passed}{' '}
              of {check.samples.passed + check.samples.failed} samples give their expected output.
            </p>
            <Warnings warnings={check.warnings} />
          </div>
        </div>
      )}
      {state.state === 'done' && <ImportDone result={state.result} />}

      {(state.state === 'checked' || state.state === 'importing') && state.check.ok && (
        <div className="panel import-confirm" data-testid="import-confirm">
          <div className="import-confirm-row">
            <div>
              <h2>Import into this workspace</h2>
              <p className="muted">
                Mappings and flows are saved under their own ids: importing the same bundle again updates them in place.
              </p>
            </div>
            <div className="import-options">
              <span className="pane-side">Connections that exist here</span>
              <Segmented
                label="Connections that already exist"
                value={mode}
                onChange={(value) => setForm({ connectionsMode: value })}
                options={[
                  { value: 'keep', label: 'Keep their settings' },
                  { value: 'replace', label: 'Take the bundle’s' },
                ]}
                testId="import-connections-mode"
              />
            </div>
            <button
              type="button"
              className="button primary"
              onClick={() => void importChecked()}
              disabled={state.state === 'importing'}
              data-testid="import-confirm-button"
            >
              {state.state === 'importing' ? 'Importing…' : 'Import bundle'}
            </button>
          </div>
        </div>
      )}

      {summary && <SummaryPanel summary={summary} refused={refused} />}
    </div>
  );
}

function Warnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <ul className="warning-list" data-testid="import-warnings">
      {warnings.map((warning) => (
        <li key={warning}>{warning}</li>
      ))}
    </ul>
  );
}

/** Every problem, grouped by kind, each kind with what to do about it. */
function Refusal({ check }: { check: BundleCheck }) {
  const groups = groupProblems(check.problems);
  return (
    <div className="panel refusal" role="alert" data-testid="import-refused">
      <div className="refusal-head">
        <div>
          <h2>This bundle cannot be imported</h2>
          <p className="muted">
            {plural(check.problems.length, 'problem')} found{check.name ? ` in “${check.name}”` : ''}. Nothing was
            saved.
          </p>
        </div>
        {check.samples.passed + check.samples.failed > 0 && (
          <Badge tone={check.samples.failed > 0 ? 'danger' : 'ok'}>
            samples {check.samples.passed}/{check.samples.passed + check.samples.failed} match
          </Badge>
        )}
      </div>
      {groups.map((group) => (
        <section key={group.code} className="problem-group" data-testid="problem-group" data-code={group.code}>
          <div className="problem-title">
            <strong>{group.advice.title}</strong>
            <code className="error-code">{group.code}</code>
          </div>
          <p className="problem-action" data-testid="problem-action">
            <span className="pane-side">What to do</span> {group.advice.action}
          </p>
          <ul className="problem-list">
            {group.problems.map((problem, index) => (
              <li key={`${problem.path ?? ''}-${index}`} data-testid="problem">
                {problem.path && <code className="problem-path">{problem.path}</code>}
                <span>{problem.message}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <Warnings warnings={check.warnings} />
    </div>
  );
}

/** "2 created · 1 updated · 1 kept unchanged": what the import did to this workspace, in one line. */
function importTally(items: ReadonlyArray<{ status: 'created' | 'updated' | 'kept' }>): string {
  const count = (status: string) => items.filter((item) => item.status === status).length;
  const parts = [
    count('created') > 0 && `${count('created')} created`,
    count('updated') > 0 && `${count('updated')} updated`,
    count('kept') > 0 && `${count('kept')} kept unchanged`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'The bundle was empty.';
}

function statusTone(status: string) {
  return status === 'created' ? 'ok' : status === 'updated' ? 'accent' : 'neutral';
}

function ImportDone({ result }: { result: ImportResult }) {
  const go = useAppStore((state) => state.go);
  const missing = result.connections.filter((connection) => connection.missingSecrets.length > 0);
  const tally = importTally([...result.connections, ...result.mappings, ...result.flows]);
  return (
    <div className="panel import-done" data-testid="import-done">
      <div className="section-head">
        <div>
          <span className="pane-side">Imported</span>
          <h2>
            {plural(result.mappings.length, 'mapping')}, {plural(result.flows.length, 'flow')} and{' '}
            {plural(result.connections.length, 'connection')}
          </h2>
          <p className="muted import-tally" data-testid="import-tally">
            {tally}
          </p>
        </div>
        <div className="toolbar">
          <button type="button" className="button" onClick={() => go('flows')} data-testid="import-open-flows">
            Open Flows
          </button>
        </div>
      </div>
      <div className="bundle-columns">
        <ResultList
          title="Connections"
          testId="import-connections"
          items={result.connections.map((connection) => ({
            id: connection.id,
            name: connection.name,
            status: connection.status,
          }))}
        />
        <ResultList title="Mappings" testId="import-mappings" items={result.mappings} />
        <ResultList title="Flows" testId="import-flows" items={result.flows} />
      </div>
      {missing.length > 0 && (
        <div className="banner banner-warn" data-testid="import-missing-secrets">
          <div className="banner-body">
            <strong>Secrets to set before the flows can run</strong>
            <ul className="missing-list">
              {missing.map((connection) => (
                <li key={connection.id}>
                  <b>{connection.name}</b>:{' '}
                  {connection.missingSecrets.map((key) => (
                    <code key={key}>{key}</code>
                  ))}
                </li>
              ))}
            </ul>
          </div>
          <button type="button" className="button small" onClick={() => go('connections')}>
            Open Connections
          </button>
        </div>
      )}
      <Warnings warnings={result.warnings} />
    </div>
  );
}

function ResultList({
  title,
  items,
  testId,
}: {
  title: string;
  items: Array<{ id: string; name: string; status: string }>;
  testId: string;
}) {
  return (
    <section aria-label={title}>
      <h4>
        {title} <span className="count">{items.length}</span>
      </h4>
      <ul className="bundle-list" data-testid={testId}>
        {items.map((item) => (
          <li key={item.id} className="result-item" data-testid="import-item" data-status={item.status}>
            <strong>{item.name}</strong>
            <Badge tone={statusTone(item.status)}>{item.status}</Badge>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SummaryPanel({ summary, refused }: { summary: BundleSummary; refused: boolean }) {
  return (
    <details className="panel bundle-result" open={!refused} data-testid="import-summary-panel">
      <summary>
        <span className="pane-side">
          {refused ? 'What the file claims to hold (unverified)' : 'What the file holds'}
        </span>
        <strong>{summary.name}</strong>
      </summary>
      <BundleSummaryView summary={summary} testId="import-summary" />
    </details>
  );
}
