import type { SandboxServer, SimulatorContext } from '../kit';
import { formatCsv, parseStrictCsv, unzip, zip } from '../kit/zip-csv';
import { isJsonContentType } from './zoho-answers';
import { zohoModuleByName, zohoModules, type ZohoModuleSpec } from './zoho-modules';
import type { ZohoStore } from './zoho-store';

/**
 * Zoho CRM Bulk Write, v8 (Zoho's OpenAPI `bulk_write.json`, `../shared/fixtures/zoho/oas`, and the v8
 * pages "Upload File", "Create Bulk Write Job", "Get Bulk Write Job Details", "Download Bulk Write
 * Result", "Bulk Write Limitations"), plus `GET /crm/v8/org` for the `zgid` the upload names:
 *
 * - upload: `multipart/form-data` with a `file` part that must be a zip ("invalid file format. only
 *   zip format is supported") holding one CSV of at most `maxRows` (25,000) records; the headers
 *   `feature: bulk-write` and `X-CRM-ORG: {zgid}` are required (the OpenAPI's x-error text).
 * - create job: JSON body; every `field_mappings[].api_name` must be a writable field of the module
 *   ("invalid mapping. invalid api_name …"); `find_by` a unique field for update/upsert. 201.
 *   A job costs 500 credits (API-FACTS §2.4, unconfirmed), charged through the API's credit counter.
 * - job details: `ADDED`/`IN PROGRESS` for `pollsUntilDone` polls, then the job runs and answers
 *   `COMPLETED` with `result.download_url`. `hold()` keeps jobs running (cancellation tests).
 * - result: a zip with one CSV: the first three mapped columns, `STATUS` (ADDED, UPDATED, SKIPPED),
 *   `RECORD_ID`, `ERRORS` (`<code>-<field>`, several joined by `:`), one row per uploaded row, in order.
 *
 * Unconfirmed and chosen here: the statuses and bodies of the upload refusals (400 with the
 * OpenAPI's API_Exception shape), and refusing an oversized file at upload rather than in the job.
 */
export interface ZohoBulkOptions {
  maxRows: number;
  pollsUntilDone: number;
  creditsPerJob: number;
}

interface UploadedFile {
  id: string;
  header: string[];
  rows: string[][];
}

interface BulkJob {
  id: string;
  module: ZohoModuleSpec;
  operation: 'insert' | 'update' | 'upsert';
  findBy?: string;
  mappings: Array<{ api_name: string; index: number; find_by?: string }>;
  file: UploadedFile;
  resource: Record<string, unknown>;
  createdTime: string;
  polls: number;
  result?: { zip: Uint8Array; added: number; updated: number; skipped: number };
}

export const zohoOrgId = '60012345678';

/** The id `/settings/modules` gives a module (zoho-api.ts numbers the non-subform modules in order). */
export function zohoModuleId(api: string): string {
  const index = zohoModules.filter((module) => !module.subform).findIndex((module) => module.api === api);
  return String(4_150_868_000_000_002_000n + BigInt(index));
}

const bulkError = (context: SimulatorContext, status: number, code: string, message: string, details = {}) =>
  context.json(status, { code, details, message, status: 'error' });

export class ZohoBulkWrite {
  private readonly files = new Map<string, UploadedFile>();
  private readonly jobs = new Map<string, BulkJob>();
  private nextId = 4150868000012000000n;
  private held = false;

  constructor(
    private readonly server: SandboxServer,
    private readonly store: ZohoStore,
    private readonly options: ZohoBulkOptions,
    private readonly user: { id: string; name: string },
    private readonly authorize: (context: SimulatorContext) => string | undefined,
    /** The API's credit counter: false when it refused (and answered). */
    private readonly admit: (context: SimulatorContext, cost: number) => boolean,
  ) {}

  /** Jobs stay `IN PROGRESS` while held. */
  hold(on = true): void {
    this.held = on;
  }

  jobCount(): number {
    return this.jobs.size;
  }

