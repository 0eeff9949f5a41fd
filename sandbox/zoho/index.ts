import { createSandboxServer, recordRandom, type SandboxControl } from '../kit';
import { ZohoApi, type ZohoApiOptions } from './zoho-api';
import { ZohoAuth } from './zoho-auth';
import { ZohoBulkWrite } from './zoho-bulk';
import { zohoModuleByName, type ZohoDataType } from './zoho-modules';
import { ZohoStore } from './zoho-store';
import { ZohoWatch, type WatchChannel, type ZohoNotification } from './zoho-watch';

/**
 * Zoho CRM v8 simulator (API-FACTS §2, §7): accounts server and CRM API on one
 * loopback port. The ready-made connection points both `accountsUrl` and the
 * token's `api_domain` at it, so the connector runs unchanged.
 */
export interface ZohoSandboxOptions extends Partial<ZohoApiOptions> {
  port?: number;
  seed?: number;
  tokenLifetimeSeconds?: number;
  /** Access tokens per refresh token per window before Zoho blocks (sources: 10 per 10 min, or 30 per hour). */
  issuanceCap?: number;
  issuanceWindowMs?: number;
  oauthErrorStatus?: 200 | 400;
  /** Seeded Accounts (plus a fifth as many Vendors and Contacts); Products are always seeded. */
  seedAccounts?: number;
  /** The org's UTC offset for datetimes. */
  timeZoneOffset?: string;
  deliverNotifications?: boolean;
  /**
   * Tests only: grant watch channels at most this many seconds, whatever expiry
   * is asked (default: Zoho's rules, up to a week), so renewal shows in a short run.
   */
  watchLifetimeCapSeconds?: number;
  /** Bulk Write: rows per uploaded file (Zoho: 25,000). */
  bulkMaxRows?: number;
  /** Bulk Write: status polls a job answers before it completes (default 1; the connector's `bulkPollMs` setting spaces them). */
  bulkPollsUntilDone?: number;
}

export interface ZohoSandboxConnection {
  name: string;
  system: 'zoho';
  sandbox: true;
  settings: { dataCentre: 'us'; environment: 'production'; clientId: string; accountsUrl: string; apiDomain: string };
  secrets: { client_secret: string; refresh_token: string };
}

export interface ZohoSandboxControl extends SandboxControl {
  /** Invalidate every access token now (refresh tokens keep working). */
  expireTokens(): number;
  issueGrantCode(): string;
  revokeRefreshToken(): void;
  restoreRefreshToken(): void;
  /** A 429 `TOO_MANY_REQUESTS` JSON answer (no Retry-After, as Zoho) for the next `times` API calls. */
  throttle(times: number, status?: 429 | 503, retryAfterSeconds?: number): void;
  /** Edit records as a Zoho user would (stamps move, notifications fire). */
  modify(module: string, ids: string[], values?: Record<string, unknown>): string[];
  /** Delete records as a Zoho user would (to the recycle bin: they join `GET /{module}/deleted`). */
  remove(module: string, ids: string[]): string[];
  /** Bulk Write jobs stay IN PROGRESS while held (cancellation tests). */
  holdBulkJobs(on?: boolean): void;
  apiOptions: ZohoApiOptions;
}

export interface ZohoSandboxInspect {
  records(module: string): Array<Record<string, unknown>>;
  count(module: string): number;
  findBy(module: string, field: string, value: unknown): Record<string, unknown> | undefined;
  watches(): WatchChannel[];
  notifications(): ZohoNotification[];
  credits(): { used: number; limit: number };
  /** Largest write batch seen per module since start (or `resetBatches`). */
  largestBatch(module: string): number;
  resetBatches(): void;
  /** Most API calls in flight at once since start (or `resetInFlight`). */
  maxInFlight(): number;
  resetInFlight(): void;
  /** API calls being answered at this moment. */
  inFlight(): number;
  /** The most API calls seen in any one minute of the simulator clock. */
  busiestMinute(): number;
}

export interface ZohoSandbox {
  url: string;
  connection(): ZohoSandboxConnection;
  control: ZohoSandboxControl;
  inspect: ZohoSandboxInspect;
  close(): Promise<void>;
}

const cities = ['Berlin', 'Lyon', 'Chicago', 'Austin', 'Leeds', 'Porto', 'Graz', 'Malmö', 'Utrecht', 'Gdańsk'];
const words = [
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Litware',
  'Adatum',
  'Proseware',
  'Wingtip',
  'Alpine',
  'Coho',
];
const suffixes = ['GmbH', 'Ltd', 'Inc.', 'S.A.', 'AB', 'B.V.'];

