import {
  fillTemplate,
  type ConnectorDescriptor,
  type EntityDescriptor,
} from '../../../../shared/connectors/descriptor';
import type { EntitySchema } from '../../../../shared/domain/entity-schema';
import { AppError, toErrorInfo } from '../../../../shared/errors';
import { HttpConnection, type HttpConnectionOptions, type RequestAuthorizer } from '../../http/http-client';
import { hostOf } from '../../http/host-policy';
import type { HttpRegistry } from '../../http/http-registry';
import { TokenProvider, type AccessToken, type TokenStore } from '../../http/token-provider';
import { registerSecret } from '../../util/redact';
import { jsonBytes, splitBatches } from './batching';
import { walkPages, withQuery } from './paginator';
import { sinceParts } from './since';
import type {
  Connector,
  EntityInfo,
  JsonObject,
  ReadOptions,
  ReadPage,
  TestResult,
  WriteOptions,
  WriteResult,
} from './connector';
import type { ConnectorHooks, HookContext } from './hooks';
import { finishSchema, type SchemaCache } from './schema-cache';

export type SettingValue = string | number | boolean | null;

export interface ConnectorEnvironment {
  connection: { id: string; settings: Record<string, SettingValue>; sandbox: boolean };
  secrets: Record<string, string>;
  /** Shares one HTTP client per connection across the backend; without it the connector owns its client. */
  httpRegistry?: HttpRegistry;
  schemaCache?: SchemaCache;
  tokenStore?: TokenStore;
  /** Test and tuning knobs for the client (timing, retries, retry observer). */
  http?: Partial<
    Pick<
      HttpConnectionOptions,
      'timing' | 'maxRetries' | 'onRetry' | 'breakerHalfOpenAfterMs' | 'timeoutMs' | 'signal' | 'failFast'
    >
  >;
  /** Scales the descriptor's rate limit (tests shrink a 60-per-minute window to seconds). */
  rateLimit?: { requests?: number; windowMs?: number };
  /** Overrides the descriptor's token refresh skew. */
  refreshSkewSeconds?: number;
  now?: () => number;
}

/** Settings key that overrides the descriptor's requests-per-window, clamped to its configurable range. */
export const rateLimitSetting = 'rateLimitPerMinute';

/**
 * The generic connector: descriptor data plus hooks over the shared HTTP
 * client. Systems only add hooks for what their descriptor cannot express.
 */
export class DescriptorConnector implements Connector {
  readonly http: HttpConnection;
  readonly tokens: TokenProvider | undefined;
  protected readonly context: HookContext;
  private readonly ownsHttp: boolean;
  /** Present only when the hooks can look records up (targets): callers test for it (see `Connector.lookup`). */
  readonly lookup?: Connector['lookup'];
  /** Present only when the hooks can list the system's objects (see `Connector.catalog`). */
  readonly catalog?: Connector['catalog'];
  readonly catalogEntry?: Connector['catalogEntry'];
  readonly signIn?: Connector['signIn'];

