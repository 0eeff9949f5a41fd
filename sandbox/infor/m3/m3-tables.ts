import { decimal, m3Stamp, ymd } from '../formats';
import type { GlAccount, InforData, InforEntity, Invoice, Order, OrderLine, Party } from '../data/records';
import type { InforBehaviour } from '../behaviour';
import { catalogueOutputs } from './m3-catalogue';

/**
 * M3 tables as the sandbox exposes them (through EXPORTMI and the list/get transactions).
 * Column names follow M3's 4-letter codes; table columns carry the 2-letter prefix (`OKCUNO`).
 *
 * Facts (issue 14, API-FACTS §10): OCUSMA carries every field of the CRS610MI Get and LstByNumber
 * outputs in the MI catalogue (150+ columns), so `* from OCUSMA` does not fit EXPORTMI's A984
 * REPL; LMTS is N18 and its text follows the `m3StampForm` behaviour; FSLEDG rows are keyed by
 * DIVI/YEA4/JRNO/JSNO (CINO repeats across years); FCHACC by DIVI/AITP/AITM (the same AITM under
 * AITP 1 and 2). Sandbox choices: reconciliation flag `RECO` (9 = paid), FCHACC `ACTY` (1 balance,
 * 2 result).
 */
export interface M3Column {
  name: string;
  type: 'A' | 'N' | 'D';
  length: number;
  description: string;
  /** Decimal places of an N column. */
  decimals?: number;
}

/** What a row's text depends on besides the record: the session company and the tenant's stamp form. */
export interface M3RowEnv {
  company: string;
  division: string;
  stampForm: InforBehaviour['m3StampForm'];
}

export interface M3Table {
  name: string;
  prefix: string;
  description: string;
  entity: InforEntity;
  /** The primary key without CONO, unprefixed, in key order. */
  keyColumns: string[];
  /** The column whose value is the dataset key (lets a condition on it narrow the scan); none when derived. */
  datasetKeyColumn?: string;
  columns: M3Column[];
  rows(data: InforData, index: number, env: M3RowEnv): Array<Record<string, string>>;
}

type Values<T> = (record: T, env: M3RowEnv) => Record<string, string>;

const changedBy = (version: number) => (version > 0 ? 'MLCSYNC' : 'M3SRVADM');
const audit = (record: { changedAt: number; version: number; createdAt?: number }, env: M3RowEnv) => ({
  RGDT: ymd(record.createdAt ?? record.changedAt),
  LMDT: ymd(record.changedAt),
  CHNO: String(record.version + 1),
  CHID: changedBy(record.version),
  LMTS: m3Stamp(record.changedAt, env.stampForm),
});
const auditColumns: M3Column[] = [
  { name: 'RGDT', type: 'D', length: 8, description: 'Entry date' },
  { name: 'LMDT', type: 'D', length: 8, description: 'Change date' },
  { name: 'CHNO', type: 'N', length: 3, description: 'Change number' },
  { name: 'CHID', type: 'A', length: 10, description: 'Changed by' },
  { name: 'LMTS', type: 'N', length: 18, description: 'Timestamp' },
];

/** Columns from catalogue outputs (union, first definition wins), then extras; dates as D8 as tables hold them. */
function columnsFrom(sources: Array<[string, string]>, extra: M3Column[]): M3Column[] {
  const out = new Map<string, M3Column>();
  for (const [program, transaction] of sources) {
    for (const field of catalogueOutputs(program, transaction)) {
      if (out.has(field.name)) continue;
      out.set(field.name, { ...field, length: field.type === 'D' ? 8 : field.length });
    }
  }
  for (const column of extra) if (!out.has(column.name)) out.set(column.name, column);
  const cono = out.get('CONO') ?? { name: 'CONO', type: 'N', length: 3, description: 'Company' };
  out.delete('CONO');
  return [cono, ...out.values()];
}

/**
 * Text that real M3 holds and a naive EXPORTMI split breaks (~2 % of customers): the separator
 * `;` (the CRS949MI fixture's e-mail list), `|`, `,`, quotes and a leading blank.
 */
