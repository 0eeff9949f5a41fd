import type { ConnectorDescriptor } from '../../../../shared/connectors/descriptor';
import { AppError } from '../../../../shared/errors';
import type { EntitySchema } from '../../../../shared/domain/entity-schema';
import type { HttpConnection, HttpResponse } from '../../http/http-client';
import type { AccessToken } from '../../http/token-provider';
import type {
  CatalogEntry,
  CatalogPage,
  CatalogQuery,
  JsonObject,
  LookupHit,
  ReadOptions,
  ReadPage,
  SourceRecord,
  TestResult,
  WriteOptions,
  WriteResult,
} from './connector';

/** What hooks get: the connection's settings and secrets, and the shared client. */
export interface HookContext {
  connectionId: string;
  settings: Record<string, string | number | boolean | null>;
  /** Secret values by slot; hooks never log or return them. */
  secrets: Record<string, string>;
  /** The connection's one HTTP client; hooks never call fetch themselves. */
  http: HttpConnection;
  descriptor: ConnectorDescriptor;
  /** Descriptor templates filled with settings. */
  url(template: string, extra?: Record<string, string | number>): string;
}

/** What the authorize URL of a browser sign-in carries (RFC 6749 §4.1.1, RFC 7636 §4.3). */
export interface AuthorizationRequest {
  /** The loopback redirect, `http://127.0.0.1:{port}/callback` (RFC 8252 §7.3). */
  redirectUri: string;
  state: string;
  /** S256 challenge of the verifier the exchange sends. */
  codeChallenge: string;
}

/** What came back to the loopback redirect, with what the exchange needs. */
export interface AuthorizationCallback {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  /** Every parameter of the redirect (Zoho's `accounts-server`, `location`). */
  params: URLSearchParams;
}

/**
 * Authorization-code sign-in with PKCE through the system browser (RFC 8252):
 * the system's authorize URL and its code exchange. The exchange returns the
 * secrets to keep (a refresh token), never logged.
 */
export interface AuthorizationCodeHooks {
  authorizeUrl(context: HookContext, request: AuthorizationRequest): string;
  exchange(context: HookContext, callback: AuthorizationCallback): Promise<Record<string, string>>;
}

/** What the generic read knows before its first call, for the `readRequest` slot. */
export interface ReadPlan {
  pageSize: number;
  since?: string;
  /** The descriptor's modified-since expression when no query parameter carries it; the hook embeds it (SOQL `WHERE`). */
  sinceFilter?: string;
}

