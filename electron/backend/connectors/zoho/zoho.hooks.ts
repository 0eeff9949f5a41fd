import { AppError } from '../../../../shared/errors';
import type { EntityField } from '../../../../shared/domain/entity-schema';
import type { HttpResponse } from '../../http/http-client';
import type { JsonObject, LookupHit, ReadPage, SourceRecord, WriteResult } from '../framework/connector';
import { writeEndpoint, type HookContext, type TargetHooks } from '../framework/hooks';
import { formatSince } from '../framework/since';
import { revokeZohoToken } from './zoho-auth';
import { zohoEntitySchema, zohoField, type ZohoFieldMetadata } from './zoho.schema';

/** What the hooks need from the connector: the API base from the current token, and field names to read. */
export interface ZohoSession {
  apiBase(): Promise<string>;
  /** Every readable field, key and stamp first; calls carry at most `maxReadFields` of them. */
  readFields(module: string): Promise<string[]>;
}

/**
 * `fields` takes at most 50 names per call (API-FACTS §2.2: more answer 400 LIMIT_EXCEEDED; the
 * sandbox enforces it). Lookups wanting more read the rest by id in further calls and merge them.
 */
export const maxReadFields = 50;

interface ZohoRecordAnswer {
  code?: string;
  status?: string;
  action?: string;
  message?: string;
  details?: Record<string, unknown>;
}

export type ZohoHooks = TargetHooks;

/** Reads a Zoho error code from a failed body (`INVALID_TOKEN`, `TOO_MANY_REQUESTS`, `LIMIT_REACHED`). */
export function zohoErrorCode(response: Pick<HttpResponse, 'text'>): string | undefined {
  try {
    const body = JSON.parse(response.text) as { code?: unknown; data?: Array<{ code?: unknown }> };
    if (typeof body.code === 'string') return body.code;
    return undefined;
  } catch {
    return undefined;
  }
}

/** Zoho's own message with the detail it carries (field, expected type, limit), so users see what to fix. */
export function describeZohoError(answer: ZohoRecordAnswer): { code: string; message: string; field?: string } {
  const details = answer.details ?? {};
  const apiName = typeof details.api_name === 'string' ? details.api_name : undefined;
  const message = answer.message ?? answer.code ?? 'error';
  const extra: string[] = [];
  if (typeof details.expected_data_type === 'string')
    extra.push(`${apiName ?? 'value'}: expected ${details.expected_data_type}`);
  else if (typeof details.maximum_length === 'number')
    extra.push(`${apiName ?? 'value'}: at most ${details.maximum_length} characters`);
  else if (Array.isArray(details.supported_values))
    extra.push(
      `${apiName ?? 'value'}: allowed ${details.supported_values.slice(0, 12).join(', ')}${details.supported_values.length > 12 ? ', …' : ''}`,
    );
  else if (typeof details.limit === 'number') extra.push(`limit ${details.limit}`);
  else if (apiName) extra.push(apiName);
  const duplicate = details.duplicate_record as { id?: unknown } | undefined;
  if (duplicate?.id !== undefined) extra.push(`existing record ${String(duplicate.id)}`);
  return {
    code: answer.code ?? 'E_REMOTE',
    message: extra.length ? `${message} (${extra.join('; ')})` : message,
    ...(apiName ? { field: apiName } : {}),
  };
}

function topLevelError(response: HttpResponse, what: string): AppError {
  const body = (response.data ?? {}) as ZohoRecordAnswer;
  const described = describeZohoError(body);
  return new AppError(
    'E_REMOTE',
    `Zoho refused ${what}: ${described.code} ${described.message} (HTTP ${response.status}).`,
    { status: response.status, code: body.code },
  );
}

/** A Zoho datetime (`2026-12-03T21:04:05+05:30`) as ISO UTC; '' when absent or unreadable. */
function isoStamp(value: unknown): string {
  if (typeof value !== 'string') return '';
  const instant = Date.parse(value);
  return Number.isNaN(instant) ? '' : new Date(instant).toISOString();
}

/** `If-Modified-Since` as the descriptor writes it (ISO with an offset, whole seconds). */
const sinceHeader = (instant: number) => formatSince('iso-offset', new Date(instant).toISOString());

/** How far before a boundary reads ask (the descriptor's `overlapSeconds`). */
const overlapMs = (context: HookContext, module: string) =>
  (context.descriptor.entities[module]?.read?.modifiedSince?.overlapSeconds ?? 0) * 1000;