  constructor(
    readonly descriptor: ConnectorDescriptor,
    protected readonly hooks: ConnectorHooks,
    protected readonly environment: ConnectorEnvironment,
  ) {
    const { connection, secrets } = environment;
    for (const value of Object.values(secrets)) registerSecret(value);
    const auth = descriptor.auth;
    let tokens: TokenProvider | undefined;
    let authorizer: RequestAuthorizer | undefined;
    const context: HookContext = {
      connectionId: connection.id,
      settings: connection.settings,
      secrets,
      descriptor,
      url: (template, extra) => fillTemplate(template, { ...connection.settings, ...extra }),
      // Assigned just below, once the client exists; hooks only run after construction.
      http: undefined as unknown as HttpConnection,
    };
    if (auth.kind === 'oauth2') {
      const obtain = hooks.obtainToken;
      if (!obtain)
        throw new AppError('E_INTERNAL', `${descriptor.label}: an oauth2 descriptor needs an obtainToken hook.`);
      tokens = new TokenProvider(
        { obtain: (previous) => obtain(context, previous) },
        {
          skewMs: (environment.refreshSkewSeconds ?? auth.refreshSkewSeconds) * 1000,
          now: environment.now,
          store: environment.tokenStore,
        },
      );
      const provider = tokens;
      authorizer = {
        async apply(headers) {
          const token = await provider.get();
          headers[auth.header.name.toLowerCase()] = auth.header.scheme
            ? `${auth.header.scheme} ${token.accessToken}`
            : token.accessToken;
          return token;
        },
        async rejected(handle) {
          await provider.invalidate(handle as AccessToken);
          return true;
        },
      };
    } else if (auth.kind === 'basic') {
      const user = (secrets[auth.userSlot] ?? '') + (auth.userSuffix ?? '');
      const value = 'Basic ' + Buffer.from(`${user}:${secrets[auth.secretSlot] ?? ''}`).toString('base64');
      registerSecret(value.slice(6));
      authorizer = { apply: async (headers) => void (headers.authorization = value), rejected: async () => false };
    } else {
      const fixed = Object.fromEntries(
        Object.entries(auth.headers).map(([name, slot]) => [name.toLowerCase(), secrets[slot] ?? '']),
      );
      authorizer = { apply: async (headers) => void Object.assign(headers, fixed), rejected: async () => false };
    }
    const options: HttpConnectionOptions = {
      connectionId: connection.id,
      hosts: {
        hosts: [
          ...descriptor.allowedHosts.fixed,
          ...descriptor.allowedHosts.fromSettings
            .map((key) => hostOf(String(connection.settings[key] ?? '')))
            .filter((h): h is string => Boolean(h)),
        ],
        patterns: descriptor.allowedHosts.patterns,
        sandbox: connection.sandbox,
      },
      rateLimit: {
        ...descriptor.rateLimit,
        requests: effectiveRate(descriptor, connection.settings),
        concurrency: effectiveConcurrency(descriptor, connection.settings),
        ...environment.rateLimit,
      },
      timeoutMs: environment.http?.timeoutMs ?? descriptor.timeoutMs,
      errors: descriptor.errors,
      authorizer,
      headers: declaredHeaders(descriptor, connection.settings),
      extractErrorCode: hooks.extractErrorCode,
      ...environment.http,
    };
    // A connection's client is shared only when its options carry no per-instance hooks (retry observers in tests).
    this.ownsHttp = !environment.httpRegistry || environment.http !== undefined;
    this.http = this.ownsHttp ? new HttpConnection(options) : environment.httpRegistry!.obtain(options);
    context.http = this.http;
    this.context = context;
    this.tokens = tokens;
    const find = hooks.lookup;
    if (find)
      this.lookup = (entity, matchKey, values, options = {}) => {
        this.entity(entity);
        return find(context, entity, matchKey, values, options.signal, options.fields);
      };
    const list = hooks.catalog;
    if (list) this.catalog = (query, options = {}) => list(context, query, options.signal);
    const describe = hooks.catalogEntry;
    if (describe) this.catalogEntry = (kind, name, options = {}) => describe(context, kind, name, options);
    const browser = hooks.authorizationCode;
    if (browser)
      this.signIn = {
        authorizeUrl: (request) => browser.authorizeUrl(context, request),
        exchange: async (callback) => {
          const secrets = await browser.exchange(context, callback);
          // New secrets are redacted from logs and errors from the moment they exist.
          for (const value of Object.values(secrets)) registerSecret(value);
          return secrets;
        },
      };
  }

  entities(): EntityInfo[] {
    return Object.entries(this.descriptor.entities).map(([id, entity]) => ({
      id,
      label: entity.label,
      keyFields: entity.keyFields,
      readable: entity.read !== undefined,
      writable: entity.write.mode !== 'read-only',
      incremental: entity.read?.modifiedSince !== undefined,
      ...(entity.write.mode !== 'read-only' && entity.write.bulk
        ? {
            bulk: {
              label: entity.write.bulk.label,
              threshold: entity.write.bulk.threshold,
              maxRecords: entity.write.bulk.maxRecords,
            },
          }
        : {}),
      ...(entity.write.mode !== 'read-only' ? { writeConcurrency: this.writeConcurrency(id) } : {}),
    }));
  }

  async test(options: { signal?: AbortSignal } = {}): Promise<TestResult> {
    const started = performance.now();
    try {
      let tokenLifetimeSeconds: number | undefined;
      if (this.tokens) {
        const token = await this.tokens.get();
        tokenLifetimeSeconds =
          token.lifetimeSeconds ??
          (token.expiresAt ? Math.round((token.expiresAt - token.obtainedAt) / 1000) : undefined);
      }
      const probe = (await this.hooks.probe?.(this.context)) ?? {};
      const sampleEntity = this.entities().find((entity) => entity.readable)?.id;
      let sampleCount: number | undefined;
      if (sampleEntity) {
        for await (const page of this.read(sampleEntity, { pageSize: 5, signal: options.signal })) {
          sampleCount = page.records.length;
          break;
        }
        sampleCount ??= 0;
      }
      return {
        ok: true,
        ...probe,
        latencyMs: Math.round(performance.now() - started),
        tokenLifetimeSeconds,
        sampleEntity,
        sampleCount,
      };
    } catch (error) {
      const info = toErrorInfo(error);
      return {
        ok: false,
        latencyMs: Math.round(performance.now() - started),
        error: { code: info.code, message: info.message },
      };
    }
  }

