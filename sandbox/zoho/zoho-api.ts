import { randomBytes } from 'node:crypto';
import type { SandboxServer, SimulatorContext } from '../kit';
import { countConditions, CriteriaError, matches, parseCriteria, supportedComparator } from './zoho-criteria';
import { fieldMetadata, zohoModuleByName, zohoModules, type ZohoModuleSpec } from './zoho-modules';
import { ZohoFieldChanges } from './zoho-field-changes';
import type { StoredRecord, WriteMode, ZohoStore } from './zoho-store';
import { formatZohoDateTime } from './zoho-values';

export interface ZohoApiOptions {
  maxPageSize: number;
  maxWriteBatch: number;
  maxFields: number;
  dailyCredits: number;
  /** Sources disagree (API-FACTS §2.4): one credit per upsert call, or one per ten records. */
  upsertCredits: 'call' | 'per10';
  /**
   * Calls per minute before 429 TOO_MANY_REQUESTS (no Retry-After); null = unlimited. Zoho publishes
   * no per-minute limit (API-FACTS §2.4, §10), hence off by default: only for tests of a client's 429 path.
   */
  requestsPerMinute: number | null;
  /**
   * API calls in flight at once per app before 429 TOO_MANY_REQUESTS (API-FACTS §2.4: Free 5,
   * Standard 10, Professional 15, Enterprise 20, Ultimate 25); null = unlimited.
   */
  concurrency: number | null;
  /** Time each API call stays in flight on the server (tests that need calls to overlap). */
  callLatencyMs: number;
  /** Status of a write where some records failed (sources report 201, 202 and 207). */
  mixedStatus: 200 | 201 | 202 | 207;
  pageTokenLifetimeMs: number;
  /**
   * Refuse a write whose body is not declared `Content-Type: application/json`
   * (400 INVALID_DATA). Unconfirmed, hence a switch (API-FACTS conventions): Zoho's
   * own OpenAPI (zoho/crm-oas v8.0/record.json, our fixtures/zoho/oas/record.json)
   * declares the upsert body as `application/json` only, and its SDKs always send
   * it; but the v8 reference lists only `Authorization` as a request header and
   * its curl samples post `-d @file.json` (which curl labels form-urlencoded), so
   * the live server may be lenient. No public source shows the status and body of
   * the refusal: the shape is Zoho's usual top-level error. Default strict, so a
   * client that forgets the header fails here, not in production.
   */
  requireJsonContentType: boolean;
  /**
   * Which records `If-Modified-Since` keeps, compared at Zoho's whole seconds. Unconfirmed, hence a
   * switch (API-FACTS conventions): the v2 "Get Deleted Records" page says "recently modified", the
   * v1 getRecords page "modified after the given time"; no source says whether a record stamped at
   * exactly that second comes back. Default `at-or-after`; `after` drops the boundary second.
   */
  ifModifiedSince: 'at-or-after' | 'after';
  /** The org's time zone, as its stamps print it (`+05:30`). */
  timeZoneOffset: string;
}

interface PageCursor {
  module: string;
  userId: string;
  offset: number;
  sortBy: string;
  sortOrder: string;
  since?: number;
  expiresAt: number;
}

const zohoError = (
  context: SimulatorContext,
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
) => context.json(status, { code, details, message, status: 'error' });

/** `application/json`, with or without parameters (`; charset=utf-8`). */
export const isJsonContentType = (value: string | undefined) =>
  /^application\/json\s*(;|$)/i.test((value ?? '').trim());

/** The CRM REST API under `/crm/v8`: records, search, upsert, field metadata, with Zoho's limits. */
export class ZohoApi {
  private readonly cursors = new Map<string, PageCursor>();
  /** Largest `data` array each module's writes carried (tests check batch limits with it). */
  readonly largestBatch = new Map<string, number>();
  private creditsDay = -1;
  private creditsUsed = 0;
  private minuteStart = -1;
  private minuteCalls = 0;
  private inFlight = 0;
  /** Most API calls in flight at once since start (or `resetInFlight`): concurrency tests read it. */
  maxInFlight = 0;
  /** API calls counted per minute of the simulator clock, refused ones included. */
  readonly callsPerMinute = new Map<number, number>();
  /** Custom fields an admin deleted or retyped in Setup (control action `changeField`). */
  readonly fieldChanges = new ZohoFieldChanges();

  constructor(
    private readonly server: SandboxServer,
    private readonly store: ZohoStore,
    readonly options: ZohoApiOptions,
    private readonly authorize: (context: SimulatorContext) => string | undefined,
  ) {}

