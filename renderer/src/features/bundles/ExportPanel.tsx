import { defaultBundleName } from '../../../../shared/bundle/bundle-name';
import type { Flow, FlowId, Mapping } from '../../../../shared/domain/flow';
import { useAppStore } from '../../app/app.store';
import { offerDownload } from '../../components/download';
import { EmptyState, ErrorPanel } from '../../components/StateViews';
import { plural } from '../../components/format';
import { BundleSummaryView } from './BundleSummaryView';
import { bundlesStore, useBundles } from './bundles.instance';
import { withDependencies } from './bundles.store';

/** Choose what goes in, export, see what the file holds, download it. */
export function ExportPanel() {
  const catalog = useBundles((state) => state.catalog);
  const selected = useBundles((state) => state.selected);
  const name = useBundles((state) => state.name);
  const description = useBundles((state) => state.description);
  const includeSamples = useBundles((state) => state.includeSamples);
  const samplesPerMapping = useBundles((state) => state.samplesPerMapping);
  const exported = useBundles((state) => state.exported);
  const go = useAppStore((state) => state.go);
  const { setForm, exportBundle, setSelected } = bundlesStore.getState();

  if (catalog.flows.length === 0)
    return (
      <EmptyState
        icon="⬚"
        title={catalog.mappings.length === 0 ? 'Nothing to export yet' : 'No flows to export yet'}
        testId="export-empty"
        actions={
          <button
            type="button"
            className="button primary"
            onClick={() => go(catalog.mappings.length === 0 ? 'mapper' : 'flows')}
          >
            {catalog.mappings.length === 0 ? 'Open the Mapper' : 'Go to Flows'}
          </button>
        }
      >
        A bundle carries flows with their mappings and connections (never secrets) for the headless runtime,{' '}
        <code>mlc run</code> or <code>mlc serve</code>.{' '}
        {catalog.mappings.length === 0
          ? 'Draw a mapping, then create a flow that runs it.'
          : 'Create a flow for one of your mappings first.'}{' '}
        You can still import a bundle on the Import tab.
      </EmptyState>
    );

  const included = withDependencies(catalog.flows, selected);
  const brought = [...included].filter((id) => !selected.includes(id as FlowId));
  const flowName = (id: string) => catalog.flows.find((flow) => flow.id === id)?.name ?? id;
  const mappingsIncluded = new Set(
    catalog.flows.filter((flow) => included.has(flow.id)).map((flow) => flow.mappingId as string),
  );
  const unused = catalog.mappings.filter((mapping) => !catalog.flows.some((flow) => flow.mappingId === mapping.id));
  const groups = catalog.mappings
    .map((mapping) => ({ mapping, flows: catalog.flows.filter((flow) => flow.mappingId === mapping.id) }))
    .filter((group) => group.flows.length > 0);
  const allTicked = catalog.flows.every((flow) => selected.includes(flow.id));

  const download = () => {
    if (exported.result) offerDownload(exported.result.fileName, exported.result.content, 'application/json');
  };

  return (
    <div className="bundle-export" data-testid="bundle-export">
      <div className="panel bundle-choose">
        <div className="section-head">
          <div>
            <h2>What goes in</h2>
            <p className="muted">
              Pick mappings or single flows. Flows a chosen flow runs after come along, and so does every connection
              they use — as settings and named secret slots, never secret values.
            </p>
          </div>
          <button
            type="button"
            className="button small"
            onClick={() => setSelected(allTicked ? [] : catalog.flows.map((flow) => flow.id))}
            data-testid="export-toggle-all"
          >
            {allTicked ? 'Clear all' : 'Choose all'}
          </button>
        </div>
        <ul className="choose-list" data-testid="export-choices">
          {groups.map(({ mapping, flows }) => (
            <MappingChoice key={mapping.id} mapping={mapping} flows={flows} selected={selected} included={included} />
          ))}
        </ul>
        {unused.length > 0 && (
          <p className="muted small" data-testid="export-unused">
            Not exportable until a flow runs {unused.length === 1 ? 'it' : 'them'}:{' '}
            {unused.map((mapping) => `“${mapping.name}”`).join(', ')}.
          </p>
        )}
        {brought.length > 0 && (
          <p className="small bundle-note" data-testid="export-brought">
            Also included because chosen flows run after {brought.length === 1 ? 'it' : 'them'}:{' '}
            {brought.map(flowName).join(', ')}.
          </p>
        )}

        <div className="form-grid bundle-form">
          <label className="form-field">
            <span>Bundle name</span>
            <input
              className="input"
              value={name}
              placeholder={defaultBundleName(
                catalog.flows.filter((flow) => included.has(flow.id)),
                (id) => catalog.connections.find((connection) => connection.id === id)?.name,
              )}
              maxLength={200}
              onChange={(event) => setForm({ name: event.target.value })}
              data-testid="export-name"
            />
            <small>Also names the file.</small>
          </label>
          <div className="form-field wide bundle-samples">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={includeSamples}
                onChange={(event) => setForm({ includeSamples: event.target.checked })}
                aria-describedby="export-samples-note"
                data-testid="export-include-samples"
              />
              <span>Include {samplesPerMapping} real sample records per mapping (customer data)</span>
            </label>
            {includeSamples && (
              <label className="bundle-samples-count">
                <span>Records per mapping</span>
                <input
                  className="input narrow"
                  type="number"
                  min={1}
                  max={20}
                  value={samplesPerMapping}
                  onChange={(event) =>
                    setForm({
                      samplesPerMapping: Math.max(1, Math.min(20, Math.round(Number(event.target.value) || 1))),
                    })
                  }
                  data-testid="export-samples"
                />
              </label>
            )}
            <small
              id="export-samples-note"
              className={includeSamples ? 'bundle-samples-warning' : undefined}
              data-testid="export-samples-note"
            >
              {includeSamples
                ? 'Warning: these are real records from the audit log — names, addresses, phone numbers — copied as they are into a file that leaves this machine.'
                : 'Off: the bundle carries no records at all, only its design. Tick to add recent records with the output they give now, which the server checks before running.'}
            </small>
          </div>
          <label className="form-field wide">
            <span>Description (optional)</span>
            <textarea
              className="input"
              rows={2}
              value={description}
              maxLength={2000}
              onChange={(event) => setForm({ description: event.target.value })}
              data-testid="export-description"
            />
          </label>
        </div>

        <div className="toolbar bundle-actions">
          <button
            type="button"
            className="button primary"
            onClick={() => void exportBundle()}
            disabled={included.size === 0 || exported.state === 'working'}
            data-testid="export-bundle"
          >
            {exported.state === 'working' ? 'Exporting…' : 'Export bundle'}
          </button>
          <span className="muted small" data-testid="export-selection">
            {included.size === 0
              ? 'Choose at least one flow.'
              : `${plural(included.size, 'flow')} · ${plural(mappingsIncluded.size, 'mapping')}`}
          </span>
        </div>
      </div>

      {exported.state === 'error' && exported.error && (
        <ErrorPanel
          title="The bundle was not exported"
          error={exported.error}
          onRetry={() => void exportBundle()}
          testId="export-error"
        />
      )}

      {exported.state === 'done' && exported.result && (
        <div className="panel bundle-result" data-testid="export-result">
          <div className="section-head">
            <div>
              <span className="pane-side">Exported</span>
              <h2 data-testid="export-result-name">{exported.result.summary.name}</h2>
              <p className="muted">
                {exported.result.summary.samples > 0
                  ? `${plural(exported.result.summary.samples, 'real sample record')} (customer data) to check it by.`
                  : includeSamples
                    ? 'No samples: its flows have no successful records in the audit log yet.'
                    : 'No customer records: sample records were not included.'}{' '}
                On a server: <code>mlc validate {exported.result.fileName}</code>, then <code>mlc run</code> or{' '}
                <code>mlc serve</code>.
              </p>
            </div>
            <div className="download-box">
              <button type="button" className="button primary" onClick={download} data-testid="download-bundle">
                Download bundle
              </button>
              <span className="mono small muted" data-testid="export-file-name">
                {exported.result.fileName}
              </span>
            </div>
          </div>
          <BundleSummaryView summary={exported.result.summary} testId="export-summary" />
        </div>
      )}
    </div>
  );
}