  register(): void {
    const guarded =
      (run: (context: SimulatorContext) => unknown, cost = 1) =>
      async (context: SimulatorContext) => {
        if (!this.authorize(context)) return;
        if (!this.admit(context, cost)) return;
        await run(context);
      };
    const route = this.server.route.bind(this.server);
    route({ method: 'GET', pattern: '/crm/v8/org', name: 'Zoho org', handler: guarded((c) => this.org(c)) });
    route({ method: 'POST', pattern: '/crm/v8/upload', name: 'Zoho upload', handler: guarded((c) => this.upload(c)) });
    route({
      method: 'POST',
      pattern: '/crm/bulk/v8/write',
      name: 'Zoho bulk write',
      // Credits are charged once the job is accepted (below), not for a refused request.
      handler: guarded((c) => this.create(c), 0),
    });
    route({
      method: 'GET',
      pattern: '/crm/bulk/v8/write/:job',
      name: 'Zoho bulk write job',
      handler: guarded((c) => this.details(c)),
    });
    route({
      method: 'GET',
      pattern: '/crm/bulk-results/:file',
      name: 'Zoho bulk write result',
      handler: guarded((c) => this.download(c), 0),
    });
  }

  private newId(): string {
    this.nextId += 1n;
    return String(this.nextId);
  }

  private org(context: SimulatorContext): void {
    context.json(200, {
      org: [
        { id: '4150868000000225001', zgid: zohoOrgId, company_name: 'Sandbox Org', domain_name: 'org' + zohoOrgId },
      ],
    });
  }

