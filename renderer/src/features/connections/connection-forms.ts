import type { z } from 'zod';
import type { Connection } from '../../../../shared/domain/connection';
import { formSystemSpecs, systemSpec, type FormSystemId } from '../../../../shared/systems/catalog';
import type { FormHint } from '../../../../shared/systems/spec';

/**
 * The connection forms, derived from each system's spec (`shared/systems/`):
 * its form hints say which inputs it needs and where each value goes
 * (non-secret settings or a write-only secret slot); the spec's settings and
 * secrets schemas validate each one, so the form says exactly what the
 * backend and the connector would refuse.
 */
export type FormSystem = FormSystemId;
export const formSystems: FormSystem[] = formSystemSpecs.map((spec) => spec.id);

export interface FormField extends FormHint {
  schema: z.ZodType;
}

function fieldsOf(system: FormSystem): FormField[] {
  const spec = systemSpec(system);
  if (spec.setup.kind !== 'form') return [];
  // The shapes are typed with zod's core type; every schema in them is a classic `z.ZodType` (they come from `z.*`).
  type Shape = Record<string, z.ZodType>;
  const shapes: Record<FormHint['where'], Shape> = {
    settings: spec.settings.shape as Shape,
    secrets: spec.setup.secrets.shape as Shape,
  };
  return spec.setup.fields.map((hint) => {
    const schema = shapes[hint.where][hint.key];
    // A hint naming a key its schema lacks is a mistake in the spec: fail at start, not on submit.
    if (!schema) throw new Error(`The ${system} form field “${hint.key}” has no ${hint.where} schema.`);
    return { ...hint, schema };
  });
}

export const connectionForms = Object.fromEntries(formSystems.map((system) => [system, fieldsOf(system)])) as Record<
  FormSystem,
  FormField[]
>;

/** Full settings schemas: on create they fill in defaults (API version, base URL …). */
const settingsSchemas = (system: FormSystem): z.ZodType => systemSpec(system).settings;

export type FormValues = Record<string, string>;

/** Starting values: a new form gets the schema defaults; an edit form the saved settings (never secrets). */
export function initialValues(system: FormSystem, connection?: Connection): FormValues {
  const values: FormValues = {};
  for (const field of connectionForms[system]) {
    if (field.where === 'secrets') values[field.key] = '';
    else if (connection && connection.settings[field.key] !== undefined && connection.settings[field.key] !== null)
      values[field.key] = String(connection.settings[field.key]);
    else if (field.kind === 'select') values[field.key] = field.options?.[0]?.value ?? '';
    else values[field.key] = '';
  }
  return values;
}

export interface FormResult {
  errors: Record<string, string>;
  settings: Connection['settings'];
  /** Only slots the user typed into: an edit leaves the others as they are. */
  secrets: Record<string, string>;
}

/**
 * Validates every field with its schema. In edit mode an empty secret means
 * "keep the stored one" (its slot is already set), so it is not required.
 */
export function validateForm(
  system: FormSystem,
  values: FormValues,
  options: { name: string; secretsSet?: string[]; editing?: boolean },
): FormResult & { nameError?: string } {
  const errors: Record<string, string> = {};
  const settings: Connection['settings'] = {};
  const secrets: Record<string, string> = {};
  for (const field of connectionForms[system]) {
    const raw = (values[field.key] ?? '').trim();
    if (raw === '') {
      if (field.optional) continue;
      if (field.where === 'secrets' && options.editing && options.secretsSet?.includes(field.key)) continue;
    }
    const input: unknown = field.kind === 'number' ? (raw === '' ? undefined : Number(raw)) : raw;
    const parsed = field.schema.safeParse(input);
    if (!parsed.success) {
      errors[field.key] = parsed.error.issues[0]?.message ?? 'Check this value.';
      continue;
    }
    if (field.where === 'secrets') secrets[field.key] = String(parsed.data);
    else settings[field.key] = parsed.data as string | number | boolean;
  }
  const nameError =
    options.name.trim() === '' ? 'Give the connection a name, e.g. “Zoho CRM EU production”.' : undefined;
  if (!options.editing && Object.keys(errors).length === 0) {
    // The whole schema on create: defaults for what the form does not ask.
    const full = settingsSchemas(system).safeParse(settings);
    if (full.success) Object.assign(settings, full.data as Connection['settings']);
  }
  return { errors, settings, secrets, nameError };
}

export const hasErrors = (result: { errors: Record<string, string>; nameError?: string }) =>
  Object.keys(result.errors).length > 0 || result.nameError !== undefined;
