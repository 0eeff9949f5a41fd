import { bulkActions, runBulkAction, type BulkAction } from './dynamics-bulk';
import { attributeJson, castJson, castNameOf, entityDefinitionJson } from './dynamics-metadata';
import { compileFilter, compileOrder, parseResource, refuseUnsafeKeyValue, type ResourcePath } from './dynamics-query';
import { codes, DataverseFault, type DataverseStore, type Json, type Row } from './dynamics-store';
import { tableByLogicalName, tableBySetName, tables, writableTables, type TableSpec } from './dynamics-tables';

/**
 * One Web API request → one answer, independent of transport: the HTTP
 * routes and each `$batch` part go through `handle`. Paths are relative to
 * `/api/data/v9.2/` and still percent-encoded.
 */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  /** `$n` references inside a change set → entity URL. */
  contentIds?: Map<string, { table: TableSpec; id: string }>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
  /** The written row, for Content-ID references. */
  entity?: { table: TableSpec; id: string };
}

export interface WebApiOptions {
  /** Largest page a caller may ask for; Dataverse: 5,000. */
  maxPageSize: number;
  /** Targets per UpsertMultiple/CreateMultiple call (size unconfirmed: Microsoft recommends 100–1,000). */
  maxUpsertMultiple: number;
  identity: { userId: string; businessUnitId: string; organizationId: string };
  /**
   * Tables with "Track changes" on (EntityDefinitions `ChangeTrackingEnabled`). A stock org has it off
   * for account and contact until someone enables it in the maker portal (learn.microsoft.com,
   * "Use change tracking to synchronize data with external systems"); mutable for the sandbox control.
   */
  changeTracking: Set<string>;
  /**
   * `Prefer: odata.track-changes` on a table that does not track changes: unconfirmed whether Dataverse
   * ignores the preference (RFC 7240 §2 lets a server ignore one it does not honour: no delta link) or
   * refuses the read; both are offered. Default `ignore`.
   */
  untrackedPreference: 'ignore' | 'refuse';
  /** Delta tokens minted at or before this row version have expired (sandbox control; see `deltaExpired`). */
  deltaFloor: { version: number };
}

export const errorBody = (code: string, message: string) => JSON.stringify({ error: { code, message } });

/** The system query options the Dataverse Web API reads. */
const systemQueryOptions = new Set([
  '$select',
  '$filter',
  '$orderby',
  '$top',
  '$expand',
  '$count',
  '$skiptoken',
  '$apply',
  // A delta link's token (change tracking): `…/accounts?$deltatoken=919042%2108%2f22%2f2017%2008%3a10%3a44`.
  '$deltatoken',
]);

/**
 * The error of a delta token older than the org keeps changes for (Dataverse web service error
 * `ExpiredVersionStamp`, 0x80044352: "The version stamp associated with the client has expired.
 * Please perform a full sync."). The HTTP status is unconfirmed; 400 as for other refused queries.
 */
export const expiredVersionStamp = '0x80044352';

export class DataverseWebApi {
  constructor(
    private readonly store: DataverseStore,
    private readonly base: () => string,
    private readonly options: WebApiOptions,
    /** Every operation costs execution time in service protection. */
    private readonly onOperation: () => void = () => undefined,
  ) {}

  handle(request: ApiRequest): ApiResponse {
    try {
      this.onOperation();
      return this.route(request);
    } catch (error) {
      if (error instanceof DataverseFault)
        return { status: error.status, headers: jsonHeaders(), body: errorBody(error.code, error.message) };
      throw error;
    }
  }