export const awkwardCustomerText: Record<number, { CUNM?: string; MAIL?: string; CUA1?: string }> = {
  2: { CUNM: 'Alder; Sons Ltd' },
  4: { MAIL: 'user1@example.com; user2@example.com' },
};
function awkward(index: number): { CUNM?: string; MAIL?: string; CUA1?: string } {
  const seeded = awkwardCustomerText[index];
  if (seeded) return seeded;
  switch (index % 50) {
    case 11:
      return { CUNM: `Birch | Oak ${index}` };
    case 23:
      return { CUA1: `Unit 4, "The Yard"` };
    case 37:
      return { CUNM: `O'Neill; Partners ${index}` };
    case 41:
      return { CUA1: `  Leading blanks ${index}` };
    default:
      return {};
  }
}

const customerValues: Values<Party> = (c, env) => ({
  CONO: env.company,
  DIVI: '',
  CUNO: c.number,
  CUNM: c.name,
  CUA1: c.address1,
  CUA2: c.address2,
  CUA3: `${c.place.postalCode} ${c.place.city}`,
  CUA4: c.place.country,
  TOWN: c.place.city,
  PONO: c.place.postalCode,
  ECAR: c.place.state.slice(0, 2),
  CSCD: c.place.country,
  PHNO: c.phone,
  TFNO: c.fax,
  MAIL: c.email,
  YREF: c.contact,
  VRNO: c.vatNumber,
  CUCD: c.place.currency,
  TEPY: c.paymentTerm.code,
  CRL2: decimal(c.creditLimit),
  STAT: c.blocked ? '90' : '20',
  CUTP: '0',
  CUCL: c.group.slice(0, 3),
  SMCD: c.salesRep,
  LNCD: c.place.language,
  PYNO: c.number,
  ...audit(c, env),
  ...awkward(c.index),
});

const supplierValues: Values<Party> = (s, env) => ({
  CONO: env.company,
  DIVI: '',
  SUNO: s.number,
  SUNM: s.name,
  SUTY: '0',
  STAT: s.blocked ? '90' : '20',
  CSCD: s.place.country,
  PHNO: s.phone,
  VRNO: s.vatNumber,
  CUCD: s.place.currency,
  TEPY: s.paymentTerm.code,
  LNCD: s.place.language,
  ...audit(s, env),
});

const orderStatus = { open: '22', released: '33', delivered: '66', invoiced: '77' } as const;
const purchaseStatus = { open: '15', released: '20', delivered: '50', invoiced: '85' } as const;

const salesHeadValues: Values<Order> = (o, env) => ({
  CONO: env.company,
  DIVI: env.division,
  ORNO: o.number,
  CUNO: o.partyNumber,
  ORTP: 'A01',
  ORDT: ymd(o.orderDate),
  RLDT: ymd(o.requestedDate),
  CUOR: o.reference,
  CUCD: o.currency,
  WHLO: o.warehouse,
  ORST: orderStatus[o.status],
  NTAM: decimal(o.total),
  ...audit(o, env),
});

type LineOf = { order: Order; line: OrderLine };
const salesLineValues: Values<LineOf> = ({ order, line }, env) => ({
  CONO: env.company,
  DIVI: env.division,
  ORNO: order.number,
  PONR: String(line.line),
  POSX: '0',
  ITNO: line.itemNumber,
  ITDS: line.description,
  ORQT: String(line.quantity),
  ALUN: line.unit,
  SAPR: decimal(line.price),
  LNAM: decimal(line.amount),
  WHLO: line.warehouse,
  DWDT: ymd(line.requestedDate),
  ORST: orderStatus[order.status],
  ...audit(order, env),
});

const purchaseHeadValues: Values<Order> = (o, env) => ({
  CONO: env.company,
  DIVI: env.division,
  PUNO: o.number,
  SUNO: o.partyNumber,
  PUDT: ymd(o.orderDate),
  DWDT: ymd(o.requestedDate),
  CUCD: o.currency,
  FACI: o.facility ?? 'A01',
  WHLO: o.warehouse,
  YRE1: o.reference,
  PUSL: purchaseStatus[o.status],
  PUST: purchaseStatus[o.status],
  ...audit(o, env),
});

const purchaseLineValues: Values<LineOf> = ({ order, line }, env) => ({
  CONO: env.company,
  DIVI: env.division,
  PUNO: order.number,
  PNLI: String(line.line),
  PNLS: '0',
  ITNO: line.itemNumber,
  PITD: line.description,
  ORQA: String(line.quantity),
  PUUN: line.unit,
  PUPR: decimal(line.price),
  LNAM: decimal(line.amount),
  DWDT: ymd(line.requestedDate),
  WHLO: line.warehouse,
  PUSL: purchaseStatus[order.status],
  ...audit(order, env),
});

