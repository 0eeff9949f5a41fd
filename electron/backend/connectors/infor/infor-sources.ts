import { z } from 'zod';
import { AppError } from '../../../../shared/errors';

export const productLines = ['m3', 'csi', 'ln', 'fsm'] as const;
export type ProductLine = (typeof productLines)[number];
export const productLineLabels: Record<ProductLine, string> = {
  m3: 'M3',
  csi: 'CloudSuite Industrial (SyteLine)',
  ln: 'LN',
  fsm: 'Financials & Supply Management (FSM)',
};

export const inforEntityIds = [
  'customers',
  'suppliers',
  'salesOrders',
  'purchaseOrders',
  'invoices',
  'glAccounts',
] as const;
export type InforEntityId = (typeof inforEntityIds)[number];
export const inforEntityLabels: Record<InforEntityId, string> = {
  customers: 'Customers',
  suppliers: 'Suppliers',
  salesOrders: 'Sales orders',
  purchaseOrders: 'Purchase orders',
  invoices: 'Invoices',
  glAccounts: 'GL accounts',
};

/**
 * Which program, IDO, OData service or class serves each entity. Tenants
 * differ, so every value is a per-connection setting (`entitySources`, a JSON
 * object merged over these defaults, see `resolveSources`).
 */
const m3Lines = z.object({ table: z.string(), keys: z.array(z.string()).min(1), link: z.string() });
export const m3SourceSchema = z.object({
  /** EXPORTMI table read in key order with a keyset (`OCUSMA`). */
  table: z.string(),
  /** Key columns in table key order (`OKCUNO`); company (`CONO`) columns excluded. */
  keys: z.array(z.string()).min(1),
  /** Key columns compared as numbers rather than quoted text. */
  numericKeys: z.array(z.string()).default([]),
  /** 17-digit UTC change stamp `yyyyMMddHHmmssSSS` (sandbox choice; see API-FACTS §1.4 LMTS). */
  stamp: z.string().optional(),
  /** Change date `yyyyMMdd`, used when no stamp column exists. */
  changeDate: z.string().optional(),
  /** Transaction whose output fields describe the entity (schema discovery). */
  program: z.string(),
  transaction: z.string(),
  lines: m3Lines
    .extend({
      numericKeys: z.array(z.string()).default([]),
      /** Transaction of `program` whose output fields describe one line (schema discovery). */
      transaction: z.string().default('LstLine'),
    })
    .optional(),
});
export const csiSourceSchema = z.object({
  ido: z.string(),
  keys: z.array(z.string()).min(1),
  stamp: z.string().default('RecordDate'),
  /** `orderby` for paging; default the first key (some servers refuse compound orderings). */
  orderBy: z.string().optional(),
  lines: z.object({ ido: z.string(), keys: z.array(z.string()).min(1), link: z.string() }).optional(),
});
export const lnSourceSchema = z.object({
  service: z.string(),
  set: z.string(),
  keys: z.array(z.string()).min(1),
  /** No modified-date property is known for LN (API-FACTS §1.6): entities read in full unless one is configured. */
  stamp: z.string().optional(),
  lines: z.object({ set: z.string(), keys: z.array(z.string()).min(1), link: z.string() }).optional(),
});
export const fsmSourceSchema = z.object({
  className: z.string(),
  keys: z.array(z.string()).min(1),
  /** Fields to list; empty = every field (`_fields=_all`). */
  fields: z.array(z.string()).default([]),
  stamp: z.string().optional(),
});

export type M3Source = z.infer<typeof m3SourceSchema>;
export type CsiSource = z.infer<typeof csiSourceSchema>;
export type LnSource = z.infer<typeof lnSourceSchema>;
export type FsmSource = z.infer<typeof fsmSourceSchema>;
export type SourceOf<P extends ProductLine> = P extends 'm3'
  ? M3Source
  : P extends 'csi'
    ? CsiSource
    : P extends 'ln'
      ? LnSource
      : FsmSource;

const schemas = { m3: m3SourceSchema, csi: csiSourceSchema, ln: lnSourceSchema, fsm: fsmSourceSchema } as const;