  private route(request: ApiRequest): ApiResponse {
    // `$` names are OData system query options, a closed set (OData 4.01 Part 2, URL Conventions §5:
    // custom query options must not begin with `$`); Dataverse supports these and refuses the rest,
    // $skip included (paging goes through @odata.nextLink). Code as for other URL errors; message unconfirmed.
    for (const name of request.query.keys())
      if (name.startsWith('$') && !systemQueryOptions.has(name))
        throw new DataverseFault(400, codes.unknownProperty, `The query parameter ${name} is not supported`);
    const resource = parseResource(request.path, (segment) => tableBySetName.get(segment)?.primaryId);
    if (resource.segment === 'WhoAmI' && request.method === 'GET') {
      return this.json(200, {
        '@odata.context': `${this.base()}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
        ...pascal(this.options.identity),
      });
    }
    if (resource.segment === 'EntityDefinitions' && request.method === 'GET') return this.metadata(resource, request);
    const table = tableBySetName.get(resource.segment);
    if (!table)
      throw new DataverseFault(404, '0x8006088a', `Resource not found for the segment '${resource.segment}'.`);
    // Bulk operation messages (UpsertMultiple, CreateMultiple) live in dynamics-bulk.ts.
    if (
      resource.rest.length === 1 &&
      bulkActions.includes(resource.rest[0]!) &&
      request.method === 'POST' &&
      !resource.key
    )
      return runBulkAction(resource.rest[0]!.replace('Microsoft.Dynamics.CRM.', '') as BulkAction, {
        store: this.store,
        table,
        base: this.base(),
        maxTargets: this.options.maxUpsertMultiple,
        headers: request.headers,
        body: request.body,
        resolve: (value, target) => this.resolveBind(value, target, undefined),
      });
    if (resource.rest.length > 0)
      throw new DataverseFault(404, '0x8006088a', `Resource not found for the segment '${resource.rest[0]}'.`);
    refuseUnsafeKeyValue(table, resource);
    switch (request.method) {
      case 'GET':
        return resource.key ? this.retrieve(table, resource, request) : this.list(table, request);
      case 'POST':
        if (resource.key)
          throw new DataverseFault(405, '0x80060888', "The requested resource does not support http method 'POST'.");
        return this.write(table, undefined, request);
      case 'PATCH':
        if (!resource.key)
          throw new DataverseFault(405, '0x80060888', "The requested resource does not support http method 'PATCH'.");
        return this.write(table, resource.key, request);
      case 'DELETE':
        return this.remove(table, resource);
      default:
        throw new DataverseFault(
          405,
          '0x80060888',
          `The requested resource does not support http method '${request.method}'.`,
        );
    }
  }

  private metadata(resource: ResourcePath, request: ApiRequest): ApiResponse {
    const expand = request.query.get('$expand') ?? '';
    if (!resource.key) {
      return this.json(200, {
        '@odata.context': `${this.base()}/$metadata#EntityDefinitions`,
        value: tables.map((table) =>
          entityDefinitionJson(table, expand, this.options.changeTracking.has(table.logicalName)),
        ),
      });
    }
    const logicalName = String(resource.key.LogicalName ?? '');
    const table = tableByLogicalName.get(logicalName);
    if (!table) throw new DataverseFault(404, codes.notFound, `Could not find entity with name '${logicalName}'.`);
    if (resource.rest.length === 0) {
      return this.json(200, {
        '@odata.context': `${this.base()}/$metadata#EntityDefinitions/$entity`,
        ...entityDefinitionJson(table, expand, this.options.changeTracking.has(table.logicalName)),
      });
    }
    if (resource.rest[0] !== 'Attributes')
      throw new DataverseFault(404, '0x8006088a', `Resource not found for the segment '${resource.rest[0]}'.`);
    const cast = resource.rest[1]?.replace(/^Microsoft\.Dynamics\.CRM\./, '');
    const rows = cast
      ? table.attributes
          .filter((attribute) => castNameOf(attribute) === cast)
          .map((attribute) => castJson(table, attribute))
      : table.attributes.map((attribute) => attributeJson(table, attribute));
    return this.json(200, {
      '@odata.context': `${this.base()}/$metadata#EntityDefinitions('${table.logicalName}')/Attributes`,
      value: rows,
    });
  }

