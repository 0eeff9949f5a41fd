import { fillTemplate, type ModifiedSinceDescriptor, type SinceFormat } from '../../../../shared/connectors/descriptor';
import { AppError } from '../../../../shared/errors';

/** An ISO instant as the descriptor's `modifiedSince.format` writes it on the wire (all UTC). */
export function formatSince(format: SinceFormat, since: string): string {
  const instant = Date.parse(since);
  if (Number.isNaN(instant)) throw new AppError('E_INVALID_INPUT', `Not an ISO instant: ${since}`);
  const iso = new Date(instant).toISOString();
  const digits = iso.replace(/\D/g, '');
  switch (format) {
    case 'iso':
      return iso;
    case 'iso-seconds':
      // Dataverse compares datetimes with second precision and prints `…Z` without fractions.
      return iso.slice(0, 19) + 'Z';
    case 'iso-offset':
      return iso.slice(0, 19) + '+00:00';
    case 'yyyyMMddHHmmssSSS':
      return digits.slice(0, 17);
    case 'epoch-millis':
      return String(instant);
    case 'epoch-seconds':
      // Zendesk `start_time`: whole seconds, rounded down so the watermark's second is included.
      return String(Math.floor(instant / 1000));
    case 'ido-datetime':
      // ISO with `T`: SQL Server reads it the same under every DATEFORMAT/LANGUAGE; `yyyy-MM-dd hh:mm`
      // is read as year-day-month under dmy (issue 14; learn.microsoft.com ms180878).
      return iso.slice(0, 23);
    case 'fsm-timestamp':
      // FSM `_fts` counts hundredths.
      return digits.slice(0, 16);
  }
}

/** Where a modified-since filter goes on the first request. */
export interface SinceParts {
  query: Record<string, string>;
  headers: Record<string, string>;
  /** A filter expression no query parameter carries; the `readRequest` hook embeds it (SOQL `WHERE`). */
  filter?: string;
}

/** The descriptor's `modifiedSince` for one read; `values` fill the expression's other placeholders (`{stamp}`). */
export function sinceParts(
  spec: ModifiedSinceDescriptor,
  since: string,
  values: Record<string, string> = {},
): SinceParts {
  const value = formatSince(spec.format, since);
  const parts: SinceParts = { query: {}, headers: {} };
  if (spec.via === 'param') parts.query[spec.template] = value;
  else if (spec.via === 'header') parts.headers[spec.template.toLowerCase()] = value;
  else {
    const expression = fillTemplate(spec.template, { ...values, since: value });
    if (spec.filterParam) parts.query[spec.filterParam] = expression;
    else parts.filter = expression;
  }
  return parts;
}
