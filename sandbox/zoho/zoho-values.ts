import type { ZohoFieldSpec } from './zoho-modules';

/** Zoho's date-time form: seconds precision with the org's UTC offset (`2024-05-01T15:30:00+05:30`). */
export function formatZohoDateTime(epochMs: number, offset: string): string {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hours, minutes] = offset.slice(1).split(':').map(Number);
  const shiftMs = sign * ((hours ?? 0) * 60 + (minutes ?? 0)) * 60_000;
  return new Date(Math.floor(epochMs / 1000) * 1000 + shiftMs).toISOString().slice(0, 19) + offset;
}

export interface ValueProblem {
  code: 'INVALID_DATA';
  message: string;
  details: Record<string, unknown>;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const phonePattern = /^[0-9+\-() .x/]{1,30}$/i;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;

/**
 * Checks one value against its field the way Zoho reports it: `INVALID_DATA`
 * "invalid data" with `expected_data_type`, `maximum_length` or
 * `supported_values` in the details. `exists` answers lookups.
 */
export function checkValue(
  spec: ZohoFieldSpec,
  value: unknown,
  jsonPath: string,
  exists: (module: string, id: string) => boolean,
): ValueProblem | undefined {
  const base = { api_name: spec.api, json_path: jsonPath };
  const wrongType = (expected: string): ValueProblem => ({
    code: 'INVALID_DATA',
    message: 'invalid data',
    details: { expected_data_type: expected, ...base },
  });
  switch (spec.type) {
    case 'text':
    case 'textarea':
    case 'website':
    case 'email':
    case 'phone':
    case 'picklist': {
      if (typeof value !== 'string' && typeof value !== 'number')
        return wrongType(spec.type === 'textarea' ? 'textarea' : spec.type === 'picklist' ? 'picklist' : spec.type);
      const text = String(value);
      if (spec.type === 'email' && text !== '' && !emailPattern.test(text)) return wrongType('email');
      if (spec.type === 'phone' && text !== '' && !phonePattern.test(text)) return wrongType('phone');
      if (spec.type === 'picklist' && spec.picklist && !spec.picklist.includes(text)) {
        return { code: 'INVALID_DATA', message: 'invalid data', details: { supported_values: spec.picklist, ...base } };
      }
      if (spec.length !== undefined && text.length > spec.length) {
        return { code: 'INVALID_DATA', message: 'invalid data', details: { maximum_length: spec.length, ...base } };
      }
      return undefined;
    }
    case 'integer':
    case 'bigint':
      return Number.isInteger(typeof value === 'string' && value.trim() !== '' ? Number(value) : value)
        ? undefined
        : wrongType(spec.type);
    case 'double':
    case 'currency':
    case 'percent':
      return Number.isFinite(typeof value === 'string' && value.trim() !== '' ? Number(value) : value) &&
        typeof value !== 'boolean'
        ? undefined
        : wrongType(spec.type);
    case 'boolean':
      return typeof value === 'boolean' ? undefined : wrongType('boolean');
    case 'date':
      return typeof value === 'string' && datePattern.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : wrongType('date');
    case 'datetime':
      return typeof value === 'string' && dateTimePattern.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : wrongType('datetime');
    case 'lookup':
    case 'ownerlookup': {
      const id =
        typeof value === 'object' && value !== null && !Array.isArray(value)
          ? (value as { id?: unknown }).id
          : undefined;
      if (typeof id !== 'string' && typeof id !== 'number') return wrongType('jsonobject');
      if (spec.type === 'lookup' && spec.lookup && !exists(spec.lookup, String(id))) {
        return {
          code: 'INVALID_DATA',
          message: 'the id given seems to be invalid',
          details: { ...base, id: String(id) },
        };
      }
      return undefined;
    }
    case 'multiselectpicklist':
    case 'subform':
      return Array.isArray(value) ? undefined : wrongType('jsonarray');
    default:
      return undefined;
  }
}

/** Stored form: numbers where Zoho keeps numbers, lookups as `{ id, name }`. */
export function storedValue(
  spec: ZohoFieldSpec,
  value: unknown,
  nameOf: (module: string, id: string) => string | undefined,
): unknown {
  if (value === null) return null;
  if (spec.type === 'integer' || spec.type === 'double' || spec.type === 'currency' || spec.type === 'percent')
    return Number(value);
  if (spec.type === 'text' || spec.type === 'textarea' || spec.type === 'phone' || spec.type === 'picklist')
    return String(value);
  if ((spec.type === 'lookup' || spec.type === 'ownerlookup') && typeof value === 'object') {
    const id = String((value as { id: unknown }).id);
    return { id, name: spec.lookup ? (nameOf(spec.lookup, id) ?? null) : null };
  }
  return value;
}
