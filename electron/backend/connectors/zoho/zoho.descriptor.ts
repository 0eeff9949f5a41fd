import { defineDescriptor, type EntityDescriptor } from '../../../../shared/connectors/descriptor';
import {
  defaultZohoEdition,
  zohoEditionIds,
  zohoEditions,
  zohoKnownHosts,
  zohoSecretSlots,
} from '../../../../shared/connectors/zoho.settings';

/**
 * Keyset reads by `Modified_Time` (zoho.hooks.ts `readPages`): each request restarts at the last
 * page's stamp through `If-Modified-Since`, a second early (`overlapSeconds`), 200 per page; the
 * `page_token` offset walk only to get past a page-full of records sharing one second (API-FACTS §2.2).
 */
const read = (module: string) =>
  ({
    endpoint: `/${module}`,
    query: { sort_by: 'Modified_Time', sort_order: 'asc' },
    // 204: nothing (more) to read; 304: nothing modified since.
    pagination: {
      style: 'keyset',
      pageSizeParam: 'per_page',
      cursorParam: 'page_token',
      defaultPageSize: 200,
      maxPageSize: 200,
      endStatuses: [204, 304] as number[],
    },
    modifiedSince: { format: 'iso-offset', via: 'header', template: 'If-Modified-Since', overlapSeconds: 1 },
  }) as const;

/** Upsert by `duplicate_check_fields`, 100 records per call (API-FACTS §2.3). */
const upsert = (module: string, matchKeys: string[]) =>
  ({
    mode: 'upsert',
    endpoint: `/${module}/upsert`,
    matchKeys,
    maxBatch: 100,
    maxPayloadBytes: 4_000_000,
    // Zoho Bulk Write (zoho-bulk.ts): 25,000 records per file; upload, create, one poll and the
    // result download at best (the org's zgid is read once per connection).
    bulk: { label: 'Bulk Write', maxRecords: 25_000, threshold: 10_000, callsPerJob: 4 },
  }) as const;

const modules: Record<string, Pick<EntityDescriptor, 'label'> & { matchKeys: string[] }> = {
  Accounts: { label: 'Accounts (customers)', matchKeys: ['Infor_Customer_No', 'Account_Name', 'Account_Number'] },
  Vendors: { label: 'Vendors (suppliers)', matchKeys: ['Infor_Supplier_No', 'Vendor_Name'] },
  Contacts: { label: 'Contacts', matchKeys: ['Infor_Contact_Key', 'Email'] },
  Deals: { label: 'Deals', matchKeys: ['Deal_Name'] },
  Sales_Orders: { label: 'Sales orders', matchKeys: ['Infor_Order_No', 'Subject'] },
  Purchase_Orders: { label: 'Purchase orders', matchKeys: ['Infor_PO_No', 'Subject'] },
  Invoices: { label: 'Invoices', matchKeys: ['Infor_Invoice_No', 'Subject'] },
};

/** Zoho CRM v8 as data; token exchange, `api_domain`, per-record answers and watch channels live in the hooks. */
export const zohoDescriptor = defineDescriptor({
  system: 'zoho',
  label: 'Zoho CRM',
  baseUrl: '{apiDomain}/crm/v8',
  auth: {
    kind: 'oauth2',
    tokenUrl: '{accountsUrl}/oauth/v2/token',
    revokeUrl: '{accountsUrl}/oauth/v2/token/revoke',
    header: { name: 'Authorization', scheme: 'Zoho-oauthtoken' },
    refreshSkewSeconds: 300,
  },
  allowedHosts: { fixed: zohoKnownHosts(), fromSettings: ['accountsUrl', 'apiDomain'], patterns: [] },
  secretSlots: [...zohoSecretSlots],
  headers: { 'content-type': 'application/json' },
  entities: Object.fromEntries(
    Object.entries(modules).map(([module, entity]) => [
      module,
      { label: entity.label, keyFields: ['id'], read: read(module), write: upsert(module, entity.matchKeys) },
    ]),
  ),
  // Zoho publishes no per-minute limit (API-FACTS §2.4, §10): only calls in flight per app, by edition
  // (the `edition` setting; Standard 10), and daily credits (shown before a run, zoho-credits.ts). A
  // per-minute cap is imposed only when the connection sets `rateLimitPerMinute`.
  rateLimit: {
    windowMs: 60_000,
    concurrency: zohoEditions[defaultZohoEdition].concurrency,
    concurrencyBySetting: {
      setting: 'edition',
      values: Object.fromEntries(zohoEditionIds.map((id) => [id, zohoEditions[id].concurrency])),
    },
    configurable: { min: 10, max: 6000 },
  },
  errors: {
    retryableStatuses: [408, 429, 500, 502, 503, 504],
    retryableCodes: ['TOO_MANY_REQUESTS'],
    authFailureStatuses: [401],
    authFailureCodes: ['INVALID_TOKEN'],
    quotaStatuses: [],
    // LIMIT_REACHED: the org's daily API credits are gone (Zoho CRM "API Limits"; code listed in the v8
    // OAS, fixtures/zoho/oas/record.json). Retrying only burns the next day's credits: stop the run.
    quotaCodes: ['LIMIT_REACHED'],
    // Zoho counts credits per org over a rolling 24-hour window (Zoho CRM v8 "API Limits", API-FACTS §2.4).
    quotaResets:
      'Zoho CRM counts API credits per organization over a rolling 24-hour window: calls work again as earlier calls leave that window, at the latest 24 hours from now. Records not sent yet stay for the next run.',
    breakerThreshold: 5,
  },
  schemaDiscovery: { cacheSeconds: 86_400 },
  timeoutMs: 60_000,
});
