import { conversionFix, flattenSchemaFields, type ValidationIssue } from '../../../../../shared/mapping';
import { useMapper, useMapperStoreApi } from '../store/mapper-context';

/** Compile problems and validation findings; each one leads to the node or field it is about. */
export function IssuesPanel() {
  const store = useMapperStoreApi();
  const problems = useMapper((state) => state.compiled.problems);
  const report = useMapper((state) => state.report);
  const graph = useMapper((state) => state.graph);
  const issues = report?.issues ?? [];

  const reveal = (nodeIds: readonly string[], field?: string) => {
    const state = store.getState();
    const kinds = new Map(state.graph.nodes.map((node) => [node.id, node.kind]));
    const inner = nodeIds.find((id) => kinds.get(id) !== 'source' && kinds.get(id) !== 'target');
    if (field) {
      const target = state.graph.nodes.find((node) => node.kind === 'target');
      if (target && state.fieldSelection?.path !== field)
        state.selectField({ side: 'target', nodeId: target.id, path: field });
      state.focusNode(inner ?? target?.id ?? nodeIds[0] ?? '');
    } else if (inner ?? nodeIds[0]) {
      state.focusNode((inner ?? nodeIds[0]) as string);
    }
  };
  const fedByValueMap = (field: string) => {
    const edge = graph.edges.find(
      (candidate) =>
        candidate.targetHandle === field &&
        graph.nodes.some((node) => node.id === candidate.target && node.kind === 'target'),
    );
    return graph.nodes.find((node) => node.id === edge?.source)?.kind === 'valueMap';
  };

  if (problems.length === 0 && issues.length === 0) {
    return (
      <div className="issues-panel empty" data-testid="issues-panel">
        <p className="ok-text">No issues: every required field is mapped and the samples fit the target schema.</p>
      </div>
    );
  }
  return (
    <div className="issues-panel" data-testid="issues-panel">
      <ul>
        {problems.map((problem, position) => (
          <li key={`p${position}`} className="issue error">
            <button type="button" className="issue-main" onClick={() => reveal(problem.nodeIds)}>
              <span className="issue-severity">incomplete</span>
              <span>{problem.message}</span>
            </button>
          </li>
        ))}
        {issues.map((issue, position) => (
          <li
            key={`${issue.code}-${issue.field ?? ''}-${position}`}
            className={`issue ${issue.severity}`}
            data-testid="issue"
            data-code={issue.code}
          >
            <button type="button" className="issue-main" onClick={() => reveal(issue.nodeIds, issue.field)}>
              <span className="issue-severity">{issue.severity}</span>
              <span>
                {issue.message}
                {issue.count !== undefined && <span className="muted small"> · {issue.count} record(s)</span>}
              </span>
            </button>
            <QuickFix issue={issue} fedByValueMap={issue.field ? fedByValueMap(issue.field) : false} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function QuickFix({ issue, fedByValueMap }: { issue: ValidationIssue; fedByValueMap: boolean }) {
  const insertValueMapFor = useMapper((state) => state.insertValueMapFor);
  const insertConversionFor = useMapper((state) => state.insertConversionFor);
  const showPanel = useMapper((state) => state.showPanel);
  const target = useMapper((state) => state.target);
  if (issue.code === 'type-mismatch' && issue.field && target) {
    const field = issue.field;
    const type = flattenSchemaFields(target.schema.fields).find((entry) => entry.handle === field)?.field.type;
    const fix = type ? conversionFix(type, issue.example) : undefined;
    if (fix)
      return (
        <button
          type="button"
          className="button small"
          onClick={() => insertConversionFor(field, fix.kind)}
          data-testid={`fix-convert-${field}`}
          data-fix={fix.kind}
        >
          {fix.label}
        </button>
      );
  }
  if (issue.code === 'picklist-value' && issue.field && !fedByValueMap) {
    const field = issue.field;
    return (
      <button
        type="button"
        className="button small"
        onClick={() => insertValueMapFor(field)}
        data-testid={`fix-value-map-${field}`}
      >
        Add value map
      </button>
    );
  }
  if (issue.code === 'missing-match-key') {
    return (
      <button type="button" className="button small" onClick={() => showPanel('inspect')} data-testid="fix-match-key">
        Choose match key
      </button>
    );
  }
  return null;
}
