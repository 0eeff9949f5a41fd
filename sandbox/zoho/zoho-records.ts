import { randomBytes } from 'node:crypto';
import type { SimulatorContext } from '../kit';
import { requestedModule, zohoError, type PageCursor, type ZohoApiState } from './zoho-answers';
import type { ZohoApiOptions } from './zoho-api';
import type { ZohoModuleSpec } from './zoho-modules';
import type { StoredRecord } from './zoho-store';
import { formatZohoDateTime } from './zoho-values';

/** Reading records: the paged list (page or page token, `If-Modified-Since`), deleted records, one record. */

export function selectedFields(
  state: ZohoApiState,
  context: SimulatorContext,
  module: ZohoModuleSpec,
  required: boolean,
): string[] | undefined | null {
  const raw = context.query.get('fields');
  if (!raw) {
    if (required)
      zohoError(context, 400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
        param_name: 'fields',
        param: 'fields',
      });
    return required ? null : undefined;
  }
  const fields = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (fields.length > state.options.maxFields) {
    zohoError(context, 400, 'LIMIT_EXCEEDED', 'the fields limit exceeded', {
      limit: state.options.maxFields,
      param_name: 'fields',
    });
    return null;
  }
  const unknown = fields.find((name) => !module.fields.some((spec) => spec.api === name));
  if (unknown) {
    zohoError(context, 400, 'INVALID_DATA', 'invalid data', { api_name: unknown, param_name: 'fields' });
    return null;
  }
  return fields;
}

export function listRecords(state: ZohoApiState, context: SimulatorContext, userId: string): void {
  const module = requestedModule(state, context);
  if (!module) return;
  const fields = selectedFields(state, context, module, true);
  if (!fields) return;
  const perPage = Number(context.query.get('per_page') ?? state.options.maxPageSize);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > state.options.maxPageSize) {
    return zohoError(context, 400, 'INVALID_DATA', 'invalid data', {
      param_name: 'per_page',
      maximum_value: state.options.maxPageSize,
    });
  }
  const now = context.clock.now();
  const tokenText = context.query.get('page_token');
  let cursor: PageCursor;
  if (tokenText) {
    const found = state.cursors.get(tokenText);
    if (!found || found.module !== module.api || found.userId !== userId) {
      return zohoError(context, 400, 'INVALID_DATA', 'invalid data', { param_name: 'page_token' });
    }
    if (found.expiresAt <= now)
      return zohoError(context, 400, 'INVALID_DATA', 'the page token is expired', { param_name: 'page_token' });
    cursor = found;
  } else {
    const page = Number(context.query.get('page') ?? 1);
    if (!Number.isInteger(page) || page < 1)
      return zohoError(context, 400, 'INVALID_DATA', 'invalid data', { param_name: 'page' });
    if (page * perPage > 2000) {
      return zohoError(
        context,
        400,
        'DISCRETE_PAGINATION_LIMIT_EXCEEDED',
        'cannot fetch more than 2000 records with page; use page_token',
        { limit: 2000 },
      );
    }
    const sinceHeader = context.header('if-modified-since');
    const since = sinceHeader ? Date.parse(sinceHeader) : undefined;
    if (since !== undefined && Number.isNaN(since))
      return zohoError(context, 400, 'INVALID_DATA', 'invalid data', { param_name: 'If-Modified-Since' });
    const sortBy = context.query.get('sort_by') ?? 'id';
    if (!['id', 'Created_Time', 'Modified_Time'].includes(sortBy))
      return zohoError(context, 400, 'INVALID_DATA', 'invalid data', {
        param_name: 'sort_by',
        supported_values: ['id', 'Created_Time', 'Modified_Time'],
      });
    cursor = {
      module: module.api,
      userId,
      offset: (page - 1) * perPage,
      sortBy,
      sortOrder: context.query.get('sort_order') ?? 'asc',
      since,
      expiresAt: now + state.options.pageTokenLifetimeMs,
    };
  }
  if (cursor.offset >= 100_000)
    return zohoError(context, 400, 'PAGINATION_LIMIT_EXCEEDED', 'cannot fetch more than 100000 records', {
      limit: 100_000,
    });
  const ids = context.query.get('ids')?.split(',').filter(Boolean);
  if (ids && ids.length > 100)
    return zohoError(context, 400, 'LIMIT_EXCEEDED', 'the ids limit exceeded', { limit: 100, param_name: 'ids' });
  const all = sorted(
    state.store
      .records(module.api)
      .filter(
        (record) =>
          (cursor.since === undefined || modifiedSince(state.options, record.modifiedAt, cursor.since)) &&
          (!ids || ids.includes(record.id)),
      ),
    cursor,
  );
  if (all.length === 0 && cursor.since !== undefined && !tokenText) return context.empty(304);
  const slice = all.slice(cursor.offset, cursor.offset + perPage);
  if (slice.length === 0) return context.empty(204);
  const more = cursor.offset + perPage < all.length;
  const info: Record<string, unknown> = {
    per_page: perPage,
    count: slice.length,
    sort_by: cursor.sortBy,
    sort_order: cursor.sortOrder,
    more_records: more,
    // Zoho's OpenAPI (record.json, Info) types the page tokens as strings, never null: absent when there is none.
  };
  if (!tokenText) info.page = cursor.offset / perPage + 1;
  if (more) {
    const next = randomBytes(24).toString('hex');
    state.cursors.set(next, {
      ...cursor,
      offset: cursor.offset + perPage,
      expiresAt: now + state.options.pageTokenLifetimeMs,
    });
    info.next_page_token = next;
    info.page_token_expiry = new Date(now + state.options.pageTokenLifetimeMs).toISOString().slice(0, 19) + 'Z';
  }
  context.json(200, { data: slice.map((record) => state.store.view(module, record, fields)), info });
}

