import { defineDescriptor, type ConnectorDescriptorInput } from '../../../../shared/connectors/descriptor';
import { zendeskSecretSlots, type ZendeskAuthMode } from '../../../../shared/connectors/zendesk.settings';

/** Cursor pagination as Zendesk hands it out: a full `links.next` URL while `meta.has_more` (the `page[after]` cursor inside). */
const cursor = { style: 'nextLink', pageSizeParam: 'page[size]', defaultPageSize: 100, maxPageSize: 100 } as const;

/** Zendesk Support as data (API-FACTS §4); job polling, 422 details and custom fields live in the hooks. */
const common = {
  system: 'zendesk',
  label: 'Zendesk Support',
  // `baseUrl` is https://{subdomain}.zendesk.com, filled by the connector from the subdomain (or the sandbox URL).
  baseUrl: '{baseUrl}/api/v2',
  allowedHosts: { patterns: ['*.zendesk.com'], fromSettings: ['baseUrl'] },
  headers: { 'content-type': 'application/json' },
  entities: {
    organizations: {
      label: 'Organizations',
      keyFields: ['id'],
      read: {
        endpoint: '/organizations',
        pagination: cursor,
        // Time-based incremental export (zendesk.hooks.ts readPages): start_time, then end_time.
        modifiedSince: {
          format: 'epoch-seconds',
          via: 'param',
          template: 'start_time',
          endpoint: '/incremental/organizations.json',
        },
      },
      // No organizations create_or_update_many: each batch is looked up (show_many by external_id, never
      // name), then written as update_many and create_many jobs of ≤ 100 (organizations OpenAPI).
      write: {
        mode: 'upsert',
        endpoint: '/organizations/create_many',
        matchKeys: ['external_id', 'id'],
        maxBatch: 100,
        maxPayloadBytes: 1_000_000,
      },
    },
    users: {
      label: 'Users',
      keyFields: ['id'],
      read: {
        endpoint: '/users',
        pagination: cursor,
        // Cursor-based incremental export (zendesk.hooks.ts readPages): start_time, then after_cursor.
        modifiedSince: {
          format: 'epoch-seconds',
          via: 'param',
          template: 'start_time',
          endpoint: '/incremental/users/cursor.json',
        },
      },
      write: {
        mode: 'upsert',
        endpoint: '/users/create_or_update_many',
        matchKeys: ['external_id', 'email'],
        maxBatch: 100,
        maxPayloadBytes: 1_000_000,
      },
    },
    tickets: {
      label: 'Tickets',
      keyFields: ['id'],
      read: {
        endpoint: '/tickets',
        pagination: cursor,
        // Cursor-based incremental export (zendesk.hooks.ts readPages): start_time, then after_cursor.
        modifiedSince: {
          format: 'epoch-seconds',
          via: 'param',
          template: 'start_time',
          endpoint: '/incremental/tickets/cursor.json',
        },
      },
      // No ticket upsert: looked up by external_id, then POST or PUT.
      write: {
        mode: 'create+update',
        endpoint: '/tickets',
        matchKeys: ['external_id', 'id'],
        maxBatch: 1,
        maxPayloadBytes: 1_000_000,
      },
    },
  },
  rateLimit: { requests: 200, windowMs: 60_000, concurrency: 2, configurable: { min: 10, max: 2500 } },
  errors: {
    retryableStatuses: [408, 429, 500, 502, 503, 504],
    retryableCodes: [],
    authFailureStatuses: [401],
    authFailureCodes: [],
    quotaStatuses: [],
    quotaCodes: [],
    breakerThreshold: 5,
  },
  schemaDiscovery: { cacheSeconds: 3_600 },
  timeoutMs: 60_000,
} satisfies Omit<ConnectorDescriptorInput, 'auth' | 'secretSlots'>;

export const zendeskDescriptors: Record<ZendeskAuthMode, ReturnType<typeof defineDescriptor>> = {
  api_token: defineDescriptor({
    ...common,
    auth: { kind: 'basic', userSlot: 'email', userSuffix: '/token', secretSlot: 'api_token' },
    secretSlots: zendeskSecretSlots.api_token,
  }),
  oauth: defineDescriptor({
    ...common,
    auth: {
      kind: 'oauth2',
      tokenUrl: '{baseUrl}/oauth/tokens',
      header: { name: 'Authorization', scheme: 'Bearer' },
      refreshSkewSeconds: 60,
    },
    secretSlots: zendeskSecretSlots.oauth,
  }),
};

export type ZendeskEntity = 'organizations' | 'users' | 'tickets';
export const zendeskEntities: ZendeskEntity[] = ['organizations', 'users', 'tickets'];
/** Singular keys of request/response bodies and of the `*_fields` endpoints. */
export const zendeskSingular: Record<ZendeskEntity, 'organization' | 'user' | 'ticket'> = {
  organizations: 'organization',
  users: 'user',
  tickets: 'ticket',
};
