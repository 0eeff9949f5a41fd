import type { RecordAudit } from '../../../shared/domain/run';

const columns = [
  'id',
  'runId',
  'sourceKey',
  'sourceStamp',
  'outcome',
  'targetKey',
  'errorCode',
  'errorMessage',
  'attempt',
  'mappingHash',
  'createdAt',
  'sourcePayload',
  'transformedPayload',
] as const;

/** RFC 4180 quoting; payloads go in as JSON text. */
function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function* auditCsv(rows: Iterable<RecordAudit>): Generator<string> {
  yield columns.join(',') + '\r\n';
  for (const row of rows) yield columns.map((column) => cell(row[column])).join(',') + '\r\n';
}

export function* auditJsonLines(rows: Iterable<RecordAudit>): Generator<string> {
  for (const row of rows) yield JSON.stringify(row) + '\n';
}
