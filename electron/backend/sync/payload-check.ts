import type { EntityField, EntitySchema } from '../../../shared/domain/entity-schema';

export interface PayloadProblem {
  code: 'E_SYNC_REQUIRED_MISSING' | 'E_SYNC_TOO_LONG' | 'E_SYNC_PICKLIST' | 'E_SYNC_TYPE' | 'E_SYNC_MATCH_KEY_MISSING';
  field: string;
  message: string;
}

/**
 * Cheap checks before a record costs an API call: what the target would refuse
 * anyway (required fields, lengths, picklists, types, the match key). The target
 * remains the judge; this only saves budget and gives clearer messages.
 */
export function checkPayload(
  payload: unknown,
  schema: EntitySchema | undefined,
  matchKey: string[],
  creating: boolean,
): PayloadProblem[] {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    return [{ code: 'E_SYNC_TYPE', field: '', message: 'The mapping produced no object for this record.' }];
  }
  const record = payload as Record<string, unknown>;
  const problems: PayloadProblem[] = [];
  for (const key of matchKey) {
    if (isEmpty(record[key]))
      problems.push({
        code: 'E_SYNC_MATCH_KEY_MISSING',
        field: key,
        message: `The match key ${key} is empty, so the record cannot be matched in the target.`,
      });
  }
  if (!schema) return problems;
  for (const field of schema.fields) checkField(field, record[field.name], creating, problems);
  return problems;
}

function checkField(field: EntityField, value: unknown, creating: boolean, problems: PayloadProblem[]) {
  // Leaving a required field out of an update keeps its value; sending it empty clears it,
  // which the target refuses as it would a create without it.
  const clearing = value === null || value === '';
  const required = creating
    ? field.required.onCreate
    : field.required.onUpdate || (clearing && field.required.onCreate);
  if (isEmpty(value)) {
    if (required && !field.readOnly)
      problems.push({
        code: 'E_SYNC_REQUIRED_MISSING',
        field: field.name,
        message: `${field.label} (${field.name}) is required.`,
      });
    return;
  }
  if (typeof value === 'string' && field.maxLength !== undefined && [...value].length > field.maxLength) {
    problems.push({
      code: 'E_SYNC_TOO_LONG',
      field: field.name,
      message: `${field.label} (${field.name}) is ${[...value].length} characters; the maximum is ${field.maxLength}.`,
    });
  }
  if (field.type === 'picklist' && field.picklist && field.picklist.length > 0) {
    const allowed = field.picklist.filter((option) => option.active !== false).map((option) => option.value);
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (!allowed.some((option) => option === item || String(option) === String(item))) {
        problems.push({
          code: 'E_SYNC_PICKLIST',
          field: field.name,
          message: `${JSON.stringify(item)} is not an allowed value of ${field.label} (${field.name}).`,
        });
      }
    }
  }
  if ((field.type === 'number' || field.type === 'integer') && typeof value !== 'number') {
    problems.push({
      code: 'E_SYNC_TYPE',
      field: field.name,
      message: `${field.label} (${field.name}) expects a number, got ${JSON.stringify(value)}.`,
    });
  }
  if (field.type === 'boolean' && typeof value !== 'boolean') {
    problems.push({
      code: 'E_SYNC_TYPE',
      field: field.name,
      message: `${field.label} (${field.name}) expects true or false, got ${JSON.stringify(value)}.`,
    });
  }
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}
