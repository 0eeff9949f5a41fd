import type { SchemaDriftFinding } from '../../../../shared/api/schemas.contract';
import type { MappingId } from '../../../../shared/domain/flow';
import { useAppStore } from '../../app/app.store';
import { plural } from '../../components/format';
import { useMapperRequest } from '../mapper/mapper-request';

/** Findings grouped by mapping, in the order the backend sorted them (mapping name first). */
function byMapping(findings: SchemaDriftFinding[]): Array<{ mappingId: MappingId; mapping: string; flows: SchemaDriftFinding['flows']; findings: SchemaDriftFinding[] }> {
  const groups = new Map<string, ReturnType<typeof byMapping>[number]>();
  for (const finding of findings) {
    const group = groups.get(finding.mappingId) ?? { mappingId: finding.mappingId, mapping: finding.mapping, flows: finding.flows, findings: [] };
    group.findings.push(finding);
    groups.set(finding.mappingId, group);
  }
  return [...groups.values()];
}

/** The message after the field it starts with ("changed type from number to string."): the row shows the field already. */
function withoutField(finding: SchemaDriftFinding): string {
  return finding.message.startsWith(`${finding.field} `) ? finding.message.slice(finding.field.length + 1) : finding.message;
}

/**
 * What a schema refresh broke in saved mappings: the fields that disappeared or changed type, the
 * mappings and flows using them, and a way into each mapping. The same findings `mlc validate
 * --live-schemas` prints for a bundle.
 */
export function DriftReport({ entity, findings, onDismiss, testId }: { entity: string; findings: SchemaDriftFinding[]; onDismiss(): void; testId: string }) {
  const go = useAppStore((state) => state.go);
  const open = (mappingId: MappingId, name: string) => {
    useMapperRequest.getState().ask({ mappingId, what: `“${name}”` });
    go('mapper');
  };
  const groups = byMapping(findings);
  return (
    <section className="drift-report" role="alert" data-testid={testId}>
      <header className="drift-report-head">
        <strong>
          The refreshed {entity} schema breaks {plural(groups.length, 'saved mapping')}
        </strong>
        <button type="button" className="button small ghost" onClick={onDismiss} data-testid={`${testId}-dismiss`}>
          Dismiss
        </button>
      </header>
      <p className="muted small">Mapped fields that disappeared or changed type. Runs of these flows will fail or write wrong values until the mappings are fixed.</p>
      {groups.map((group) => (
        <div key={group.mappingId} className="drift-mapping" data-testid="drift-mapping" data-mapping={group.mapping}>
          <div className="drift-mapping-head">
            <span>
              <strong>{group.mapping}</strong>
              <span className="muted small" data-testid="drift-flows">
                {' '}
                {group.flows.length === 0 ? '· no flow runs it yet' : `· ${group.flows.length === 1 ? 'flow' : 'flows'} ${group.flows.map((flow) => `“${flow.name}”`).join(', ')}`}
              </span>
            </span>
            <button type="button" className="button small" onClick={() => open(group.mappingId, group.mapping)} data-testid="drift-open-mapping">
              Open mapping
            </button>
          </div>
          <ul className="drift-fields">
            {group.findings.map((finding) => (
              <li key={`${finding.side}:${finding.field}:${finding.code}`} data-testid="drift-field" data-field={finding.field} data-code={finding.code}>
                <code>{finding.field}</code> <span className="muted small">({finding.side})</span> {withoutField(finding)}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
