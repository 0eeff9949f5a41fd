import {
  defineDescriptor,
  type ConnectorDescriptor,
  type ConnectorDescriptorInput,
} from '../../../../shared/connectors/descriptor';
import {
  defaultSources,
  entityLabel,
  inforEntityIds,
  inforEntityLabels,
  isPickedEntity,
  productLineLabels,
  type ProductLine,
} from './infor-sources';
import { lineWrites } from './infor-line-writes';

/**
 * Infor CloudSuite through ION API Gateway (API-FACTS §1), one descriptor per
 * product line. Hosts come from the `.ionapi` (`iu`, `pu`); token URLs are
 * `pu + ot` / `pu + or`. M3 customers and suppliers are writable (CRS610MI/CRS620MI,
 * m3-write.ts), and so are LN's and FSM's (infor-line-writes.ts); every other entity is read-only.
 */
const common = {
  system: 'infor',
  auth: {
    kind: 'oauth2',
    tokenUrl: '{pu}{ot}',
    revokeUrl: '{pu}{or}',
    refreshSkewSeconds: 120,
  },
  allowedHosts: { fromSettings: ['iu', 'pu'] },
  secretSlots: ['client_secret', 'service_account_key', 'service_account_secret'],
  // Tenant policies differ and are unpublished; 300/min is a polite default the user can set between 100 and 500.
  rateLimit: { requests: 300, windowMs: 60_000, concurrency: 4, configurable: { min: 100, max: 500 } },
  errors: {
    retryableStatuses: [408, 429, 500, 502, 503, 504],
    authFailureStatuses: [401],
    breakerThreshold: 5,
  },
  timeoutMs: 65_000,
} satisfies Partial<ConnectorDescriptorInput>;

/**
 * M3 writes: query-first upserts by key, one MI call per record plus one EXPORTMI lookup per batch
 * (m3-write.ts). 50 records a batch keep a lookup's ORed keys to two QERY-sized calls at most.
 */
const m3Writes: Partial<Record<string, ConnectorDescriptorInput['entities'][string]['write']>> = {
  customers: {
    mode: 'create+update',
    endpoint: 'M3/m3api-rest/v2/execute/CRS610MI',
    matchKeys: ['CUNO'],
    maxBatch: 50,
    maxPayloadBytes: 1_000_000,
  },
  suppliers: {
    mode: 'create+update',
    endpoint: 'M3/m3api-rest/v2/execute/CRS620MI',
    matchKeys: ['SUNO'],
    maxBatch: 50,
    maxPayloadBytes: 1_000_000,
  },
  // Head plus lines: PPS370MI batch entry creates, PPS200MI changes (m3-purchase-write.ts).
  purchaseOrders: {
    mode: 'create+update',
    endpoint: 'M3/m3api-rest/v2/execute/PPS200MI',
    matchKeys: ['PUNO', 'YRE1'],
    maxBatch: 20,
    maxPayloadBytes: 1_000_000,
  },
};

/** CSI writes: one `update/{ido}` per record after one keyed load per batch (csi-write.ts). */
const csiWrites: Partial<Record<string, ConnectorDescriptorInput['entities'][string]['write']>> = {
  customers: {
    mode: 'create+update',
    endpoint: 'CSI/IDORequestService/ido/update/SLCustomers',
    matchKeys: ['CustNum', 'CustSeq'],
    maxBatch: 40,
    maxPayloadBytes: 1_000_000,
  },
  suppliers: {
    mode: 'create+update',
    endpoint: 'CSI/IDORequestService/ido/update/SLVendors',
    matchKeys: ['VendNum'],
    maxBatch: 40,
    maxPayloadBytes: 1_000_000,
  },
};

