import { z } from 'zod';
import { systemIdSchema } from '../domain/connection';

/**
 * A connector described as data (see DESIGN §4). Everything the shared runtime
 * can do on its own — hosts, auth, paging, incremental reads, batching, rate
 * limits, error classes, schema discovery — is declared here and validated by
 * this schema; what data cannot say goes into the connector's typed hooks
 * (`electron/backend/connectors/framework/hooks.ts`).
 *
 * Strings may hold `{placeholders}` filled from the connection's non-secret
 * settings (`{tenant}`, `{apiDomain}`, `{orgUrl}` …) and, for entity options,
 * from per-entity settings (`{table}`, `{ido}` …). Nothing here is secret.
 */

/** How the runtime obtains credentials for a request. */
export const authSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('oauth2'),
    /** Token endpoint template, e.g. `{pu}{ot}` (Infor), `{accountsUrl}/oauth/v2/token` (Zoho). */
    tokenUrl: z.string().min(1),
    /** Revocation endpoint template, when the system has one; called when a connection is removed. */
    revokeUrl: z.string().optional(),
    /** Header carrying the token: `Authorization: Bearer …`, Zoho `Authorization: Zoho-oauthtoken …`. */
    header: z.object({ name: z.string().default('Authorization'), scheme: z.string().default('Bearer') }).default({
      name: 'Authorization',
      scheme: 'Bearer',
    }),
    /** Renew this many seconds before `expires_in` runs out (Infor: 60–300). */
    refreshSkewSeconds: z.number().int().min(0).max(3600).default(120),
  }),
  /** `Authorization: Basic base64(user:secret)` built from two secret slots (Zendesk API token). */
  z.object({
    kind: z.literal('basic'),
    userSlot: z.string(),
    secretSlot: z.string(),
    userSuffix: z.string().optional(),
  }),
  /** Fixed headers whose values come from secret slots (Cin7 `api-auth-accountid`, `api-auth-applicationkey`). */
  z.object({ kind: z.literal('static-headers'), headers: z.record(z.string(), z.string()) }),
]);
export type AuthDescriptor = z.infer<typeof authSchema>;

/**
 * Which hosts a connection may call. Credentials never go anywhere else
 * (DESIGN §7). Hosts are `name[:port]` as `URL.host` prints them.
 */
export const allowedHostsSchema = z.object({
  /** Hosts every connection of this system may call. */
  fixed: z.array(z.string()).default([]),
  /** Settings keys holding URLs whose hosts are allowed (Infor `iu`, `pu`; Dataverse `orgUrl`). */
  fromSettings: z.array(z.string()).default([]),
  /** Wildcard hosts like `*.my.salesforce.com`, `*.zendesk.com`; a `*` matches one or more labels. */
  patterns: z.array(z.string()).default([]),
});

export const paginationStyles = ['keyset', 'bookmark', 'nextLink', 'cursor', 'page'] as const;
export const paginationSchema = z
  .object({
    /**
     * The runtime's paginator (`framework/paginator.ts`) executes every style but keyset, which the
     * connector's `readPages` hook reads (M3: compound-key conditions and per-record line calls).
     * keyset: re-query with `key > last` (M3 EXPORTMI, M3 list transactions);
     * bookmark: opaque server bookmark + `loadtype=NEXT` (Mongoose IDO);
     * nextLink: follow a URL the server returns (OData `@odata.nextLink`, FSM `_links`, Salesforce
     * `nextRecordsUrl`, Zendesk `links.next`);
     * cursor: pass an opaque token back in `cursorParam` (Zoho `page_token`); bookmark: the same plus
     * `nextQuery` on every later request;
     * page: numbered pages in `pageParam` (Cin7 `Page`).
     */
    style: z.enum(paginationStyles),
    /** Query parameter that sets the page size (`maxrecs`, `recordcap`, `_limit`, `per_page`, `Limit`, `page[size]`). */
    pageSizeParam: z.string().optional(),
    /** Header that sets the page size, `{pageSize}` filled (`Prefer: odata.maxpagesize={pageSize}`). */
    pageSizeHeader: z.object({ name: z.string(), template: z.string() }).optional(),
    /** Smallest page the system accepts; smaller requests are raised to it (Salesforce `batchSize` ≥ 200). */
    minPageSize: z.number().int().positive().optional(),
    defaultPageSize: z.number().int().positive(),
    maxPageSize: z.number().int().positive(),
    /** cursor, bookmark: the query parameter the next token goes back in. */
    cursorParam: z.string().optional(),
    /** bookmark: fixed parameters of every request after the first (Mongoose `loadtype=NEXT`). */
    nextQuery: z.record(z.string(), z.string()).default({}),
    /** page: the query parameter holding the 1-based page number. */
    pageParam: z.string().optional(),
    /** page: the body field with the total record count; reading stops once the pages cover it. */
    totalField: z.string().optional(),
    /** Statuses that mean "nothing (more) to read" and end the read quietly (Zoho 204, 304). */
    endStatuses: z.array(z.number().int()).default([]),
  })
  .refine((value) => (value.style !== 'cursor' && value.style !== 'bookmark') || value.cursorParam !== undefined, {
    message: 'cursor and bookmark paging need cursorParam',
  })
  .refine((value) => value.style !== 'page' || value.pageParam !== undefined, {
    message: 'page paging needs pageParam',
  });