/** FSLEDG: one voucher line per invoice. CINO restarts per third of the history, so it repeats across YEA4. */
export function invoiceKeyParts(
  invoice: Invoice,
  count: number,
): { YEA4: string; JRNO: string; JSNO: string; CINO: string } {
  return {
    YEA4: String(new Date(invoice.invoiceDate).getUTCFullYear()),
    JRNO: String(invoice.index + 1),
    JSNO: '1',
    CINO: String(1_000_000 + (invoice.index % Math.max(1, Math.ceil(count / 3)))),
  };
}
const invoiceValues =
  (count: number): Values<Invoice> =>
  (i, env) => ({
    CONO: env.company,
    DIVI: env.division,
    ...invoiceKeyParts(i, count),
    CUNO: i.customerNumber,
    PYNO: i.customerNumber,
    INYR: String(new Date(i.invoiceDate).getUTCFullYear()),
    IVDT: ymd(i.invoiceDate),
    DUDT: ymd(i.dueDate),
    CUCD: i.currency,
    CUAM: decimal(i.total),
    VTAM: decimal(i.vat),
    TRCD: '10',
    RECO: i.paid ? '9' : '0',
    ...audit({ ...i, createdAt: i.invoiceDate }, env),
  });

/** FCHACC: account pairs share AITM, one under accounting dimension 1 and one under 2. */
export function accountKeyParts(account: GlAccount): { AITP: string; AITM: string } {
  return { AITP: String(1 + (account.index % 2)), AITM: String(100_000 + Math.floor(account.index / 2) * 10) };
}
const accountValues: Values<GlAccount> = (a, env) => ({
  CONO: env.company,
  DIVI: env.division,
  ...accountKeyParts(a),
  TX40: a.name,
  TX15: a.name.slice(0, 15),
  ACTY: a.kind === 'balance' ? '1' : '2',
  STAT: a.active ? '20' : '90',
  ...audit(a, env),
});

const c = (name: string, type: M3Column['type'], length: number, description: string, decimals?: number): M3Column => ({
  name,
  type,
  length,
  description,
  ...(decimals === undefined ? {} : { decimals }),
});

/** A row of every column, defaults filled in place (each `values` object is new per row; a copy of ~180 columns was most of a Select's cost). */
function rowOf(columns: M3Column[], values: Record<string, string>): Record<string, string> {
  for (const column of columns)
    if (values[column.name] === undefined) values[column.name] = column.type === 'A' ? '' : '0';
  return values;
}

