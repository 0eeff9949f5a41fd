import { useSchemas } from '../schemas/schemas.instance';
import { Field } from './FlowFields';
import { writesInFlightHint } from './writes-in-flight-hint';

/**
 * The flow's "Writes in flight" (`options.concurrency`): how many write batches a run keeps open at
 * the target at once. Empty uses the target's documented limit for the entity (the connection's
 * `writeConcurrency`, shown in the hint); a number caps it lower; 1 writes one batch at a time. A
 * run never goes above the documented limit, whatever is entered, so the hint says when it would.
 */
export function WritesInFlightField({
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
  const limit = entities?.value?.find((candidate) => candidate.id === entity)?.writeConcurrency;
  return (
    <Field label="Writes in flight" error={error} hint={writesInFlightHint(value, limit)}>
      <input
        className="input narrow"
        inputMode="numeric"
        placeholder={limit === undefined ? 'target’s limit' : String(limit)}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        data-testid="flow-concurrency"
      />
    </Field>
  );
}
