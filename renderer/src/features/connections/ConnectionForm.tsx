import { useState, type FormEvent } from 'react';
import { systemLabels, type Connection } from '../../../../shared/domain/connection';
import { ErrorPanel } from '../../components/StateViews';
import {
  connectionForms,
  hasErrors,
  initialValues,
  validateForm,
  type FormField,
  type FormSystem,
  type FormValues,
} from './connection-forms';
import { useConnections } from './connections.instance';

/** Create or edit a target-system connection; validation comes from the connector's own settings schema. */
export function ConnectionForm({
  system,
  connection,
  onDone,
}: {
  system: FormSystem;
  connection?: Connection;
  onDone(saved?: Connection): void;
}) {
  const create = useConnections((state) => state.create);
  const update = useConnections((state) => state.update);
  const actionError = useConnections((state) => state.actionError);
  const [name, setName] = useState(connection?.name ?? `${systemLabels[system]}`);
  const [values, setValues] = useState<FormValues>(() => initialValues(system, connection));
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const editing = connection !== undefined;
  const result = validateForm(system, values, { name, secretsSet: connection?.secretsSet, editing });

  const showError = (key: string) => (submitted || touched[key]) && result.errors[key];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    if (hasErrors(result)) return;
    setSaving(true);
    const saved = editing
      ? await update({
          id: connection.id,
          name: name.trim(),
          settings: result.settings,
          secrets: Object.keys(result.secrets).length > 0 ? result.secrets : undefined,
        })
      : await create({ system, name: name.trim(), settings: result.settings, secrets: result.secrets, sandbox: false });
    setSaving(false);
    if (saved) onDone(saved);
  }

  return (
    <form
      className="panel connection-form"
      onSubmit={(event) => void submit(event)}
      noValidate
      data-testid="connection-form"
      data-system={system}
    >
      <div className="section-head">
        <div>
          <h2>{editing ? `Edit ${connection.name}` : `New ${systemLabels[system]} connection`}</h2>
          <p className="muted">
            Secrets are stored encrypted by the backend and never shown again; leave a secret empty to keep the stored
            one.
          </p>
        </div>
      </div>
      <div className="form-grid">
        <label className="form-field">
          <span>Name</span>
          <input
            className="input"
            value={name}
            onChange={(event) => setName(event.target.value)}
            aria-invalid={submitted && result.nameError ? true : undefined}
            data-testid="connection-name"
          />
          {submitted && result.nameError && <small className="field-error">{result.nameError}</small>}
        </label>
        {connectionForms[system].map((field) => (
          <FieldInput
            key={field.key}
            field={field}
            value={values[field.key] ?? ''}
            stored={editing && field.where === 'secrets' && connection.secretsSet.includes(field.key)}
            error={showError(field.key) || undefined}
            onChange={(value) => setValues((current) => ({ ...current, [field.key]: value }))}
            onBlur={() => setTouched((current) => ({ ...current, [field.key]: true }))}
          />
        ))}
      </div>
      {actionError && submitted && !saving && (
        <ErrorPanel title="The backend refused this connection" error={actionError} testId="connection-form-error" />
      )}
      <div className="toolbar form-actions">
        <span className="grow" />
        <button type="button" className="button ghost" onClick={() => onDone()}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={saving} data-testid="connection-save">
          {saving ? 'Saving…' : editing ? 'Save changes' : 'Create connection'}
        </button>
      </div>
    </form>
  );
}

function FieldInput({
  field,
  value,
  stored,
  error,
  onChange,
  onBlur,
}: {
  field: FormField;
  value: string;
  stored: boolean;
  error?: string;
  onChange(value: string): void;
  onBlur(): void;
}) {
  const id = `connection-field-${field.key}`;
  const hint = error ?? field.help;
  return (
    <label className="form-field" htmlFor={id}>
      <span>
        {field.label}
        {field.optional && <span className="muted"> (optional)</span>}
      </span>
      {field.kind === 'select' ? (
        <select
          id={id}
          className="select"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onBlur={onBlur}
          data-testid={`field-${field.key}`}
        >
          {field.options?.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          className="input"
          type={field.kind === 'secret' ? 'password' : field.kind === 'number' ? 'number' : 'text'}
          autoComplete="off"
          spellCheck={false}
          value={value}
          placeholder={stored ? 'set — type to replace' : field.placeholder}
          aria-invalid={error ? true : undefined}
          onChange={(event) => onChange(event.target.value)}
          onBlur={onBlur}
          data-testid={`field-${field.key}`}
        />
      )}
      {hint && (
        <small
          className={error ? 'field-error' : undefined}
          data-testid={error ? `field-${field.key}-error` : undefined}
        >
          {hint}
        </small>
      )}
    </label>
  );
}
