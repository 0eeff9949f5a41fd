import { useMemo } from 'react';
import {
  flattenSchemaFields,
  type NodeOfKind,
  type Scalar,
  type ValueMapFallback,
} from '../../../../../shared/mapping';
import { fedTargetFields, feedingSourceField } from '../model/graph-edits';
import { useMapper } from '../store/mapper-context';

/** Match key of the mapping and the editor of the selected value map. */
export function InspectPanel() {
  const selected = useMapper((state) => (state.selectedNodes.size === 1 ? [...state.selectedNodes][0] : undefined));
  const node = useMapper((state) => state.graph.nodes.find((candidate) => candidate.id === selected));
  return (
    <div className="inspect-panel" data-testid="inspect-panel">
      <MatchKeyPicker />
      {node?.kind === 'valueMap' ? (
        <ValueMapEditor node={node} />
      ) : (
        <p className="muted small">Select a value map on the canvas to edit its values.</p>
      )}
    </div>
  );
}

function MatchKeyPicker() {
  const target = useMapper((state) => state.target);
  const matchKey = useMapper((state) => state.graph.matchKey);
  const setMatchKey = useMapper((state) => state.setMatchKey);
  const candidates = useMemo(() => {
    if (!target) return [];
    return flattenSchemaFields(target.schema.fields).filter(
      ({ handle, field }) => field.externalId || target.schema.keyFields.includes(handle) || matchKey?.includes(handle),
    );
  }, [target, matchKey]);
  const current = matchKey ?? target?.schema.keyFields ?? [];
  const toggle = (handle: string, on: boolean) =>
    setMatchKey(on ? [...current.filter((key) => key !== handle), handle] : current.filter((key) => key !== handle));
  return (
    <section className="inspect-section" data-testid="match-key-picker">
      <h3>Match key</h3>
      <p className="muted small">
        Target fields an upsert uses to find the existing record. Pick an external-id field that holds the Infor key.
      </p>
      {candidates.length === 0 && <p className="muted small">This entity has no external-id or key fields.</p>}
      {candidates.map(({ handle, field }) => (
        <label key={handle} className="check-row">
          <input
            type="checkbox"
            checked={current.includes(handle)}
            onChange={(event) => toggle(handle, event.target.checked)}
            data-testid={`match-key-${handle}`}
          />
          <code>{handle}</code>
          <span className="muted small">
            {field.label}
            {field.externalId ? ' · external id' : ''}
            {field.readOnly ? ' · read-only (set by the target)' : ''}
          </span>
        </label>
      ))}
    </section>
  );
}

function ValueMapEditor({ node }: { node: NodeOfKind<'valueMap'> }) {
  const graph = useMapper((state) => state.graph);
  const target = useMapper((state) => state.target);
  const updateNode = useMapper((state) => state.updateNode);
  const seed = useMapper((state) => state.seedValueMapNode);
  const sourceField = feedingSourceField(graph, node.id, 'in');
  const targetField = fedTargetFields(graph, node.id)[0];
  const picklist = useMemo(() => {
    if (!target || !targetField) return [];
    return (
      flattenSchemaFields(target.schema.fields)
        .find((entry) => entry.handle === targetField)
        ?.field.picklist?.filter((option) => option.active !== false) ?? []
    );
  }, [target, targetField]);
  const { entries, fallback } = node.data;
  const setEntries = (next: typeof entries) => updateNode(node.id, 'valueMap', { entries: next, fallback });
  const setTo = (position: number, to: Scalar) =>
    setEntries(entries.map((entry, index) => (index === position ? { ...entry, to } : entry)));
  const setFallback = (next: ValueMapFallback) => updateNode(node.id, 'valueMap', { entries, fallback: next });
  const decode = (raw: string): Scalar => (raw === '' ? null : (JSON.parse(raw) as Scalar));

  return (
    <section className="inspect-section" data-testid="value-map-editor">
      <h3>Value map</h3>
      <p className="muted small">
        {sourceField ? <code>{sourceField}</code> : 'Its input'} →{' '}
        {targetField ? <code>{targetField}</code> : 'its output'}
        {picklist.length > 0 ? `, ${picklist.length} allowed values` : ''}
      </p>
      <div className="panel-toolbar">
        <button type="button" className="button small" onClick={() => seed(node.id)} data-testid="value-map-seed">
          Add values from the samples
        </button>
        <button
          type="button"
          className="button small ghost"
          onClick={() => setEntries([...entries, { from: '', to: null }])}
        >
          Add row
        </button>
      </div>
      <table className="value-map-table">
        <thead>
          <tr>
            <th>Source value</th>
            <th>Target value</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {entries.map((entry, position) => (
            <tr
              key={`${position}-${entry.from}`}
              className={entry.to === null ? 'unset' : ''}
              data-testid={`value-map-row-${entry.from}`}
            >
              <td>
                <input
                  aria-label="Source value"
                  defaultValue={entry.from}
                  onBlur={(event) =>
                    event.target.value !== entry.from &&
                    setEntries(
                      entries.map((item, index) => (index === position ? { ...item, from: event.target.value } : item)),
                    )
                  }
                />
              </td>
              <td>
                {picklist.length > 0 ? (
                  <select
                    aria-label={`Target value for ${entry.from}`}
                    value={entry.to === null ? '' : JSON.stringify(entry.to)}
                    onChange={(event) => setTo(position, decode(event.target.value))}
                    data-testid={`value-map-to-${entry.from}`}
                  >
                    <option value="">— choose —</option>
                    {picklist.map((option) => (
                      <option key={String(option.value)} value={JSON.stringify(option.value)}>
                        {option.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    aria-label={`Target value for ${entry.from}`}
                    defaultValue={entry.to === null ? '' : String(entry.to)}
                    onBlur={(event) => setTo(position, event.target.value === '' ? null : event.target.value)}
                    data-testid={`value-map-to-${entry.from}`}
                  />
                )}
              </td>
              <td>
                <button
                  type="button"
                  className="mini"
                  aria-label={`Remove ${entry.from}`}
                  onClick={() => setEntries(entries.filter((_, index) => index !== position))}
                >
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {entries.length === 0 && <p className="muted small">No values yet: add them from the samples or by hand.</p>}
      <label className="inline-field">
        Other values
        <select
          value={fallback.kind}
          onChange={(event) =>
            setFallback(
              event.target.value === 'constant'
                ? { kind: 'constant', value: '' }
                : { kind: event.target.value as 'none' | 'input' },
            )
          }
          data-testid="value-map-fallback"
        >
          <option value="input">pass through unchanged</option>
          <option value="none">leave empty</option>
          <option value="constant">use a fixed value</option>
        </select>
      </label>
      {fallback.kind === 'constant' && (
        <label className="inline-field">
          Fixed value
          {picklist.length > 0 ? (
            <select
              value={JSON.stringify(fallback.value)}
              onChange={(event) => setFallback({ kind: 'constant', value: decode(event.target.value) })}
            >
              <option value="null">— none —</option>
              {picklist.map((option) => (
                <option key={String(option.value)} value={JSON.stringify(option.value)}>
                  {option.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              defaultValue={String(fallback.value ?? '')}
              onBlur={(event) => setFallback({ kind: 'constant', value: event.target.value })}
            />
          )}
        </label>
      )}
    </section>
  );
}
