import { systemLabels } from '../../../../shared/domain/connection';
import { Badge } from '../../components/StateViews';
import { formatDateTime, plural } from '../../components/format';
import { SystemMark } from '../connections/SystemMark';
import { formatBytes, shortHash, type BundleSummary } from './bundle-summary';

/** A bundle at a glance: its identity (hash, versions) and every connection, mapping and flow it carries. */
export function BundleSummaryView({ summary, testId }: { summary: BundleSummary; testId: string }) {
  const flowName = (id: string) => summary.flows.find((flow) => flow.id === id)?.name ?? id;
  const mappingName = (id: string) =>
    summary.mappings.find((mapping) => mapping.id === id)?.name ?? 'mapping not in the file';
  const slots = summary.connections.reduce((sum, connection) => sum + connection.slots.length, 0);
  return (
    <div className="bundle-summary" data-testid={testId}>
      <dl className="bundle-identity">
        <div>
          <dt>Content hash</dt>
          <dd
            className="mono"
            title={summary.contentHash}
            data-testid={`${testId}-hash`}
            data-hash={summary.contentHash}
          >
            {shortHash(summary.contentHash)}
          </dd>
        </div>
        <div>
          <dt>Format</dt>
          <dd>{summary.version === undefined ? '—' : `version ${summary.version}`}</dd>
        </div>
        <div>
          <dt>JSONata</dt>
          <dd>{summary.jsonataVersion ?? '—'}</dd>
        </div>
        <div>
          <dt>Made</dt>
          <dd>
            {formatDateTime(summary.createdAt)}
            {summary.appVersion && <span className="muted"> · Studio {summary.appVersion}</span>}
          </dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(summary.bytes)}</dd>
        </div>
      </dl>

      <div className="bundle-columns">
        <section aria-label="Connections">
          <h4>
            Connections <span className="count">{summary.connections.length}</span>
          </h4>
          <ul className="bundle-list" data-testid={`${testId}-connections`}>
            {summary.connections.map((connection) => (
              <li key={connection.id} data-testid="summary-connection">
                <div className="bundle-item-head">
                  {connection.system && <SystemMark system={connection.system} small />}
                  <strong>{connection.name}</strong>
                  {connection.sandbox && <Badge tone="accent">sandbox</Badge>}
                </div>
                <span className="muted small">
                  {connection.system ? systemLabels[connection.system] : 'unknown system'}
                </span>
                <div className="slot-list" aria-label="Secret slots">
                  {connection.slots.length === 0 ? (
                    <span className="muted small">no secret slots</span>
                  ) : (
                    connection.slots.map((slot) => (
                      <code
                        key={slot}
                        className="slot"
                        data-testid="secret-slot"
                        title="A named slot: the value is set where the bundle runs, never in the file"
                      >
                        {slot}
                      </code>
                    ))
                  )}
                </div>
              </li>
            ))}
          </ul>
          {slots > 0 && (
            <p className="muted small">Secrets travel as named slots only; set their values where the bundle runs.</p>
          )}
        </section>

        <section aria-label="Mappings">
          <h4>
            Mappings <span className="count">{summary.mappings.length}</span>
          </h4>
          <ul className="bundle-list" data-testid={`${testId}-mappings`}>
            {summary.mappings.map((mapping) => (
              <li key={mapping.id} data-testid="summary-mapping">
                <div className="bundle-item-head">
                  <strong>{mapping.name}</strong>
                  <Badge tone="neutral">{mapping.drawn ? 'drawn' : 'JSONata'}</Badge>
                </div>
                <span className="mono small">
                  {mapping.sourceEntity} → {mapping.targetEntity}
                </span>
                <span className="muted small">
                  {mapping.samples === 0 ? 'no samples' : plural(mapping.samples, 'sample')} with expected output
                </span>
              </li>
            ))}
          </ul>
          {summary.lookupTables > 0 && (
            <p className="muted small">{plural(summary.lookupTables, 'value map')} listed for review.</p>
          )}
        </section>

        <section aria-label="Flows">
          <h4>
            Flows <span className="count">{summary.flows.length}</span>
          </h4>
          <ul className="bundle-list" data-testid={`${testId}-flows`}>
            {summary.flows.map((flow) => (
              <li key={flow.id} data-testid="summary-flow">
                <div className="bundle-item-head">
                  <strong>{flow.name}</strong>
                </div>
                <span className="mono small">
                  {flow.sourceEntity} → {flow.targetEntity}
                </span>
                <span className="muted small">
                  {mappingName(flow.mappingId)} · {flow.schedule}
                  {flow.dependsOn.length > 0 && ` · after ${flow.dependsOn.map(flowName).join(', ')}`}
                </span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </div>
  );
}