  private list(table: TableSpec, request: ApiRequest): ApiResponse {
    const asked = /\bodata\.track-changes\b/.test(request.headers.prefer ?? '');
    if (asked && !this.options.changeTracking.has(table.logicalName) && this.options.untrackedPreference === 'refuse')
      // Code and text unconfirmed (see `untrackedPreference`).
      throw new DataverseFault(400, '0x80040203', `Entity ${table.logicalName} is not enabled for change tracking.`);
    const tracking = asked && this.options.changeTracking.has(table.logicalName);
    const deltaToken = request.query.get('$deltatoken');
    if (deltaToken !== null) return this.delta(table, request, deltaToken);
    const columns = new Set(Object.keys(this.store.representation(table, emptyRow)));
    const isColumn = (name: string) => columns.has(name);
    const filterText = request.query.get('$filter');
    const filter = filterText ? compileFilter(filterText, isColumn, table.logicalName) : () => true;
    const order = compileOrder(request.query.get('$orderby'), table.primaryId, isColumn, table.logicalName);
    const select = selectOf(request.query.get('$select'), isColumn, table);
    const rows = this.store
      .all(table)
      .map((row) => this.store.representation(table, row))
      .filter(filter)
      .sort(order.compare);
    const preferred = /odata\.maxpagesize=(\d+)/.exec(request.headers.prefer ?? '')?.[1];
    const top = request.query.get('$top');
    const pageSize = Math.min(
      this.options.maxPageSize,
      preferred ? Math.max(1, Number(preferred)) : this.options.maxPageSize,
    );
    let start = 0;
    const token = request.query.get('$skiptoken');
    if (token) {
      const last = decodeCookie(token);
      if (!last || last.length !== order.names.length)
        throw new DataverseFault(400, '0x80060888', 'The $skiptoken is not valid for this query.');
      const boundary = Object.fromEntries(order.names.map((name, index) => [name, last[index] ?? null])) as Record<
        string,
        Json
      >;
      start = rows.findIndex((row) => order.compare(row, boundary) > 0);
      if (start < 0) start = rows.length;
    }
    const limit = top !== null ? Math.min(Number(top), this.options.maxPageSize) : pageSize;
    const page = rows.slice(start, start + limit);
    const body: Record<string, Json> = { '@odata.context': `${this.base()}/$metadata#${table.setName}` };
    if (request.query.get('$count') === 'true') body['@odata.count'] = Math.min(rows.length, 5000);
    body.value = page.map((row) => project(row, select));
    const headers = jsonHeaders();
    if (preferred) headers['preference-applied'] = `odata.maxpagesize=${pageSize}`;
    // The delta token of a tracked read is the store's version when its first page was asked for, carried
    // in the paging cookie: changes made while the client pages come with the next delta read.
    const version = token
      ? Number(/version="(\d+)"/.exec(token)?.[1] ?? this.store.currentVersion())
      : this.store.currentVersion();
    if (tracking && !(top === null && start + limit < rows.length && page.length > 0))
      body['@odata.deltaLink'] = this.deltaLink(table, request, version);
    if (top === null && start + limit < rows.length && page.length > 0) {
      const last = page[page.length - 1]!;
      const next = new URLSearchParams(request.query);
      next.delete('$skiptoken');
      next.set(
        '$skiptoken',
        encodeCookie(
          Math.floor(start / limit) + 2,
          order.names.map((name) => last[name] ?? null),
          tracking ? version : undefined,
        ),
      );
      body['@odata.nextLink'] =
        `${this.base()}/${table.setName}?${next.toString().replace(/\+/g, '%20').replace(/%24/g, '$')}`;
    }
    return { status: 200, headers, body: JSON.stringify(body) };
  }

