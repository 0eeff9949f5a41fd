import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { systemLabels } from '../../../../../shared/domain/connection';
import { lookupEntities } from '../model/preview-bindings';
import { useMapper } from '../store/mapper-context';

export const sampleSizes = [10, 50, 200, 1000] as const;

/** N live records: input and output side by side, and per target field how often it is empty or failing. */
export function PreviewPanel({
  sampleSize,
  onSampleSize,
  onReload,
}: {
  sampleSize: number;
  onSampleSize(size: number): void;
  onReload(): void;
}) {
  const samples = useMapper((state) => state.samples);
  const status = useMapper((state) => state.samplesStatus);
  const samplesError = useMapper((state) => state.samplesError);
  const preview = useMapper((state) => state.preview);
  const report = useMapper((state) => state.report);
  const busy = useMapper((state) => state.previewBusy);
  const lookups = useMapper(useShallow((state) => lookupEntities(state.graph)));
  const targetLabel = useMapper((state) => (state.target ? systemLabels[state.target.schema.system] : 'target'));
  const [selected, setSelected] = useState(0);
  const [allFields, setAllFields] = useState(false);
  const edges = useMapper((state) => state.graph.edges);
  const used = useMemo(
    () =>
      new Set(
        edges.filter((edge) => edge.source === 'source').map((edge) => edge.sourceHandle.split(/[.[]/)[0] as string),
      ),
    [edges],
  );
  const index = Math.min(selected, Math.max(samples.length - 1, 0));
  const record = preview?.records[index];
  const failing = useMemo(
    () => new Set((preview?.records ?? []).flatMap((entry, position) => (entry.errors.length > 0 ? [position] : []))),
    [preview],
  );

  return (
    <div className="preview-panel" data-testid="preview-panel">
      <div className="panel-toolbar">
        <label>
          Samples
          <select
            value={sampleSize}
            onChange={(event) => onSampleSize(Number(event.target.value))}
            aria-label="Sample size"
          >
            {sampleSizes.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button ghost small" onClick={onReload}>
          Reload
        </button>
        <span className="muted small" data-testid="preview-status">
          {status === 'loading'
            ? 'Reading live records…'
            : status === 'ready'
              ? `${samples.length} records${busy ? ' · evaluating…' : preview ? ` · ${preview.evaluatedFields.length} field(s) re-evaluated` : ''}`
              : ''}
        </span>
      </div>
      {status === 'error' && (
        <div className="panel-warning" role="alert">
          Could not read sample records: {samplesError?.message}. Check the source connection on the Connections page,
          then press Reload.
        </div>
      )}
      {lookups.length > 0 && samples.length > 0 && (
        <p className="panel-note reference-note" data-testid="preview-lookup-note">
          <strong>Reference lookups</strong> show as <code>ref:{lookups[0]}/&lt;key&gt;</code>: the {targetLabel} id of{' '}
          {lookups.join(', ')} is only known when the flow runs, from the id map of the flow that writes{' '}
          {lookups.length === 1 ? 'that entity' : 'those entities'}. Make this flow run after it. An empty key gives
          null.
        </p>
      )}
      {status === 'ready' && samples.length === 0 && (
        <p className="muted">The source returned no records, so there is nothing to preview.</p>
      )}
      {samples.length > 0 && (
        <>
          <div className="record-stepper">
            <button
              type="button"
              className="mini"
              aria-label="Previous record"
              disabled={index === 0}
              onClick={() => setSelected(index - 1)}
            >
              ◀
            </button>
            <select
              aria-label="Sample record"
              value={index}
              onChange={(event) => setSelected(Number(event.target.value))}
              data-testid="sample-record"
            >
              {samples.map((sample, position) => (
                <option key={`${sample.key}-${position}`} value={position}>
                  {position + 1}. {sample.key}
                  {failing.has(position) ? ' ⚠' : ''}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="mini"
              aria-label="Next record"
              disabled={index >= samples.length - 1}
              onClick={() => setSelected(index + 1)}
            >
              ▶
            </button>
            <label className="check-row small">
              <input type="checkbox" checked={allFields} onChange={(event) => setAllFields(event.target.checked)} />
              all input fields
            </label>
          </div>
          <div className="record-pair">
            <section>
              <h4>Input</h4>
              <pre data-testid="preview-input">
                {JSON.stringify(pick(samples[index]?.data, allFields ? undefined : used), null, 2)}
              </pre>
            </section>
            <section>
              <h4>Output</h4>
              <pre data-testid="preview-output">{record ? JSON.stringify(record.output, null, 2) : '—'}</pre>
              {record?.errors.map((error) => (
                <p key={error.target} className="error-text small">
                  {error.target}: {error.error.message}
                </p>
              ))}
            </section>
          </div>
        </>
      )}
      {report && report.fields.length > 0 && (
        <table className="stats-table" data-testid="field-stats">
          <thead>
            <tr>
              <th>Target field</th>
              <th>Empty</th>
              <th>Failing</th>
              <th>Distinct</th>
            </tr>
          </thead>
          <tbody>
            {report.fields.map((field) => (
              <tr key={field.field}>
                <td>
                  <code>{field.field}</code>
                </td>
                <td>
                  <Rate value={field.nullPercent} tone="muted" />
                </td>
                <td>
                  <Rate value={field.failingPercent} tone="danger" />
                </td>
                <td title={field.distinctSample.map((value) => JSON.stringify(value)).join(', ')}>
                  {field.distinctCount}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The input fields the mapping reads (top level), so the pair stays readable next to the output. */
function pick(data: Record<string, unknown> | undefined, keys: ReadonlySet<string> | undefined): unknown {
  if (!data || !keys || keys.size === 0) return data ?? null;
  return Object.fromEntries(Object.entries(data).filter(([key]) => keys.has(key)));
}

function Rate({ value, tone }: { value: number; tone: 'muted' | 'danger' }) {
  return (
    <span className={`rate ${tone}${value > 0 ? ' some' : ''}`}>
      <span className="rate-bar" style={{ width: `${Math.min(100, value)}%` }} />
      <span className="rate-text">{value}%</span>
    </span>
  );
}