const customerColumns = columnsFrom(
  ['LstByNumber', 'GetBasicData', 'GetFinancial', 'GetOrderInfo', 'GetServOrdInfo', 'GetRentalData'].map(
    (transaction) => ['CRS610MI', transaction],
  ),
  auditColumns,
);
const supplierColumns = columnsFrom(
  [
    ['CRS620MI', 'LstSuppliers'],
    ['CRS620MI', 'GetBasicData'],
  ],
  [c('SUTY', 'N', 1, 'Supplier type'), ...auditColumns],
);
const salesHeadColumns: M3Column[] = [
  c('CONO', 'N', 3, 'Company'),
  c('DIVI', 'A', 3, 'Division'),
  c('ORNO', 'A', 10, 'Customer order number'),
  c('CUNO', 'A', 10, 'Customer'),
  c('ORTP', 'A', 3, 'Customer order type'),
  c('ORDT', 'D', 8, 'Order date'),
  c('RLDT', 'D', 8, 'Requested delivery date'),
  c('CUOR', 'A', 20, "Customer's order number"),
  c('CUCD', 'A', 3, 'Currency'),
  c('WHLO', 'A', 3, 'Warehouse'),
  c('ORST', 'A', 2, 'Highest status - customer order'),
  c('NTAM', 'N', 17, 'Net order value', 2),
  ...auditColumns,
];
const salesLineColumns: M3Column[] = [
  c('CONO', 'N', 3, 'Company'),
  c('DIVI', 'A', 3, 'Division'),
  c('ORNO', 'A', 10, 'Customer order number'),
  c('PONR', 'N', 5, 'Order line number'),
  c('POSX', 'N', 2, 'Line suffix'),
  c('ITNO', 'A', 15, 'Item number'),
  c('ITDS', 'A', 30, 'Name'),
  c('ORQT', 'N', 15, 'Ordered quantity - basic U/M', 6),
  c('ALUN', 'A', 3, 'Alternate U/M'),
  c('SAPR', 'N', 17, 'Sales price', 2),
  c('LNAM', 'N', 17, 'Line amount', 2),
  c('WHLO', 'A', 3, 'Warehouse'),
  c('DWDT', 'D', 8, 'Requested delivery date'),
  c('ORST', 'A', 2, 'Status - customer order'),
  ...auditColumns,
];
const purchaseHeadColumns: M3Column[] = [
  c('CONO', 'N', 3, 'Company'),
  c('DIVI', 'A', 3, 'Division'),
  c('PUNO', 'A', 10, 'Purchase order number'),
  c('SUNO', 'A', 10, 'Supplier'),
  c('PUDT', 'D', 8, 'Order date'),
  c('DWDT', 'D', 8, 'Requested delivery date'),
  c('CUCD', 'A', 3, 'Currency'),
  c('FACI', 'A', 3, 'Facility'),
  c('WHLO', 'A', 3, 'Warehouse'),
  // Your reference (A36 in PPS200MI/GetHead, M3H5): what a PO created elsewhere can be matched by.
  c('YRE1', 'A', 36, 'Your reference'),
  c('PUSL', 'A', 2, 'Lowest status'),
  c('PUST', 'A', 2, 'Highest status'),
  ...auditColumns,
];
const purchaseLineColumns: M3Column[] = [
  c('CONO', 'N', 3, 'Company'),
  c('DIVI', 'A', 3, 'Division'),
  c('PUNO', 'A', 10, 'Purchase order number'),
  c('PNLI', 'N', 5, 'Purchase order line'),
  c('PNLS', 'N', 3, 'Purchase order line subnumber'),
  c('ITNO', 'A', 15, 'Item number'),
  c('PITD', 'A', 30, 'Purchase order item name'),
  c('ORQA', 'N', 15, 'Ordered quantity - alternate U/M', 6),
  c('PUUN', 'A', 3, 'Purchase order U/M'),
  c('PUPR', 'N', 17, 'Purchase price', 2),
  c('LNAM', 'N', 17, 'Line amount', 2),
  c('DWDT', 'D', 8, 'Requested delivery date'),
  c('WHLO', 'A', 3, 'Warehouse'),
  c('PUSL', 'A', 2, 'Lowest status'),
  ...auditColumns,
];
const invoiceColumns: M3Column[] = [
  c('CONO', 'N', 3, 'Company'),
  c('DIVI', 'A', 3, 'Division'),
  c('YEA4', 'N', 4, 'Year'),
  c('JRNO', 'N', 7, 'Journal number'),
  c('JSNO', 'N', 7, 'Journal sequence number'),
  c('CINO', 'A', 15, 'Invoice number'),
  c('INYR', 'N', 4, 'Invoice year'),
  c('CUNO', 'A', 10, 'Customer'),
  c('PYNO', 'A', 10, 'Payer'),
  c('IVDT', 'D', 8, 'Invoice date'),
  c('DUDT', 'D', 8, 'Due date'),
  c('CUCD', 'A', 3, 'Currency'),
  c('CUAM', 'N', 17, 'Foreign currency amount', 2),
  c('VTAM', 'N', 17, 'VAT amount', 2),
  c('TRCD', 'N', 2, 'Transaction code'),
  c('RECO', 'N', 1, 'Reconciliation code'),
  ...auditColumns,
];
const accountColumns: M3Column[] = columnsFrom(
  [['CRS630MI', 'LstAccountID']],
  [c('ACTY', 'N', 1, 'Account type'), c('STAT', 'A', 2, 'Status')],
).filter((column) => !['LNCD', 'LX40', 'LX15'].includes(column.name));

/** A party's columns with what M3 writes set over them (stamps stay computed: they moved with the write). */
function withWritten(data: InforData, entity: 'customers' | 'suppliers', values: Values<Party>): Values<Party> {
  return (party, env) => {
    const row = values(party, env);
    const written = data.written[entity].get(party.index);
    return written ? { ...row, ...written.columns } : row;
  };
}

/**
 * A party table's rows, each built once while its party and the session's company stay the same: a
 * windowed read asks for most rows twice. Rows are frozen, so no reader can change another's.
 */