export async function startZohoSandbox(options: ZohoSandboxOptions = {}): Promise<ZohoSandbox> {
  const seed = options.seed ?? 1;
  const offset = options.timeZoneOffset ?? '+05:30';
  const server = createSandboxServer({
    system: 'zoho',
    port: options.port,
    seed,
    onExpireTokens: () => auth.expireAccessTokens(),
    extraStats: () => ({
      ...auth.describe(),
      credits: api.credits(),
      watches: watch.active().length,
      maxInFlight: api.maxInFlight,
    }),
  });
  const auth = new ZohoAuth(
    {
      seed,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
      issuanceCap: options.issuanceCap ?? 10,
      issuanceWindowMs: options.issuanceWindowMs ?? 600_000,
      oauthErrorStatus: options.oauthErrorStatus ?? 200,
      apiDomain: () => server.url,
      accountsServer: () => server.url,
    },
    server,
  );
  const watch = new ZohoWatch(
    server,
    offset,
    options.deliverNotifications ?? true,
    options.watchLifetimeCapSeconds === undefined ? undefined : options.watchLifetimeCapSeconds * 1000,
  );
  const store = new ZohoStore({
    timeZoneOffset: offset,
    now: () => server.clock.now(),
    user: { name: 'Sandbox Admin', id: auth.userId },
    onChange: (module, operation, ids, fields) => watch.notify(module, operation, ids, fields),
  });
  const apiOptions: ZohoApiOptions = {
    maxPageSize: options.maxPageSize ?? 200,
    maxWriteBatch: options.maxWriteBatch ?? 100,
    maxFields: options.maxFields ?? 50,
    dailyCredits: options.dailyCredits ?? 50_000,
    upsertCredits: options.upsertCredits ?? 'call',
    requestsPerMinute: options.requestsPerMinute ?? null,
    // API-FACTS §2.4: 10 calls in flight per app on Standard (the default edition).
    concurrency: options.concurrency === undefined ? 10 : options.concurrency,
    callLatencyMs: options.callLatencyMs ?? 0,
    mixedStatus: options.mixedStatus ?? 207,
    pageTokenLifetimeMs: options.pageTokenLifetimeMs ?? 86_400_000,
    requireJsonContentType: options.requireJsonContentType ?? true,
    ifModifiedSince: options.ifModifiedSince ?? 'at-or-after',
    timeZoneOffset: offset,
  };
  const api = new ZohoApi(server, store, apiOptions, (context) => auth.authorize(context));
  const authorize = (context: Parameters<ZohoAuth['authorize']>[0]) => auth.authorize(context);
  auth.register();
  watch.register(authorize);
  const bulk = new ZohoBulkWrite(
    server,
    store,
    {
      maxRows: options.bulkMaxRows ?? 25_000,
      pollsUntilDone: options.bulkPollsUntilDone ?? 1,
      // API-FACTS §2.4: a Bulk Write job costs 500 credits (unconfirmed).
      creditsPerJob: 500,
    },
    { id: auth.userId, name: 'Sandbox Admin' },
    authorize,
    (context, cost) => api.admit(context, cost),
  );
  // Before the REST routes: the router takes the first match, and `/crm/v8/:module` would take `/crm/v8/org`.
  bulk.register();
  api.register();
  seedData(store, seed, options.seedAccounts ?? 250, server.clock.now());

  server.action('expireTokens', () => auth.expireAccessTokens());
  server.action('issueGrantCode', () => auth.issueGrantCode());
  server.action('modify', (args) => {
    const { module, ids, values } = (args ?? {}) as {
      module?: string;
      ids?: string[];
      values?: Record<string, unknown>;
    };
    return store.touch(String(module), ids ?? [], values ?? {});
  });
  server.action('records', (args) =>
    inspect.records(String((args as { module?: string } | undefined)?.module ?? 'Accounts')),
  );
  server.action('watches', () => watch.active());
  // An admin deletes (`{ remove: true }`) or retypes (`{ type }`) a custom field in Setup; `{ reset: true }` undoes all.
  server.action('changeField', (args) => {
    const { module, field, remove, type, reset } = (args ?? {}) as {
      module?: string;
      field?: string;
      remove?: boolean;
      type?: ZohoDataType;
      reset?: boolean;
    };
    if (reset) return api.fieldChanges.reset();
    if (!remove && !type) throw new Error('changeField needs { remove: true } or { type }.');
    return api.fieldChanges.change(
      zohoModuleByName.get(String(module)),
      String(field),
      remove ? { remove: true } : { type: type! },
    );
  });
  server.action('notifications', () => watch.sent);

  const inspect: ZohoSandboxInspect = {
    records: (module) => {
      const spec = zohoModuleByName.get(module);
      return spec ? store.records(module).map((record) => store.view(spec, record)) : [];
    },
    count: (module) => store.count(module),
    findBy: (module, field, value) => {
      const spec = zohoModuleByName.get(module);
      const found = store.findBy(module, field, value);
      return spec && found ? store.view(spec, found) : undefined;
    },
    watches: () => watch.active(),
    notifications: () => [...watch.sent],
    credits: () => api.credits(),
    largestBatch: (module) => api.largestBatch.get(module) ?? 0,
    resetBatches: () => api.largestBatch.clear(),
    maxInFlight: () => api.maxInFlight,
    resetInFlight: () => void (api.maxInFlight = 0),
    inFlight: () => api.inFlight,
    busiestMinute: () => Math.max(0, ...api.callsPerMinute.values()),
  };

  await server.listen();
  const control: ZohoSandboxControl = Object.assign(Object.create(null) as object, server.control, {
    expireTokens: () => auth.expireAccessTokens(),
    issueGrantCode: () => auth.issueGrantCode(),
    revokeRefreshToken: () => auth.setRefreshTokenRevoked(true),
    restoreRefreshToken: () => auth.setRefreshTokenRevoked(false),
    throttle: (times: number, status: 429 | 503 = 429, retryAfterSeconds?: number) =>
      server.control.addFault({
        path: '/crm/v8/',
        status,
        times,
        retryAfter: retryAfterSeconds,
        contentType: 'application/json;charset=UTF-8',
        body: JSON.stringify(
          status === 429
            ? { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many requests', status: 'error' }
            : { code: 'INTERNAL_ERROR', details: {}, message: 'Internal server error occurred.', status: 'error' },
        ),
      }),
    modify: (module: string, ids: string[], values?: Record<string, unknown>) => store.touch(module, ids, values ?? {}),
    remove: (module: string, ids: string[]) =>
      store.remove(module, ids, zohoModuleByName.get(module)?.fields[0]?.api ?? 'id'),
    holdBulkJobs: (on = true) => bulk.hold(on),
    apiOptions,
  });
  return {
    url: server.url,
    connection: () => ({
      name: 'Zoho CRM sandbox',
      system: 'zoho',
      sandbox: true,
      settings: {
        dataCentre: 'us',
        environment: 'production',
        clientId: auth.clientId,
        accountsUrl: server.url,
        apiDomain: server.url,
      },
      secrets: { client_secret: auth.clientSecret, refresh_token: auth.refreshToken },
    }),
    control,
    inspect,
    close: () => server.close(),
  };
}

/** Deterministic starting data: products for order lines, accounts spread over the last 90 days. */
function seedData(store: ZohoStore, seed: number, accounts: number, now: number): void {
  const start = now - 90 * 86_400_000;
  for (let index = 0; index < 20; index += 1) {
    store.seed(
      'Products',
      {
        Product_Name: `Item ${String(index + 1).padStart(3, '0')}`,
        Product_Code: `IT-${1000 + index}`,
        Unit_Price: 10 + index * 5,
        Product_Active: true,
        Infor_Item_No: `ITEM${String(index + 1).padStart(5, '0')}`,
      },
      start,
    );
  }
  for (let index = 0; index < accounts; index += 1) {
    const random = recordRandom(seed, 'zoho-accounts', index);
    const name = `${random.pick(words)} ${random.pick(words)} ${random.pick(suffixes)}`;
    const at = start + Math.floor((index / Math.max(1, accounts)) * 89 * 86_400_000);
    store.seed(
      'Accounts',
      {
        Account_Name: `${name} #${index + 1}`,
        Account_Number: `Z-${100000 + index}`,
        Phone: `+49 30 ${random.int(1000000, 9999999)}`,
        Account_Type: random.pick(['Customer', 'Prospect', 'Partner']),
        Billing_City: random.pick(cities),
        Infor_Customer_No: index % 3 === 0 ? `SEED${String(index).padStart(6, '0')}` : null,
      },
      at,
    );
    if (index % 5 === 0) {
      store.seed(
        'Vendors',
        { Vendor_Name: `${name} Supply #${index + 1}`, Email: `ap${index}@example.com`, City: random.pick(cities) },
        at,
      );
      store.seed(
        'Contacts',
        {
          First_Name: random.pick(['Ana', 'Ben', 'Chen', 'Dara', 'Eli']),
          Last_Name: random.pick(['Meyer', 'Silva', 'Novak', 'Okafor']),
          Email: `contact${index}@example.com`,
        },
        at,
      );
    }
  }
}