function normalize(raw: unknown): SourceRecord {
  const record = raw as JsonObject;
  return { key: String(record.id ?? ''), stamp: isoStamp(record.Modified_Time), data: record, raw };
}

/**
 * Values one lookup call can carry: 100 ids per list call (`ids=`), else ten `equals`
 * conditions per search — Zoho's criteria limit, which the sandbox enforces too. COQL's
 * `in (…)` could carry more, but API-FACTS §2.2 documents neither that operator nor its
 * limit (and COQL's per-call caps are disputed there), so lookups stay on search and a dry
 * run's minimum counts them at this rate instead.
 */
export function zohoLookupValuesPerCall(matchKey: string): number {
  return matchKey === 'id' ? 100 : 10;
}

/** Criteria values escape `(`, `)`, `,`, `:` and `\` (API-FACTS §2.2 search). */
const escapeCriteria = (value: string) => value.replace(/([\\(),:])/g, '\\$1');

export function createZohoHooks(session: ZohoSession): ZohoHooks {
  const request = async (
    context: HookContext,
    path: string,
    init: {
      method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      body?: unknown;
      headers?: Record<string, string>;
      signal?: AbortSignal;
      passStatuses?: number[];
    } = {},
  ) =>
    context.http.request({
      method: init.method ?? 'GET',
      url: `${await session.apiBase()}/crm/v8${path}`,
      headers: init.headers,
      json: init.body,
      expect: 'json',
      signal: init.signal,
      passStatuses: init.passStatuses,
    });

  async function fieldMetadata(context: HookContext, module: string): Promise<ZohoFieldMetadata[]> {
    const response = await request(context, `/settings/fields?module=${encodeURIComponent(module)}`);
    if (response.status >= 400) throw topLevelError(response, `the field list of ${module}`);
    return ((response.data ?? {}) as { fields?: ZohoFieldMetadata[] }).fields ?? [];
  }

  /** Fields past the first 50 for records already found: by id, 100 ids and 49 fields (plus `id`) a call, merged in. */
  async function readRemainingFields(
    context: HookContext,
    module: string,
    found: LookupHit[],
    fields: string[],
    signal?: AbortSignal,
  ): Promise<void> {
    const byId = new Map(found.map((hit) => [hit.targetKey, hit]));
    const ids = [...byId.keys()];
    for (let from = 0; from < fields.length; from += maxReadFields - 1) {
      const part = ['id', ...fields.slice(from, from + maxReadFields - 1)].join(',');
      for (let start = 0; start < ids.length; start += 100) {
        const query = new URLSearchParams({
          fields: part,
          ids: ids.slice(start, start + 100).join(','),
          per_page: '200',
        });
        const response = await request(context, `/${module}?${query}`, { signal });
        if (response.status === 204) continue;
        if (response.status >= 400) throw topLevelError(response, `reading more fields of ${module}`);
        for (const raw of ((response.data ?? {}) as { data?: JsonObject[] }).data ?? []) {
          const hit = byId.get(String(raw.id));
          if (hit) Object.assign(hit.data, raw);
        }
      }
    }
  }

  /** The recycle-bin feed since `since` (whole seconds), each id once, as deleted source records. */
  async function* readDeleted(
    context: HookContext,
    module: string,
    since: number,
    perPage: string,
    signal?: AbortSignal,
  ): AsyncIterable<ReadPage> {
    const seen = new Set<string>();
    for (let page = 1; ; page += 1) {
      const query = new URLSearchParams({ type: 'all', page: String(page), per_page: perPage });
      const response = await request(context, `/${module}/deleted?${query}`, {
        headers: { 'If-Modified-Since': sinceHeader(since - overlapMs(context, module)) },
        signal,
        passStatuses: [204, 304],
      });
      if (response.status === 204 || response.status === 304) return;
      if (response.status >= 400) throw topLevelError(response, `reading the deleted records of ${module}`);
      const body = (response.data ?? {}) as { data?: JsonObject[]; info?: { more_records?: boolean } };
      const records: SourceRecord[] = [];
      for (const raw of body.data ?? []) {
        const key = String(raw.id ?? '');
        const stamp = isoStamp(raw.deleted_time);
        if (!key || !stamp)
          throw new AppError(
            'E_REMOTE',
            `Zoho ${module}: deleted record ${key || JSON.stringify(raw).slice(0, 80)} came without an id or deleted_time.`,
          );
        if (Date.parse(stamp) < since || seen.has(key)) continue;
        seen.add(key);
        records.push({ key, stamp, data: { ...raw, id: key, deleted_time: stamp }, raw, deleted: true });
      }
      yield { records, calls: 1 };
      if (!body.info?.more_records) return;
    }
  }

  return {
    extractErrorCode: zohoErrorCode,
    normalize: (_context, _entity, raw) => normalize(raw),
    revokeToken: (context) => revokeZohoToken(context),

    async probe(context) {
      const response = await request(context, '/settings/modules');
      if (response.status >= 400) throw topLevelError(response, 'the module list');
      const modules = ((response.data ?? {}) as { modules?: Array<{ api_name?: string }> }).modules ?? [];
      return { tenant: new URL(await session.apiBase()).host, variant: `${modules.length} modules` };
    },

    async discoverSchema(context, module) {
      const metadata = await fieldMetadata(context, module);
      const fields: EntityField[] = [];
      for (const meta of metadata) {
        // Line items are a subform module of their own; their fields become the array's children.
        const children =
          meta.data_type === 'subform' && meta.subform?.module
            ? (await fieldMetadata(context, meta.subform.module)).map((child) => zohoField(child))
            : undefined;
        fields.push(zohoField(meta, children));
      }
      return zohoEntitySchema(module, context.descriptor.entities[module]?.label ?? module, fields);
    },

    /**
     * Reads by `Modified_Time`, restarting from the last page's stamp instead of following page
     * numbers or `page_token`: both are offsets into a list sorted by `Modified_Time`, and a record
     * edited during the read jumps to the end, shifting every later one back one place, so an
     * offset walk skips a record per edit. Each request asks `If-Modified-Since` one second before
     * the boundary — Zoho compares whole seconds and no source says whether that second itself is
     * included (the sandbox's `ifModifiedSince` switch) — and records already handed in this read
     * are dropped: every record modified at or after `since` comes exactly once, a record edited
     * mid-read included (its newer stamp is the next window's). Only when a whole page shares the
     * boundary second does the read follow `page_token` to get past it.
     *
     * With `deletions`, the recycle-bin feed `GET /{module}/deleted?type=all` follows (Zoho CRM v8
     * "Get Deleted Records": id, display_name, deleted_time, deleted_by), each deletion once.
     */
    async *readPages(context, module, options): AsyncIterable<ReadPage> {
      const fields = (await session.readFields(module)).slice(0, maxReadFields).join(',');
      const perPage = String(options.pageSize ?? 200);
      const floorSecond = (instant: number) => Math.floor(instant / 1000) * 1000;
      const since = options.since !== undefined ? floorSecond(Date.parse(options.since)) : undefined;
      if (since !== undefined && Number.isNaN(since))
        throw new AppError('E_INVALID_INPUT', `Zoho ${module}: “${options.since}” is not an instant.`);
      const handed = new Set<string>();
      let boundary = since;
      let token: string | undefined;
      for (;;) {
        options.signal?.throwIfAborted();
        const query = new URLSearchParams({ fields, per_page: perPage, sort_by: 'Modified_Time', sort_order: 'asc' });
        if (token) query.set('page_token', token);
        const response = await request(context, `/${module}?${query}`, {
          headers:
            boundary === undefined
              ? undefined
              : { 'If-Modified-Since': sinceHeader(boundary - overlapMs(context, module)) },
          signal: options.signal,
          passStatuses: [204, 304],
        });
        if (response.status === 204 || response.status === 304) break;
        if (response.status >= 400) throw topLevelError(response, `reading ${module}`);
        const body = (response.data ?? {}) as {
          data?: JsonObject[];
          info?: { more_records?: boolean; next_page_token?: string };
        };
        const rows = body.data ?? [];
        const records: SourceRecord[] = [];
        let last = boundary;
        for (const raw of rows) {
          const record = normalize(raw);
          if (!record.key || !record.stamp)
            throw new AppError(
              'E_REMOTE',
              `Zoho ${module}: record ${record.key || JSON.stringify(raw).slice(0, 80)} came without an id or Modified_Time; it cannot be read incrementally.`,
            );
          const stamp = Date.parse(record.stamp);
          last = Math.max(last ?? stamp, stamp);
          if (since !== undefined && stamp < since) continue;
          if (handed.has(record.key)) continue;
          handed.add(record.key);
          records.push(record);
        }
        yield { records, calls: 1 };
        if (!body.info?.more_records || rows.length === 0) break;
        if (last !== undefined && boundary !== undefined && floorSecond(last) <= boundary) {
          // The whole page sat in the boundary second: only the offset walk gets past it.
          token = body.info.next_page_token;
          if (!token)
            throw new AppError(
              'E_REMOTE',
              `Zoho ${module}: more than a page of records share the second ${new Date(boundary).toISOString()} and Zoho gave no page_token to read past them; nothing after them was read.`,
            );
          continue;
        }
        token = undefined;
        boundary = last === undefined ? undefined : floorSecond(last);
      }
      if (options.deletions && since !== undefined) yield* readDeleted(context, module, since, perPage, options.signal);
    },

    async writeBatch(context, module, records, matchKey): Promise<WriteResult[]> {
      const payload: Record<string, unknown> = { data: records, duplicate_check_fields: matchKey };
      if (context.settings.runAutomation !== true) payload.trigger = [];
      const response = await request(context, writeEndpoint(context, module), { method: 'POST', body: payload });
      const answers = ((response.data ?? {}) as { data?: ZohoRecordAnswer[] }).data;
      if (!Array.isArray(answers)) {
        // The whole call was refused (LIMIT_EXCEEDED, INVALID_MODULE …): every record carries that answer.
        const error = describeZohoError(
          (response.data ?? {
            code: `HTTP_${response.status}`,
            message: response.text.slice(0, 200),
          }) as ZohoRecordAnswer,
        );
        return records.map(() => ({ outcome: 'failed', error }));
      }
      return answers.map((answer): WriteResult => {
        const id = answer.details?.id;
        if (answer.status === 'success') {
          const matchedBy = (answer as { duplicate_field?: string | null }).duplicate_field;
          return {
            outcome: answer.action === 'insert' ? 'created' : 'updated',
            targetKey: String(id),
            match: !matchedBy
              ? { by: 'none' }
              : { by: matchedBy === 'Email' ? 'email' : /_Name$|^Subject$/.test(matchedBy) ? 'name' : 'external_id' },
          };
        }
        return { outcome: 'failed', error: describeZohoError(answer) };
      });
    },

    async lookup(context, module, matchKey, values, signal, wantedFields) {
      const hits = new Map<string, LookupHit>();
      const wanted = [...new Set(values.filter((value) => value !== ''))];
      const readable = await session.readFields(module);
      // The caller's fields (a dry run's mapped fields) in full, else the first 50 readable ones.
      const selection = wantedFields
        ? [...new Set(['id', 'Modified_Time', matchKey, ...wantedFields])].filter((name) => readable.includes(name))
        : readable.slice(0, maxReadFields);
      const first = selection.slice(0, maxReadFields);
      const rest = selection.slice(maxReadFields);
      const fields = first.join(',');
      const chunk = zohoLookupValuesPerCall(matchKey);
      for (let start = 0; start < wanted.length; start += chunk) {
        const part = wanted.slice(start, start + chunk);
        const path =
          matchKey === 'id'
            ? `/${module}?${new URLSearchParams({ fields, ids: part.join(','), per_page: '200' })}`
            : // Values are matched case-insensitively, like Zoho's own duplicate check.
              `/${module}/search?${new URLSearchParams({ criteria: `(${part.map((value) => `(${matchKey}:equals:${escapeCriteria(value)})`).join('or')})`, fields, per_page: '200' })}`;
        const response = await request(context, path, { signal });
        if (response.status === 204) continue;
        if (response.status >= 400) throw topLevelError(response, `looking up ${module} by ${matchKey}`);
        for (const raw of ((response.data ?? {}) as { data?: JsonObject[] }).data ?? []) {
          const current = raw[matchKey];
          const value = part.find(
            (candidate) =>
              current !== null && current !== undefined && String(current).toLowerCase() === candidate.toLowerCase(),
          );
          if (value !== undefined && !hits.has(value)) {
            const stamp = isoStamp(raw.Modified_Time);
            hits.set(value, { targetKey: String(raw.id), data: raw, ...(stamp ? { stamp } : {}) });
          }
        }
      }
      if (rest.length > 0) await readRemainingFields(context, module, [...hits.values()], rest, signal);
      return hits;
    },
  };
}
