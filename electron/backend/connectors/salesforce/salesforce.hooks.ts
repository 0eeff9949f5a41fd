import { AppError } from '../../../../shared/errors';
import type { HttpResponse } from '../../http/http-client';
import type { AccessToken } from '../../http/token-provider';
import type { JsonObject, LookupHit, SourceRecord, WriteResult } from '../framework/connector';
import { walkPages, withQuery } from '../framework/paginator';
import { formatSince } from '../framework/since';
import { writeEndpoint, type HookContext, type TargetHooks } from '../framework/hooks';
import { postSalesforceToken, salesforceGrant } from './salesforce-auth';
import { bulkRefusedFields, keepCreateOnly } from './salesforce-create-only';
import { runBulkUpsert, type BulkPolling } from './salesforce-bulk';
import { salesforceEntitySchema, type SalesforceDescribeField } from './salesforce.schema';

/** A Salesforce token remembers the instance it belongs to and the identity URL. */
export interface SalesforceToken extends AccessToken {
  instanceUrl?: string;
  identityUrl?: string;
}

export interface SalesforceSession {
  instanceUrl(): Promise<string>;
  readFields(object: string): Promise<string[]>;
  /** Fields the describe calls createable but not updateable (`OrderItem.OrderId`). */
  createOnlyFields(object: string): Promise<string[]>;
  /** Called with every API response so `Sforce-Limit-Info` is kept current. */
  observe(response: HttpResponse): void;
}

export type SalesforceHooks = TargetHooks;

interface SalesforceError {
  message?: string;
  errorCode?: string;
  statusCode?: string;
  fields?: string[];
}

/** Salesforce error bodies are arrays: `[{ message, errorCode, fields }]`. */
export function salesforceErrorCode(response: Pick<HttpResponse, 'text'>): string | undefined {
  try {
    const body = JSON.parse(response.text) as SalesforceError[] | { error?: string };
    if (Array.isArray(body)) return body[0]?.errorCode;
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}

export function describeSalesforceError(error: SalesforceError): { code: string; message: string; field?: string } {
  return {
    code: error.statusCode ?? error.errorCode ?? 'E_REMOTE',
    message: error.message ?? 'error',
    ...(error.fields?.[0] ? { field: error.fields[0] } : {}),
  };
}

/** `2024-01-15T10:30:00.000+0000` → ISO UTC. */
export function salesforceInstant(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  const parsed = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(parsed) ? '' : new Date(parsed).toISOString();
}

export interface SaveResult {
  id?: string;
  success?: boolean;
  created?: boolean;
  errors?: SalesforceError[];
}

/** SaveResults (request order) → WriteResults; the first error carries Salesforce's own code and text. */
export function mapSaveResults(results: SaveResult[], matchKey: string): WriteResult[] {
  return results.map((result): WriteResult =>
    result.success
      ? {
          outcome: result.created ? 'created' : 'updated',
          targetKey: result.id,
          match: result.created ? { by: 'none' } : { by: matchKey === 'Id' ? 'id' : 'external_id' },
        }
      : {
          outcome: 'failed',
          error: describeSalesforceError(result.errors?.[0] ?? { message: 'The record was not saved.' }),
        },
  );
}

/** The field a whole-request INVALID_FIELD names (`fields[0]`, else the quoted column of its message). */
function unknownColumn(error: SalesforceError): string | undefined {
  return error.fields?.[0] ?? /No such column '([^']+)'/.exec(error.message ?? '')?.[1];
}

const soqlString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Longest query URL a lookup sends. Salesforce refuses a URI over 16,384 bytes (414) and URI plus
 * headers over 16,384 (431), and since it augments the SOQL server-side the usable length is smaller:
 * it recommends URIs of at most 2,000 characters (Salesforce Knowledge 000386264). A lookup of 200
 * ids naming every field of the Account describe fixture is 6.6 KB, so lookups split ids (and fields).
 */
export const maxQueryUrl = 2_000;

/**
 * Items in order, in chunks of at most `cap` whose `length` stays within `max`; an item too long
 * on its own still goes, alone (the server then says why).
 */
