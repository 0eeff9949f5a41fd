import {
  createRandom,
  createSandboxServer,
  hash32,
  uuidFrom,
  type SandboxControl,
  type SimulatorContext,
} from '../kit';
import { runBatch, type BatchRecord } from './dynamics-batch';
import { EntraAuthority } from './dynamics-entra';
import { selfSignedCertificate, type SelfSignedCertificate } from '../kit/x509';
import { ServiceProtection, type ProtectionLimits } from './dynamics-protection';
import { seedDataverse, type SeedCounts } from './dynamics-seed';
import { DataverseStore, type Json } from './dynamics-store';
import { tableByLogicalName } from './dynamics-tables';
import { DataverseWebApi, errorBody } from './dynamics-web-api';

/**
 * Dynamics 365 Sales / Dataverse sandbox: Entra's token endpoint and the Web
 * API (metadata, paging, key upserts, `$batch`, UpsertMultiple, service
 * protection) on one loopback port. A sandbox connection points both the
 * authority and the org URL here.
 */
export interface DynamicsSandboxOptions {
  port?: number;
  seed?: number;
  /** Entra tenant the token endpoint answers for; default `mlcsandbox.onmicrosoft.com`. */
  tenant?: string;
  counts?: Partial<SeedCounts>;
  /** Default 3599. */
  tokenLifetimeSeconds?: number;
  /** Default and largest page; Dataverse: 5,000. */
  maxPageSize?: number;
  /** Requests per `$batch`; Dataverse: 1,000. */
  maxBatchRequests?: number;
  maxUpsertMultiple?: number;
  /** Default false: the Web API does not enforce ApplicationRequired columns. */
  enforceApplicationRequired?: boolean;
  /** Duplicate-detection status; sources disagree (500 or 412). Default 500. */
  duplicateStatus?: 500 | 412;
  protection?: Partial<ProtectionLimits>;
  /**
   * Tables with change tracking ("Track changes") on; default none, as a stock org ships account and
   * contact (learn.microsoft.com, "Enable change tracking to control data synchronization").
   */
  changeTracking?: string[];
  /** `odata.track-changes` on an untracked table: ignored (default) or refused; unconfirmed which. */
  untrackedPreference?: 'ignore' | 'refuse';
  /** Request body cap (Dataverse allows far more than any client should send); default 16 MiB. */
  maxBodyBytes?: number;
}

export interface DynamicsSandboxConnection {
  name: string;
  settings: Record<string, string | number | boolean | null>;
  secrets: Record<string, string>;
}

export interface DynamicsSandboxControl extends SandboxControl {
  /** Every issued token stops working now (the next call gets 401). */
  expireTokens(): number;
  tokenLifetime(seconds: number): void;
  /** The next `times` API calls get 429 with this service-protection code and Retry-After. */
  throttle(code: '0x80072322' | '0x80072321' | '0x80072326', times?: number, retryAfterSeconds?: number): void;
  protectionLimits(limits: Partial<ProtectionLimits>): void;
  /** The application user is removed or disabled: API calls get 403. */
  disableApplicationUser(disabled?: boolean): void;
  /** Turns a table's change tracking on or off (the maker portal's "Track changes"). */
  changeTracking(entity: string, enabled?: boolean): void;
  /** Every delta token handed out so far has expired (the org no longer keeps those changes). */
  expireDeltaTokens(): void;
  /** Deletes records (as a user would); returns their ids. */
  remove(entity: string, ids: string[]): string[];
  /** Moves `modifiedon` of records to `at` (default: the sandbox clock); returns their ids. */
  modify(entity: string, which: number | string[], at?: Date | string | number): string[];
}

export interface DynamicsSandboxInspect {
  /** Records of a table as a GET returns them, in creation order. */
  records(entity: string): Array<Record<string, Json>>;
  /** One record by primary id or alternate key, e.g. `{ accountnumber: 'ACC-1' }`. */
  record(entity: string, key: Record<string, Json>): Record<string, Json> | undefined;
  /** Every `$batch` received: body bytes, requests, outcome. */
  batches(): BatchRecord[];
  clearBatches(): void;
}

export interface DynamicsSandbox {
  readonly url: string;
  readonly tenant: string;
  connection(): DynamicsSandboxConnection;
  /** The same app signing in with its certificate instead of the secret. */
  certificateConnection(): {
    name: string;
    settings: DynamicsSandboxConnection['settings'] & { credential: 'certificate' };
    secrets: { certificate: string };
  };
  readonly control: DynamicsSandboxControl;
  readonly inspect: DynamicsSandboxInspect;
  close(): Promise<void>;
}