function partyRows(entity: 'customers' | 'suppliers', columns: M3Column[], values: Values<Party>): M3Table['rows'] {
  const built = new WeakMap<
    InforData,
    Map<number, { token: object; env: string; rows: Array<Record<string, string>> }>
  >();
  return (data, index, env) => {
    let byIndex = built.get(data);
    if (!byIndex) built.set(data, (byIndex = new Map()));
    const token = data.partyToken(entity, index);
    const key = `${env.company}\u0000${env.division}\u0000${env.stampForm}`;
    const hit = byIndex.get(index);
    if (hit && hit.token === token && hit.env === key) return hit.rows;
    const party = entity === 'customers' ? data.customer(index) : data.supplier(index);
    const rows = [Object.freeze(rowOf(columns, withWritten(data, entity, values)(party, env)))];
    if (byIndex.size >= 50_000) byIndex.clear();
    byIndex.set(index, { token, env: key, rows });
    return rows;
  };
}

function single<T>(
  columns: M3Column[],
  record: (data: InforData, index: number) => T,
  values: (data: InforData) => Values<T>,
): M3Table['rows'] {
  return (data, index, env) => [rowOf(columns, values(data)(record(data, index), env))];
}

export const m3Tables: Record<string, M3Table> = {
  OCUSMA: {
    name: 'OCUSMA',
    prefix: 'OK',
    description: 'Customer master',
    entity: 'customers',
    keyColumns: ['CUNO'],
    datasetKeyColumn: 'CUNO',
    columns: customerColumns,
    rows: partyRows('customers', customerColumns, customerValues),
  },
  CIDMAS: {
    name: 'CIDMAS',
    prefix: 'ID',
    description: 'Supplier master',
    entity: 'suppliers',
    keyColumns: ['SUNO'],
    datasetKeyColumn: 'SUNO',
    columns: supplierColumns,
    rows: partyRows('suppliers', supplierColumns, supplierValues),
  },
  OOHEAD: {
    name: 'OOHEAD',
    prefix: 'OA',
    description: 'Customer order head',
    entity: 'salesOrders',
    keyColumns: ['ORNO'],
    datasetKeyColumn: 'ORNO',
    columns: salesHeadColumns,
    rows: single(
      salesHeadColumns,
      (data, index) => data.salesOrder(index),
      () => salesHeadValues,
    ),
  },
  OOLINE: {
    name: 'OOLINE',
    prefix: 'OB',
    description: 'Customer order line',
    entity: 'salesOrders',
    keyColumns: ['ORNO', 'PONR', 'POSX'],
    datasetKeyColumn: 'ORNO',
    columns: salesLineColumns,
    rows: (data, index, env) => {
      const order = data.salesOrder(index);
      return order.lines.map((line) => rowOf(salesLineColumns, salesLineValues({ order, line }, env)));
    },
  },
  MPHEAD: {
    name: 'MPHEAD',
    prefix: 'IA',
    description: 'Purchase order head',
    entity: 'purchaseOrders',
    keyColumns: ['PUNO'],
    datasetKeyColumn: 'PUNO',
    columns: purchaseHeadColumns,
    rows: single(
      purchaseHeadColumns,
      (data, index) => data.purchaseOrder(index),
      () => purchaseHeadValues,
    ),
  },
  MPLINE: {
    name: 'MPLINE',
    prefix: 'IB',
    description: 'Purchase order line',
    entity: 'purchaseOrders',
    keyColumns: ['PUNO', 'PNLI', 'PNLS'],
    datasetKeyColumn: 'PUNO',
    columns: purchaseLineColumns,
    rows: (data, index, env) => {
      const order = data.purchaseOrder(index);
      return order.lines.map((line) => rowOf(purchaseLineColumns, purchaseLineValues({ order, line }, env)));
    },
  },
  FSLEDG: {
    name: 'FSLEDG',
    prefix: 'ES',
    description: 'Customer ledger',
    entity: 'invoices',
    keyColumns: ['DIVI', 'YEA4', 'JRNO', 'JSNO'],
    columns: invoiceColumns,
    rows: single(
      invoiceColumns,
      (data, index) => data.invoice(index),
      (data) => invoiceValues(data.datasets.invoices.count),
    ),
  },
  FCHACC: {
    name: 'FCHACC',
    prefix: 'EA',
    description: 'Chart of accounts',
    entity: 'glAccounts',
    keyColumns: ['DIVI', 'AITP', 'AITM'],
    columns: accountColumns,
    rows: single(
      accountColumns,
      (data, index) => data.glAccount(index),
      () => accountValues,
    ),
  },
};

/** Right-pads alphanumeric values to their column length, as M3 does unless asked to trim. */
export function padValue(column: M3Column | undefined, value: string): string {
  return column && column.type === 'A' ? value.padEnd(column.length, ' ') : value;
}
