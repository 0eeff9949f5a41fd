import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { AppError } from '../../../../shared/errors';
import type { HttpResponse } from '../../http/http-client';
import type { JsonObject, JsonValue, WriteOptions, WriteResult } from '../framework/connector';
import type { HookContext } from '../framework/hooks';
import { sleep } from '../../util/sleep';
import { zohoDataCentreOfApiHost, zohoDataCentres } from '../../../../shared/connectors/zoho.settings';

/**
 * Zoho CRM Bulk Write (v8; Zoho's OpenAPI `bulk_write.json` in `../shared/fixtures/zoho/oas`, and the
 * v8 docs "Upload File", "Create Bulk Write Job", "Get Bulk Write Job Details", "Download Bulk Write
 * Result", https://www.zoho.com/crm/developer/docs/api/v8/bulk-write/overview.html):
 *
 * 1. `GET /crm/v8/org` once for the org's `zgid`, which the upload names in `X-CRM-ORG`, and
 *    `GET /crm/v8/settings/modules` once for the module ids the job names.
 * 2. The records as one CSV (header row of field API names), zipped — "only zip format is supported"
 *    — and sent as the `file` part of a `multipart/form-data` POST to `{upload host}/crm/v8/upload`
 *    with `feature: bulk-write`; the answer's `details.file_id` names it.
 * 3. `POST /crm/bulk/v8/write` `{"operation":"upsert","ignore_empty":true,"resource":[{"type":"data",
 *    "module":{"api_name","id"},"file_id","find_by","field_mappings":[{"api_name","index"}]}]}` → 201,
 *    `details.id` is the job.
 * 4. `GET /crm/bulk/v8/write/{job_id}` until `status` is `COMPLETED` (or `FAILED`), waiting between polls.
 * 5. `GET result.download_url`: a zip holding one CSV with the first three mapped columns, then
 *    `STATUS` (added, updated, skipped or unprocessed), `RECORD_ID` and `ERRORS`
 *    (`<code>-<column>`, several joined by `:`). The match key is column 0, so every result row
 *    carries it: rows are mapped back in order, checked by that key (by key when the order differs).
 *
 * Limits: 25,000 records per file (one CSV for a module without subforms); a job costs 500 API
 * credits (API-FACTS §2.4, unconfirmed). `ignore_empty: true` keeps a field the record does not carry
 * unchanged, as the normal upsert does; so a `null` cannot clear a field on this path (the run is told).
 * Records with line items (subforms) need one CSV per subform: those jobs take the normal upsert.
 */

export interface ZohoBulkSession {
  apiBase(): Promise<string>;
}

/** The normal upsert of at most 100 records (the fallback for jobs the bulk file cannot carry). */
export type ZohoBatchWrite = (records: JsonObject[]) => Promise<WriteResult[]>;

/** Seconds between status polls grow from this (the sandbox's connection sets a short one) up to 30 s. */
const defaultPollMs = 5000;
const maxPollMs = 30_000;

