import { z } from 'zod';
import { systemLabels, type Connection, type SystemId } from '../../../shared/domain/connection';
import { AppError } from '../../../shared/errors';
import { systemSpecs } from '../../../shared/systems/catalog';
import { connectorRateRanges } from '../connectors/connector-registry';
import { rateLimitSetting } from '../connectors/framework/connector-runtime';

/**
 * One check of a connection's settings for every way one is saved
 * (`connections.create`, `connections.update`, bundle validate and import),
 * against its system's settings schema. Connectors read settings as they are
 * stored, so a value that is wrong here would otherwise surface as a silent
 * default (Zoho's data centre) or a clamped rate. Each system's schema is its
 * spec's (`shared/systems/`); the rate range comes from its connector's descriptor.
 */
type SettingsSchema = z.ZodObject<z.ZodRawShape>;

function schemaOf(system: SystemId): SettingsSchema {
  const base: SettingsSchema = systemSpecs[system].settings;
  const range = connectorRateRanges[system];
  // Strict: a key no schema names is a typo or a setting of another system, and would be silently ignored.
  if (!range || rateLimitSetting in base.shape) return base.strict();
  const message = `Use a whole number of requests per minute from ${range.min.toLocaleString('en')} to ${range.max.toLocaleString('en')}.`;
  // A whole number written as text ("300" from a settings file) is the same choice; stored as a number.
  const rate = z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
    z.number({ message }).int(message).min(range.min, message).max(range.max, message).optional(),
  );
  return base.extend({ [rateLimitSetting]: rate }).strict();
}

export interface SettingsProblem {
  field: string;
  message: string;
}

export type SettingsCheck = { ok: true; settings: Connection['settings'] } | { ok: false; problems: SettingsProblem[] };

/**
 * Checks settings and returns them normalised (trimmed, lower-cased where the
 * schema says so) for the keys given: defaults stay implicit, so stored settings
 * say what someone chose. `null` means "not set" and is left out. A key the
 * system has no setting for is refused, except those in `stored`: a connection
 * saved before settings were strict keeps its extra keys (nothing reads them)
 * and can still be edited.
 */
export function checkConnectionSettings(
  system: SystemId,
  settings: Connection['settings'],
  stored: Connection['settings'] = {},
): SettingsCheck {
  const given = Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== null));
  const schema = schemaOf(system);
  const extra = Object.keys(given).filter((key) => !(key in schema.shape) && key in stored);
  const result = schema.safeParse(Object.fromEntries(Object.entries(given).filter(([key]) => !extra.includes(key))));
  if (!result.success)
    return { ok: false, problems: result.error.issues.flatMap((issue) => describeIssue(system, schema, issue)) };
  const parsed = result.data as Record<string, Connection['settings'][string]>;
  return { ok: true, settings: Object.fromEntries(Object.keys(given).map((key) => [key, parsed[key] ?? given[key]!])) };
}

function describeIssue(system: SystemId, schema: SettingsSchema, issue: z.core.$ZodIssue): SettingsProblem[] {
  if (issue.code === 'unrecognized_keys') {
    // One problem per key, named like any other wrong field, with the keys this system does know.
    const known = Object.keys(schema.shape).join(', ');
    return issue.keys.map((key) => ({
      field: key,
      message: `${systemLabels[system]} has no setting “${key}”. Known settings: ${known}.`,
    }));
  }
  const field = issue.path.map(String).join('.') || '(settings)';
  const allowed =
    issue.code === 'invalid_value' && issue.values.length > 0
      ? ` Allowed: ${issue.values.map(String).join(', ')}.`
      : '';
  return [{ field, message: `${issue.message}${allowed}` }];
}

export function settingsProblemsText(system: SystemId, problems: SettingsProblem[]): string {
  return `${systemLabels[system]} settings are not valid: ${problems.map((problem) => `“${problem.field}”: ${problem.message}`).join(' ')}`;
}

/** The settings to store, or E_INVALID_INPUT naming each wrong field and what it allows. */
export function validConnectionSettings(
  system: SystemId,
  settings: Connection['settings'],
  stored: Connection['settings'] = {},
): Connection['settings'] {
  const check = checkConnectionSettings(system, settings, stored);
  if (!check.ok)
    throw new AppError('E_INVALID_INPUT', settingsProblemsText(system, check.problems), { problems: check.problems });
  return check.settings;
}
