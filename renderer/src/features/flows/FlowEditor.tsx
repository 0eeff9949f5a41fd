import { useMemo, useState, type FormEvent } from 'react';
import type { Connection } from '../../../../shared/domain/connection';
import type { Flow } from '../../../../shared/domain/flow';
import { ErrorPanel } from '../../components/StateViews';
import { connectionsForMapping, validateDraft, type FlowDraft } from './flow-draft';
import { useFlows } from './flows.instance';
import { ScheduleEditor } from './ScheduleEditor';
import { ConflictRules } from './ConflictRules';
import { WritesInFlightField } from './WritesInFlightField';
import { Field, ConnectionPicker, BulkThresholdField, EntityPicker, MatchKeyPicker } from './FlowFields';

/** Create or edit a flow: what to read, which mapping, where to write and when. */
export function FlowEditor({
  initial,
  connections,
  onDone,
}: {
  initial: FlowDraft;
  connections: Connection[];
  onDone(flow?: Flow): void;
}) {
  const mappings = useFlows((state) => state.mappings);
  const flows = useFlows((state) => state.flows);
  const save = useFlows((state) => state.save);
  const actionError = useFlows((state) => state.actionError);
  const [draft, setDraft] = useState(initial);
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const { errors, input } = useMemo(() => validateDraft(draft, flows), [draft, flows]);
  const patch = (next: Partial<FlowDraft>) => setDraft((current) => ({ ...current, ...next }));
  const shown = submitted ? errors : {};

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (!input) return;
    setSaving(true);
    const flow = await save(input);
    setSaving(false);
    if (flow) onDone(flow);
  }

  const others = flows.filter((flow) => flow.id !== draft.id);
  const drawn = mappings.find((mapping) => mapping.id === draft.mappingId);
  const drawnHint = (id: string, drawnId?: string | null) =>
    id && id === drawnId ? 'The connection the mapping was drawn against.' : undefined;
  return (
    <form className="panel flow-editor" onSubmit={(event) => void submit(event)} noValidate data-testid="flow-editor">
      <div className="section-head">
        <div>
          <h2>{draft.id ? `Edit ${initial.name}` : 'New flow'}</h2>
          <p className="muted">
            Reads records changed since the last run (minus the lookback), maps each one and upserts it by the match
            key.
          </p>
        </div>
      </div>
      <div className="form-grid">
        <Field label="Name" error={shown.name}>
          <input
            className="input"
            value={draft.name}
            onChange={(event) => patch({ name: event.target.value })}
            data-testid="flow-name"
          />
        </Field>
        <Field
          label="Mapping"
          error={shown.mappingId}
          hint="Drawn in the Mapper; it fixes the source and target entities."
        >
          <select
            className="select"
            value={draft.mappingId}
            data-testid="flow-mapping"
            onChange={(event) => {
              const mapping = mappings.find((candidate) => candidate.id === event.target.value);
              // The mapping was drawn against two connections: a new choice brings them along.
              const chosen = mapping
                ? connectionsForMapping(mapping, connections, draft)
                : { sourceConnectionId: draft.sourceConnectionId, targetConnectionId: draft.targetConnectionId };
              const targetEntity = mapping?.targetEntity ?? draft.targetEntity;
              const sameTarget =
                chosen.targetConnectionId === draft.targetConnectionId && targetEntity === draft.targetEntity;
              patch({
                mappingId: event.target.value,
                ...chosen,
                sourceEntity: mapping?.sourceEntity ?? draft.sourceEntity,
                // A mapping of one line (order lines) makes a flow of one target record per line.
                linesPath: mapping ? (mapping.sourceLines ?? '') : draft.linesPath,
                targetEntity,
                matchKey: sameTarget ? draft.matchKey : [],
                name: draft.name || mapping?.name || '',
              });
            }}
          >
            <option value="">Choose a mapping…</option>
            {mappings.map((mapping) => (
              <option key={mapping.id} value={mapping.id}>
                {mapping.name} ({mapping.sourceEntity} → {mapping.targetEntity})
              </option>
            ))}
          </select>
        </Field>
      </div>

      <div className="flow-sides">
        <fieldset className="flow-side">
          <legend>Source</legend>
          <ConnectionPicker
            label="Connection"
            connections={connections}
            value={draft.sourceConnectionId}
            onChange={(id) => patch({ sourceConnectionId: id })}
            error={shown.sourceConnectionId}
            hint={drawnHint(draft.sourceConnectionId, drawn?.sourceConnectionId)}
            testId="flow-source-connection"
          />
          <EntityPicker
            connectionId={draft.sourceConnectionId}
            value={draft.sourceEntity}
            onChange={(entity) => patch({ sourceEntity: entity })}
            error={shown.sourceEntity}
            testId="flow-source-entity"
            side="source"
          />
          {draft.linesPath && (
            <>
              <Field
                label={`One target record per line of: ${draft.linesPath}`}
                error={shown.lineKey}
                hint="Line fields that tell one record's lines apart (M3 order lines: PONR, POSX)."
              >
                <input
                  className="input"
                  placeholder="PONR, POSX"
                  value={draft.lineKey}
                  onChange={(event) => patch({ lineKey: event.target.value })}
                  data-testid="flow-line-key"
                />
              </Field>
              <Field
                label="Parent flow"
                error={shown.parentFlowId}
                hint="Writes the lines' parents (orders) and runs first; $parentId() gives each line its parent's id."
              >
                <select
                  className="select"
                  value={draft.parentFlowId}
                  onChange={(event) => patch({ parentFlowId: event.target.value })}
                  data-testid="flow-parent"
                >
                  <option value="">None</option>
                  {others.map((flow) => (
                    <option key={flow.id} value={flow.id}>
                      {flow.name}
                    </option>
                  ))}
                </select>
              </Field>
            </>
          )}
          <Field
            label="Lookback (seconds)"
            error={shown.lookbackSeconds}
            hint="Re-read this far behind the last watermark: clocks drift and stamps tie."
          >
            <input
              className="input narrow"
              inputMode="numeric"
              value={draft.lookbackSeconds}
              onChange={(event) => patch({ lookbackSeconds: event.target.value })}
              data-testid="flow-lookback"
            />
          </Field>
        </fieldset>
        <div className="flow-arrow" aria-hidden="true">
          →
        </div>
        <fieldset className="flow-side">
          <legend>Target</legend>
          <ConnectionPicker
            label="Connection"
            connections={connections}
            value={draft.targetConnectionId}
            onChange={(id) => {
              // Clear the match key only on a real change: the proposal comes when the schema arrives,
              // and a re-pick of the same connection brings no new schema to propose it again.
              if (id !== draft.targetConnectionId) patch({ targetConnectionId: id, matchKey: [] });
            }}
            error={shown.targetConnectionId}
            hint={drawnHint(draft.targetConnectionId, drawn?.targetConnectionId)}
            testId="flow-target-connection"
          />
          <EntityPicker
            connectionId={draft.targetConnectionId}
            value={draft.targetEntity}
            onChange={(entity) => {
              if (entity !== draft.targetEntity) patch({ targetEntity: entity, matchKey: [] });
            }}
            error={shown.targetEntity}
            testId="flow-target-entity"
            side="target"
          />
          <MatchKeyPicker
            connectionId={draft.targetConnectionId}
            entity={draft.targetEntity}
            value={draft.matchKey}
            onChange={(matchKey) => patch({ matchKey })}
            error={shown.matchKey}
          />
          <Field
            label="Batch size"
            error={shown.batchSize}
            hint="Records per write call; empty uses the target’s maximum."
          >
            <input
              className="input narrow"
              inputMode="numeric"
              placeholder="max"
              value={draft.batchSize}
              onChange={(event) => patch({ batchSize: event.target.value })}
              data-testid="flow-batch-size"
            />
          </Field>
          <BulkThresholdField
            connectionId={draft.targetConnectionId}
            entity={draft.targetEntity}
            value={draft.bulkThreshold}
            onChange={(bulkThreshold) => patch({ bulkThreshold })}
            error={shown.bulkThreshold}
          />
          <WritesInFlightField
            connectionId={draft.targetConnectionId}
            entity={draft.targetEntity}
            value={draft.concurrency}
            onChange={(concurrency) => patch({ concurrency })}
            error={shown.concurrency}
          />
        </fieldset>
      </div>

      <ScheduleEditor value={draft.schedule} onChange={(schedule) => patch({ schedule })} errors={shown} />

      <fieldset className="flow-deps">
        <legend>Runs after</legend>
        {others.length === 0 ? (
          <p className="muted">No other flows yet. Later flows can wait for this one (accounts before orders).</p>
        ) : (
          <div className="dep-list" data-testid="flow-depends-on">
            {others.map((flow) => (
              <label key={flow.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={draft.dependsOn.includes(flow.id)}
                  onChange={(event) =>
                    patch({
                      dependsOn: event.target.checked
                        ? [...draft.dependsOn, flow.id]
                        : draft.dependsOn.filter((id) => id !== flow.id),
                    })
                  }
                />
                {flow.name}
              </label>
            ))}
          </div>
        )}
        {shown.dependsOn && <p className="field-error">{shown.dependsOn}</p>}
      </fieldset>

      <ConflictRules draft={draft} patch={patch} error={shown.conflictFields} />

      <fieldset className="flow-reconcile" data-testid="flow-reconcile">
        <legend>Reconcile</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.reconcile}
            onChange={(event) => patch({ reconcile: event.target.checked })}
            data-testid="flow-reconcile-on"
          />
          Reconcile instead of sync
        </label>
        <p className="muted">
          Each run compares every source record with the whole target by the match key, instead of syncing what changed.
          Equal records are left alone, differences are listed per record, and records only the target has are named in
          the run’s note (never deleted).
        </p>
        {draft.reconcile && (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.reconcileFix}
              onChange={(event) => patch({ reconcileFix: event.target.checked })}
              data-testid="flow-reconcile-fix"
            />
            Fix differences in the target (create what is missing, update what differs; a dry run only reports)
          </label>
        )}
        {shown.reconcile && <p className="field-error">{shown.reconcile}</p>}
      </fieldset>

      <label className="checkbox">
        <input
          type="checkbox"
          checked={draft.paused}
          onChange={(event) => patch({ paused: event.target.checked })}
          data-testid="flow-paused"
        />
        Paused (the schedule does not fire; Run now still works)
      </label>

      {submitted && Object.keys(errors).length > 0 && (
        <p className="field-error" role="alert" data-testid="flow-errors">
          Fix the{' '}
          {Object.keys(errors).length === 1 ? 'highlighted field' : `${Object.keys(errors).length} highlighted fields`}{' '}
          to save.
        </p>
      )}
      {submitted && actionError && !saving && (
        <ErrorPanel title="The flow was not saved" error={actionError} testId="flow-save-error" />
      )}
      <div className="toolbar form-actions">
        <span className="grow" />
        <button type="button" className="button ghost" onClick={() => onDone()}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={saving} data-testid="flow-save">
          {saving ? 'Saving…' : draft.id ? 'Save flow' : 'Create flow'}
        </button>
      </div>
    </form>
  );
}
