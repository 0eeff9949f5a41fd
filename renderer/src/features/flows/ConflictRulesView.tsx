import { conflictWinners, type ConflictWinner } from '../../../../shared/domain/flow';
import type { FlowDraft } from './flow-draft';

const winnerLabels: Record<ConflictWinner, string> = {
  source: 'The source wins (source of truth)',
  target: 'The target keeps its value',
  newest: 'The newest change wins',
};

/**
 * Two-way integrations: which side wins a field both systems changed since this flow last wrote it,
 * for every field and per target field. Off, the source always wins and the target is not read first.
 */
export function ConflictRulesView({
  draft,
  patch,
  error,
  fields,
}: {
  draft: Pick<FlowDraft, 'conflictDefault' | 'conflictFields'>;
  patch(next: Partial<FlowDraft>): void;
  error?: string;
  /** The target's writable fields, offered as rule fields. */
  fields: string[];
}) {
  const rules = draft.conflictFields;
  const setRule = (index: number, next: Partial<{ field: string; winner: ConflictWinner }>) =>
    patch({ conflictFields: rules.map((rule, at) => (at === index ? { ...rule, ...next } : rule)) });
  return (
    <fieldset className="flow-conflicts" data-testid="flow-conflicts">
      <legend>Both directions</legend>
      <p className="muted">
        When another flow writes this flow&apos;s source from its target, a field can change on both sides between runs.
        Choose who wins; each run then reads the target records first and counts the conflicts it resolved. Writes of
        the other flow coming back are always skipped as echoes.
      </p>
      <label className="form-field">
        <span>When both sides changed a field</span>
        <select
          className="select"
          value={draft.conflictDefault}
          onChange={(event) => patch({ conflictDefault: event.target.value as FlowDraft['conflictDefault'] })}
          data-testid="flow-conflict-default"
        >
          <option value="">No rules: the source always wins</option>
          {conflictWinners.map((winner) => (
            <option key={winner} value={winner}>
              {winnerLabels[winner]}
            </option>
          ))}
        </select>
      </label>
      {draft.conflictDefault && (
        <div className="conflict-rules" data-testid="flow-conflict-fields">
          {rules.length > 0 && <span className="conflict-rules-head">Per target field, instead of the default</span>}
          {rules.map((rule, index) => (
            <div key={index} className="toolbar conflict-rule" data-testid="flow-conflict-rule">
              <input
                className="input"
                list="flow-conflict-field-names"
                placeholder="Target field"
                aria-label={`Field of rule ${index + 1}`}
                value={rule.field}
                onChange={(event) => setRule(index, { field: event.target.value })}
                data-testid="flow-conflict-field"
              />
              <select
                className="select"
                aria-label={`Winner of rule ${index + 1}`}
                value={rule.winner}
                onChange={(event) => setRule(index, { winner: event.target.value as ConflictWinner })}
                data-testid="flow-conflict-winner"
              >
                {conflictWinners.map((winner) => (
                  <option key={winner} value={winner}>
                    {winnerLabels[winner]}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="button ghost"
                onClick={() => patch({ conflictFields: rules.filter((_, at) => at !== index) })}
              >
                Remove
              </button>
            </div>
          ))}
          <datalist id="flow-conflict-field-names">
            {fields.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <button
            type="button"
            className="button ghost"
            onClick={() => patch({ conflictFields: [...rules, { field: '', winner: 'target' }] })}
            data-testid="flow-conflict-add"
          >
            Add a rule for one field
          </button>
        </div>
      )}
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}