/** What a connector adds to the first read request beyond its descriptor. */
export interface ReadRequestParts {
  /** API base when it is not the descriptor's `baseUrl` filled from settings (Salesforce `instance_url`, Zoho `api_domain`). */
  base?: string;
  /** Values for the endpoint's and the declared query's `{placeholders}` (LN `{service}`, `{set}`). */
  values?: Record<string, string>;
  /** Query parameters that depend on the live schema or the connection's sources (field lists, key ordering, SOQL). */
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/**
 * The escape hatch for what a descriptor cannot say (Infor `.ionapi` URLs and
 * HTTP-200 errors, Dataverse `$batch`, Zendesk job polling, Cin7 lookup-then-write).
 * Every hook is optional; the generic runtime covers what is missing.
 */
export interface ConnectorHooks {
  /** Obtain a token (password, client-credentials or refresh grant) through `context.http` with `auth: false`. */
  obtainToken?(context: HookContext, previous: AccessToken | undefined): Promise<AccessToken>;
  /** Browser sign-in (authorization code + PKCE) for systems that offer it. */
  authorizationCode?: AuthorizationCodeHooks;
  /** Revoke grants when a connection is removed; best effort. */
  revokeToken?(context: HookContext, token: AccessToken | undefined): Promise<void>;
  /**
   * Current target records by match-key value (dry-run diffs, reference lookups). A connector
   * whose hooks have it offers `Connector.lookup`; one without it (sources) offers none.
   */
  lookup?(
    context: HookContext,
    entity: string,
    matchKey: string,
    values: string[],
    signal?: AbortSignal,
    /** See `LookupOptions.fields`. */
    fields?: string[],
  ): Promise<Map<string, LookupHit>>;
  /** Objects that could become entities (see `Connector.catalog`); a connector whose hooks have it offers it. */
  catalog?(context: HookContext, query: CatalogQuery, signal?: AbortSignal): Promise<CatalogPage>;
  /** One catalogue object verified and described in full (see `Connector.catalogEntry`). */
  catalogEntry?(
    context: HookContext,
    kind: string,
    name: string,
    options: { table?: string; keys?: string[]; signal?: AbortSignal },
  ): Promise<CatalogEntry>;
  /** Pulls a system error code out of a failed body for the descriptor's code lists. */
  extractErrorCode?(response: HttpResponse): string | undefined;
  /**
   * Reads one entity page by page, replacing the runtime's paginator; only for systems whose paging
   * the descriptor cannot state (M3 keyset scans with per-record line calls, Mongoose bookmarks).
   */
  readPages?(context: HookContext, entity: string, options: ReadOptions): AsyncIterable<ReadPage>;
  /** Slot: what the first read request needs beyond the descriptor (live field lists, source names). */
  readRequest?(context: HookContext, entity: string, plan: ReadPlan): ReadRequestParts | Promise<ReadRequestParts>;
  /** Slot: the records of one page body; default OData `value`. */
  extractRecords?(body: unknown, entity: string): unknown[];
  /** Slot: the next link or cursor of a page; undefined ends the read. Default `@odata.nextLink`. */
  nextToken?(body: unknown, response: HttpResponse): string | undefined;
  /** Slot: the error a page answer stands for (HTTP 200 error bodies, the system's own message); default any 4xx/5xx. */
  mapError?(response: HttpResponse, entity: string): Error | undefined;
  /** Slot: child rows fetched for one page (LN order lines), merged into its raw rows; `calls` made. */
  expandPage?(
    context: HookContext,
    entity: string,
    rows: unknown[],
    signal?: AbortSignal,
  ): Promise<{ rows: unknown[]; calls: number }>;
  /** Slot: turns one raw record into a `SourceRecord` (trimming, date formats, keys); the runtime calls it for every record read. */
  normalize?(context: HookContext, entity: string, raw: unknown): SourceRecord;
  /** Writes one batch (already within limits); results in input order. */
  writeBatch?(
    context: HookContext,
    entity: string,
    records: JsonObject[],
    matchKey: string[],
    options?: Pick<WriteOptions, 'signal' | 'onWarning'>,
  ): Promise<WriteResult[]>;
  /**
   * Writes one bulk job (at most the descriptor's `write.bulk.maxRecords` records) through the
   * vendor's bulk API; results in input order, per-record errors on their record.
   */
  writeBulk?(
    context: HookContext,
    entity: string,
    records: JsonObject[],
    matchKey: string[],
    options?: Pick<WriteOptions, 'signal' | 'onWarning'>,
  ): Promise<WriteResult[]>;
  /** Fetches the live schema of one entity. */
  discoverSchema?(context: HookContext, entity: string): Promise<Omit<EntitySchema, 'hash' | 'fetchedAt'>>;
  /** Identity/tenant probe for `test()`. */
  probe?(context: HookContext): Promise<Pick<TestResult, 'tenant' | 'identity' | 'variant'>>;
}

/** The entity's declared write endpoint, filled (`{matchKey}` and the like from `values`); hooks write there. */
export function writeEndpoint(context: HookContext, entity: string, values: Record<string, string> = {}): string {
  const write = context.descriptor.entities[entity]?.write;
  if (!write || write.mode === 'read-only')
    throw new AppError('E_INVALID_INPUT', `${context.descriptor.label}: ${entity} is read-only here.`);
  return context.url(write.endpoint, values);
}

/** Hooks of a target: they can look records up, so its connector always offers `lookup`. */
export type TargetHooks = ConnectorHooks & Required<Pick<ConnectorHooks, 'lookup'>>;
