import type { SandboxServer, SimulatorContext } from '../kit';
import { zohoError, type ZohoApiState } from './zoho-answers';
import { ZohoFieldChanges } from './zoho-field-changes';
import { fieldsAnswer, modulesAnswer } from './zoho-metadata';
import { deletedRecords, getRecord, listRecords } from './zoho-records';
import { searchRecords } from './zoho-search';
import type { ZohoStore } from './zoho-store';
import { safeRows, writeRecords } from './zoho-writes';

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

/** The CRM REST API under `/crm/v8`: records, search, upsert, field metadata, with Zoho's limits. */
export class ZohoApi {
  /** Largest `data` array each module's writes carried (tests check batch limits with it). */
  readonly largestBatch = new Map<string, number>();
  private creditsDay = -1;
  private creditsUsed = 0;
  private minuteStart = -1;
  private minuteCalls = 0;
  /** API calls being answered now (tests wait for a killed client's calls to end). */
  inFlight = 0;
  /** Most API calls in flight at once since start (or `resetInFlight`): concurrency tests read it. */
  maxInFlight = 0;
  /** API calls counted per minute of the simulator clock, refused ones included. */
  readonly callsPerMinute = new Map<number, number>();
  /** Custom fields an admin deleted or retyped in Setup (control action `changeField`). */
  readonly fieldChanges = new ZohoFieldChanges();

  /** What the routes (zoho-records, zoho-search, zoho-writes) read and change. */
  private readonly state: ZohoApiState;

  constructor(
    private readonly server: SandboxServer,
    store: ZohoStore,
    readonly options: ZohoApiOptions,
    private readonly authorize: (context: SimulatorContext) => string | undefined,
  ) {
    this.state = {
      server,
      store,
      options,
      cursors: new Map(),
      largestBatch: this.largestBatch,
      fieldChanges: this.fieldChanges,
    };
  }

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
      handler: guarded((context) => modulesAnswer(context)),
    });
    route({
      method: 'GET',
      pattern: '/crm/v8/settings/fields',
      name: 'Zoho fields',
      handler: guarded((context) => fieldsAnswer(this.state, context)),
    });
    route({
      method: 'GET',
      pattern: '/crm/v8/:module/search',
      name: 'Zoho search',
      handler: guarded((context, user) => searchRecords(this.state, context, user)),
    });
    route({
      method: 'GET',
      pattern: '/crm/v8/:module/deleted',
      name: 'Zoho deleted records',
      handler: guarded((context) => deletedRecords(this.state, context)),
    });
    route({
      method: 'POST',
      pattern: '/crm/v8/:module/upsert',
      name: 'Zoho upsert',
      handler: guarded((context) => writeRecords(this.state, context, 'upsert'), upsertCost),
    });
    route({
      method: 'GET',
      pattern: '/crm/v8/:module',
      name: 'Zoho list',
      handler: guarded((context, user) => listRecords(this.state, context, user)),
    });
    route({
      method: 'POST',
      pattern: '/crm/v8/:module',
      name: 'Zoho insert',
      handler: guarded((context) => writeRecords(this.state, context, 'insert')),
    });
    route({
      method: 'PUT',
      pattern: '/crm/v8/:module',
      name: 'Zoho update',
      handler: guarded((context) => writeRecords(this.state, context, 'update')),
    });
    route({
      method: 'GET',
      pattern: '/crm/v8/:module/:id',
      name: 'Zoho get',
      handler: guarded((context) => getRecord(this.state, context)),
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
}
