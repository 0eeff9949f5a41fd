import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { AppError } from '../../../../shared/errors';
import { backoffCeiling } from '../../http/backoff';
import type { HttpResponse } from '../../http/http-client';
import type { JsonObject, JsonValue, WriteOptions, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { sleep } from '../../util/sleep';

/**
 * Salesforce Bulk API 2.0 ingest, one upsert job per call (Bulk API 2.0 Developer Guide,
 * developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/):
 *
 * 1. `POST /jobs/ingest` {object, externalIdFieldName, contentType:"CSV", operation:"upsert",
 *    lineEnding:"LF", columnDelimiter:"COMMA"} → job info with `id` (create_job.htm);
 * 2. `PUT /jobs/ingest/{id}/batches`, `Content-Type: text/csv`, the CSV → 201 (upload_job_data.htm;
 *    simple-salesforce `bulk2.py` sends text/csv and expects 201);
 * 3. `PATCH /jobs/ingest/{id}` {state:"UploadComplete"} (close_job.htm);
 * 4. `GET /jobs/ingest/{id}` until `state` is JobComplete, Failed or Aborted (get_job_info.htm,
 *    bulk_api_2_job_states.htm), waiting longer each time;
 * 5. `GET …/successfulResults/` (`sf__Id`, `sf__Created`, then the uploaded columns) and
 *    `…/failedResults/` (`sf__Id`, `sf__Error`, then the uploaded columns); after Failed or Aborted
 *    also `…/unprocessedrecords/`. Rows come in no guaranteed order (get_job_successful_results.htm),
 *    so they are matched back to the input by the external id value (duplicates in turn).
 *
 * CSV (datafiles_prepare_csv.htm, datafiles_csv_valid_record_rows.htm): UTF-8, field API names in
 * the header, relationship lookups as `Account__r.Infor_Customer_Number__c`, values quoted when they
 * hold a comma, quote or line break (quotes doubled), never trimmed; an empty value leaves the field
 * as it is, `#N/A` sets it to null. Dates go as ISO 8601 text (`2024-01-15`, `…T10:30:00.000Z`).
 */

/** Largest upload per job: 150 MB, of which Salesforce counts base64 (≈ +50%), so 100 MB of CSV. */
export const maxJobBytes = 100 * 1024 * 1024;

/** First wait before asking how the job is doing, and the longest wait between two asks. */
export interface BulkPolling {
  firstDelayMs: number;
  maxDelayMs: number;
  /** A job still running after this is aborted and its records fail with a timeout. */
  timeoutMs: number;
}

export const defaultBulkPolling: BulkPolling = { firstDelayMs: 500, maxDelayMs: 10_000, timeoutMs: 3_600_000 };

interface JobInfo {
  id?: string;
  state?: string;
  errorMessage?: string;
  numberRecordsProcessed?: number;
  numberRecordsFailed?: number;
}

type Call = (
  context: HookContext,
  path: string,
  init: {
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
    json?: unknown;
    csv?: string;
    text?: boolean;
    signal?: AbortSignal;
  },
) => Promise<HttpResponse>;

/** A value as a CSV cell: null → `#N/A` (sets null), absent → empty (leaves the field), text as is. */
function cell(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  if (value === null) return '#N/A';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Multi-select picklists take `;`-joined values.
  if (Array.isArray(value)) return value.map((part) => (part === null ? '' : String(part))).join(';');
  return JSON.stringify(value);
}

/** Columns of one record: plain fields, and a relationship `{Account__r: {Ext__c: v}}` as `Account__r.Ext__c`. */
function columns(record: JsonObject): Array<[string, JsonValue]> {
  const out: Array<[string, JsonValue]> = [];
  for (const [name, value] of Object.entries(record)) {
    if (name === 'attributes' || value === undefined) continue;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const inner = Object.entries(value).filter(([key]) => key !== 'attributes');
      if (inner.length === 1) {
        out.push([`${name}.${inner[0]![0]}`, inner[0]![1] ?? null]);
        continue;
      }
    }
    out.push([name, value]);
  }
  return out;
}

/** The records as one CSV (LF line endings, every value quoted), with the header in first-seen order. */
export function recordsToCsv(records: JsonObject[]): { csv: string; header: string[]; rows: string[][] } {
  const header: string[] = [];
  const seen = new Set<string>();
  const cells = records.map((record) => {
    const map = new Map(columns(record));
    for (const name of map.keys()) {
      if (seen.has(name)) continue;
      seen.add(name);
      header.push(name);
    }
    return map;
  });
  const rows = cells.map((map) => header.map((name) => cell(map.get(name))));
  return { csv: stringify([header, ...rows], { quoted: true, record_delimiter: '\n' }), header, rows };
}

/** `REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --` → code, message, field. */
export function parseBulkError(text: string): { code: string; message: string; field?: string } {
  const body = text.replace(/\s*--\s*$/, '');
  const colon = body.indexOf(':');
  if (colon <= 0 || !/^[A-Z_]+$/.test(body.slice(0, colon))) return { code: 'E_REMOTE', message: body || 'error' };
  const code = body.slice(0, colon);
  let message = body.slice(colon + 1);
  let field: string | undefined;
  const last = message.lastIndexOf(':');
  if (last >= 0 && /^[A-Za-z0-9_.,]*$/.test(message.slice(last + 1))) {
    field = message.slice(last + 1).split(',')[0] || undefined;
    message = message.slice(0, last);
  }
  return { code, message, ...(field ? { field } : {}) };
}