  /** `…/contacts?$deltatoken=…` with `$select` kept: the link the next changes are read from. */
  private deltaLink(table: TableSpec, request: ApiRequest, version: number): string {
    const query = new URLSearchParams();
    const select = request.query.get('$select');
    if (select) query.set('$select', select);
    // Real tokens look like `919042!08/22/2017 08:10:44` (a row version and when it was minted).
    query.set('$deltatoken', `${version}!${new Date().toISOString().slice(0, 19).replace('T', ' ')}`);
    return `${this.base()}/${table.setName}?${query.toString().replace(/\+/g, '%20').replace(/%24/g, '$')}`;
  }

  /**
   * A delta link followed: rows created or changed after the token, then `$deletedEntity` entries
   * for rows deleted after it (learn.microsoft.com, "Use change tracking to synchronize data with
   * external systems": `{"@odata.context":"…/$metadata#accounts/$deletedEntity","id":"…","reason":"deleted"}`),
   * and a fresh delta link. Paged like any read; the fresh token is the version of the first page.
   */
  private delta(table: TableSpec, request: ApiRequest, deltaToken: string): ApiResponse {
    if (!this.options.changeTracking.has(table.logicalName))
      // Unconfirmed which code Dataverse gives; a token for an untracked table cannot be valid.
      throw new DataverseFault(400, codes.unknownProperty, `Change tracking is not enabled for ${table.logicalName}.`);
    const since = Number(/^(\d+)/.exec(deltaToken)?.[1] ?? Number.NaN);
    if (!Number.isFinite(since))
      throw new DataverseFault(400, codes.unknownProperty, 'The $deltatoken is not valid for this query.');
    if (since <= this.options.deltaFloor.version)
      throw new DataverseFault(
        400,
        expiredVersionStamp,
        'The version stamp associated with the client has expired. Please perform a full sync.',
      );
    const columns = new Set(Object.keys(this.store.representation(table, emptyRow)));
    const select = selectOf(request.query.get('$select'), (name) => columns.has(name), table);
    const token = request.query.get('$skiptoken');
    const minted = token ? Number(/version="(\d+)"/.exec(token)?.[1]) : this.store.currentVersion();
    const after = token ? Number(/after="(\d+)"/.exec(token)?.[1]) : since;
    const changes: Array<{ version: number; entry: Record<string, Json> }> = [
      ...this.store
        .all(table)
        .filter((row) => row.version > since && row.version <= minted)
        .map((row) => ({ version: row.version, entry: project(this.store.representation(table, row), select) })),
      ...this.store
        .removedSince(table, since)
        .filter((removal) => removal.version <= minted)
        .map((removal) => ({
          version: removal.version,
          entry: {
            '@odata.context': `${this.base()}/$metadata#${table.setName}/$deletedEntity`,
            id: removal.id,
            reason: 'deleted',
          } as Record<string, Json>,
        })),
    ]
      .filter((change) => change.version > after)
      .sort((left, right) => left.version - right.version);
    const preferred = /odata\.maxpagesize=(\d+)/.exec(request.headers.prefer ?? '')?.[1];
    const pageSize = Math.min(
      this.options.maxPageSize,
      preferred ? Math.max(1, Number(preferred)) : this.options.maxPageSize,
    );
    const page = changes.slice(0, pageSize);
    const body: Record<string, Json> = {
      '@odata.context': `${this.base()}/$metadata#${table.setName}`,
      value: page.map((change) => change.entry),
    };
    if (changes.length > page.length) {
      const next = new URLSearchParams(request.query);
      next.set('$skiptoken', `<cookie version="${minted}" after="${page[page.length - 1]!.version}" />`);
      body['@odata.nextLink'] =
        `${this.base()}/${table.setName}?${next.toString().replace(/\+/g, '%20').replace(/%24/g, '$')}`;
    } else body['@odata.deltaLink'] = this.deltaLink(table, request, minted);
    return { status: 200, headers: jsonHeaders(), body: JSON.stringify(body) };
  }