export async function startDynamicsSandbox(options: DynamicsSandboxOptions = {}): Promise<DynamicsSandbox> {
  const seed = options.seed ?? 1;
  const tenant = options.tenant ?? 'mlcsandbox.onmicrosoft.com';
  const random = createRandom(hash32(seed, 'dynamics-credentials'));
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  // The app registration's certificate: Entra keeps the public part, a certificate connection the key.
  // Made on first use: an RSA key takes a moment, and most runs sign in with the secret.
  let made: SelfSignedCertificate | undefined;
  const certificate = () => (made ??= selfSignedCertificate('ml-connector sandbox', new Date(Date.now() - 86_400_000)));
  const app = {
    tenant,
    get certificates() {
      return [certificate().certificate];
    },
    clientId: uuidFrom(random),
    // Entra secret values look like `abc8Q~…` (40 characters), never like a GUID.
    clientSecret: `${Array.from({ length: 3 }, () => random.pick([...alphabet])).join('')}8Q~${Array.from({ length: 34 }, () => random.pick([...alphabet])).join('')}`,
  };
  const identity = { userId: uuidFrom(random), businessUnitId: uuidFrom(random), organizationId: uuidFrom(random) };
  const server = createSandboxServer({
    system: 'dynamics',
    port: options.port,
    seed,
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024,
    onExpireTokens: () => entra?.expireAll(),
    extraStats: () => ({ ...entra?.describe(), batches: batches.length }),
  });
  const now = () => server.clock.now();
  const store = new DataverseStore(
    {
      seed,
      enforceApplicationRequired: options.enforceApplicationRequired ?? false,
      duplicateStatus: options.duplicateStatus ?? 500,
    },
    now,
  );
  seedDataverse(
    store,
    seed,
    now(),
    { account: 120, contact: 60, salesorder: 40, invoice: 25, quote: 15, ...options.counts },
    identity.userId,
  );
  const protection = new ServiceProtection(now);
  protection.reset(options.protection);
  const apiBase = () => `${server.url}/api/data/v9.2`;
  const changeTracking = new Set(options.changeTracking ?? []);
  const deltaFloor = { version: 0 };
  const api = new DataverseWebApi(
    store,
    apiBase,
    {
      maxPageSize: options.maxPageSize ?? 5000,
      maxUpsertMultiple: options.maxUpsertMultiple ?? 1000,
      identity,
      changeTracking,
      untrackedPreference: options.untrackedPreference ?? 'ignore',
      deltaFloor,
    },
    () => protection.charge(),
  );
  const entra = new EntraAuthority(
    app,
    { tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599, scope: () => `${server.url}/.default` },
    server,
    seed,
  );
  const authority = entra;
  const batches: BatchRecord[] = [];
  let userDisabled = false;

  server.route({
    method: 'POST',
    pattern: '/:tenant/oauth2/v2.0/token',
    name: 'Entra token',
    metered: false,
    handler: (context) => authority.token(context),
  });

  /** Bearer, application user and service protection first, as Dataverse checks them before any work. */
  const guarded = (handler: (context: SimulatorContext, text: string) => void) => async (context: SimulatorContext) => {
    if (!/^v9\.[0-2]$/.test(context.params.version ?? '')) return context.text(404, `Not Found: ${context.path}`);
    if (!authority.authorize(context)) return;
    if (userDisabled) {
      return context.json(403, {
        error: { code: '0x80072560', message: 'The user is not a member of the organization.' },
      });
    }
    const throttled = protection.admit();
    if (throttled) {
      server.bump('serviceProtection429');
      return context.text(429, errorBody(throttled.code, throttled.message), 'application/json; charset=utf-8', {
        'retry-after': String(throttled.retryAfterSeconds),
      });
    }
    try {
      const body = await context.body();
      handler(context, body.text);
    } finally {
      protection.done();
    }
  };
  const headersOf = (context: SimulatorContext): Record<string, string> =>
    Object.fromEntries(
      Object.entries(context.request.headers).map(([name, value]) => [
        name.toLowerCase(),
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    );

  server.route({
    method: 'POST',
    pattern: '/api/data/:version/$batch',
    name: 'Dataverse $batch',
    handler: guarded((context, text) => {
      const outcome = runBatch(
        api,
        store,
        context.header('content-type') ?? '',
        text,
        context.header('prefer') ?? '',
        options.maxBatchRequests ?? 1000,
        Buffer.byteLength(text),
      );
      batches.push(outcome.record);
      context.text(outcome.status, outcome.body, outcome.headers['content-type'], {
        ...outcome.headers,
        ...protection.headers(),
      });
    }),
  });
  server.route({
    method: ['GET', 'POST', 'PATCH', 'DELETE'],
    pattern: '/api/data/:version/*resource',
    name: 'Dataverse Web API',
    handler: guarded((context, text) => {
      const prefix = `/api/data/${context.params.version}/`;
      const path = context.rawPath.startsWith(prefix)
        ? context.rawPath.slice(prefix.length)
        : (context.params.resource ?? '');
      const response = api.handle({
        method: context.method,
        path,
        query: context.query,
        headers: headersOf(context),
        body: text,
      });
      const headers = { ...response.headers, ...protection.headers() };
      if (response.body === undefined) context.empty(response.status, headers);
      else
        context.text(
          response.status,
          response.body,
          response.headers['content-type'] ?? 'application/json; charset=utf-8',
          headers,
        );
    }),
  });

  const tableOf = (entity: string) => {
    const table = tableByLogicalName.get(entity);
    if (!table) throw new Error(`Unknown table "${entity}"; known: ${[...tableByLogicalName.keys()].join(', ')}`);
    return table;
  };
  const modify = (entity: string, which: number | string[], at?: Date | string | number): string[] => {
    const table = tableOf(entity);
    const stamp = at === undefined ? now() : new Date(at).getTime();
    const rows = store.all(table);
    const chosen =
      typeof which === 'number'
        ? rows
            .filter((_row, index) => index % Math.max(1, Math.floor(rows.length / Math.max(1, which))) === 0)
            .slice(0, which)
        : rows.filter((row) => which.includes(row.id));
    for (const row of chosen) store.touch(table, row, stamp);
    return chosen.map((row) => row.id);
  };
  const inspect: DynamicsSandboxInspect = {
    records: (entity) => store.all(tableOf(entity)).map((row) => store.representation(tableOf(entity), row)),
    record: (entity, key) => {
      const row = store.find(tableOf(entity), key);
      return row ? store.representation(tableOf(entity), row) : undefined;
    },
    batches: () => batches.map((batch) => ({ ...batch })),
    clearBatches: () => void batches.splice(0, batches.length),
  };
  const extra = {
    expireTokens: () => authority.expireAll(),
    tokenLifetime: (seconds: number) => void (authority.tokenLifetimeSeconds = seconds),
    throttle: (code: '0x80072322' | '0x80072321' | '0x80072326', times = 1, retryAfterSeconds = 1) =>
      protection.force(code, times, retryAfterSeconds),
    protectionLimits: (limits: Partial<ProtectionLimits>) => protection.reset(limits),
    disableApplicationUser: (disabled = true) => void (userDisabled = disabled),
    changeTracking: (entity: string, enabled = true) => {
      tableOf(entity);
      if (enabled) changeTracking.add(entity);
      else changeTracking.delete(entity);
    },
    expireDeltaTokens: () => void (deltaFloor.version = store.currentVersion()),
    remove: (entity: string, ids: string[]) => {
      const table = tableOf(entity);
      const rows = store.all(table).filter((row) => ids.includes(row.id));
      for (const row of rows) store.remove(table, row);
      return rows.map((row) => row.id);
    },
    modify,
  };
  type Args = Record<string, unknown>;
  server.action('records', (args) => inspect.records(String((args as Args | undefined)?.entity ?? 'account')));
  server.action(
    'record',
    (args) => inspect.record(String((args as Args).entity), (args as Args).key as Record<string, Json>) ?? null,
  );
  server.action('batches', () => inspect.batches());
  server.action('expireTokens', () => extra.expireTokens());
  server.action('tokenLifetime', (args) => extra.tokenLifetime(Number((args as Args).seconds)));
  server.action('throttle', (args) => {
    const { code, times, retryAfterSeconds } = (args ?? {}) as {
      code?: '0x80072322';
      times?: number;
      retryAfterSeconds?: number;
    };
    extra.throttle(code ?? '0x80072322', times, retryAfterSeconds);
  });
  server.action('protectionLimits', (args) => extra.protectionLimits((args ?? {}) as Partial<ProtectionLimits>));
  server.action('disableApplicationUser', (args) =>
    extra.disableApplicationUser((args as Args | undefined)?.disabled !== false),
  );
  server.action('modify', (args) => {
    const { entity, count, ids, at } = (args ?? {}) as { entity: string; count?: number; ids?: string[]; at?: string };
    return modify(entity, ids ?? count ?? 1, at);
  });

  const control: DynamicsSandboxControl = Object.assign(Object.create(null) as object, server.control, extra);
  await server.listen();
  return {
    get url() {
      return server.url;
    },
    tenant,
    connection: () => ({
      name: 'Dynamics 365 Sales (sandbox)',
      settings: { tenant, clientId: app.clientId, orgUrl: server.url, authorityUrl: server.url, apiVersion: '9.2' },
      secrets: { client_secret: app.clientSecret },
    }),
    certificateConnection: () => ({
      name: 'Dynamics 365 Sales (sandbox, certificate)',
      settings: {
        tenant,
        clientId: app.clientId,
        orgUrl: server.url,
        authorityUrl: server.url,
        apiVersion: '9.2',
        credential: 'certificate' as const,
      },
      // One PEM with the certificate and its private key, as `openssl` and Key Vault export them.
      secrets: { certificate: `${certificate().certificatePem}${certificate().privateKeyPem}` },
    }),
    control,
    inspect,
    close: () => server.close(),
  };
}
