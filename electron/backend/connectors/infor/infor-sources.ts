import { z } from 'zod';
import { inforBuiltInEntities, inforCustomEntityId } from '../../../../shared/connectors/infor.settings';
import { AppError } from '../../../../shared/errors';

export const productLines = ['m3', 'csi', 'ln', 'fsm'] as const;
export type ProductLine = (typeof productLines)[number];
export const productLineLabels: Record<ProductLine, string> = {
  m3: 'M3',
  csi: 'CloudSuite Industrial (SyteLine)',
  ln: 'LN',
  fsm: 'Financials & Supply Management (FSM)',
};

export const inforEntityIds = inforBuiltInEntities;
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
/**
 * A documented MI list transaction that serves the entity (`CRS610MI/LstByNumber`): paged from an
 * inclusive start key, with a native changed-since input where it has one (`LMTS`).
 */
const m3List = z.object({
  program: z.string(),
  transaction: z.string(),
  /** The input the next page starts from (`CUNO`; LstSuppliers `FRSU`). */
  start: z.string(),
  /** The output that identifies a row, in list order (`CUNO`, `SUNO`); must be unique. */
  key: z.string(),
  /** The changed-since input (`LMTS`), in the table stamp's form. */
  stampInput: z.string().optional(),
  /** Inputs sent on every call (`{"AITP":"1"}`). */
  fixedInputs: z.record(z.string(), z.string()).default({}),
});
/** A picked entity's name for people (the table's, IDO's, set's or class's description); built-ins have their own. */
const label = z.string().trim().min(1).max(120).optional();