export function createZohoBulkWrite(session: ZohoBulkSession) {
  let zgid: Promise<string> | undefined;

  const orgId = (context: HookContext, signal?: AbortSignal): Promise<string> =>
    (zgid ??= (async () => {
      const response = await context.http.request({
        url: `${await session.apiBase()}/crm/v8/org`,
        expect: 'json',
        signal,
      });
      const org = ((response.data ?? {}) as { org?: Array<{ zgid?: unknown }> }).org?.[0];
      if (response.status >= 300 || org?.zgid === undefined || org.zgid === null)
        throw refusal(response, 'the organization details (zgid) a bulk upload needs');
      return String(org.zgid);
    })().catch((error: unknown) => {
      zgid = undefined;
      throw error;
    }));

  let moduleIds: Promise<Map<string, string>> | undefined;
  /** Module ids by API name: the job's `module` is a Minified_Module, which requires `id` (modules.json). */
  const moduleId = async (context: HookContext, module: string, signal?: AbortSignal): Promise<string> => {
    const ids = await (moduleIds ??= (async () => {
      const response = await context.http.request({
        url: `${await session.apiBase()}/crm/v8/settings/modules`,
        expect: 'json',
        signal,
      });
      if (response.status >= 300) throw refusal(response, 'the module list a bulk write job names its module from');
      const modules =
        ((response.data ?? {}) as { modules?: Array<{ api_name?: unknown; id?: unknown }> }).modules ?? [];
      return new Map(modules.map((entry) => [String(entry.api_name), String(entry.id)]));
    })().catch((error: unknown) => {
      moduleIds = undefined;
      throw error;
    }));
    const id = ids.get(module);
    if (!id) throw new AppError('E_INVALID_INPUT', `Zoho CRM has no module ${module} for a bulk write.`);
    return id;
  };

  return async function writeZohoBulk(
    context: HookContext,
    module: string,
    records: JsonObject[],
    matchKey: string[],
    writeBatch: ZohoBatchWrite,
    options: Pick<WriteOptions, 'signal' | 'onWarning'> = {},
  ): Promise<WriteResult[]> {
    const { signal } = options;
    const key = matchKey[0];
    if (!key) throw new AppError('E_INVALID_INPUT', 'A Zoho bulk write needs a match key (find_by).');
    if (matchKey.length > 1)
      options.onWarning?.(
        `Zoho Bulk Write matches records by one field (find_by): ${key}; ${matchKey.slice(1).join(', ')} is not used on the bulk path.`,
      );
    if (records.some((record) => Object.values(record).some(isObjectList))) {
      options.onWarning?.(
        `${module}: records with line items need one CSV per subform in Zoho Bulk Write; these records took the normal upsert (100 per call) instead.`,
      );
      const results: WriteResult[] = [];
      for (let start = 0; start < records.length; start += 100) {
        signal?.throwIfAborted();
        results.push(...(await writeBatch(records.slice(start, start + 100))));
      }
      return results;
    }
    if (records.some((record) => Object.values(record).some((value) => value === null)))
      options.onWarning?.(
        `${module}: Zoho Bulk Write leaves empty values alone (ignore_empty), so a field mapped to nothing is not cleared on the bulk path.`,
      );

    // Columns: the match key first (so the result carries it), then every field in order of appearance.
    const columns = [key];
    for (const record of records)
      for (const name of Object.keys(record)) if (!columns.includes(name)) columns.push(name);
    const lookupColumns = new Set(columns.filter((name) => records.some((record) => isIdReference(record[name]))));
    const rows = records.map((record) => columns.map((name) => cell(record[name])));
    const csv = stringify([columns, ...rows], { quoted_string: true, record_delimiter: 'windows' });
    const zip = zipSync({ [`${module}.csv`]: strToU8(csv) });

    const base = await session.apiBase();
    const boundary = `----mlc${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${module}.zip"\r\nContent-Type: application/zip\r\n\r\n`,
    );
    const upload = await context.http.request({
      method: 'POST',
      url: `${uploadBase(base)}/crm/v8/upload`,
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        feature: 'bulk-write',
        'x-crm-org': await orgId(context, signal),
      },
      body: Buffer.concat([head, Buffer.from(zip), Buffer.from(`\r\n--${boundary}--\r\n`)]),
      expect: 'json',
      signal,
    });
    // The OpenAPI types file_id as int64 and Zoho's samples as a string: read its digits from the text.
    const fileId = /"file_id"\s*:\s*"?(\d+)"?/.exec(upload.text)?.[1];
    if (upload.status >= 300 || !fileId)
      throw refusal(upload, `the bulk upload of ${records.length} ${module} records`);

    const created = await context.http.request({
      method: 'POST',
      url: `${base}/crm/bulk/v8/write`,
      json: {
        operation: 'upsert',
        ignore_empty: true,
        character_encoding: 'UTF-8',
        resource: [
          {
            type: 'data',
            module: { api_name: module, id: await moduleId(context, module, signal) },
            file_id: fileId,
            find_by: key,
            field_mappings: columns.map((name, index) =>
              lookupColumns.has(name) ? { api_name: name, index, find_by: 'id' } : { api_name: name, index },
            ),
          },
        ],
      },
      expect: 'json',
      signal,
    });
    const jobId = ((created.data ?? {}) as { details?: { id?: unknown } }).details?.id;
    if (created.status >= 300 || jobId === undefined) throw refusal(created, `the bulk write job for ${module}`);

    let pollMs = typeof context.settings.bulkPollMs === 'number' ? context.settings.bulkPollMs : defaultPollMs;
    let job: BulkJob;
    for (;;) {
      const polled = await context.http.request({
        url: `${base}/crm/bulk/v8/write/${encodeURIComponent(String(jobId))}`,
        expect: 'json',
        signal,
      });
      if (polled.status >= 300) throw refusal(polled, `the status of bulk write job ${String(jobId)}`);
      job = (polled.data ?? {}) as BulkJob;
      if (job.status === 'COMPLETED' || job.status === 'FAILED') break;
      await sleep(pollMs, signal);
      pollMs = Math.min(maxPollMs, Math.round(pollMs * 1.5));
    }
    const resource = job.resource?.[0];
    if (job.status === 'FAILED' || !job.result?.download_url) {
      const error = {
        code: resource?.code ?? 'BULK_JOB_FAILED',
        message: `Zoho Bulk Write job ${String(jobId)} ended ${job.status ?? 'without a result'}${resource?.code ? ` (${resource.code})` : ''}.`,
      };
      return records.map(() => ({ outcome: 'failed', error }));
    }
    const download = await context.http.request({ url: job.result.download_url, expect: 'bytes', signal });
    if (download.status >= 300 || !download.bytes)
      throw refusal(download, `the result of bulk write job ${String(jobId)}`);
    return mapResults(records, key, readResultCsv(download.bytes));
  };
}