  async schema(entity: string, options: { refresh?: boolean } = {}): Promise<EntitySchema> {
    this.entity(entity);
    const cache = this.environment.schemaCache;
    const cached = await cache?.get(this.context.connectionId, entity);
    const maxAgeMs = this.descriptor.schemaDiscovery.cacheSeconds * 1000;
    if (cached && !options.refresh && Date.now() - Date.parse(cached.fetchedAt) < maxAgeMs) return cached;
    if (!this.hooks.discoverSchema)
      throw new AppError('E_INTERNAL', `${this.descriptor.label} has no schema discovery.`);
    const schema = finishSchema(await this.hooks.discoverSchema(this.context, entity));
    await cache?.put(this.context.connectionId, schema);
    return schema;
  }

  async *read(entity: string, options: ReadOptions = {}): AsyncIterable<ReadPage> {
    const descriptor = this.entity(entity);
    const read = descriptor.read;
    if (!read || (!this.hooks.readPages && !this.hooks.normalize)) {
      throw new AppError('E_INVALID_INPUT', `${this.descriptor.label}: ${entity} cannot be read.`);
    }
    const { pagination } = read;
    const pageSize = Math.max(
      pagination.minPageSize ?? 1,
      Math.min(options.pageSize ?? pagination.defaultPageSize, pagination.maxPageSize),
    );
    if (this.hooks.readPages) yield* this.hooks.readPages(this.context, entity, { ...options, pageSize });
    else yield* this.readDescribed(entity, read, { ...options, pageSize });
  }

  /** The descriptor executed: endpoint, declared query, page size, modified-since, then the paginator. */
  private async *readDescribed(
    entity: string,
    read: ReadDescriptor,
    options: ReadOptions & { pageSize: number },
  ): AsyncIterable<ReadPage> {
    const { hooks, context } = this;
    const { pagination } = read;
    const spec = options.since ? read.modifiedSince : undefined;
    const filter = spec && options.since ? sinceParts(spec, options.since).filter : undefined;
    const parts =
      (await hooks.readRequest?.(context, entity, {
        pageSize: options.pageSize,
        since: options.since,
        sinceFilter: filter,
      })) ?? {};
    const values = { ...parts.values };
    const since = spec && options.since ? sinceParts(spec, options.since, values) : undefined;
    const query: Record<string, string> = {};
    for (const [name, template] of Object.entries(read.query)) query[name] = context.url(template, values);
    if (pagination.pageSizeParam) query[pagination.pageSizeParam] = String(options.pageSize);
    const headers: Record<string, string> = {};
    if (pagination.pageSizeHeader)
      headers[pagination.pageSizeHeader.name.toLowerCase()] = fillTemplate(pagination.pageSizeHeader.template, {
        pageSize: options.pageSize,
      });
    const base = (parts.base ?? context.url(this.descriptor.baseUrl)).replace(/\/+$/, '');
    const url = withQuery(base + '/' + context.url(read.endpoint, values).replace(/^\/+/, ''), {
      ...query,
      ...since?.query,
      ...parts.query,
    });
    const pages = walkPages(this.http, {
      paging: pagination,
      url,
      headers: { ...headers, ...since?.headers, ...parts.headers },
      pageSize: options.pageSize,
      signal: options.signal,
      what: `${this.descriptor.label} ${entity}`,
      extractRecords: hooks.extractRecords && ((body) => hooks.extractRecords!(body, entity)),
      nextToken: hooks.nextToken,
      mapError: hooks.mapError && ((response) => hooks.mapError!(response, entity)),
    });
    const normalize = hooks.normalize!;
    for await (const page of pages) {
      const expanded =
        hooks.expandPage && page.rows.length > 0
          ? await hooks.expandPage(context, entity, page.rows, options.signal)
          : undefined;
      yield {
        records: (expanded?.rows ?? page.rows).map((raw) => normalize(context, entity, raw)),
        calls: 1 + (expanded?.calls ?? 0),
      };
    }
  }

  async write(entity: string, records: JsonObject[], options: WriteOptions): Promise<WriteResult[]> {
    const descriptor = this.entity(entity);
    const write = descriptor.write;
    if (write.mode === 'read-only' || !this.hooks.writeBatch) {
      throw new AppError('E_INVALID_INPUT', `${this.descriptor.label}: ${entity} is read-only here.`);
    }
    if (options.bulk) return this.writeBulk(entity, records, options);
    const indexed = records.map((record, index) => ({ record, index }));
    const results: WriteResult[] = new Array(records.length);
    for (const batch of splitBatches(indexed, write.maxBatch, write.maxPayloadBytes, (item) =>
      jsonBytes(item.record),
    )) {
      options.signal?.throwIfAborted();
      const answers = await this.hooks.writeBatch(
        this.context,
        entity,
        batch.map((item) => item.record),
        options.matchKey,
        { signal: options.signal, onWarning: options.onWarning },
      );
      batch.forEach((item, position) => {
        results[item.index] = answers[position] ?? {
          outcome: 'failed',
          error: { code: 'E_REMOTE', message: 'The target returned no result for this record.' },
        };
      });
    }
    return results;
  }