/** Defaults from API-FACTS §1.8 and the sandbox interface; `undefined` = not available on that product line. */
export const defaultSources: { [P in ProductLine]: Partial<Record<InforEntityId, z.input<(typeof schemas)[P]>>> } = {
  m3: {
    customers: {
      table: 'OCUSMA',
      keys: ['OKCUNO'],
      stamp: 'OKLMTS',
      changeDate: 'OKLMDT',
      program: 'CRS610MI',
      transaction: 'LstByNumber',
    },
    suppliers: {
      table: 'CIDMAS',
      keys: ['IDSUNO'],
      stamp: 'IDLMTS',
      changeDate: 'IDLMDT',
      program: 'CRS620MI',
      transaction: 'LstSuppliers',
    },
    salesOrders: {
      table: 'OOHEAD',
      keys: ['OAORNO'],
      stamp: 'OALMTS',
      changeDate: 'OALMDT',
      program: 'OIS100MI',
      transaction: 'LstHead',
      lines: { table: 'OOLINE', keys: ['OBORNO', 'OBPONR'], numericKeys: ['OBPONR'], link: 'OBORNO' },
    },
    purchaseOrders: {
      table: 'MPHEAD',
      keys: ['IAPUNO'],
      stamp: 'IALMTS',
      changeDate: 'IALMDT',
      program: 'PPS200MI',
      transaction: 'LstHead',
      lines: { table: 'MPLINE', keys: ['IBPUNO', 'IBPNLI'], numericKeys: ['IBPNLI'], link: 'IBPUNO' },
    },
    invoices: {
      table: 'FSLEDG',
      keys: ['ESCINO'],
      stamp: 'ESLMTS',
      changeDate: 'ESLMDT',
      program: 'ARS200MI',
      transaction: 'LstInvoice',
    },
    glAccounts: {
      table: 'FCHACC',
      keys: ['EAAITM'],
      stamp: 'EALMTS',
      changeDate: 'EALMDT',
      program: 'CRS630MI',
      transaction: 'LstAccounts',
    },
  },
  csi: {
    customers: { ido: 'SLCustomers', keys: ['CustNum', 'CustSeq'] },
    suppliers: { ido: 'SLVendors', keys: ['VendNum'] },
    salesOrders: {
      ido: 'SLCos',
      keys: ['CoNum'],
      lines: { ido: 'SLCoitems', keys: ['CoNum', 'CoLine'], link: 'CoNum' },
    },
    purchaseOrders: {
      ido: 'SLPos',
      keys: ['PoNum'],
      lines: { ido: 'SLPoItems', keys: ['PoNum', 'PoLine'], link: 'PoNum' },
    },
    invoices: { ido: 'SLInvHdrs', keys: ['InvNum', 'InvSeq'] },
    glAccounts: { ido: 'SLChartAccts', keys: ['Acct'] },
  },
  ln: {
    customers: { service: 'tcapi.comBusinessPartner', set: 'BusinessPartners', keys: ['BusinessPartner'] },
    suppliers: {
      service: 'tcapi.comBusinessPartner',
      set: 'BuyfromBusinessPartners',
      keys: ['BuyfromBusinessPartner'],
    },
    salesOrders: {
      service: 'tdapi.slsSalesOrder',
      set: 'Orders',
      keys: ['SalesOrder'],
      lines: { set: 'Lines', keys: ['SalesOrder', 'Line', 'SequenceNumber'], link: 'SalesOrder' },
    },
    purchaseOrders: {
      service: 'tdapi.purPurchaseOrder',
      set: 'Orders',
      keys: ['PurchaseOrder'],
      // Purchase lines are keyed by Sequence, sales lines by SequenceNumber (a real tenant's $metadata, plan L1).
      lines: { set: 'Lines', keys: ['PurchaseOrder', 'Line', 'Sequence'], link: 'PurchaseOrder' },
    },
  },
  fsm: {
    // Class names are not documented publicly (API-FACTS §1.8); these follow Landmark naming.
    // A customer or vendor number is unique only within its group (API-FACTS §10): the key is both.
    customers: { className: 'Customer', keys: ['CustomerGroup', 'Customer'], stamp: 'UpdateStamp' },
    suppliers: { className: 'Vendor', keys: ['VendorGroup', 'Vendor'], stamp: 'UpdateStamp' },
    purchaseOrders: { className: 'PurchaseOrder', keys: ['PurchaseOrder'], stamp: 'UpdateStamp' },
    invoices: { className: 'ReceivableInvoice', keys: ['Invoice'], stamp: 'UpdateStamp' },
    glAccounts: { className: 'GeneralLedgerChartAccount', keys: ['GeneralLedgerChartAccount'], stamp: 'UpdateStamp' },
  },
};

/** Sources for one connection: defaults merged with the `entitySources` setting (JSON). */
export function resolveSources<P extends ProductLine>(
  productLine: P,
  override: unknown,
): Partial<Record<InforEntityId, SourceOf<P>>> {
  let extra: Record<string, unknown> = {};
  if (typeof override === 'string' && override.trim()) {
    try {
      extra = JSON.parse(override) as Record<string, unknown>;
    } catch {
      throw new AppError('E_INVALID_INPUT', 'The connection setting "entitySources" is not valid JSON.');
    }
  }
  const out: Partial<Record<InforEntityId, SourceOf<P>>> = {};
  const defaults = defaultSources[productLine] as Partial<Record<InforEntityId, Record<string, unknown>>>;
  for (const entity of inforEntityIds) {
    const merged =
      extra[entity] === null ? undefined : { ...defaults[entity], ...(extra[entity] as object | undefined) };
    if (!merged || Object.keys(merged).length === 0) continue;
    const parsed = schemas[productLine].safeParse(merged);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        'E_INVALID_INPUT',
        `entitySources.${entity} for ${productLine}: ${issue?.path.join('.')} ${issue?.message}.`,
      );
    }
    out[entity] = parsed.data as SourceOf<P>;
  }
  return out;
}
