import { defineDescriptor } from '../../../../shared/connectors/descriptor';
import { cin7CallsPerMinute, cin7Hosts, cin7SecretSlots } from '../../../../shared/connectors/cin7.settings';

/** `Page` and `Limit`; reading stops at an empty page or once the pages cover `Total`. */
const page = {
  style: 'page',
  pageSizeParam: 'Limit',
  pageParam: 'Page',
  totalField: 'Total',
  defaultPageSize: 1000,
  maxPageSize: 1000,
} as const;
/** Deprecated suppliers and customers still exist (Cin7 never deletes them); their Status says so. */
const withDeprecated = { IncludeDeprecated: 'true' };
/** Cin7 has no upsert and no batch: one object per POST (create) or PUT (update with `ID`). */
const oneByOne = { mode: 'create+update', maxBatch: 1, maxPayloadBytes: 1_000_000 } as const;

/** Cin7 Core API v2 as data (API-FACTS §6); lookup-then-write and the error model live in the hooks. */
export const cin7Descriptor = defineDescriptor({
  system: 'cin7',
  label: 'Cin7 Core',
  baseUrl: '{baseUrl}',
  auth: {
    kind: 'static-headers',
    headers: { 'api-auth-accountid': 'accountId', 'api-auth-applicationkey': 'applicationKey' },
  },
  allowedHosts: { fixed: cin7Hosts, fromSettings: ['baseUrl'] },
  secretSlots: [...cin7SecretSlots],
  headers: { 'content-type': 'application/json' },
  entities: {
    Supplier: {
      label: 'Suppliers',
      keyFields: ['ID'],
      read: {
        endpoint: '/supplier',
        query: withDeprecated,
        pagination: page,
        modifiedSince: { format: 'iso', via: 'param', template: 'ModifiedSince' },
      },
      write: { ...oneByOne, endpoint: '/supplier', matchKeys: ['ID', 'Name'] },
    },
    Customer: {
      label: 'Customers',
      keyFields: ['ID'],
      read: {
        endpoint: '/customer',
        query: withDeprecated,
        pagination: page,
        modifiedSince: { format: 'iso', via: 'param', template: 'ModifiedSince' },
      },
      write: { ...oneByOne, endpoint: '/customer', matchKeys: ['ID', 'Name'] },
    },
    Purchase: {
      label: 'Purchases',
      keyFields: ['ID'],
      read: {
        endpoint: '/purchaseList',
        pagination: page,
        modifiedSince: { format: 'iso', via: 'param', template: 'UpdatedSince' },
      },
      // Header via /purchase, then its lines via /purchase/order (TaskID = the purchase ID).
      write: { ...oneByOne, endpoint: '/purchase', matchKeys: ['ID'] },
    },
    Account: {
      // Written one by one, matched by `Code` (unique); Cin7 refuses writes while Xero/QBO owns the chart.
      label: 'Chart of accounts',
      keyFields: ['Code'],
      read: { endpoint: '/ref/account', pagination: page },
      write: { ...oneByOne, endpoint: '/ref/account', matchKeys: ['Code'] },
    },
  },
  rateLimit: {
    requests: cin7CallsPerMinute,
    windowMs: 60_000,
    concurrency: 1,
    window: 'sliding',
    configurable: { min: 1, max: cin7CallsPerMinute },
  },
  errors: {
    // Over the limit Cin7 answers 429 or 503 depending on the source (API-FACTS §6.3); both back off.
    retryableStatuses: [408, 429, 502, 503, 504],
    retryableCodes: [],
    throttleStatuses: [429, 503],
    authFailureStatuses: [401, 403],
    authFailureCodes: [],
    quotaStatuses: [],
    quotaCodes: [],
    breakerThreshold: 5,
  },
  schemaDiscovery: { cacheSeconds: 86_400 },
  timeoutMs: 60_000,
});

export type Cin7Entity = 'Supplier' | 'Customer' | 'Purchase' | 'Account';
/** The `{X}List` key of each list response. */
export const cin7ListKeys: Record<Cin7Entity, string> = {
  Supplier: 'SupplierList',
  Customer: 'CustomerList',
  Purchase: 'PurchaseList',
  Account: 'AccountsList',
};