interface BulkJob {
  status?: string;
  result?: { download_url?: string };
  resource?: Array<{ status?: string; code?: string }>;
}

type ResultRow = Record<string, string>;

function readResultCsv(zip: Uint8Array): ResultRow[] {
  const files = unzipSync(zip);
  const name = Object.keys(files).find((candidate) => /\.csv$/i.test(candidate));
  if (!name) throw new AppError('E_REMOTE', 'The Zoho Bulk Write result holds no CSV file.');
  return parse(
    Buffer.from(files[name]!)
      .toString('utf8')
      .replace(/^\uFEFF/, ''),
    {
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
    },
  ) as ResultRow[];
}

/** Result rows back onto the records: in order when row i carries record i's key, else by key. */
export function mapResults(records: JsonObject[], key: string, rows: ResultRow[]): WriteResult[] {
  const keyOf = (record: JsonObject) => cell(record[key]);
  const inOrder = rows.length === records.length && rows.every((row, index) => row[key] === keyOf(records[index]!));
  const byKey = new Map<string, ResultRow[]>();
  if (!inOrder) for (const row of rows) byKey.set(row[key] ?? '', [...(byKey.get(row[key] ?? '') ?? []), row]);
  return records.map((record, index): WriteResult => {
    const row = inOrder ? rows[index] : byKey.get(keyOf(record))?.shift();
    if (!row)
      return {
        outcome: 'failed',
        error: { code: 'E_SYNC_NO_RESULT', message: 'The Zoho Bulk Write result has no row for this record.' },
      };
    const status = (row.STATUS ?? '').toUpperCase();
    const id = row.RECORD_ID?.trim();
    if ((status === 'ADDED' || status === 'UPDATED') && id)
      return {
        outcome: status === 'ADDED' ? 'created' : 'updated',
        targetKey: id,
        match: status === 'ADDED' ? { by: 'none' } : { by: 'external_id', value: keyOf(record) },
      };
    const errors = (row.ERRORS ?? '')
      .split(':')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const dash = part.indexOf('-');
        return dash < 0 ? { code: part, field: undefined } : { code: part.slice(0, dash), field: part.slice(dash + 1) };
      });
    const first = errors[0];
    return {
      outcome: 'failed',
      error: {
        code: first?.code ?? (status || 'UNPROCESSED'),
        message: `Zoho Bulk Write ${status ? status.toLowerCase() : 'did not process'} this record${
          errors.length
            ? `: ${errors.map((error) => (error.field ? `${error.code} (${error.field})` : error.code)).join(', ')}`
            : ''
        }.`,
        ...(first?.field ? { field: first.field } : {}),
      },
    };
  });
}

/** A CSV cell: text as is, numbers and booleans as Zoho reads them, lookups by id, lists joined by `;`. */
function cell(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((item) => cell(item)).join(';');
  if (isIdReference(value)) return String((value as { id: JsonValue }).id);
  return JSON.stringify(value);
}

function isIdReference(value: JsonValue | undefined): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'id' in value;
}

function isObjectList(value: JsonValue): boolean {
  return Array.isArray(value) && value.some((item) => typeof item === 'object' && item !== null);
}

/**
 * Uploads go to Zoho's file host of the org's data centre, named per data centre in `zohoDataCentres`
 * (Canada and Saudi Arabia do not follow the `content.zohoapis.{tld}` pattern, so it cannot be derived
 * from the API domain). Any other API base (a sandbox) takes the upload itself.
 */
export function uploadBase(apiBase: string): string {
  const url = new URL(apiBase);
  const dataCentre = zohoDataCentreOfApiHost(url.host);
  return dataCentre ? `https://${zohoDataCentres[dataCentre].upload}` : url.origin;
}

function refusal(response: HttpResponse, what: string): AppError {
  const body = (response.data ?? {}) as { code?: unknown; message?: unknown; 'x-error'?: unknown };
  const detail = [body.code, body.message ?? body['x-error']].filter((part) => typeof part === 'string').join(' ');
  return new AppError(
    'E_REMOTE',
    `Zoho refused ${what}: ${detail || response.text.slice(0, 200) || 'no detail'} (HTTP ${response.status}).`,
    { status: response.status, ...(typeof body.code === 'string' ? { code: body.code } : {}) },
  );
}