  private retrieve(table: TableSpec, resource: ResourcePath, request: ApiRequest): ApiResponse {
    const row = this.find(table, resource.key!);
    if (!row) throw notFound(table, resource.key!);
    const columns = new Set(Object.keys(this.store.representation(table, emptyRow)));
    const select = selectOf(request.query.get('$select'), (name) => columns.has(name), table);
    return this.json(200, {
      '@odata.context': `${this.base()}/$metadata#${table.setName}/$entity`,
      ...project(this.store.representation(table, row), select),
    });
  }

  /** Create (POST), update or upsert (PATCH) with If-Match / If-None-Match semantics (API-FACTS §5.3). */
  private write(table: TableSpec, key: Record<string, Json> | undefined, request: ApiRequest): ApiResponse {
    if (!writableTables.has(table.logicalName))
      throw new DataverseFault(403, '0x80040220', `The sandbox keeps ${table.setName} read-only.`);
    const body = parseBody(request.body);
    if (key) this.store.checkKey(table, Object.keys(key));
    const existing = key ? this.find(table, key) : undefined;
    const ifMatch = request.headers['if-match'];
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifMatch && !existing)
      throw new DataverseFault(404, '', `${table.logicalName} With Id = ${keyText(key)} Does Not Exist`);
    if (ifMatch && existing && ifMatch !== '*' && ifMatch !== `W/"${existing.version}"`) {
      throw new DataverseFault(
        412,
        codes.concurrency,
        "The version of the existing record doesn't match the RowVersion property provided.",
      );
    }
    if (ifNoneMatch === '*' && existing)
      throw new DataverseFault(412, codes.duplicateKey, 'A record with matching key values already exists.');
    for (const [name, value] of Object.entries(key ?? {})) {
      if (name in body && String(body[name]) !== String(value)) {
        throw new DataverseFault(
          400,
          '0x80040203',
          `The value of '${name}' in the request body does not match the key in the URL.`,
        );
      }
    }
    const detect = request.headers['mscrm.suppressduplicatedetection'] === 'false';
    const resolve = (value: string, target: string) => this.resolveBind(value, target, request.contentIds);
    const row = this.store.atomic(() => {
      if (existing) {
        const values = this.store.validate(table, body, 'update', resolve);
        if (detect) this.store.checkDuplicates(table, values, existing);
        return this.store.update(table, existing, values);
      }
      const keyValues: Record<string, Json> = {};
      for (const [name, value] of Object.entries(key ?? {})) if (name !== table.primaryId) keyValues[name] = value;
      const values = { ...this.store.validate(table, { ...body, ...keyValues }, 'create', resolve) };
      if (detect) this.store.checkDuplicates(table, values);
      const id =
        key?.[table.primaryId] ??
        (typeof body[table.primaryId] === 'string' ? String(body[table.primaryId]) : undefined);
      return this.store.create(table, values, id === undefined || id === null ? undefined : String(id));
    });
    const created = !existing;
    const entityUrl = `${this.base()}/${table.setName}(${row.id})`;
    const headers: Record<string, string> = { 'odata-version': '4.0', 'odata-entityid': entityUrl };
    if (/return=representation/.test(request.headers.prefer ?? '')) {
      const columns = new Set(Object.keys(this.store.representation(table, emptyRow)));
      const select = selectOf(request.query.get('$select'), (name) => columns.has(name), table);
      const representation = {
        '@odata.context': `${this.base()}/$metadata#${table.setName}/$entity`,
        ...project(this.store.representation(table, row), select),
      };
      return {
        status: created ? 201 : 200,
        headers: { ...jsonHeaders(), ...headers },
        body: JSON.stringify(representation),
        entity: { table, id: row.id },
      };
    }
    return { status: 204, headers, entity: { table, id: row.id } };
  }

  private remove(table: TableSpec, resource: ResourcePath): ApiResponse {
    if (!resource.key)
      throw new DataverseFault(405, '0x80060888', "The requested resource does not support http method 'DELETE'.");
    const row = this.find(table, resource.key);
    if (!row) throw notFound(table, resource.key);
    this.store.remove(table, row);
    return { status: 204, headers: { 'odata-version': '4.0' } };
  }

  private find(table: TableSpec, key: Record<string, Json>): Row | undefined {
    return this.store.find(table, key);
  }

  /** `/accounts(guid)`, `accounts(accountnumber='A-1')`, a full URL, or `$n` inside a change set. */
  private resolveBind(value: string, target: string, contentIds: ApiRequest['contentIds']): string | undefined {
    if (value.startsWith('$')) {
      const entity = contentIds?.get(value.slice(1));
      return entity && entity.table.logicalName === target ? entity.id : undefined;
    }
    const relative = value.startsWith(this.base())
      ? value.slice(this.base().length)
      : value.replace(/^https?:\/\/[^/]+\/api\/data\/v[\d.]+/, '');
    const resource = parseResource(relative.replace(/^\//, ''), (segment) => tableBySetName.get(segment)?.primaryId);
    const table = tableBySetName.get(resource.segment);
    if (!table || table.logicalName !== target || !resource.key) return undefined;
    return this.store.find(table, resource.key)?.id;
  }

  private json(status: number, body: unknown): ApiResponse {
    return { status, headers: jsonHeaders(), body: JSON.stringify(body) };
  }
}

const emptyRow: Row = { id: '', values: {}, version: 0, createdon: 0, modifiedon: 0 };

function jsonHeaders(): Record<string, string> {
  return {
    'content-type':
      'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8',
    'odata-version': '4.0',
  };
}

function parseBody(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new DataverseFault(
    400,
    '0x80048d19',
    'Error identified in Payload provided by the user: the request body is not a JSON object.',
  );
}

function selectOf(text: string | null, isColumn: (name: string) => boolean, table: TableSpec): string[] | undefined {
  if (!text) return undefined;
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!isColumn(name))
      throw new DataverseFault(
        400,
        '0x80060888',
        `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${table.logicalName}'.`,
      );
  }
  return names;
}