const pagination: Record<ProductLine, ConnectorDescriptorInput['entities'][string]['read']> = {
  m3: {
    endpoint: 'M3/m3api-rest/v2/execute/EXPORTMI/Select',
    pagination: { style: 'keyset', pageSizeParam: 'maxrecs', defaultPageSize: 1000, maxPageSize: 10_000 },
    // `{stamp}` is the source's stamp column (OKLMTS, N18). Its text form is unconfirmed: the reader detects it
    // from the data (m3-reader.ts) and falls back to the change date; epoch milliseconds is the stock guess.
    modifiedSince: { format: 'epoch-millis', via: 'filter', template: '{stamp} >= {since}' },
  },
  csi: {
    endpoint: 'CSI/IDORequestService/ido/load/{ido}',
    query: { properties: '*', orderby: '{orderby}' },
    // `Bookmark` of the last page with `loadtype=NEXT` while `MoreRowsExist`.
    pagination: {
      style: 'bookmark',
      pageSizeParam: 'recordcap',
      cursorParam: 'bookmark',
      nextQuery: { loadtype: 'NEXT' },
      defaultPageSize: 200,
      maxPageSize: 10_000,
    },
    // `{stamp}`: the source's stamp property (RecordDate by default).
    modifiedSince: { format: 'ido-datetime', via: 'filter', template: "{stamp} >= '{since}'", filterParam: 'filter' },
  },
  ln: {
    endpoint: 'LN/lnapi/odata/{service}/{set}',
    // `readPages` (ln-reader.ts): `$top` ≤ 500, next links when LN sends them, else `$skip` until an empty page.
    pagination: { style: 'nextLink', defaultPageSize: 500, maxPageSize: 500 },
  },
  fsm: {
    endpoint: 'FSM/fsm/soap/classes/{className}/lists/_generic',
    query: { _links: 'true', _pageNav: 'true', _out: 'JSON', _flatten: 'false' },
    // The next page is the `_links` entry with `rel: "next"` of the list's first element.
    // Landmark's largest `_limit` is unpublished; 1000 stays inside what a stock tenant is assumed to allow.
    pagination: { style: 'nextLink', pageSizeParam: '_limit', defaultPageSize: 500, maxPageSize: 1000 },
    modifiedSince: { format: 'fsm-timestamp', via: 'param', template: '_fts' },
  },
};

/** What the descriptor needs of a picked entity's source. */
interface PickedSource {
  label?: string;
  keys: string[];
  stamp?: string;
  changeDate?: string;
  mode?: string;
  list?: { key: string };
}

/**
 * The product line's descriptor: the six built-ins, plus the entities picked for one connection
 * (`m3.OCUSMA`, read-only like every Infor entity; incremental only when a stamp is known).
 */
function build(productLine: ProductLine, picked: Record<string, PickedSource> = {}): ConnectorDescriptor {
  const sources = defaultSources[productLine] as Partial<Record<string, { keys: string[]; lines?: object }>>;
  const entities: ConnectorDescriptorInput['entities'] = {};
  for (const id of inforEntityIds) {
    const source = sources[id];
    if (!source) continue;
    entities[id] = {
      label: inforEntityLabels[id],
      keyFields: productLine === 'm3' ? source.keys.map((key) => key.slice(2)) : source.keys,
      read: pagination[productLine],
      write: (productLine === 'm3' && m3Writes[id]) ||
        (productLine === 'csi' && csiWrites[id]) ||
        lineWrites[productLine]?.[id] || { mode: 'read-only' },
    };
  }
  for (const [id, source] of Object.entries(picked)) {
    const read = pagination[productLine]!;
    // LN knows no change stamp (API-FACTS §1.6); M3 falls back to the change date (m3-reader.ts).
    const incremental = productLine === 'ln' ? false : Boolean(source.stamp ?? source.changeDate);
    entities[id] = {
      label: entityLabel(id, source),
      keyFields:
        productLine === 'm3'
          ? source.mode === 'list' && source.list
            ? [source.list.key]
            : source.keys.map((key) => key.slice(2))
          : source.keys,
      read: incremental ? read : { ...read, modifiedSince: undefined },
      write: { mode: 'read-only' },
    };
  }
  return defineDescriptor({
    ...common,
    label: `Infor ${productLineLabels[productLine]}`,
    baseUrl: '{iu}/{tenant}',
    headers:
      productLine === 'csi'
        ? // The site header goes out only when `csiSite` is set (public clients send it with the configuration).
          { 'X-Infor-MongooseConfig': '{mongooseConfig}', 'X-Infor-Site': '{csiSite}' }
        : productLine === 'ln'
          ? { 'X-Infor-LnCompany': '{lnCompany}' }
          : {},
    entities,
    schemaDiscovery: { cacheSeconds: 86_400 },
  });
}

export const inforDescriptors: Record<ProductLine, ConnectorDescriptor> = {
  m3: build('m3'),
  csi: build('csi'),
  ln: build('ln'),
  fsm: build('fsm'),
};

/** The descriptor of one connection: its product line's, plus the entities picked from its catalogue. */
export function inforDescriptorFor(productLine: ProductLine, sources: Record<string, unknown>): ConnectorDescriptor {
  const picked = Object.fromEntries(
    Object.entries(sources).filter(([id]) => isPickedEntity(id)) as Array<[string, PickedSource]>,
  );
  return Object.keys(picked).length === 0 ? inforDescriptors[productLine] : build(productLine, picked);
}