function MappingChoice({
  mapping,
  flows,
  selected,
  included,
}: {
  mapping: Mapping;
  flows: Flow[];
  selected: FlowId[];
  included: Set<string>;
}) {
  const { setSelected, toggleFlow } = bundlesStore.getState();
  const ticked = flows.filter((flow) => selected.includes(flow.id)).length;
  const toggleMapping = () => {
    const ids = flows.map((flow) => flow.id);
    setSelected(
      ticked === flows.length ? selected.filter((id) => !ids.includes(id)) : [...new Set([...selected, ...ids])],
    );
  };
  return (
    <li className="choose-group">
      <label className="checkbox choose-mapping">
        <input
          type="checkbox"
          checked={ticked === flows.length}
          ref={(element) => {
            if (element) element.indeterminate = ticked > 0 && ticked < flows.length;
          }}
          onChange={toggleMapping}
          data-testid={`export-mapping-${mapping.name}`}
        />
        <strong>{mapping.name}</strong>
        <span className="mono muted small">
          {mapping.sourceEntity} → {mapping.targetEntity}
        </span>
      </label>
      <ul>
        {flows.map((flow) => (
          <li key={flow.id}>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={selected.includes(flow.id)}
                onChange={() => toggleFlow(flow.id)}
                data-testid={`export-flow-${flow.name}`}
              />
              <span>{flow.name}</span>
              {!selected.includes(flow.id) && included.has(flow.id) && (
                <span className="tag tag-neutral">needed by another flow</span>
              )}
            </label>
          </li>
        ))}
      </ul>
    </li>
  );
}
