import type { FieldType } from '../domain/entity-schema';

/**
 * A conversion the Issues panel offers for a value of the wrong shape (issue 19: "requestdeliveryby
 * expects datetime; got 2023-01-18"): which function wraps the value on its way to the field. Built
 * from catalogue functions and constants only, so the JSONata reads back into the same nodes.
 */
export type ConversionFix =
  | { kind: 'date-to-datetime'; label: string }
  | { kind: 'datetime-to-date'; label: string }
  | { kind: 'to-number'; label: string }
  | { kind: 'to-text'; label: string };

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** The conversion that turns `example` into what a field of `type` takes, when there is a safe one. */
export function conversionFix(type: FieldType, example: unknown): ConversionFix | undefined {
  if (type === 'datetime' && typeof example === 'string' && dateOnly.test(example))
    return { kind: 'date-to-datetime', label: 'Convert to date-time (midnight UTC)' };
  if (type === 'date' && typeof example === 'string' && dateTime.test(example))
    return { kind: 'datetime-to-date', label: 'Keep the date part' };
  if ((type === 'number' || type === 'integer') && typeof example === 'string' && example.trim() !== '') {
    return Number.isFinite(Number(example)) ? { kind: 'to-number', label: 'Convert to number' } : undefined;
  }
  if (type === 'string' && (typeof example === 'number' || typeof example === 'boolean'))
    return { kind: 'to-text', label: 'Convert to text' };
  return undefined;
}
