import type { z } from 'zod';
import {
  defineDescriptor,
  type ConnectorDescriptorInput,
  type entitySchema,
} from '../../../../shared/connectors/descriptor';
import { dynamicsSecretSlots } from '../../../../shared/connectors/dynamics.settings';

/**
 * Dynamics 365 Sales through the Dataverse Web API (API-FACTS §5). Entity ids
 * are table logical names; endpoints are entity set names. Writes are upserts
 * by alternate key sent as `$batch` parts (see `dynamics-batch.ts`).
 */

/** Service-protection codes (API-FACTS §5.4): requests, execution time, concurrency. */
export const serviceProtectionCodes = ['0x80072322', '0x80072321', '0x80072326'] as const;
/** Duplicate detection (API-FACTS §5.3): the status varies by source (500 or 412), the code does not. */
export const duplicateDetectedCode = '0x80040333';

/** `$batch` limits: at most 1,000 requests, and our own cap on the serialised body. */
export const batchLimits = { maxRequests: 1000, maxBodyBytes: 256 * 1024 } as const;

/**
 * UpsertMultiple/CreateMultiple (see `dynamics-bulk.ts`): Microsoft recommends 100–1,000 records per
 * bulk message. A job costs one `$batch` lookup and one bulk call (two when it both updates and creates).
 */
export const bulkLimits = { label: 'UpsertMultiple', maxRecords: 1000, threshold: 5000, callsPerJob: 2 } as const;

const readWrite = (
  set: string,
  label: string,
  keyFields: string[],
  matchKeys: string[],
): z.input<typeof entitySchema> => ({
  label,
  keyFields,
  read: {
    endpoint: set,
    // Oldest first so a watermark can advance page by page; the id breaks ties between equal stamps.
    query: { $orderby: `modifiedon asc,${keyFields[0]} asc` },
    // `Prefer: odata.maxpagesize` and the opaque `@odata.nextLink`; no `$top`/`$skip` (they do not mix with server paging).
    pagination: {
      style: 'nextLink',
      pageSizeHeader: { name: 'Prefer', template: 'odata.maxpagesize={pageSize}' },
      defaultPageSize: 1000,
      maxPageSize: 5000,
    },
    modifiedSince: { format: 'iso-seconds', via: 'filter', template: 'modifiedon ge {since}', filterParam: '$filter' },
  },
  write: {
    mode: 'upsert',
    endpoint: set,
    matchKeys,
    maxBatch: batchLimits.maxRequests,
    maxPayloadBytes: batchLimits.maxBodyBytes,
    bulk: bulkLimits,
  },
});

/**
 * Tables that lookups bind to (currencies, price lists, products, units): read, never written.
 * `$lookupId(entity, column, value)` finds their ids (an ISO code "EUR" → transactioncurrencyid).
 */
const lookupTable = (set: string, label: string, keyField: string): z.input<typeof entitySchema> => ({
  label,
  keyFields: [keyField],
  read: {
    endpoint: set,
    pagination: {
      style: 'nextLink',
      pageSizeHeader: { name: 'Prefer', template: 'odata.maxpagesize={pageSize}' },
      defaultPageSize: 1000,
      maxPageSize: 5000,
    },
  },
});

export const dynamicsDescriptorInput = {
  system: 'dynamics',
  label: 'Dynamics 365 Sales',
  baseUrl: '{orgUrl}/api/data/v{apiVersion}',
  auth: {
    kind: 'oauth2',
    tokenUrl: '{authorityUrl}/{tenant}/oauth2/v2.0/token',
    // Entra issues ~3599 s tokens and no refresh token: fetch a new one five minutes early.
    refreshSkewSeconds: 300,
  },
  allowedHosts: { fixed: ['login.microsoftonline.com'], fromSettings: ['orgUrl', 'authorityUrl'] },
  secretSlots: [...dynamicsSecretSlots],
  headers: { 'OData-MaxVersion': '4.0', 'OData-Version': '4.0', 'If-None-Match': 'null' },
  entities: {
    account: readWrite('accounts', 'Accounts', ['accountid'], ['accountnumber', 'mlc_inforcustomerno']),
    contact: readWrite('contacts', 'Contacts', ['contactid'], ['mlc_inforcontactid']),
    salesorder: readWrite('salesorders', 'Orders', ['salesorderid'], ['mlc_inforordernumber']),
    salesorderdetail: readWrite('salesorderdetails', 'Order products', ['salesorderdetailid'], ['mlc_inforlineid']),
    invoice: readWrite('invoices', 'Invoices', ['invoiceid'], ['mlc_inforinvoicenumber']),
    quote: readWrite('quotes', 'Quotes', ['quoteid'], ['mlc_inforquotenumber']),
    // Lines of quotes and invoices, written one per source line like order products (flow `source.each`).
    quotedetail: readWrite('quotedetails', 'Quote products', ['quotedetailid'], ['mlc_inforquotelineid']),
    invoicedetail: readWrite('invoicedetails', 'Invoice products', ['invoicedetailid'], ['mlc_inforinvoicelineid']),
    transactioncurrency: lookupTable('transactioncurrencies', 'Currencies', 'transactioncurrencyid'),
    pricelevel: lookupTable('pricelevels', 'Price lists', 'pricelevelid'),
    product: lookupTable('products', 'Products', 'productid'),
    uom: lookupTable('uoms', 'Units', 'uomid'),
  },
  // 6,000 requests per 5 minutes per user and server; 52 concurrent is the hard cap, stay well below.
  rateLimit: { requests: 1200, windowMs: 60_000, concurrency: 8, configurable: { min: 10, max: 1200 } },
  errors: {
    retryableStatuses: [408, 429, 500, 502, 503, 504],
    retryableCodes: [...serviceProtectionCodes],
    authFailureStatuses: [401],
    authFailureCodes: [],
    quotaStatuses: [],
    quotaCodes: [],
    breakerThreshold: 5,
  },
  schemaDiscovery: { cacheSeconds: 86_400 },
  timeoutMs: 130_000,
} satisfies ConnectorDescriptorInput;

export const dynamicsDescriptor = defineDescriptor(dynamicsDescriptorInput);

/** Entity set name of a table (`account` → `accounts`), from the descriptor. */
export function entitySetOf(entity: string): string {
  const found = dynamicsDescriptor.entities[entity];
  const write = found?.write;
  if (write && write.mode !== 'read-only') return write.endpoint;
  return found?.read?.endpoint ?? entity;
}

/** Primary id column of a table: its first key field (`accountid`). */
export function primaryIdOf(entity: string): string {
  return dynamicsDescriptor.entities[entity]?.keyFields[0] ?? `${entity}id`;
}
