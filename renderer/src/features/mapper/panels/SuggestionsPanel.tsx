import { readableHandle } from '../../../../../shared/mapping/auto-map';
import { useMapper } from '../store/mapper-context';

const reasonLabels = {
  matchKey: 'match key',
  dictionary: 'Infor dictionary',
  name: 'same name',
  label: 'similar label',
} as const;
const needsLabels = { valueMap: 'needs a value map', lookup: 'needs a lookup' } as const;

/** Auto-map suggestions: accept or reject each one, or accept every pending one at once. */
export function SuggestionsPanel() {
  const suggestions = useMapper((state) => state.suggestions);
  const lookupHints = useMapper((state) => state.lookupHints);
  const runAutoMap = useMapper((state) => state.runAutoMap);
  const accept = useMapper((state) => state.acceptSuggestion);
  const reject = useMapper((state) => state.rejectSuggestion);
  const acceptAll = useMapper((state) => state.acceptAll);
  const rejectAll = useMapper((state) => state.rejectAll);
  const insertValueMapFor = useMapper((state) => state.insertValueMapFor);
  // A value map already in front of the field: the accepted row no longer offers one.
  const fedByValueMap = useMapper((state) => {
    const fed = new Set<string>();
    for (const edge of state.graph.edges)
      if (state.graph.nodes.find((node) => node.id === edge.source)?.kind === 'valueMap') fed.add(edge.targetHandle);
    return [...fed].sort().join('\n');
  });
  const choose = useMapper((state) => state.chooseCandidate);
  const pending = suggestions.filter((row) => row.status === 'pending').length;

  if (suggestions.length === 0 && lookupHints.length === 0) {
    return (
      <div className="suggestions-panel empty" data-testid="suggestions-panel">
        <p className="muted">
          Auto-map compares names, labels, types and a dictionary of Infor field codes (CUNO, CUNM, CustNum …) and
          proposes a source for each unmapped target field, the match key first. Suggestions show as dashed lines on the
          canvas until you accept or reject them.
        </p>
        <button type="button" className="button primary" onClick={() => runAutoMap()} data-testid="automap-run-panel">
          Suggest mappings
        </button>
      </div>
    );
  }
  return (
    <div className="suggestions-panel" data-testid="suggestions-panel">
      <div className="panel-toolbar">
        <span className="muted small">
          {pending} pending · {suggestions.filter((row) => row.status === 'accepted').length} accepted
        </span>
        <span className="grow" />
        <button type="button" className="button small" onClick={() => runAutoMap()}>
          Suggest again
        </button>
        <button
          type="button"
          className="button small"
          disabled={pending === 0}
          onClick={rejectAll}
          data-testid="automap-reject-all"
        >
          Reject all
        </button>
        <button
          type="button"
          className="button primary small"
          disabled={pending === 0}
          onClick={acceptAll}
          data-testid="automap-accept-all"
        >
          Accept all
        </button>
      </div>
      <ul className="suggestion-list">
        {suggestions.map((row) => (
          <li
            key={row.target}
            className={`suggestion ${row.status}`}
            data-testid={`suggestion-${row.target}`}
            data-status={row.status}
          >
            <div className="suggestion-pair">
              {row.candidates.length > 1 && row.status === 'pending' ? (
                <select
                  aria-label={`Source for ${readableHandle(row.target)}`}
                  value={row.source}
                  onChange={(event) => choose(row.target, event.target.value)}
                >
                  {row.candidates.map((candidate) => (
                    <option key={candidate.source} value={candidate.source}>
                      {readableHandle(candidate.source)} ({Math.round(candidate.confidence * 100)}%)
                    </option>
                  ))}
                </select>
              ) : (
                <code>{readableHandle(row.source)}</code>
              )}
              <span className="arrow" aria-hidden="true">
                →
              </span>
              <code>{readableHandle(row.target)}</code>
            </div>
            <div className="suggestion-meta">
              <span className={`confidence c${Math.round(row.confidence * 10)}`}>
                {Math.round(row.confidence * 100)}%
              </span>
              <span className="muted small">{reasonLabels[row.reason]}</span>
              {row.needs && (
                <span
                  className="suggestion-needs"
                  data-testid={`needs-${row.target}`}
                  title={
                    row.needs === 'valueMap'
                      ? 'The target takes coded values: accept, then put a value map on the edge.'
                      : 'The target takes a record id: draw a Lookup node instead of a copy.'
                  }
                >
                  {needsLabels[row.needs]}
                </span>
              )}
              {row.note && <span className="error-text small">{row.note}</span>}
              <span className="grow" />
              {row.status === 'pending' ? (
                <>
                  <button
                    type="button"
                    className="button small"
                    onClick={() => reject(row.target)}
                    aria-label={`Reject ${readableHandle(row.source)} → ${readableHandle(row.target)}`}
                    data-testid={`reject-${row.target}`}
                  >
                    Reject
                  </button>
                  <button
                    type="button"
                    className="button small primary"
                    onClick={() => accept(row.target)}
                    aria-label={`Accept ${readableHandle(row.source)} → ${readableHandle(row.target)}`}
                    data-testid={`accept-${row.target}`}
                  >
                    Accept
                  </button>
                </>
              ) : (
                <>
                  {row.status === 'accepted' &&
                    row.needs === 'valueMap' &&
                    !fedByValueMap.split('\n').includes(row.target) && (
                      <button
                        type="button"
                        className="button small"
                        onClick={() => insertValueMapFor(row.target)}
                        data-testid={`valuemap-${row.target}`}
                      >
                        Add value map
                      </button>
                    )}
                  <span className="status-pill">{row.status}</span>
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      {lookupHints.length > 0 && (
        <section className="lookup-hints" data-testid="lookup-hints">
          <h4 className="small">Need a lookup, not a copy</h4>
          <p className="muted small">
            These fields take the id of another record. Draw a Reference lookup node from the source key to the field.
          </p>
          <ul className="suggestion-list">
            {lookupHints.map((hint) => (
              <li key={hint.target} className="suggestion" data-testid={`lookup-hint-${hint.target}`}>
                <div className="suggestion-pair">
                  <code>{readableHandle(hint.source)}</code>
                  <span className="arrow" aria-hidden="true">
                    →
                  </span>
                  <code>{readableHandle(hint.target)}</code>
                </div>
                <div className="suggestion-meta">
                  <span className="suggestion-needs">{needsLabels.lookup}</span>
                  {hint.entity && <span className="muted small">finds the {hint.entity} record</span>}
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