  credits() {
    return { used: this.creditsUsed, limit: this.options.dailyCredits };
  }

  register(): void {
    const guarded =
      (
        run: (context: SimulatorContext, userId: string) => unknown,
        cost: (context: SimulatorContext) => Promise<number> | number = () => 1,
      ) =>
      async (context: SimulatorContext) => {
        const userId = this.authorize(context);
        if (!userId) return;
        // Counted in flight from here to the answer, as Zoho counts concurrent calls per app.
        this.inFlight += 1;
        try {
          if (this.options.concurrency !== null && this.inFlight > this.options.concurrency) {
            this.server.bump('concurrencyRefused');
            zohoError(context, 429, 'TOO_MANY_REQUESTS', 'too many requests');
            return;
          }
          this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
          if (!this.admit(context, await cost(context))) return;
          if (this.options.callLatencyMs > 0)
            await new Promise((resolve) => setTimeout(resolve, this.options.callLatencyMs));
          await run(context, userId);
        } finally {
          this.inFlight -= 1;
        }
      };
    const upsertCost = async (context: SimulatorContext) => {
      if (this.options.upsertCredits === 'call') return 1;
      const rows = safeRows(await context.body());
      return Math.max(1, Math.ceil(rows.length / 10));
    };
    const route = this.server.route.bind(this.server);
    route({
      method: 'GET',
      pattern: '/crm/v8/settings/modules',
      name: 'Zoho modules',
      handler: guarded((context) => this.modules(context)),
    });
    route({
      method: 'GET',
      pattern: '/crm/v8/settings/fields',
      name: 'Zoho fields',
      handler: guarded((context) => this.fields(context)),
    });
    route({
      method: 'GET',
      pattern: '/crm/v8/:module/search',
      name: 'Zoho search',
      handler: guarded((context, user) => this.search(context, user)),
    });
    route({
      method: 'GET',
      pattern: '/crm/v8/:module/deleted',
      name: 'Zoho deleted records',
      handler: guarded((context) => this.deletedList(context)),
    });
    route({
      method: 'POST',
      pattern: '/crm/v8/:module/upsert',
      name: 'Zoho upsert',
      handler: guarded((context) => this.write(context, 'upsert'), upsertCost),
    });
    route({
      method: 'GET',
      pattern: '/crm/v8/:module',
      name: 'Zoho list',
      handler: guarded((context, user) => this.list(context, user)),
    });
    route({
      method: 'POST',
      pattern: '/crm/v8/:module',
      name: 'Zoho insert',
      handler: guarded((context) => this.write(context, 'insert')),
    });
    route({
      method: 'PUT',
      pattern: '/crm/v8/:module',
      name: 'Zoho update',
      handler: guarded((context) => this.write(context, 'update')),
    });
    route({
      method: 'GET',
      pattern: '/crm/v8/:module/:id',
      name: 'Zoho get',
      handler: guarded((context) => this.getOne(context)),
    });
  }

