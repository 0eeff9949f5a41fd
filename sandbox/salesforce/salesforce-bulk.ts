import { randomBytes } from 'node:crypto';
import type { SandboxServer, SimulatorContext } from '../kit';
import { salesforceObjectByName, type SalesforceObjectSpec } from './salesforce-objects';
import { salesforceDateTime, type SalesforceStore, type SaveResult } from './salesforce-store';
import { parseStrictCsv } from '../kit/zip-csv';

/**
 * Bulk API 2.0 ingest jobs (upsert), strict the way Salesforce is. Sources:
 * - Create a Job, Upload Job Data, Upload Complete, Get Job Info, Get Job Successful/Failed Record
 *   Results, Get Job Unprocessed Records (developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/
 *   api_asynch/{create_job,upload_job_data,close_job,get_job_info,get_job_successful_results,
 *   get_job_failed_results,get_job_unprocessed_results}.htm): the URIs under
 *   /services/data/vXX.X/jobs/ingest, JSON for the job calls, text/csv for the upload, CSV results.
 * - Job states Open → UploadComplete → InProgress → JobComplete | Failed | Aborted (bulk_api_2_job_states.htm).
 * - CSV rules (datafiles_prepare_csv.htm, datafiles_csv_valid_record_rows.htm): UTF-8, header of
 *   field API names (relationships as `Account__r.Infor_Customer_Number__c`), values quoted when they
 *   hold the delimiter, a quote or a line break, quotes doubled, values never trimmed, an empty value
 *   is ignored, `#N/A` sets null.
 * - A header naming a field the object lacks fails the whole job: state Failed, errorMessage
 *   "InvalidBatch : Field name not found : X" (a real job's info, amp-labs/connectors#118).
 * - Results: `sf__Id`, `sf__Created` (successful), `sf__Id`, `sf__Error` (failed) before the
 *   uploaded columns; the error is `CODE:message:fields --` (as in real failed results, e.g.
 *   "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:…:field__c --"); the order of rows is not guaranteed,
 *   so this simulator answers them in reverse to keep clients honest.
 * - Wrong state transitions, a second upload, results before the end: HTTP 409 with
 *   `[{"errorCode":"INVALIDJOBSTATE","message":…}]` (the status and code are unconfirmed).
 */

type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

interface Job {
  id: string;
  object: SalesforceObjectSpec;
  externalIdFieldName: string;
  lineEnding: 'LF' | 'CRLF';
  state: JobState;
  createdAt: number;
  modifiedAt: number;
  header?: string[];
  rows?: string[][];
  errorMessage?: string;
  polls: number;
  successful: Array<{ row: string[]; result: SaveResult }>;
  failed: Array<{ row: string[]; result: SaveResult }>;
  unprocessed: string[][];
}

export interface SalesforceBulkOptions {
  apiVersion: string;
  /** Job-info polls that answer InProgress before the job is processed (Salesforce takes its time). */
  pollsBeforeDone: number;
}

/** Results as Salesforce writes them: every value quoted. */
function writeCsv(rows: string[][], lineEnding: string): string {
  return rows.map((row) => row.map((value) => `"${value.replace(/"/g, '""')}"`).join(',') + lineEnding).join('');
}

const sfError = (context: SimulatorContext, status: number, errorCode: string, message: string) =>
  context.json(status, [{ errorCode, message }]);

