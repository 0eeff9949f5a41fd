import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
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

export type AuditExportFormat = 'csv' | 'jsonl';

export interface AuditExportProgress {
  rows: number;
  total: number;
  /** Bytes on disk so far. */
  bytes: number;
}

/** What the export walks: the audit repository's keyset pages (see audit.repository.ts). */
export interface AuditPages {
  auditSpan(query: { runId: string }): { count: number; firstId: number; lastId: number };
  auditPage(query: { runId: string }, page: { afterId: number; upToId: number; limit: number }): RecordAudit[];
}

/** One page's text; the CSV header goes before the first page only. */
export function auditChunk(format: AuditExportFormat, rows: RecordAudit[], first: boolean): string {
  if (format === 'jsonl') return [...auditJsonLines(rows)].join('');
  const lines = [...auditCsv(rows)];
  return (first ? lines : lines.slice(1)).join('');
}

/**
 * Writes a run's audit rows to `file` a keyset page at a time: memory holds one page, whatever the
 * run's size, and time grows with the rows (no OFFSET rescans). The text is the same as the
 * in-memory export. It writes to a `.part` file beside it and renames it at the end, so a file under
 * the final name is complete. `onProgress` runs after each page is on disk.
 */
export async function writeAuditExport(
  audit: AuditPages,
  runId: string,
  format: AuditExportFormat,
  file: string,
  onProgress: (progress: AuditExportProgress) => void = () => undefined,
  pageSize = 1000,
): Promise<AuditExportProgress> {
  const { count: total, firstId, lastId } = audit.auditSpan({ runId });
  // Its own part file: two exports of the same run at once do not write into each other.
  const part = `${file}.${randomUUID().slice(0, 8)}.part`;
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const out = fs.createWriteStream(part);
  const progress: AuditExportProgress = { rows: 0, total, bytes: 0 };
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())));
  try {
    let afterId = firstId - 1;
    // A header even for an empty run, as the in-memory export gives.
    if (format === 'csv' && total === 0) {
      const header = auditChunk(format, [], true);
      await write(header);
      progress.bytes += Buffer.byteLength(header);
    }
    for (;;) {
      const page = audit.auditPage({ runId }, { afterId, upToId: lastId, limit: pageSize });
      if (page.length === 0) break;
      const text = auditChunk(format, page, progress.rows === 0);
      // Waiting for each page to reach the file keeps at most one page in memory.
      await write(text);
      progress.rows += page.length;
      progress.bytes += Buffer.byteLength(text);
      onProgress({ ...progress });
      if (page.length < pageSize) break;
      afterId = page[page.length - 1]!.id;
    }
    out.end();
    // Renamed only once closed: the final name never shows a half-written file.
    await finished(out);
    await fs.promises.rename(part, file);
    return progress;
  } catch (error) {
    out.destroy();
    await fs.promises.rm(part, { force: true });
    throw error;
  }
}