/** Runs one upsert job for `records` and answers one result per record, in input order. */
export async function runBulkUpsert(
  context: HookContext,
  call: Call,
  object: string,
  records: JsonObject[],
  matchKey: string,
  options: Pick<WriteOptions, 'signal' | 'onWarning'> & { polling?: BulkPolling } = {},
): Promise<WriteResult[]> {
  const { signal } = options;
  const polling = options.polling ?? defaultBulkPolling;
  const { csv, header, rows } = recordsToCsv(records);
  if (Buffer.byteLength(csv) > maxJobBytes && records.length > 1) {
    // Over a job's upload limit: two jobs, each half.
    const half = Math.ceil(records.length / 2);
    return [
      ...(await runBulkUpsert(context, call, object, records.slice(0, half), matchKey, options)),
      ...(await runBulkUpsert(context, call, object, records.slice(half), matchKey, options)),
    ];
  }
  const refused = (response: HttpResponse, what: string) => {
    const first = (Array.isArray(response.data) ? response.data[0] : undefined) as
      { errorCode?: string; message?: string } | undefined;
    return new AppError(
      'E_REMOTE',
      `Salesforce refused ${what}: ${first?.errorCode ?? `HTTP ${response.status}`} ${first?.message ?? response.text.slice(0, 200)}`.trim(),
      { status: response.status, code: first?.errorCode },
    );
  };

  const created = await call(context, '/jobs/ingest', {
    method: 'POST',
    json: {
      object,
      externalIdFieldName: matchKey,
      contentType: 'CSV',
      operation: 'upsert',
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
    },
    signal,
  });
  const jobId = (created.data as JobInfo | undefined)?.id;
  if (created.status >= 300 || !jobId) throw refused(created, 'the Bulk API 2.0 job');
  const job = `/jobs/ingest/${encodeURIComponent(jobId)}`;
  // From here on a cancelled run aborts the job, so Salesforce does not go on writing behind its back.
  const abort = async () => {
    await call(context, job, { method: 'PATCH', json: { state: 'Aborted' } }).catch(() => undefined);
  };
  let info: JobInfo;
  try {
    const uploaded = await call(context, `${job}/batches`, { method: 'PUT', csv, signal });
    if (uploaded.status !== 201) throw refused(uploaded, `the upload of job ${jobId}`);
    const closed = await call(context, job, { method: 'PATCH', json: { state: 'UploadComplete' }, signal });
    if (closed.status >= 300) throw refused(closed, `closing job ${jobId}`);
    info = (closed.data ?? {}) as JobInfo;
    const started = Date.now();
    for (let attempt = 1; !['JobComplete', 'Failed', 'Aborted'].includes(info.state ?? ''); attempt += 1) {
      if (Date.now() - started > polling.timeoutMs) {
        await abort();
        throw new AppError(
          'E_REMOTE',
          `Salesforce Bulk API 2.0 job ${jobId} did not finish within ${Math.round(polling.timeoutMs / 60_000)} min; it was aborted.`,
          { jobId },
        );
      }
      await sleep(
        backoffCeiling(attempt, { baseDelayMs: polling.firstDelayMs, maxDelayMs: polling.maxDelayMs }),
        signal,
      );
      const answer = await call(context, job, { method: 'GET', signal });
      if (answer.status >= 300) throw refused(answer, `the status of job ${jobId}`);
      info = (answer.data ?? {}) as JobInfo;
    }
  } catch (error) {
    if (signal?.aborted) await abort();
    throw error;
  }

  // Results matched back by the external id value; several input rows with one value take their results in turn.
  const keyColumn = header.indexOf(matchKey);
  const waiting = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const key = keyColumn >= 0 ? (row[keyColumn] ?? '').toLowerCase() : '';
    const list = waiting.get(key) ?? [];
    list.push(index);
    waiting.set(key, list);
  });
  const results: Array<WriteResult | undefined> = new Array(records.length);
  const claim = (row: Record<string, string>): number | undefined => {
    const list = waiting.get((row[matchKey] ?? '').toLowerCase());
    return list?.shift();
  };
  const read = async (kind: 'successfulResults' | 'failedResults' | 'unprocessedrecords') => {
    const answer = await call(context, `${job}/${kind}/`, { method: 'GET', text: true, signal });
    if (answer.status >= 300) throw refused(answer, `the ${kind} of job ${jobId}`);
    if (answer.text.trim() === '') return [];
    return parse(answer.text, { columns: true, skip_empty_lines: true, relax_column_count: false }) as Array<
      Record<string, string>
    >;
  };
  const by = matchKey === 'Id' ? 'id' : 'external_id';
  for (const row of await read('successfulResults')) {
    const index = claim(row);
    if (index === undefined) continue;
    const created = row.sf__Created === 'true';
    results[index] = {
      outcome: created ? 'created' : 'updated',
      targetKey: row.sf__Id || undefined,
      match: created ? { by: 'none' } : { by, value: row[matchKey] },
    };
  }
  for (const row of await read('failedResults')) {
    const index = claim(row);
    if (index === undefined) continue;
    results[index] = {
      outcome: 'failed',
      targetKey: row.sf__Id || undefined,
      error: parseBulkError(row.sf__Error ?? ''),
    };
  }
  const jobError =
    info.state === 'JobComplete'
      ? undefined
      : `Salesforce Bulk API 2.0 job ${jobId} ended ${info.state}${info.errorMessage ? `: ${info.errorMessage}` : ''}`;
  if (jobError) {
    for (const row of await read('unprocessedrecords')) {
      const index = claim(row);
      if (index !== undefined)
        results[index] = { outcome: 'failed', error: { code: 'E_REMOTE', message: `${jobError} (not processed).` } };
    }
  }
  // A record in no result set failed: never silently dropped.
  return results.map(
    (result) =>
      result ?? {
        outcome: 'failed',
        error: {
          code: 'E_REMOTE',
          message: jobError
            ? `${jobError}.`
            : `Salesforce Bulk API 2.0 job ${jobId} returned no result for this record.`,
        },
      },
  );
}