function project(row: Record<string, Json>, select: string[] | undefined): Record<string, Json> {
  if (!select) return row;
  const out: Record<string, Json> = { '@odata.etag': row['@odata.etag'] ?? null };
  for (const name of select) out[name] = row[name] ?? null;
  return out;
}

function notFound(table: TableSpec, key: Record<string, Json>): DataverseFault {
  return new DataverseFault(404, codes.notFound, `${table.logicalName} With Id = ${keyText(key)} Does Not Exist`);
}

function keyText(key: Record<string, Json> | undefined): string {
  const entries = Object.entries(key ?? {});
  return entries.length === 1
    ? String(entries[0]![1])
    : entries.map(([name, value]) => `${name}:${String(value)}`).join(',');
}

function pascal(identity: WebApiOptions['identity']) {
  return { BusinessUnitId: identity.businessUnitId, UserId: identity.userId, OrganizationId: identity.organizationId };
}

/** An opaque paging cookie in Dataverse's look (`<cookie pagenumber="2" pagingcookie="…" />`). */
function encodeCookie(page: number, last: Json[], version?: number): string {
  const cookie = Buffer.from(JSON.stringify(last)).toString('base64url');
  const tracking = version === undefined ? 'istracking="False"' : `istracking="True" version="${version}"`;
  return `<cookie pagenumber="${page}" pagingcookie="${cookie}" ${tracking} />`;
}

function decodeCookie(token: string): Json[] | undefined {
  const cookie = /pagingcookie="([^"]+)"/.exec(token)?.[1];
  if (!cookie) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cookie, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(value) ? (value as Json[]) : undefined;
  } catch {
    return undefined;
  }
}