export type PaginationDescriptor = z.infer<typeof paginationSchema>;

export const sinceFormats = [
  'iso',
  'iso-seconds',
  'iso-offset',
  'yyyyMMddHHmmssSSS',
  'epoch-millis',
  'epoch-seconds',
  'ido-datetime',
  'fsm-timestamp',
] as const;
export type SinceFormat = (typeof sinceFormats)[number];

export const modifiedSinceSchema = z.object({
  /**
   * How the instant is written on the wire: `iso` 2024-01-15T10:30:00.000Z; `iso-seconds` without
   * milliseconds (Dataverse); `iso-offset` with `+00:00` (Zoho); M3 LMTS digits; Unix seconds
   * (Zendesk `start_time`); IDO filter literal; FSM hundredths.
   */
  format: z.enum(sinceFormats),
  /** How the filter is sent: a query parameter, part of a filter expression, or a header (`If-Modified-Since`). */
  via: z.enum(['param', 'filter', 'header']),
  /**
   * param/header: its name. filter: the expression with `{since}`, sent in `filterParam` or, without
   * one, handed to the connector's `readRequest` hook to embed (Salesforce SOQL `WHERE`). Other
   * placeholders (`{stamp}`, the stamp field settings choose for M3 and CSI) come from the hook's values.
   */
  template: z.string(),
  /** filter: the query parameter carrying the expression (`$filter`). */
  filterParam: z.string().optional(),
  /**
   * The connector asks from this many seconds before the watermark and drops what it already has:
   * the system compares at whole seconds and no source says whether the boundary second itself is
   * included (Zoho `If-Modified-Since`). Absent: the watermark as is.
   */
  overlapSeconds: z.number().int().positive().optional(),
  /**
   * Reads with a watermark go to this endpoint instead of `read.endpoint`, paged its own way by
   * the connector's `readPages` (Zendesk incremental exports: `start_time`, then `end_time` or
   * `after_cursor`). Absent: the entity's endpoint with the filter added.
   */
  endpoint: z.string().optional(),
});
export type ModifiedSinceDescriptor = z.infer<typeof modifiedSinceSchema>;

export const readSchema = z.object({
  /** Endpoint template relative to the connection's API base; `{placeholders}` may come from the `readRequest` hook. */
  endpoint: z.string().min(1),
  /** Fixed query parameters of the first request (ordering, flags like FSM `_out=JSON`); values are templates. */
  query: z.record(z.string(), z.string()).default({}),
  pagination: paginationSchema,
  /** Absent: the entity has no usable stamp and is read in full (LN); the sync skips unchanged records by hash. */
  modifiedSince: modifiedSinceSchema.optional(),
});

/**
 * The vendor's bulk path for big loads (Salesforce Bulk API 2.0, Dataverse UpsertMultiple, Zoho Bulk
 * Write): same records, same per-record results, fewer calls. A flow uses it when a write has at
 * least `threshold` records (the flow's `bulkThreshold` overrides it; the user sees and changes it).
 */
export const bulkWriteSchema = z.object({
  /** What the run calls the path ("Bulk API 2.0"). */
  label: z.string().min(1),
  /** Records per bulk job or call (Dataverse 1,000; Zoho 25,000). */
  maxRecords: z.number().int().positive(),
  /** Default smallest write that takes the bulk path. */
  threshold: z.number().int().positive(),
  /** Calls one job costs at best (create, upload, close, poll, results): the run's calls-versus-minimum figure uses it. */
  callsPerJob: z.number().int().positive(),
});
export type BulkWriteDescriptor = z.infer<typeof bulkWriteSchema>;

export const writeSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('read-only') }),
  z.object({
    /** upsert: one call matches by key (Zoho `/upsert`, Salesforce external id, Dataverse alternate key). */
    mode: z.enum(['upsert', 'create+update']),
    endpoint: z.string().min(1),
    /** Fields the target can match on (`duplicate_check_fields`, external-id field, alternate key, `Name`). */
    matchKeys: z.array(z.string()).min(1),
    /** Records per call (Zoho 100, Salesforce 200, Zendesk 100, Dataverse 1,000, Cin7 1). */
    maxBatch: z.number().int().positive(),
    /** Serialized request body limit per call. */
    maxPayloadBytes: z.number().int().positive(),
    /** The vendor's bulk path, when the connector has one for this entity. */
    bulk: bulkWriteSchema.optional(),
  }),
]);
export type WriteDescriptor = z.infer<typeof writeSchema>;

export const entitySchema = z.object({
  label: z.string(),
  /** Fields forming the record's stable key in this system. */
  keyFields: z.array(z.string()).min(1),
  read: readSchema.optional(),
  write: writeSchema.default({ mode: 'read-only' }),
});
export type EntityDescriptor = z.infer<typeof entitySchema>;