function chunkByLength<T>(items: T[], length: (chunk: T[]) => number, max: number, cap: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  for (const item of items) {
    const next = [...current, item];
    if (current.length > 0 && (next.length > cap || length(next) > max)) {
      chunks.push(current);
      current = [item];
    } else current = next;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function normalize(raw: unknown): SourceRecord {
  const { attributes, ...data } = raw as JsonObject & { attributes?: unknown };
  void attributes;
  const record: SourceRecord = { key: String(data.Id ?? ''), stamp: salesforceInstant(data.SystemModstamp), data, raw };
  // `queryAll` rows from the Recycle Bin: the record was deleted at its SystemModstamp.
  return data.IsDeleted === true ? { ...record, deleted: true } : record;
}

function failure(response: HttpResponse, what: string): AppError {
  const body = (response.data ?? []) as SalesforceError[];
  const first = Array.isArray(body) ? body[0] : undefined;
  return new AppError(
    'E_REMOTE',
    `Salesforce refused ${what}: ${first?.errorCode ?? `HTTP ${response.status}`} ${first?.message ?? ''}`.trim(),
    { status: response.status, code: first?.errorCode },
  );
}

/**
 * A token by the connection's flow (client credentials, refresh token from the browser
 * sign-in, or JWT bearer) on the My Domain host; the answer has no `expires_in`, so the
 * token is used until a 401.
 */
export async function obtainSalesforceToken(context: HookContext, now: () => number): Promise<SalesforceToken> {
  const { form, hint } = salesforceGrant(context, now);
  const started = now();
  const response = await postSalesforceToken(context, form);
  const body = (response.data ?? {}) as {
    access_token?: unknown;
    instance_url?: unknown;
    id?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    const error = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    throw new AppError(
      'E_AUTH_FAILED',
      `Salesforce sign-in failed: ${hint(error, description)} (${error}${description ? ` — ${description}` : ''}).`,
      { status: response.status, error },
    );
  }
  return {
    accessToken: body.access_token,
    obtainedAt: started,
    instanceUrl: typeof body.instance_url === 'string' ? body.instance_url.replace(/\/+$/, '') : undefined,
    identityUrl: typeof body.id === 'string' ? body.id : undefined,
  };
}

export function createSalesforceHooks(session: SalesforceSession, bulkPolling?: BulkPolling): SalesforceHooks {
  const call = async (
    context: HookContext,
    pathOrUrl: string,
    init: {
      method?: 'GET' | 'PATCH' | 'POST';
      body?: unknown;
      headers?: Record<string, string>;
      signal?: AbortSignal;
    } = {},
  ) => {
    const instance = await session.instanceUrl();
    const url = pathOrUrl.startsWith('/services/')
      ? `${instance}${pathOrUrl}`
      : `${instance}/services/data/${String(context.settings.apiVersion ?? 'v65.0')}${pathOrUrl}`;
    const response = await context.http.request({
      method: init.method ?? 'GET',
      url,
      headers: init.headers,
      json: init.body,
      expect: 'json',
      signal: init.signal,
    });
    session.observe(response);
    return response;
  };

  /** Bulk API 2.0 calls: JSON for the job, `text/csv` for the upload, CSV text back for results. */
  const bulkCall: Parameters<typeof runBulkUpsert>[1] = async (context, path, init) => {
    const instance = await session.instanceUrl();
    const response = await context.http.request({
      method: init.method ?? 'GET',
      url: `${instance}/services/data/${String(context.settings.apiVersion ?? 'v65.0')}${path}`,
      ...(init.csv !== undefined ? { body: init.csv, headers: { 'content-type': 'text/csv' } } : {}),
      ...(init.json !== undefined ? { json: init.json } : {}),
      expect: init.text || init.csv !== undefined ? 'text' : 'json',
      signal: init.signal,
    });
    session.observe(response);
    return response;
  };

  /** One SOQL query through the paginator: `records`, then `nextRecordsUrl` while `done` is false. */
  async function* query(context: HookContext, soql: string, signal?: AbortSignal): AsyncIterable<unknown[]> {
    const pages = walkPages(context.http, {
      paging: { style: 'nextLink' },
      url: withQuery(await dataBase(context), { q: soql }),
      headers: { 'sforce-query-options': 'batchSize=2000' },
      pageSize: 2000,
      signal,
      what: 'Salesforce query',
      ...pageSlots,
    });
    for await (const page of pages) yield page.rows;
  }

  const dataBase = async (context: HookContext) =>
    `${await session.instanceUrl()}/services/data/${String(context.settings.apiVersion ?? 'v65.0')}/query`;
  const pageSlots = {
    extractRecords: (body: unknown) => (body as { records?: unknown[] }).records ?? [],
    nextToken(body: unknown, response: HttpResponse) {
      // Every answer carries `Sforce-Limit-Info`; the page walk is where read answers pass by.
      session.observe(response);
      const page = body as { done?: boolean; nextRecordsUrl?: string };
      return page.done === false && page.nextRecordsUrl ? page.nextRecordsUrl : undefined;
    },
    mapError: (response: HttpResponse) => (response.status >= 400 ? failure(response, 'the query') : undefined),
  };

  // Bound here: the describe's create-only fields and the hook's own lookup (see salesforce-create-only.ts).
  const createOnlySystem = {
    createOnlyFields: (object: string) => session.createOnlyFields(object),
    lookup: (...args: Parameters<NonNullable<SalesforceHooks['lookup']>>) => hooks.lookup!(...args),
  };

  const hooks: SalesforceHooks = {
    extractErrorCode: salesforceErrorCode,
    normalize: (_context, _object, raw) => normalize(raw),

    async probe(context) {
      const response = await call(context, '/limits');
      if (response.status >= 400) throw failure(response, 'the limits call');
      const token = session as unknown as { identityUrl?: () => string | undefined };
      const identity = token.identityUrl?.();
      const [, orgId, userId] = /\/id\/([^/]+)\/([^/]+)$/.exec(identity ?? '') ?? [];
      return { tenant: orgId ?? new URL(await session.instanceUrl()).host, identity: userId };
    },

    async discoverSchema(context, object) {
      const response = await call(context, `/sobjects/${encodeURIComponent(object)}/describe`);
      if (response.status >= 400) throw failure(response, `describe of ${object}`);
      const body = (response.data ?? {}) as { label?: string; fields?: SalesforceDescribeField[] };
      return salesforceEntitySchema(object, body.label ?? object, body.fields ?? []);
    },

    /**
     * `SELECT <fields> FROM <object> [WHERE SystemModstamp >= <…Z, unquoted>] ORDER BY SystemModstamp, Id`,
     * paged by `nextRecordsUrl` (a server-side cursor over the rows found when the query ran, so a
     * record changed while we page is not met twice; the next window has its new version). With
     * `deletions`, through `/queryAll`, which also returns Recycle Bin rows (`IsDeleted = true`,
     * REST API Developer Guide "QueryAll"); they become `deleted` records, each reported in the
     * window of its deletion's SystemModstamp.
     */
    async *readPages(context, object, options) {
      const pageSize = options.pageSize ?? 2000;
      const fields = await session.readFields(object);
      const stamped = fields.includes('SystemModstamp');
      if (!fields.includes('Id') || (options.since && !stamped))
        throw new AppError(
          'E_INVALID_INPUT',
          `Salesforce ${object}: its describe has no ${fields.includes('Id') ? 'SystemModstamp' : 'Id'}, which this read needs.`,
        );
      const deletions = options.deletions === true && options.since !== undefined;
      const selection = deletions && !fields.includes('IsDeleted') ? [...fields, 'IsDeleted'] : fields;
      const where = options.since ? ` WHERE SystemModstamp >= ${formatSince('iso', options.since)}` : '';
      // The Recycle Bin keeps deleted records 15 days ("Manage Deleted Data", Salesforce Help); a deletion
      // older than that is gone from `queryAll`, so a window reaching further back may miss some.
      const binDays = 15;
      const warnings =
        deletions && Date.parse(options.since!) < Date.now() - binDays * 86_400_000
          ? [
              `Salesforce keeps deleted ${object} records ${binDays} days in the Recycle Bin: deletions before ${new Date(Date.now() - binDays * 86_400_000).toISOString()} may not be reported.`,
            ]
          : [];
      const base = `${await session.instanceUrl()}/services/data/${String(context.settings.apiVersion ?? 'v65.0')}`;
      const pages = walkPages(context.http, {
        paging: { style: 'nextLink' },
        url: withQuery(`${base}/${deletions ? 'queryAll' : 'query'}`, {
          q: `SELECT ${selection.join(', ')} FROM ${object}${where} ORDER BY ${stamped ? 'SystemModstamp, Id' : 'Id'}`,
        }),
        headers: { 'sforce-query-options': `batchSize=${pageSize}` },
        pageSize,
        signal: options.signal,
        what: `Salesforce ${object}`,
        ...pageSlots,
      });
      for await (const page of pages) {
        const records = page.rows.map((raw) => {
          const record = normalize(raw);
          if (!record.key || (stamped && !record.stamp))
            throw new AppError(
              'E_REMOTE',
              `Salesforce ${object}: a row without Id or SystemModstamp: ${JSON.stringify(raw).slice(0, 300)}`,
            );
          return record;
        });
        yield { records, calls: 1, ...(warnings.length ? { warnings: warnings.splice(0) } : {}) };
      }
    },

    extractRecords: (body) => pageSlots.extractRecords(body),
    nextToken: (body, response) => pageSlots.nextToken(body, response),
    mapError: (response) => pageSlots.mapError(response),

    async writeBatch(context, object, records, matchKey, options): Promise<WriteResult[]> {
      const key = matchKey[0] ?? 'Id';
      const results: Array<WriteResult | undefined> = new Array(records.length);
      let pending = records.map((record, index) => ({ record, index }));
      // Each refusal names one unknown field; the records carrying it fail and the rest go again,
      // so every round removes at least one record and the loop ends.
      while (pending.length > 0) {
        const body = {
          allOrNone: false,
          records: pending.map(({ record }) => ({ attributes: { type: object }, ...record })),
        };
        const response = await call(context, writeEndpoint(context, object, { matchKey: encodeURIComponent(key) }), {
          method: 'PATCH',
          body,
        });
        if (response.status < 400 && Array.isArray(response.data)) {
          const saved = response.data as SaveResult[];
          mapSaveResults(saved, key).forEach((result, position) => {
            results[pending[position]!.index] = result;
          });
          const sent = pending;
          await keepCreateOnly(
            createOnlySystem,
            context,
            object,
            key,
            sent,
            results,
            (_item, position) => {
              const error = saved.length === sent.length ? saved[position]?.errors?.[0] : undefined;
              return (error?.statusCode ?? error?.errorCode) === 'INVALID_FIELD_FOR_INSERT_UPDATE'
                ? error?.fields
                : undefined;
            },
            async (again) => {
              const retried = await call(
                context,
                writeEndpoint(context, object, { matchKey: encodeURIComponent(key) }),
                {
                  method: 'PATCH',
                  body: {
                    allOrNone: false,
                    records: again.map((record) => ({ attributes: { type: object }, ...record })),
                  },
                },
              );
              return retried.status < 400 && Array.isArray(retried.data)
                ? mapSaveResults(retried.data as SaveResult[], key)
                : undefined;
            },
            options,
          );
          break;
        }
        const first = Array.isArray(response.data) ? (response.data[0] as SalesforceError | undefined) : undefined;
        const error = describeSalesforceError(
          first ?? { errorCode: `HTTP_${response.status}`, message: response.text.slice(0, 200) },
        );
        // Salesforce refuses the whole collection for a field the object lacks (400 INVALID_FIELD
        // "No such column 'X' on sobject of type Y"): only the records that carry it are at fault.
        const field = first?.errorCode === 'INVALID_FIELD' ? unknownColumn(first) : undefined;
        const carrying = field ? pending.filter(({ record }) => Object.hasOwn(record, field)) : [];
        if (!field || carrying.length === 0 || carrying.length === pending.length) {
          // Any other malformed request (too many records, bad JSON): every record carries the same answer.
          for (const { index } of pending)
            results[index] = { outcome: 'failed', error: { ...error, ...(field ? { field } : {}) } };
          break;
        }
        for (const { index } of carrying) results[index] = { outcome: 'failed', error: { ...error, field } };
        pending = pending.filter(({ record }) => !Object.hasOwn(record, field));
      }
      return results.map(
        (result) => result ?? { outcome: 'failed', error: { code: 'E_REMOTE', message: 'no result' } },
      );
    },

    async writeBulk(context, object, records, matchKey, options) {
      const key = matchKey[0] ?? 'Id';
      const bulkOptions = { ...options, ...(bulkPolling ? { polling: bulkPolling } : {}) };
      const results: Array<WriteResult | undefined> = await runBulkUpsert(
        context,
        bulkCall,
        object,
        records,
        key,
        bulkOptions,
      );
      // A bulk row refused for create-only fields says so in the same words: those rows go again as one job.
      await keepCreateOnly(
        createOnlySystem,
        context,
        object,
        key,
        records.map((record, index) => ({ record, index })),
        results,
        (item) => bulkRefusedFields(results[item.index]),
        (again) =>
          // A second job that cannot run leaves the first job's answers; a cancelled run still stops.
          runBulkUpsert(context, bulkCall, object, again, key, bulkOptions).catch((error: unknown) => {
            if (options?.signal?.aborted) throw error;
            return undefined;
          }),
        options,
      );
      return results.map(
        (result) => result ?? { outcome: 'failed', error: { code: 'E_REMOTE', message: 'no result' } },
      );
    },

    async lookup(context, object, matchKey, values, signal, wantedFields) {
      const hits = new Map<string, LookupHit>();
      const wanted = [...new Set(values.filter((value) => value !== ''))];
      const readable = await session.readFields(object);
      // The caller's fields (a dry run's mapped fields), else every readable one; Id and the key always.
      const selection = wantedFields ? wantedFields.filter((name) => readable.includes(name)) : readable;
      const base = await dataBase(context);
      const url = (fields: string[], where: string, part: string[]) =>
        withQuery(base, {
          q: `SELECT ${fields.join(', ')} FROM ${object} WHERE ${where} IN (${part.map(soqlString).join(', ')})`,
        });
      // Fields in groups whose query leaves half the URL for values; the first group finds records by key,
      // the others read the rest of their fields by Id and are merged in.
      // SystemModstamp always: the hit's `stamp` (conflict rules "newest wins" compare it).
      const keys = [...new Set(['Id', matchKey, ...(readable.includes('SystemModstamp') ? ['SystemModstamp'] : [])])];
      const others = selection.filter((name) => !keys.includes(name));
      const sample = ['001000000000000AAA'];
      const groups = chunkByLength(
        others,
        (part) => url([...keys, ...part], 'Id', sample).length,
        maxQueryUrl / 2,
        Infinity,
      );
      const [firstGroup = [], ...laterGroups] = groups.length > 0 ? groups : [[]];
      const firstFields = [...keys, ...firstGroup];
      for (const part of chunkByLength(wanted, (chunk) => url(firstFields, matchKey, chunk).length, maxQueryUrl, 200)) {
        for await (const rows of query(
          context,
          `SELECT ${firstFields.join(', ')} FROM ${object} WHERE ${matchKey} IN (${part.map(soqlString).join(', ')})`,
          signal,
        )) {
          for (const raw of rows as JsonObject[]) {
            const current = raw[matchKey];
            const value = part.find(
              (candidate) =>
                current !== null && current !== undefined && String(current).toLowerCase() === candidate.toLowerCase(),
            );
            if (value !== undefined && !hits.has(value)) {
              const record = normalize(raw);
              hits.set(value, {
                targetKey: String(raw.Id),
                data: record.data,
                ...(record.stamp ? { stamp: record.stamp } : {}),
              });
            }
          }
        }
      }
      const byId = new Map([...hits.values()].map((hit) => [hit.targetKey, hit]));
      for (const group of laterGroups) {
        const fields = ['Id', ...group];
        for (const part of chunkByLength(
          [...byId.keys()],
          (chunk) => url(fields, 'Id', chunk).length,
          maxQueryUrl,
          200,
        )) {
          for await (const rows of query(
            context,
            `SELECT ${fields.join(', ')} FROM ${object} WHERE Id IN (${part.map(soqlString).join(', ')})`,
            signal,
          )) {
            for (const raw of rows as JsonObject[]) {
              const hit = byId.get(String(raw.Id));
              if (hit) Object.assign(hit.data, normalize(raw).data);
            }
          }
        }
      }
      return hits;
    },
  };
  return hooks;
}
