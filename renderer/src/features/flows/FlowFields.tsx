import { useEffect, type ReactNode } from 'react';
import type { Connection, ConnectionId } from '../../../../shared/domain/connection';
import { matchKeyCandidates } from '../schemas/schema-tree';
import { schemaKey } from '../schemas/schemas.store';
import { schemasStore, useSchemas } from '../schemas/schemas.instance';

/* The fields of the flow form: labelled inputs and the pickers fed by the live connectors. */

export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <label className="form-field">
      <span>{label}</span>
      {children}
      {(error ?? hint) && <small className={error ? 'field-error' : undefined}>{error ?? hint}</small>}
    </label>
  );
}

export function ConnectionPicker({
  label,
  connections,
  value,
  onChange,
  error,
  hint,
  testId,
}: {
  label: string;
  connections: Connection[];
  value: string;
  onChange(id: ConnectionId): void;
  error?: string;
  hint?: string;
  testId: string;
}) {
  return (
    <Field label={label} error={error} hint={hint}>
      <select
        className="select"
        value={value}
        onChange={(event) => onChange(event.target.value as ConnectionId)}
        aria-invalid={error ? true : undefined}
        data-testid={testId}
      >
        <option value="">Choose…</option>
        {connections.map((connection) => (
          <option key={connection.id} value={connection.id}>
            {connection.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

const count = (value: number) => value.toLocaleString('en-US');

/**
 * The target's bulk path (Salesforce Bulk API 2.0, Dataverse UpsertMultiple, Zoho Bulk Write): from
 * how many records a write takes it. Hidden when the target entity has none.
 */
export function BulkThresholdField({
  connectionId,
  entity,
  value,
  onChange,
  error,
}: {
  connectionId: string;
  entity: string;
  value: string;
  onChange(value: string): void;
  error?: string;
}) {
  const entities = useSchemas((state) => (connectionId ? state.entities[connectionId] : undefined));
  const bulk = entities?.value?.find((candidate) => candidate.id === entity)?.bulk;
  if (!bulk) return null;
  const own = value.trim() === '' ? undefined : Number(value);
  const summary =
    own === 0
      ? `${bulk.label}: never for this flow.`
      : `${bulk.label} from ${count(own !== undefined && Number.isInteger(own) && own > 0 ? own : bulk.threshold)} records.`;
  return (
    <Field
      label="Bulk threshold"
      error={error}
      hint={`${summary} Empty uses the target’s default (${count(bulk.threshold)}); 0 = never. Smaller writes go in batches.`}
    >
      <input
        className="input narrow"
        inputMode="numeric"
        placeholder={String(bulk.threshold)}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        data-testid="flow-bulk-threshold"
      />
    </Field>
  );
}

export function EntityPicker({
  connectionId,
  value,
  onChange,
  error,
  testId,
  side,
}: {
  connectionId: string;
  value: string;
  onChange(entity: string): void;
  error?: string;
  testId: string;
  side: 'source' | 'target';
}) {
  const entities = useSchemas((state) => (connectionId ? state.entities[connectionId] : undefined));
  useEffect(() => {
    if (connectionId) void schemasStore.getState().loadEntities(connectionId as ConnectionId);
  }, [connectionId]);
  const list = entities?.value ?? [];
  const known = list.some((entity) => entity.id === value);
  const problem =
    error ?? (entities?.state === 'error' ? `Could not list entities: ${entities.error.message}` : undefined);
  return (
    <Field label="Entity" error={problem}>
      <select
        className="select"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        disabled={!connectionId}
        aria-invalid={problem ? true : undefined}
        data-testid={testId}
      >
        <option value="">{entities?.state === 'loading' ? 'Loading…' : 'Choose…'}</option>
        {!known && value && <option value={value}>{value}</option>}
        {list
          .filter((entity) => (side === 'source' ? entity.readable : entity.writable))
          .map((entity) => (
            <option key={entity.id} value={entity.id}>
              {entity.label}
            </option>
          ))}
      </select>
    </Field>
  );
}

/** Match key from the live target schema: external ids and key fields first, any other writable field after. */
export function MatchKeyPicker({
  connectionId,
  entity,
  value,
  onChange,
  error,
}: {
  connectionId: string;
  entity: string;
  value: string[];
  onChange(value: string[]): void;
  error?: string;
}) {
  const schema = useSchemas((state) =>
    connectionId && entity ? state.schemas[schemaKey(connectionId, entity)] : undefined,
  );
  useEffect(() => {
    if (connectionId && entity) void schemasStore.getState().loadSchema(connectionId as ConnectionId, entity);
  }, [connectionId, entity]);
  const fields = schema?.value?.fields ?? [];
  const recommended = schema?.value ? matchKeyCandidates(schema.value) : [];
  const others = fields.filter(
    (field) => !recommended.includes(field) && !field.readOnly && ['string', 'number', 'integer'].includes(field.type),
  );
  // Propose the first external id once the schema arrives, so the common case is one click less.
  useEffect(() => {
    const first = recommended.find((field) => field.externalId);
    if (value.length === 0 && first) onChange([first.name]);
    // Only when the schema arrives, not on every pick: with `value` or `onChange` here, clearing the
    // match key would bring the proposal straight back (and `onChange` is a new function every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [schema?.value]);
  const problem =
    error ?? (schema?.state === 'error' ? `Could not read the target schema: ${schema.error.message}` : undefined);
  return (
    <Field
      label="Match key"
      error={problem}
      hint="The target field that identifies a record; re-runs update instead of duplicating."
    >
      <select
        className="select"
        value={value[0] ?? ''}
        onChange={(event) => onChange(event.target.value ? [event.target.value] : [])}
        disabled={!schema?.value}
        aria-invalid={problem ? true : undefined}
        data-testid="flow-match-key"
      >
        <option value="">{schema?.state === 'loading' ? 'Reading the target schema…' : 'Choose…'}</option>
        {recommended.length > 0 && (
          <optgroup label="External ids and keys">
            {recommended.map((field) => (
              <option key={field.name} value={field.name}>
                {field.label && field.label !== field.name ? `${field.label} (${field.name})` : field.name}
                {field.externalId ? ' — external id' : ''}
              </option>
            ))}
          </optgroup>
        )}
        {others.length > 0 && (
          <optgroup label="Other fields">
            {others.map((field) => (
              <option key={field.name} value={field.name}>
                {field.label && field.label !== field.name ? `${field.label} (${field.name})` : field.name}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </Field>
  );
}