export const rateLimitSchema = z.object({
  /**
   * Requests allowed per window, per connection. Absent: the system publishes no per-window limit
   * (Zoho: concurrency and daily credits only, API-FACTS §2.4), so none is imposed unless the
   * connection sets one (`configurable`).
   */
  requests: z.number().int().positive().optional(),
  windowMs: z.number().int().positive(),
  /** Requests in flight at once, per connection. */
  concurrency: z.number().int().positive(),
  /**
   * The concurrency a connection setting chooses (Zoho's per-edition cap: the `edition` setting's value
   * picks from `values`; absent or unknown → `concurrency`).
   */
  concurrencyBySetting: z
    .object({ setting: z.string(), values: z.record(z.string(), z.number().int().positive()) })
    .optional(),
  /** Range the user may set `requests` to (Infor 100–500 per minute). */
  configurable: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }).optional(),
  /**
   * `sliding`: at most `requests` in any rolling `windowMs` (Cin7 "60 calls per minute"); absent or
   * `fixed`: the budget refills every `windowMs`.
   */
  window: z.enum(['fixed', 'sliding']).optional(),
});
export type RateLimitDescriptor = z.infer<typeof rateLimitSchema>;

/**
 * How responses are classified. Codes are matched against what the hooks
 * extract from bodies (`REQUEST_LIMIT_EXCEEDED`, `0x80072322`, `INVALID_TOKEN`).
 */
export const errorClassificationSchema = z.object({
  /** Retried with backoff and full jitter, honouring Retry-After. */
  retryableStatuses: z.array(z.number().int()).default([408, 429, 500, 502, 503, 504]),
  retryableCodes: z.array(z.string()).default([]),
  /**
   * Statuses that mean "too many requests" for this system (429 everywhere; Cin7 also
   * 503). They back off like other retryable answers but never trip the circuit
   * breaker: the server is healthy, only busy.
   */
  throttleStatuses: z.array(z.number().int()).default([429]),
  /** Trigger one token refresh and one retry, then `E_AUTH_FAILED`. */
  authFailureStatuses: z.array(z.number().int()).default([401]),
  authFailureCodes: z.array(z.string()).default([]),
  /** Budget exhausted for a long time: stop with `E_QUOTA_EXCEEDED` instead of retrying. */
  quotaStatuses: z.array(z.number().int()).default([]),
  quotaCodes: z.array(z.string()).default([]),
  /** When the budget comes back, in the vendor's documented terms; the quota error says it so users know when to run again. */
  quotaResets: z.string().optional(),
  /** Trip the circuit breaker after this many consecutive 5xx answers. */
  breakerThreshold: z.number().int().positive().default(5),
});

/** Schemas come from the connector's `discoverSchema` hook; the descriptor says how long they stay fresh. */
export const schemaDiscoverySchema = z.object({
  /** How long a cached schema stays fresh before `schema()` fetches again without `refresh`. */
  cacheSeconds: z.number().int().nonnegative().default(86_400),
});

export const connectorDescriptorSchema = z.object({
  system: systemIdSchema,
  label: z.string(),
  /** API base template, e.g. `{iu}/{ti}/M3/m3api-rest/v2`, `{instanceUrl}/services/data/v65.0`. */
  baseUrl: z.string().min(1),
  auth: authSchema,
  allowedHosts: allowedHostsSchema,
  /** Secret slots a connection needs (`client_secret`, `service_account_secret` …). */
  secretSlots: z.array(z.string()).default([]),
  /**
   * Headers the shared client puts on every API call (token calls excepted); values are templates over
   * settings (`X-Infor-MongooseConfig: {mongooseConfig}`), and one whose setting is empty is left out.
   * `content-type` goes only with calls that carry a body; JSON bodies default to `application/json`.
   */
  headers: z.record(z.string(), z.string()).default({}),
  entities: z.record(z.string(), entitySchema),
  rateLimit: rateLimitSchema,
  errors: errorClassificationSchema.default({
    retryableStatuses: [408, 429, 500, 502, 503, 504],
    retryableCodes: [],
    throttleStatuses: [429],
    authFailureStatuses: [401],
    authFailureCodes: [],
    quotaStatuses: [],
    quotaCodes: [],
    breakerThreshold: 5,
  }),
  schemaDiscovery: schemaDiscoverySchema,
  /** Per-request timeout; the Infor gateway gives up at 60 s. */
  timeoutMs: z.number().int().positive().default(65_000),
});

export type ConnectorDescriptor = z.infer<typeof connectorDescriptorSchema>;
export type ConnectorDescriptorInput = z.input<typeof connectorDescriptorSchema>;

/** Parses a descriptor; connectors call this at module load so a broken one fails fast. */
export function defineDescriptor(input: ConnectorDescriptorInput): ConnectorDescriptor {
  return connectorDescriptorSchema.parse(input);
}

/** Fills `{name}` placeholders; unknown names are left visible so a mistake shows in the URL, not silently. */
export function fillTemplate(
  template: string,
  values: Record<string, string | number | boolean | null | undefined>,
): string {
  return template.replace(/\{([A-Za-z0-9_.]+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined || value === null ? whole : String(value);
  });
}