const mediaType = (context: SimulatorContext) =>
  (context.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

export class SalesforceBulk {
  private readonly jobs = new Map<string, Job>();
  private counter = 0;
  /** Every job the simulator saw, for tests (state and row count). */
  readonly history: Array<{ id: string; object: string; rows: number; state: () => JobState }> = [];

  constructor(
    private readonly server: SandboxServer,
    private readonly store: SalesforceStore,
    readonly options: SalesforceBulkOptions,
    /** The REST API's own checks (URI length, session, daily allocation): true when the call may go on. */
    private readonly admit: (context: SimulatorContext) => boolean,
  ) {}

  register(): void {
    const base = `/services/data/${this.options.apiVersion}/jobs/ingest`;
    const route = (method: string, pattern: string, name: string, run: (context: SimulatorContext) => unknown) =>
      this.server.route({
        method,
        pattern: `${base}${pattern}`,
        name,
        handler: async (context) => {
          if (this.admit(context)) await run(context);
        },
      });
    route('POST', '', 'Salesforce bulk create job', (context) => this.create(context));
    route('PUT', '/:id/batches', 'Salesforce bulk upload', (context) => this.upload(context));
    route('PATCH', '/:id', 'Salesforce bulk set state', (context) => this.setState(context));
    route('GET', '/:id', 'Salesforce bulk job info', (context) => this.info(context));
    route('GET', '/:id/successfulResults', 'Salesforce bulk successful results', (context) =>
      this.results(context, 'successful'),
    );
    route('GET', '/:id/failedResults', 'Salesforce bulk failed results', (context) => this.results(context, 'failed'));
    route('GET', '/:id/unprocessedrecords', 'Salesforce bulk unprocessed records', (context) =>
      this.results(context, 'unprocessed'),
    );
  }

  private job(context: SimulatorContext): Job | undefined {
    const job = this.jobs.get(context.params.id ?? '');
    if (!job) sfError(context, 404, 'NOT_FOUND', 'The requested resource does not exist');
    return job;
  }

  private jobInfo(job: Job) {
    const processed = job.successful.length + job.failed.length;
    return {
      id: job.id,
      operation: 'upsert',
      object: job.object.name,
      createdById: '005000000000001AAA',
      createdDate: salesforceDateTime(job.createdAt),
      systemModstamp: salesforceDateTime(job.modifiedAt),
      state: job.state,
      externalIdFieldName: job.externalIdFieldName,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(this.options.apiVersion.slice(1)),
      jobType: 'V2Ingest',
      lineEnding: job.lineEnding,
      columnDelimiter: 'COMMA',
      ...(job.state === 'Open'
        ? { contentUrl: `services/data/${this.options.apiVersion}/jobs/ingest/${job.id}/batches` }
        : {}),
      numberRecordsProcessed: processed,
      numberRecordsFailed: job.failed.length,
      retries: 0,
      totalProcessingTime: 0,
      apiActiveProcessingTime: 0,
      apexProcessingTime: 0,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    };
  }

  private async create(context: SimulatorContext): Promise<void> {
    if (mediaType(context) !== 'application/json')
      return sfError(
        context,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `MediaType of '${mediaType(context)}' is not supported by this resource`,
      );
    let body: Record<string, unknown>;
    try {
      body = (await context.body()).json();
    } catch {
      return sfError(context, 400, 'JSON_PARSER_ERROR', 'Unexpected character: was expecting a JSON value');
    }
    const known = ['object', 'externalIdFieldName', 'contentType', 'operation', 'lineEnding', 'columnDelimiter'];
    const unknown = Object.keys(body).find((key) => !known.includes(key));
    if (unknown) return sfError(context, 400, 'JSON_PARSER_ERROR', `Unrecognized field "${unknown}"`);
    const object = salesforceObjectByName.get(String(body.object ?? ''));
    if (!object) return sfError(context, 400, 'INVALIDJOB', `InvalidJob : Invalid object: ${String(body.object)}`);
    if (body.operation !== 'upsert')
      return sfError(
        context,
        400,
        'INVALIDJOB',
        `InvalidJob : This simulator ingests upserts only, not ${String(body.operation)}`,
      );
    if ((body.contentType ?? 'CSV') !== 'CSV')
      return sfError(context, 400, 'INVALIDJOB', `InvalidJob : Invalid contentType: ${String(body.contentType)}`);
    if ((body.columnDelimiter ?? 'COMMA') !== 'COMMA')
      return sfError(context, 400, 'INVALIDJOB', `InvalidJob : This simulator reads COMMA only`);
    const lineEnding = body.lineEnding ?? 'LF';
    if (lineEnding !== 'LF' && lineEnding !== 'CRLF')
      return sfError(context, 400, 'INVALIDJOB', `InvalidJob : Invalid lineEnding: ${String(lineEnding)}`);
    const field = String(body.externalIdFieldName ?? '');
    const spec = object.fields.find((candidate) => candidate.name === field);
    if (!field || !spec || !(spec.externalId || field === 'Id'))
      return sfError(
        context,
        400,
        'INVALIDJOB',
        `InvalidJob : Field name provided, ${field} is not an External ID or indexed field for ${object.name}`,
      );
    this.counter += 1;
    const now = context.clock.now();
    const job: Job = {
      id: `7505500000${randomBytes(4).toString('hex').toUpperCase().slice(0, 5)}${String(this.counter).padStart(3, '0')}`,
      object,
      externalIdFieldName: field,
      lineEnding,
      state: 'Open',
      createdAt: now,
      modifiedAt: now,
      polls: 0,
      successful: [],
      failed: [],
      unprocessed: [],
    };
    this.jobs.set(job.id, job);
    this.history.push({ id: job.id, object: object.name, rows: 0, state: () => job.state });
    context.json(200, this.jobInfo(job));
  }

  private async upload(context: SimulatorContext): Promise<void> {
    const job = this.job(context);
    if (!job) return;
    if (mediaType(context) !== 'text/csv')
      return sfError(
        context,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `MediaType of '${mediaType(context)}' is not supported by this resource`,
      );
    if (job.state !== 'Open' || job.rows)
      return sfError(
        context,
        409,
        'INVALIDJOBSTATE',
        `Found job in state ${job.state}; data can be uploaded once, to an Open job`,
      );
    const text = (await context.body()).text;
    let rows: string[][];
    try {
      // Strict: quotes only around whole values, no trimming, the job's line ending.
      rows = parseStrictCsv(text, job.lineEnding === 'CRLF' ? '\r\n' : '\n');
    } catch (error) {
      job.state = 'Failed';
      job.errorMessage = `InvalidBatch : Failed to parse CSV: ${(error as Error).message}`;
      return context.empty(201);
    }
    job.header = rows[0] ?? [];
    job.rows = rows.slice(1);
    this.history.find((entry) => entry.id === job.id)!.rows = job.rows.length;
    job.modifiedAt = context.clock.now();
    context.empty(201);
  }

  private async setState(context: SimulatorContext): Promise<void> {
    const job = this.job(context);
    if (!job) return;
    if (mediaType(context) !== 'application/json')
      return sfError(
        context,
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `MediaType of '${mediaType(context)}' is not supported by this resource`,
      );
    let body: { state?: unknown };
    try {
      body = (await context.body()).json();
    } catch {
      return sfError(context, 400, 'JSON_PARSER_ERROR', 'Unexpected character: was expecting a JSON value');
    }
    const wrong = () =>
      sfError(context, 409, 'INVALIDJOBSTATE', `Cannot change job state from ${job.state} to ${String(body.state)}`);
    if (body.state === 'UploadComplete') {
      if (job.state === 'Failed') return context.json(200, this.jobInfo(job));
      if (job.state !== 'Open') return wrong();
      if (!job.rows) {
        job.state = 'Failed';
        job.errorMessage = 'InvalidBatch : No data uploaded for this job';
      } else job.state = 'UploadComplete';
    } else if (body.state === 'Aborted') {
      if (!['Open', 'UploadComplete', 'InProgress'].includes(job.state)) return wrong();
      job.state = 'Aborted';
      job.unprocessed = job.rows ?? [];
    } else return sfError(context, 400, 'INVALIDJOB', `InvalidJob : Invalid state: ${String(body.state)}`);
    job.modifiedAt = context.clock.now();
    context.json(200, this.jobInfo(job));
  }

  private info(context: SimulatorContext): void {
    const job = this.job(context);
    if (!job) return;
    if (job.state === 'UploadComplete' || job.state === 'InProgress') {
      job.polls += 1;
      if (job.polls > this.options.pollsBeforeDone) this.process(job, context.clock.now());
      else job.state = 'InProgress';
    }
    context.json(200, this.jobInfo(job));
  }

  /** Runs the job: the header must name fields of the object, then each row is upserted on its own. */
  private process(job: Job, now: number): void {
    job.modifiedAt = now;
    const header = job.header ?? [];
    const known = (name: string) => {
      const [head, tail] = name.split('.');
      if (tail === undefined) return job.object.fields.some((spec) => spec.name === head);
      return job.object.fields.some((spec) => spec.relationshipName === head);
    };
    const unknown = header.find((name) => !known(name));
    if (unknown !== undefined) {
      job.state = 'Failed';
      job.errorMessage = `InvalidBatch : Field name not found : ${unknown}`;
      job.unprocessed = job.rows ?? [];
      return;
    }
    if (!header.includes(job.externalIdFieldName)) {
      job.state = 'Failed';
      job.errorMessage = `InvalidBatch : Field name not found : ${job.externalIdFieldName}`;
      job.unprocessed = job.rows ?? [];
      return;
    }
    const rows = job.rows ?? [];
    const records = rows.map((row) => this.record(job.object, header, row));
    const results = this.store.upsert(job.object, job.externalIdFieldName, records, false);
    results.forEach((result, index) => {
      (result.success ? job.successful : job.failed).push({ row: rows[index]!, result });
    });
    this.server.bump('recordsWritten', job.successful.length);
    job.state = 'JobComplete';
  }

  /** A CSV row as the record the store upserts: typed values, `#N/A` as null, empty values left out. */
  private record(object: SalesforceObjectSpec, header: string[], row: string[]): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    header.forEach((name, index) => {
      const text = row[index] ?? '';
      if (text === '') return;
      const [head, tail] = name.split('.') as [string, string | undefined];
      if (tail !== undefined) {
        record[head] = { [tail]: text };
        return;
      }
      if (text === '#N/A') {
        record[head] = null;
        return;
      }
      const spec = object.fields.find((candidate) => candidate.name === head)!;
      if (spec.type === 'boolean') record[head] = text === 'true' ? true : text === 'false' ? false : text;
      else if (['int', 'double', 'currency'].includes(spec.type))
        record[head] = text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
      else record[head] = text;
    });
    return record;
  }

  private results(context: SimulatorContext, kind: 'successful' | 'failed' | 'unprocessed'): void {
    const job = this.job(context);
    if (!job) return;
    if (!['JobComplete', 'Failed', 'Aborted'].includes(job.state))
      return sfError(
        context,
        409,
        'INVALIDJOBSTATE',
        `Job ${job.id} is in state ${job.state}; results come once it has ended`,
      );
    const header = job.header ?? [];
    const lines: string[][] =
      kind === 'successful'
        ? [
            ['sf__Id', 'sf__Created', ...header],
            ...job.successful.map(({ row, result }) => [result.id ?? '', String(result.created === true), ...row]),
          ]
        : kind === 'failed'
          ? [
              ['sf__Id', 'sf__Error', ...header],
              ...job.failed.map(({ row, result }) => {
                const error = result.errors[0];
                const text = error
                  ? `${error.statusCode}:${error.message}:${error.fields.join(',')} --`
                  : 'UNKNOWN_EXCEPTION:error: --';
                return [result.id ?? '', text, ...row];
              }),
            ]
          : [header, ...job.unprocessed];
    // Rows in no particular order (the docs promise none): reversed, so clients match by key, not position.
    const [head, ...body] = lines;
    const csv =
      header.length === 0 && kind === 'unprocessed'
        ? ''
        : writeCsv([head!, ...body.reverse()], job.lineEnding === 'CRLF' ? '\r\n' : '\n');
    context.text(200, csv, 'text/csv');
  }
}