  /** The bulk path: jobs of at most `write.bulk.maxRecords`, results in input order. */
  private async writeBulk(entity: string, records: JsonObject[], options: WriteOptions): Promise<WriteResult[]> {
    const write = this.entity(entity).write;
    const bulk = write.mode === 'read-only' ? undefined : write.bulk;
    if (!bulk || !this.hooks.writeBulk) {
      throw new AppError('E_INVALID_INPUT', `${this.descriptor.label}: ${entity} has no bulk write path.`);
    }
    const results: WriteResult[] = [];
    for (let start = 0; start < records.length; start += bulk.maxRecords) {
      options.signal?.throwIfAborted();
      const job = records.slice(start, start + bulk.maxRecords);
      const answers = await this.hooks.writeBulk(this.context, entity, job, options.matchKey, {
        signal: options.signal,
        onWarning: options.onWarning,
      });
      job.forEach((_record, position) => {
        results.push(
          answers[position] ?? {
            outcome: 'failed',
            error: { code: 'E_REMOTE', message: 'The bulk job returned no result for this record.' },
          },
        );
      });
    }
    return results;
  }

  callCount(): number {
    return this.http.callCounts().total;
  }

  writeConcurrency(entity: string): number {
    this.entity(entity);
    // What the client itself caps (the edition's, the descriptor's, or a test environment's).
    return this.http.limits().concurrency;
  }

  throttleCount(): number {
    return this.http.throttleCount();
  }

  callCounts() {
    return this.http.callCounts();
  }

  async revoke(): Promise<void> {
    if (!this.hooks.revokeToken) return;
    await this.hooks.revokeToken(this.context, this.tokens?.peek() ?? (await this.environment.tokenStore?.load()));
    this.tokens?.reset();
  }

  async close(): Promise<void> {
    if (this.ownsHttp) await this.http.close();
  }

  protected entity(entity: string) {
    const found = this.descriptor.entities[entity];
    if (!found) {
      throw new AppError(
        'E_NOT_FOUND',
        `${this.descriptor.label} has no entity "${entity}"; known: ${Object.keys(this.descriptor.entities).join(', ')}.`,
      );
    }
    return found;
  }
}

type ReadDescriptor = NonNullable<EntityDescriptor['read']>;

/**
 * The descriptor's `headers` filled from the connection's settings, lower-case
 * names, for the client to put on every API call. A header whose template
 * needs a setting the connection leaves empty is left out rather than sent as
 * `{lnCompany}`: the system's default applies, or a hook supplies a discovered
 * value (CSI's first IDO configuration).
 */
export function declaredHeaders(
  descriptor: ConnectorDescriptor,
  settings: Record<string, SettingValue>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, template] of Object.entries(descriptor.headers)) {
    const value = fillTemplate(template, settings);
    if (value.trim() === '' || /\{[A-Za-z0-9_.]+\}/.test(value)) continue;
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** The concurrency the connection's setting picks (Zoho's edition), else the descriptor's. */
export function effectiveConcurrency(descriptor: ConnectorDescriptor, settings: Record<string, SettingValue>): number {
  const by = descriptor.rateLimit.concurrencyBySetting;
  const chosen = by ? settings[by.setting] : undefined;
  // Own keys only: a setting of `constructor` must not read Object.prototype.
  return by && typeof chosen === 'string' && Object.hasOwn(by.values, chosen)
    ? (by.values[chosen] as number)
    : descriptor.rateLimit.concurrency;
}

/** The descriptor's rate unless the connection sets one; a set value outside the range is refused, never clamped or ignored. */
function effectiveRate(descriptor: ConnectorDescriptor, settings: Record<string, SettingValue>): number | undefined {
  const value = settings[rateLimitSetting];
  const range = descriptor.rateLimit.configurable;
  if (value === undefined || value === null || value === '' || !range) return descriptor.rateLimit.requests;
  const wanted =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+\s*$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(wanted) || wanted < range.min || wanted > range.max) {
    throw new AppError(
      'E_INVALID_INPUT',
      `${descriptor.label}: the setting “${rateLimitSetting}” is ${JSON.stringify(value)}; use a whole number of requests per minute from ${range.min} to ${range.max}.`,
      { field: rateLimitSetting },
    );
  }
  return wanted;
}
