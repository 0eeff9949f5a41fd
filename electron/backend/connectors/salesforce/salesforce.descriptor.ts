import { defineDescriptor } from '../../../../shared/connectors/descriptor';
import { salesforceInforFields, salesforceSecretSlots } from '../../../../shared/connectors/salesforce.settings';

/** SOQL with `nextRecordsUrl`, 200–2,000 per page, `SystemModstamp >= …Z` (API-FACTS §3.2). */
const read = {
  // `q` is the SOQL the hook builds from the live field list: SELECT … FROM <object> [WHERE …] ORDER BY SystemModstamp, Id.
  endpoint: '/query',
  pagination: {
    style: 'nextLink',
    pageSizeHeader: { name: 'Sforce-Query-Options', template: 'batchSize={pageSize}' },
    minPageSize: 200,
    defaultPageSize: 2000,
    maxPageSize: 2000,
  },
  // Unquoted `…Z` literal; `>=` so records sharing the watermark instant are read again, never lost.
  modifiedSince: { format: 'iso', via: 'filter', template: 'SystemModstamp >= {since}' },
} as const;

/**
 * Bulk API 2.0 ingest (API-FACTS §3.3, "> 2,000 records"): one upsert job per 100,000 records (the
 * hook splits a job whose CSV passes 100 MB); at best create, upload, close, one status poll and the
 * two result downloads = 6 calls.
 */
export const salesforceBulk = { label: 'Bulk API 2.0', maxRecords: 100_000, threshold: 2_000, callsPerJob: 6 } as const;

/** sObject Collections upsert by external id: 200 records per call, HTTP 200 with SaveResults (API-FACTS §3.3). */
const upsert = (object: string, matchKeys: string[]) =>
  ({
    mode: 'upsert',
    endpoint: `/composite/sobjects/${object}/{matchKey}`,
    matchKeys,
    maxBatch: 200,
    maxPayloadBytes: 6_000_000,
    bulk: salesforceBulk,
  }) as const;

/**
 * Salesforce REST as data. Customers and suppliers both land in Account
 * (suppliers flagged by `Infor_Account_Kind__c`, each keyed by its own Infor
 * number); invoices and purchase orders are `Infor_Document__c` records
 * linked to their Account.
 */
export const salesforceDescriptor = defineDescriptor({
  system: 'salesforce',
  label: 'Salesforce',
  baseUrl: '{instanceUrl}/services/data/{apiVersion}',
  auth: {
    kind: 'oauth2',
    tokenUrl: '{myDomainUrl}/services/oauth2/token',
    revokeUrl: '{myDomainUrl}/services/oauth2/revoke',
    header: { name: 'Authorization', scheme: 'Bearer' },
    refreshSkewSeconds: 0,
  },
  allowedHosts: { fixed: [], fromSettings: ['myDomainUrl'], patterns: ['*.my.salesforce.com'] },
  secretSlots: [...salesforceSecretSlots],
  headers: { 'content-type': 'application/json' },
  entities: {
    Account: {
      label: 'Accounts (customers and suppliers)',
      keyFields: ['Id'],
      read: read,
      write: upsert('Account', [salesforceInforFields.customerNumber, salesforceInforFields.supplierNumber, 'Id']),
    },
    Contact: {
      label: 'Contacts',
      keyFields: ['Id'],
      read: read,
      write: upsert('Contact', [salesforceInforFields.contactKey, 'Id']),
    },
    Infor_Document__c: {
      label: 'Invoices and purchase orders (Infor documents)',
      keyFields: ['Id'],
      read: read,
      write: upsert('Infor_Document__c', [salesforceInforFields.documentNumber, 'Id']),
    },
    // Invoices and purchase orders logged as activities on the matching account (WhatId = the
    // Account's id through $lookupRef), keyed by the Infor document.
    Task: {
      label: 'Tasks (invoices and purchase orders as activities)',
      keyFields: ['Id'],
      read: read,
      write: upsert('Task', [salesforceInforFields.activityKey, 'Id']),
    },
    // Orders need Orders enabled and a price book before items are added (API-FACTS §3.6).
    Order: {
      label: 'Orders',
      keyFields: ['Id'],
      read: read,
      write: upsert('Order', [salesforceInforFields.orderNumber, 'Id']),
    },
    OrderItem: {
      label: 'Order products (order lines)',
      keyFields: ['Id'],
      read: read,
      write: upsert('OrderItem', [salesforceInforFields.orderLineKey, 'Id']),
    },
    Opportunity: {
      label: 'Opportunities',
      keyFields: ['Id'],
      read: read,
      write: upsert('Opportunity', [salesforceInforFields.opportunityNumber, 'Id']),
    },
    Product2: {
      label: 'Products',
      keyFields: ['Id'],
      read: read,
      write: upsert('Product2', [salesforceInforFields.itemNumber, 'Id']),
    },
    PricebookEntry: {
      label: 'Price book entries',
      keyFields: ['Id'],
      read: read,
      write: upsert('PricebookEntry', [salesforceInforFields.priceKey, 'Id']),
    },
    // Read and looked up (the standard price book's id for orders), not written: the standard one
    // cannot be created, custom books are set up by hand.
    Pricebook2: {
      label: 'Price books',
      keyFields: ['Id'],
      read: read,
    },
  },
  // Salesforce limits per day, not per minute; long requests cap concurrency at 25.
  rateLimit: { requests: 1000, windowMs: 60_000, concurrency: 5, configurable: { min: 10, max: 10_000 } },
  errors: {
    retryableStatuses: [408, 429, 500, 502, 503, 504],
    retryableCodes: ['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE'],
    authFailureStatuses: [401],
    authFailureCodes: ['INVALID_SESSION_ID'],
    // 403 REQUEST_LIMIT_EXCEEDED: the daily allocation is gone; retrying only burns more.
    quotaStatuses: [],
    quotaCodes: ['REQUEST_LIMIT_EXCEEDED'],
    breakerThreshold: 5,
  },
  schemaDiscovery: { cacheSeconds: 86_400 },
  timeoutMs: 120_000,
});