/** `If-Modified-Since` at whole seconds, by the `ifModifiedSince` switch. */
export function modifiedSince(options: Pick<ZohoApiOptions, 'ifModifiedSince'>, at: number, since: number): boolean {
  const second = Math.floor(at / 1000) * 1000;
  return options.ifModifiedSince === 'after' ? second > since : second >= since;
}

/**
 * `GET /{module}/deleted?type=all|recycle|permanent&page&per_page` with `If-Modified-Since` (Zoho CRM
 * v8 OAS "Get Deleted Records", fixtures/zoho/oas/record.json; v2 reference page): `data` of
 * `Deleted_Record`s and `info` as a list's; nothing → 204 like a list. Deleted records go to the
 * recycle bin here, so `permanent` finds none.
 */
export function deletedRecords(state: ZohoApiState, context: SimulatorContext): void {
  const module = requestedModule(state, context);
  if (!module) return;
  const type = context.query.get('type') ?? 'all';
  if (!['all', 'recycle', 'permanent'].includes(type))
    return zohoError(context, 400, 'INVALID_DATA', 'invalid data', {
      param_name: 'type',
      supported_values: ['all', 'recycle', 'permanent'],
    });
  const perPage = Number(context.query.get('per_page') ?? state.options.maxPageSize);
  const page = Number(context.query.get('page') ?? 1);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > state.options.maxPageSize)
    return zohoError(context, 400, 'INVALID_DATA', 'invalid data', {
      param_name: 'per_page',
      maximum_value: state.options.maxPageSize,
    });
  if (!Number.isInteger(page) || page < 1)
    return zohoError(context, 400, 'INVALID_DATA', 'invalid data', { param_name: 'page' });
  const sinceHeader = context.header('if-modified-since');
  const since = sinceHeader ? Date.parse(sinceHeader) : undefined;
  if (since !== undefined && Number.isNaN(since))
    return zohoError(context, 400, 'INVALID_DATA', 'invalid data', { param_name: 'If-Modified-Since' });
  const found = state.store
    .deleted(module.api)
    .filter(
      (entry) => type !== 'permanent' && (since === undefined || modifiedSince(state.options, entry.deletedAt, since)),
    );
  const slice = found.slice((page - 1) * perPage, page * perPage);
  if (slice.length === 0) return context.empty(204);
  const user = { name: 'Sandbox Admin', id: '4150868000000225013' };
  context.json(200, {
    data: slice.map((entry) => ({
      deleted_by: user,
      id: entry.id,
      display_name: entry.displayName,
      type: 'recycle',
      created_by: user,
      deleted_time: formatZohoDateTime(entry.deletedAt, state.options.timeZoneOffset),
    })),
    info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < found.length },
  });
}

export function sorted(records: StoredRecord[], cursor: Pick<PageCursor, 'sortBy' | 'sortOrder'>): StoredRecord[] {
  const key = (record: StoredRecord) =>
    cursor.sortBy === 'Modified_Time' ? record.modifiedAt : cursor.sortBy === 'Created_Time' ? record.createdAt : 0;
  const sign = cursor.sortOrder === 'desc' ? -1 : 1;
  return records.sort(
    (left, right) => sign * (key(left) - key(right) || (BigInt(left.id) < BigInt(right.id) ? -1 : 1)),
  );
}

export function getRecord(state: ZohoApiState, context: SimulatorContext): void {
  const module = requestedModule(state, context);
  if (!module) return;
  const value = context.params.id ?? '';
  const external = context.header('x-external');
  let record: StoredRecord | undefined;
  if (external) {
    const [externalModule, field] = external.split('.');
    const spec = module.fields.find((candidate) => candidate.api === field);
    if (externalModule !== module.api || !spec?.external)
      return zohoError(context, 400, 'INVALID_DATA', 'The value of the external field is invalid.', {
        api_name: field ?? external,
      });
    record = state.store.findBy(module.api, spec.api, value);
  } else if (!/^\d+$/.test(value)) {
    // Record ids are digits only: anything else is refused, not looked up (record.json API_Exception:
    // INVALID_DATA "the id given seems to be invalid"; the details of this refusal are unconfirmed).
    return zohoError(context, 400, 'INVALID_DATA', 'the id given seems to be invalid', {});
  } else record = state.store.get(module.api, value);
  if (!record) return context.empty(204);
  context.json(200, { data: [state.store.view(module, record)] });
}