export const m3SourceSchema = z.object({
  label,
  /**
   * `table` (default): EXPORTMI over `table`, every column. `list`: the `list` transaction's
   * outputs (fewer fields: LstByNumber has 79 of OCUSMA's 150+ and no change stamp, which a narrow
   * EXPORTMI probe of `table` supplies).
   */
  mode: z.enum(['table', 'list']).default('table'),
  list: m3List.optional(),
  /** Table read through EXPORTMI in key windows (`OCUSMA`). */
  table: z.string(),
  /** The table's whole primary key without CONO, prefixed, in key order (`OKCUNO`; FSLEDG `ESDIVI, ESYEA4, ESJRNO, ESJSNO`). */
  keys: z.array(z.string()).min(1),
  /** Columns to read; empty = every column `EXPORTMI/LstFields` lists. */
  columns: z.array(z.string()).default([]),
  /** Kept for older `entitySources`: key types now come from `EXPORTMI/LstFields`. */
  numericKeys: z.array(z.string()).default([]),
  /** Change stamp column (`OKLMTS`, N18). Its text form is detected from the data, never assumed. */
  stamp: z.string().optional(),
  /** Change date `yyyyMMdd`: the fallback (with `m3LookbackDays`) when the stamp's form is not recognised. */
  changeDate: z.string().optional(),
  /** The documented MI transaction that serves the entity (catalogue names), for reference and checks. */
  program: z.string().optional(),
  transaction: z.string().optional(),
  lines: m3Lines
    .extend({
      numericKeys: z.array(z.string()).default([]),
      columns: z.array(z.string()).default([]),
      /** The MI transaction that lists one parent's lines (reference). */
      transaction: z.string().optional(),
    })
    .optional(),
});
export const csiSourceSchema = z.object({
  label,
  ido: z.string(),
  keys: z.array(z.string()).min(1),
  stamp: z.string().default('RecordDate'),
  /** `orderby` for paging; default the first key (some servers refuse compound orderings). */
  orderBy: z.string().optional(),
  lines: z.object({ ido: z.string(), keys: z.array(z.string()).min(1), link: z.string() }).optional(),
});
export const lnSourceSchema = z.object({
  label,
  service: z.string(),
  set: z.string(),
  keys: z.array(z.string()).min(1),
  /** No modified-date property is known for LN (API-FACTS §1.6): entities read in full unless one is configured. */
  stamp: z.string().optional(),
  lines: z.object({ set: z.string(), keys: z.array(z.string()).min(1), link: z.string() }).optional(),
});
export const fsmSourceSchema = z.object({
  label,
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
    // Real keys and transactions from the MI catalogue (fixtures/infor/m3-mi-catalogue.json, API-FACTS §10).
    customers: {
      table: 'OCUSMA',
      keys: ['OKCUNO'],
      stamp: 'OKLMTS',
      changeDate: 'OKLMDT',
      program: 'CRS610MI',
      transaction: 'LstByNumber',
      list: { program: 'CRS610MI', transaction: 'LstByNumber', start: 'CUNO', key: 'CUNO', stampInput: 'LMTS' },
    },
    suppliers: {
      table: 'CIDMAS',
      keys: ['IDSUNO'],
      stamp: 'IDLMTS',
      changeDate: 'IDLMDT',
      program: 'CRS620MI',
      transaction: 'LstSuppliers',
      list: { program: 'CRS620MI', transaction: 'LstSuppliers', start: 'FRSU', key: 'SUNO', stampInput: 'LMTS' },
    },
    salesOrders: {
      table: 'OOHEAD',
      keys: ['OAORNO'],
      stamp: 'OALMTS',
      changeDate: 'OALMDT',
      // OIS100MI/LstHead needs one CUNO: no MI list covers every order.
      program: 'OIS100MI',
      transaction: 'GetHead',
      lines: { table: 'OOLINE', keys: ['OBORNO', 'OBPONR', 'OBPOSX'], link: 'OBORNO', transaction: 'LstLine' },
    },
    purchaseOrders: {
      table: 'MPHEAD',
      keys: ['IAPUNO'],
      stamp: 'IALMTS',
      changeDate: 'IALMDT',
      // PPS200MI has no LstHead.
      program: 'PPS200MI',
      transaction: 'GetHead',
      lines: { table: 'MPLINE', keys: ['IBPUNO', 'IBPNLI', 'IBPNLS'], link: 'IBPUNO', transaction: 'LstLine' },
    },
    invoices: {
      table: 'FSLEDG',
      keys: ['ESDIVI', 'ESYEA4', 'ESJRNO', 'ESJSNO'],
      stamp: 'ESLMTS',
      changeDate: 'ESLMDT',
      program: 'ARS200MI',
      transaction: 'LstInvoices',
    },
    glAccounts: {
      table: 'FCHACC',
      keys: ['EADIVI', 'EAAITP', 'EAAITM'],
      stamp: 'EALMTS',
      changeDate: 'EALMDT',
      program: 'CRS630MI',
      transaction: 'LstAccountID',
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

/** An entity picked from the tenant's catalogue (`m3.OCUSMA`), not one of the six built-ins. */
export function isPickedEntity(id: string): boolean {
  return inforCustomEntityId.test(id) && !(inforEntityIds as readonly string[]).includes(id);
}

/** The entity's name for people: the built-in label, a picked entity's own label, else its id. */
export function entityLabel(id: string, source: { label?: string } | undefined): string {
  return inforEntityLabels[id as InforEntityId] ?? source?.label ?? id;
}

/**
 * Sources for one connection: defaults merged with the `entitySources` setting (JSON), plus the
 * picked entities of this product line (ids `{line}.{name}`, each a whole source: nothing to merge
 * over). Picked entities of another product line are kept in the setting but not offered, so
 * switching the product line back restores them.
 */
export function resolveSources<P extends ProductLine>(
  productLine: P,
  override: unknown,
): Partial<Record<string, SourceOf<P>>> {
  let extra: Record<string, unknown> = {};
  if (typeof override === 'string' && override.trim()) {
    try {
      extra = JSON.parse(override) as Record<string, unknown>;
    } catch {
      throw new AppError('E_INVALID_INPUT', 'The connection setting "entitySources" is not valid JSON.');
    }
  }
  const out: Partial<Record<string, SourceOf<P>>> = {};
  const defaults = defaultSources[productLine] as Partial<Record<InforEntityId, Record<string, unknown>>>;
  const check = (entity: string, value: unknown) => {
    const parsed = schemas[productLine].safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        'E_INVALID_INPUT',
        `entitySources.${entity} for ${productLine}: ${issue?.path.join('.')} ${issue?.message}.`,
      );
    }
    out[entity] = parsed.data as SourceOf<P>;
  };
  for (const entity of inforEntityIds) {
    const merged =
      extra[entity] === null ? undefined : { ...defaults[entity], ...(extra[entity] as object | undefined) };
    if (!merged || Object.keys(merged).length === 0) continue;
    check(entity, merged);
  }
  for (const [entity, value] of Object.entries(extra)) {
    if (!isPickedEntity(entity) || !entity.startsWith(`${productLine}.`)) continue;
    check(entity, value);
  }
  return out;
}