  /** Daily credits (LIMIT_REACHED) and the per-minute cap (429 TOO_MANY_REQUESTS without Retry-After). */
  admit(context: SimulatorContext, cost: number): boolean {
    const now = context.clock.now();
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minuteStart) {
      this.minuteStart = minute;
      this.minuteCalls = 0;
    }
    this.minuteCalls += 1;
    this.callsPerMinute.set(minute, (this.callsPerMinute.get(minute) ?? 0) + 1);
    if (this.options.requestsPerMinute !== null && this.minuteCalls > this.options.requestsPerMinute) {
      this.server.bump('throttled');
      zohoError(context, 429, 'TOO_MANY_REQUESTS', 'too many requests');
      return false;
    }
    const day = Math.floor(now / 86_400_000);
    if (day !== this.creditsDay) {
      this.creditsDay = day;
      this.creditsUsed = 0;
    }
    if (this.creditsUsed + cost > this.options.dailyCredits) {
      this.server.bump('creditsRefused');
      zohoError(context, 400, 'LIMIT_REACHED', 'API limit exceeded', { limit: this.options.dailyCredits });
      return false;
    }
    this.creditsUsed += cost;
    return true;
  }

  private module(context: SimulatorContext, name = context.params.module ?? ''): ZohoModuleSpec | undefined {
    const spec = zohoModuleByName.get(name);
    if (!spec || spec.subform) {
      zohoError(context, 400, 'INVALID_MODULE', 'the module name given seems to be invalid', {});
      return undefined;
    }
    return this.fieldChanges.module(spec);
  }

  private modules(context: SimulatorContext): void {
    context.json(200, {
      modules: zohoModules
        .filter((module) => !module.subform)
        .map((module, index) => ({
          api_name: module.api,
          module_name: module.api,
          singular_label: module.singular,
          plural_label: module.plural,
          id: String(4_150_868_000_000_002_000n + BigInt(index)),
          api_supported: true,
          creatable: true,
          editable: true,
          viewable: true,
          generated_type: 'default',
          // The rest of what Zoho's OpenAPI requires of a module (zoho/crm-oas v8.0 modules.json,
          // components.schemas.modules.required), with a stock org's values for a standard module.
          'common.search_supported': true,
          deletable: true,
          description: null,
          recycle_bin_on_delete: true,
          inventory_template_supported: ['Sales_Orders', 'Purchase_Orders', 'Invoices', 'Quotes'].includes(module.api),
          modified_time: null,
          presence_sub_menu: true,
          triggers_supported: true,
          chart_view: false,
          isBlueprintSupported: true,
          visibility: 1,
          visible: true,
          convertable: false,
          emailTemplate_support: true,
          email_parser_supported: false,
          filter_supported: true,
          show_as_tab: true,
          web_link: null,
          sequence_number: index + 1,
          quick_create: true,
          feeds_required: false,
          scoring_supported: true,
          webform_supported: true,
          arguments: [],
          chart_view_supported: true,
          profile_count: 1,
          business_card_field_limit: 5,
          track_current_data: true,
          modified_by: null,
          profiles: [{ name: 'Administrator', id: '4150868000000026011' }],
          parent_module: null,
          activity_badge: 'Disabled',
          $field_states: [],
          business_card_fields: [],
          per_page: 10,
          $properties: [],
          $on_demand_properties: [],
          search_layout_fields: [],
          kanban_view_supported: true,
          lookup_field_properties: { fields: [] },
          kanban_view: false,
          related_lists: [],
          filter_status: true,
          related_list_properties: { sort_by: { api_name: null, id: null }, fields: [], sort_order: null },
          display_field: null,
          layouts: [],
          fields: [],
          custom_view: null,
          zia_view: false,
          default_mapping_fields: [],
          layout_associations: [],
        })),
    });
  }

  private fields(context: SimulatorContext): void {
    const name = context.query.get('module');
    if (!name)
      return zohoError(context, 400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
        param_name: 'module',
        param: 'module',
      });
    const module = zohoModuleByName.get(name);
    if (!module)
      return zohoError(context, 400, 'INVALID_MODULE', 'the module name given seems to be invalid', {
        param_name: 'module',
      });
    // Metadata of the original position: deleting one field does not renumber the others' ids.
    context.json(200, {
      fields: module.fields.flatMap((spec, index) => {
        const now = this.fieldChanges.field(module.api, spec);
        return now ? [fieldMetadata(module, now, index)] : [];
      }),
    });
  }

  private selectedFields(
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
    if (fields.length > this.options.maxFields) {
      zohoError(context, 400, 'LIMIT_EXCEEDED', 'the fields limit exceeded', {
        limit: this.options.maxFields,
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

  private list(context: SimulatorContext, userId: string): void {
    const module = this.module(context);
    if (!module) return;
    const fields = this.selectedFields(context, module, true);
    if (!fields) return;
    const perPage = Number(context.query.get('per_page') ?? this.options.maxPageSize);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > this.options.maxPageSize) {
      return zohoError(context, 400, 'INVALID_DATA', 'invalid data', {
        param_name: 'per_page',
        maximum_value: this.options.maxPageSize,
      });
    }
    const now = context.clock.now();
    const tokenText = context.query.get('page_token');
    let cursor: PageCursor;
    if (tokenText) {
      const found = this.cursors.get(tokenText);
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
        expiresAt: now + this.options.pageTokenLifetimeMs,
      };
    }
    if (cursor.offset >= 100_000)
      return zohoError(context, 400, 'PAGINATION_LIMIT_EXCEEDED', 'cannot fetch more than 100000 records', {
        limit: 100_000,
      });
    const ids = context.query.get('ids')?.split(',').filter(Boolean);
    if (ids && ids.length > 100)
      return zohoError(context, 400, 'LIMIT_EXCEEDED', 'the ids limit exceeded', { limit: 100, param_name: 'ids' });
    const all = this.sorted(
      this.store
        .records(module.api)
        .filter(
          (record) =>
            (cursor.since === undefined || this.modifiedSince(record.modifiedAt, cursor.since)) &&
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
      this.cursors.set(next, {
        ...cursor,
        offset: cursor.offset + perPage,
        expiresAt: now + this.options.pageTokenLifetimeMs,
      });
      info.next_page_token = next;
      info.page_token_expiry = new Date(now + this.options.pageTokenLifetimeMs).toISOString().slice(0, 19) + 'Z';
    }
    context.json(200, { data: slice.map((record) => this.store.view(module, record, fields)), info });
  }

  /** `If-Modified-Since` at whole seconds, by the `ifModifiedSince` switch. */
  private modifiedSince(at: number, since: number): boolean {
    const second = Math.floor(at / 1000) * 1000;
    return this.options.ifModifiedSince === 'after' ? second > since : second >= since;
  }

  /**
   * `GET /{module}/deleted?type=all|recycle|permanent&page&per_page` with `If-Modified-Since` (Zoho CRM
   * v8 OAS "Get Deleted Records", fixtures/zoho/oas/record.json; v2 reference page): `data` of
   * `Deleted_Record`s and `info` as a list's; nothing → 204 like a list. Deleted records go to the
   * recycle bin here, so `permanent` finds none.
   */
  private deletedList(context: SimulatorContext): void {
    const module = this.module(context);
    if (!module) return;
    const type = context.query.get('type') ?? 'all';
    if (!['all', 'recycle', 'permanent'].includes(type))
      return zohoError(context, 400, 'INVALID_DATA', 'invalid data', {
        param_name: 'type',
        supported_values: ['all', 'recycle', 'permanent'],
      });
    const perPage = Number(context.query.get('per_page') ?? this.options.maxPageSize);
    const page = Number(context.query.get('page') ?? 1);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > this.options.maxPageSize)
      return zohoError(context, 400, 'INVALID_DATA', 'invalid data', {
        param_name: 'per_page',
        maximum_value: this.options.maxPageSize,
      });
    if (!Number.isInteger(page) || page < 1)
      return zohoError(context, 400, 'INVALID_DATA', 'invalid data', { param_name: 'page' });
    const sinceHeader = context.header('if-modified-since');
    const since = sinceHeader ? Date.parse(sinceHeader) : undefined;
    if (since !== undefined && Number.isNaN(since))
      return zohoError(context, 400, 'INVALID_DATA', 'invalid data', { param_name: 'If-Modified-Since' });
    const found = this.store
      .deleted(module.api)
      .filter((entry) => type !== 'permanent' && (since === undefined || this.modifiedSince(entry.deletedAt, since)));
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
        deleted_time: formatZohoDateTime(entry.deletedAt, this.options.timeZoneOffset),
      })),
      info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < found.length },
    });
  }

  private sorted(records: StoredRecord[], cursor: Pick<PageCursor, 'sortBy' | 'sortOrder'>): StoredRecord[] {
    const key = (record: StoredRecord) =>
      cursor.sortBy === 'Modified_Time' ? record.modifiedAt : cursor.sortBy === 'Created_Time' ? record.createdAt : 0;
    const sign = cursor.sortOrder === 'desc' ? -1 : 1;
    return records.sort(
      (left, right) => sign * (key(left) - key(right) || (BigInt(left.id) < BigInt(right.id) ? -1 : 1)),
    );
  }

  private search(context: SimulatorContext, userId: string): void {
    void userId;
    const module = this.module(context);
    if (!module) return;
    const fields = this.selectedFields(context, module, false);
    if (fields === null) return;
    const criteriaText = context.query.get('criteria');
    const email = context.query.get('email');
    const phone = context.query.get('phone');
    const word = context.query.get('word');
    let predicate: (record: StoredRecord) => boolean;
    if (criteriaText) {
      let criteria;
      try {
        criteria = parseCriteria(criteriaText);
      } catch (error) {
        return zohoError(context, 400, 'INVALID_QUERY', 'invalid query formed', {
          reason: error instanceof CriteriaError ? error.message : 'criteria',
          param_name: 'criteria',
        });
      }
      if (countConditions(criteria) > 10)
        return zohoError(context, 400, 'LIMIT_EXCEEDED', 'the criteria limit exceeded', {
          limit: 10,
          param_name: 'criteria',
        });
      const problem = findProblem(criteria, module);
      if (problem) return zohoError(context, 400, 'INVALID_QUERY', 'invalid query formed', problem);
      predicate = (record) => matches(criteria, (field) => (field === 'id' ? record.id : record.values[field]));
    } else if (email || phone || word) {
      predicate = (record) =>
        Object.values(record.values).some(
          (value) =>
            typeof value === 'string' &&
            (value === email || value === phone || (word !== null && value.toLowerCase().includes(word.toLowerCase()))),
        );
    } else {
      return zohoError(context, 400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', {
        param_name: 'criteria',
        param: 'criteria',
      });
    }
    const perPage = Math.min(Number(context.query.get('per_page') ?? 200), 200);
    const page = Number(context.query.get('page') ?? 1);
    if (page * perPage > 2000)
      return zohoError(context, 400, 'LIMIT_REACHED', 'search results are limited to 2000 records', { limit: 2000 });
    const found = this.sorted(this.store.records(module.api).filter(predicate), { sortBy: 'id', sortOrder: 'asc' });
    const slice = found.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return context.empty(204);
    context.json(200, {
      data: slice.map((record) => this.store.view(module, record, fields)),
      info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < found.length },
    });
  }

  private getOne(context: SimulatorContext): void {
    const module = this.module(context);
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
      record = this.store.findBy(module.api, spec.api, value);
    } else if (!/^\d+$/.test(value)) {
      // Record ids are digits only: anything else is refused, not looked up (record.json API_Exception:
      // INVALID_DATA "the id given seems to be invalid"; the details of this refusal are unconfirmed).
      return zohoError(context, 400, 'INVALID_DATA', 'the id given seems to be invalid', {});
    } else record = this.store.get(module.api, value);
    if (!record) return context.empty(204);
    context.json(200, { data: [this.store.view(module, record)] });
  }

  private async write(context: SimulatorContext, mode: WriteMode): Promise<void> {
    const module = this.module(context);
    if (!module) return;
    if (this.options.requireJsonContentType && !isJsonContentType(context.header('content-type'))) {
      this.server.bump('contentTypeRefused');
      return zohoError(context, 400, 'INVALID_DATA', 'the request body must be sent as application/json', {
        header: 'Content-Type',
        expected_value: 'application/json',
        value: context.header('content-type') ?? null,
      });
    }
    let body: { data?: unknown; duplicate_check_fields?: unknown };
    try {
      body = (await context.body()).json();
    } catch {
      return zohoError(context, 400, 'INVALID_DATA', 'invalid data', {
        expected_data_type: 'jsonobject',
        api_name: 'body',
      });
    }
    if (!Array.isArray(body.data) || body.data.length === 0) {
      return zohoError(context, 400, 'MANDATORY_NOT_FOUND', 'required field not found', {
        api_name: 'data',
        json_path: '$.data',
      });
    }
    this.largestBatch.set(module.api, Math.max(this.largestBatch.get(module.api) ?? 0, body.data.length));
    if (body.data.length > this.options.maxWriteBatch) {
      return zohoError(context, 400, 'LIMIT_EXCEEDED', 'the given data exceeds the limit', {
        limit: this.options.maxWriteBatch,
        api_name: 'data',
        json_path: '$.data',
      });
    }
    let checkFields: string[] | undefined;
    if (body.duplicate_check_fields !== undefined) {
      const listed = Array.isArray(body.duplicate_check_fields) ? body.duplicate_check_fields.map(String) : [];
      const bad = listed.find((name) => {
        const spec = module.fields.find((candidate) => candidate.api === name);
        return !spec || !(spec.unique || spec.external || name === module.systemKey);
      });
      if (bad !== undefined || listed.length === 0) {
        return zohoError(context, 400, 'INVALID_DATA', 'invalid data', {
          api_name: 'duplicate_check_fields',
          json_path: '$.duplicate_check_fields',
          value: bad ?? null,
        });
      }
      checkFields = listed;
    }
    const answers = this.store.write(module, body.data, mode, checkFields);
    const failed = answers.filter((answer) => !answer.ok).length;
    const status =
      failed === answers.length
        ? 400
        : failed > 0
          ? this.options.mixedStatus
          : answers.some((answer) => answer.body.action === 'update')
            ? 200
            : 201;
    this.server.bump('recordsWritten', answers.length - failed);
    context.json(status, { data: answers.map((answer) => answer.body) });
  }
}

function safeRows(body: { json<T>(): T }): unknown[] {
  try {
    const parsed = body.json<{ data?: unknown }>();
    return Array.isArray(parsed.data) ? parsed.data : [];
  } catch {
    return [];
  }
}

function findProblem(
  criteria: ReturnType<typeof parseCriteria>,
  module: ZohoModuleSpec,
): Record<string, unknown> | undefined {
  if (criteria.kind === 'group') return findProblem(criteria.left, module) ?? findProblem(criteria.right, module);
  if (!supportedComparator(criteria.comparator)) return { comparator: criteria.comparator, api_name: criteria.field };
  if (criteria.field !== 'id' && !module.fields.some((spec) => spec.api === criteria.field))
    return { api_name: criteria.field };
  return undefined;
}