  private async upload(context: SimulatorContext): Promise<void> {
    if (context.header('feature') !== 'bulk-write' || context.header('x-crm-org') !== zohoOrgId) {
      this.server.bump('bulkUploadHeadersRefused');
      return void context.json(400, {
        'x-error': 'check if headers [feature, X-CRM-ORG] are present and valid',
        ERROR_MESSAGE: 'Bad Request',
        ERROR_CODE: 400,
        http_status: '400',
      });
    }
    const boundary = /^multipart\/form-data;\s*boundary=("?)([^";]+)\1/i.exec(
      context.header('content-type') ?? '',
    )?.[2];
    const raw = (await context.body()).raw;
    const part = boundary ? filePart(raw, boundary) : undefined;
    if (!part) return bulkError(context, 400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'file' });
    let files: Map<string, Buffer>;
    try {
      files = unzip(part);
    } catch {
      return bulkError(context, 400, 'INVALID_FILE_FORMAT', 'invalid file format. only zip format is supported');
    }
    const csvs = [...files.keys()].filter((name) => /\.csv$/i.test(name));
    if (csvs.length !== 1) return bulkError(context, 400, 'FILE_NOT_SUPPORTED', 'File not supported for bulk write');
    let table: string[][];
    try {
      const text = files
        .get(csvs[0]!)!
        .toString('utf8')
        .replace(/^\uFEFF/, '');
      // The file's own line ending, as its header line (field names, no line breaks) ends.
      const headerEnd = text.indexOf('\n');
      table = parseStrictCsv(text, headerEnd > 0 && text[headerEnd - 1] === '\r' ? '\r\n' : '\n');
    } catch {
      return bulkError(context, 400, 'FILE_NOT_SUPPORTED', 'File not supported for bulk write');
    }
    const [header = [], ...rows] = table;
    if (rows.length > this.options.maxRows)
      return bulkError(context, 400, 'FILE_TOO_LARGE', 'File size too large to process', {
        limit: this.options.maxRows,
      });
    const id = this.newId();
    this.files.set(id, { id, header, rows });
    context.json(200, {
      status: 'success',
      code: 'FILE_UPLOAD_SUCCESS',
      message: 'file uploaded.',
      details: {
        file_id: id,
        id,
        created_time: iso(context.clock.now()),
        created_by: { id: this.user.id, name: this.user.name },
      },
    });
  }

  private async create(context: SimulatorContext): Promise<void> {
    if (!isJsonContentType(context.header('content-type')))
      return bulkError(context, 400, 'INVALID_DATA', 'invalid data', { expected_data_type: 'jsonobject' });
    let body: { operation?: unknown; resource?: unknown };
    try {
      body = (await context.body()).json();
    } catch {
      return bulkError(context, 400, 'INVALID_DATA', 'invalid data', { expected_data_type: 'jsonobject' });
    }
    const operation = body.operation;
    if (operation !== 'insert' && operation !== 'update' && operation !== 'upsert')
      return bulkError(context, 400, 'MISSING_REQUIRED_KEY', 'required key operation is not found in request body.', {
        api_name: 'operation',
      });
    const resource = (Array.isArray(body.resource) ? body.resource[0] : undefined) as
      | {
          type?: unknown;
          module?: { api_name?: unknown };
          file_id?: unknown;
          find_by?: unknown;
          field_mappings?: unknown;
        }
      | undefined;
    if (!resource)
      return bulkError(context, 400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'resource' });
    const moduleName = String(resource.module?.api_name ?? '');
    const module = zohoModuleByName.get(moduleName);
    if (!module || module.subform)
      return bulkError(context, 400, 'MODULE_NOT_AVAILABLE', `Requested module '${moduleName}' is not available.`, {
        api_name: 'module',
      });
    const moduleId = (resource.module as { id?: unknown }).id;
    if (moduleId !== undefined && moduleId !== null && String(moduleId) !== zohoModuleId(module.api))
      return bulkError(context, 400, 'MODULE_NOT_AVAILABLE', `Requested module '${moduleName}' is not available.`, {
        api_name: 'module',
      });
    const file = this.files.get(String(resource.file_id ?? ''));
    if (!file) return bulkError(context, 400, 'INVALID_FILE_ID', 'improper file id', { api_name: 'file_id' });
    const mappings = Array.isArray(resource.field_mappings)
      ? (resource.field_mappings as Array<{ api_name?: unknown; index?: unknown; find_by?: unknown }>)
      : [];
    for (const mapping of mappings) {
      const name = String(mapping.api_name ?? '');
      const field = module.fields.find((candidate) => candidate.api === name);
      if (
        !field ||
        field.readOnly ||
        field.type === 'subform' ||
        field.type === 'autonumber' ||
        field.type === 'formula'
      )
        return bulkError(context, 400, 'INVALID_DATA', `invalid mapping. invalid api_name ${name}.`, {
          api_name: name,
        });
      if (typeof mapping.index !== 'number' || mapping.index < 0 || mapping.index >= file.header.length)
        return bulkError(
          context,
          400,
          'COLUMN_INDEX_NOT_FOUND',
          `required key index for field ${name} is not found in request body.`,
          {
            api_name: name,
          },
        );
    }
    const findBy = typeof resource.find_by === 'string' ? resource.find_by : undefined;
    if (operation !== 'insert') {
      const field = module.fields.find((candidate) => candidate.api === findBy);
      if (findBy !== 'id' && (!field || !(field.unique || field.external || findBy === module.systemKey)))
        return bulkError(context, 400, 'INVALID_DATA', 'invalid data', { api_name: 'find_by', value: findBy ?? null });
      if (findBy !== 'id' && !mappings.some((mapping) => mapping.api_name === findBy))
        return bulkError(context, 400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'find_by' });
    }
    if (!this.admit(context, this.options.creditsPerJob)) return;
    const id = this.newId();
    this.jobs.set(id, {
      id,
      module,
      operation,
      findBy,
      mappings: mappings.map((mapping) => ({
        api_name: String(mapping.api_name),
        index: Number(mapping.index),
        ...(typeof mapping.find_by === 'string' ? { find_by: mapping.find_by } : {}),
      })),
      file,
      resource: {
        type: 'data',
        module: { api_name: module.api, id: zohoModuleId(module.api) },
        file_id: file.id,
        find_by: findBy ?? null,
        ignore_empty: true,
        field_mappings: mappings,
      },
      createdTime: iso(context.clock.now()),
      polls: 0,
    });
    this.server.bump('bulkWriteJobs');
    context.json(201, {
      status: 'success',
      code: 'SUCCESS',
      message: 'success',
      details: { id, created_by: { id: this.user.id, name: this.user.name } },
    });
  }

  private details(context: SimulatorContext): void {
    const job = this.jobs.get(context.params.job ?? '');
    if (!job)
      return bulkError(context, 400, 'RESOURCE_NOT_FOUND', "The requested resource doesn't exist.", {
        resource_path_index: 0,
      });
    job.polls += 1;
    const done = !this.held && job.polls > this.options.pollsUntilDone;
    if (done) job.result ??= this.run(job);
    const status = done ? 'COMPLETED' : job.polls === 1 ? 'ADDED' : 'IN PROGRESS';
    const resource = { ...job.resource, status };
    if (job.result)
      Object.assign(resource, {
        file: {
          status,
          name: `${job.module.api}.csv`,
          added_count: job.result.added,
          updated_count: job.result.updated,
          skipped_count: job.result.skipped,
          total_count: job.file.rows.length,
        },
      });
    context.json(200, {
      status,
      character_encoding: 'UTF-8',
      resource: [resource],
      id: job.id,
      ...(done ? { result: { download_url: `${this.server.url}/crm/bulk-results/${job.id}.zip` } } : {}),
      created_by: { id: this.user.id, name: this.user.name },
      operation: job.operation,
      created_time: job.createdTime,
    });
  }

  private download(context: SimulatorContext): void {
    const job = this.jobs.get((context.params.file ?? '').replace(/\.zip$/, ''));
    if (!job?.result) return bulkError(context, 404, 'RESOURCE_NOT_FOUND', "The requested resource doesn't exist.");
    context.response.writeHead(200, {
      'content-type': 'application/zip',
      'content-disposition': `attachment; filename="${job.id}.zip"`,
      'content-length': String(job.result.zip.byteLength),
    });
    context.response.end(Buffer.from(job.result.zip));
  }

  /** Writes every row through the store (the same validation as the REST upsert) and builds the result zip. */
  private run(job: BulkJob): NonNullable<BulkJob['result']> {
    const records = job.file.rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (const mapping of job.mappings) {
        const text = row[mapping.index] ?? '';
        if (text === '') continue; // ignore_empty
        const field = job.module.fields.find((candidate) => candidate.api === mapping.api_name)!;
        record[mapping.api_name] = mapping.find_by === 'id' ? { id: text } : typed(field.type, text);
      }
      return record;
    });
    const checkFields = job.findBy && job.findBy !== 'id' ? [job.findBy] : undefined;
    const answers = this.store.write(job.module, records, job.operation, checkFields);
    let added = 0;
    let updated = 0;
    let skipped = 0;
    const shown = job.mappings.slice(0, 3);
    const lines: string[][] = [
      [...shown.map((mapping) => job.file.header[mapping.index] ?? mapping.api_name), 'STATUS', 'RECORD_ID', 'ERRORS'],
    ];
    answers.forEach((answer, index) => {
      const row = job.file.rows[index] ?? [];
      const body = answer.body as { action?: string; code?: string; details?: { id?: string; api_name?: string } };
      const status = !answer.ok ? 'SKIPPED' : body.action === 'insert' ? 'ADDED' : 'UPDATED';
      if (status === 'ADDED') added += 1;
      else if (status === 'UPDATED') updated += 1;
      else skipped += 1;
      lines.push([
        ...shown.map((mapping) => row[mapping.index] ?? ''),
        status,
        answer.ok ? String(body.details?.id ?? '') : '',
        answer.ok ? '' : `${body.code ?? 'INVALID_DATA'}-${body.details?.api_name ?? ''}`,
      ]);
    });
    this.server.bump('bulkRecordsWritten', added + updated);
    const csv = formatCsv(lines);
    return { zip: zip({ [`${job.module.api}-bulkwrite.csv`]: Buffer.from(csv, 'utf8') }), added, updated, skipped };
  }
}

/** A CSV text as the field's JSON type, as Zoho reads the column for that field. */
function typed(type: string, text: string): unknown {
  if (
    (type === 'integer' || type === 'double' || type === 'currency' || type === 'percent') &&
    /^-?\d+(\.\d+)?$/.test(text)
  )
    return Number(text);
  if (type === 'boolean' && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (type === 'multiselectpicklist') return text.split(';');
  return text;
}

/** The bytes of the `file` part of a multipart/form-data body. */
function filePart(raw: Buffer, boundary: string): Uint8Array | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start >= 0) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next < 0) return undefined;
    const part = raw.subarray(start + delimiter.length, next);
    const headEnd = part.indexOf('\r\n\r\n');
    if (headEnd >= 0) {
      const head = part.subarray(0, headEnd).toString('utf8');
      if (/content-disposition:\s*form-data;[^\r\n]*\bname="file"/i.test(head))
        return part.subarray(headEnd + 4, part.length - 2); // the CRLF before the next delimiter
    }
    start = next;
  }
  return undefined;
}

const iso = (instant: number) => new Date(instant).toISOString().replace(/\.\d{3}Z$/, '+00:00');
