import { decimal, m3Timestamp, ymd } from '../formats';
import type { GlAccount, InforData, InforEntity, Invoice, Order, OrderLine, Party } from '../data/records';

/**
 * M3 tables as the sandbox exposes them (through EXPORTMI and the list/get transactions).
 * Column names follow M3's 4-letter codes; table columns carry the 2-letter prefix
 * (`OKCUNO`). Sandbox choices where the real name is unconfirmed: credit limit `CRL2`,
 * customer e-mail `MAIL`, LMTS = 17-digit UTC `yyyyMMddHHmmssSSS`, FSLEDG keyed by `CINO`,
 * reconciliation flag `RECO` (9 = paid), FCHACC account type `ACTY` (1 balance, 2 result).
 */
export interface M3Column {
  name: string;
  type: 'A' | 'N' | 'D';
  length: number;
  description: string;
}

export interface M3Table {
  name: string;
  prefix: string;
  description: string;
  entity: InforEntity;
  /** The header key (unprefixed), e.g. CUNO, ORNO. */
  keyColumn: string;
  /** Line tables: the line number column (PONR, PNLI); rows per header come from `rows`. */
  lineColumn?: string;
  columns: M3Column[];
  rows(data: InforData, index: number): Array<Record<string, string>>;
}

type Getter<T> = (record: T) => string;
interface ColumnSpec<T> extends M3Column {
  get: Getter<T>;
}

const col = <T>(
  name: string,
  type: M3Column['type'],
  length: number,
  description: string,
  get: Getter<T>,
): ColumnSpec<T> => ({
  name,
  type,
  length,
  description,
  get,
});

const company = '100';
const changedBy = (version: number) => (version > 0 ? 'MLCSYNC' : 'M3SRVADM');

const customerColumns: ColumnSpec<Party>[] = [
  col('CONO', 'N', 3, 'Company', () => company),
  col('CUNO', 'A', 10, 'Customer', (c) => c.number),
  col('CUNM', 'A', 36, 'Customer name', (c) => c.name),
  col('CUA1', 'A', 36, 'Customer address 1', (c) => c.address1),
  col('CUA2', 'A', 36, 'Customer address 2', (c) => c.address2),
  col('CUA3', 'A', 36, 'Customer address 3', (c) => `${c.place.postalCode} ${c.place.city}`),
  col('CUA4', 'A', 36, 'Customer address 4', (c) => c.place.country),
  col('TOWN', 'A', 20, 'City', (c) => c.place.city),
  col('PONO', 'A', 10, 'Postal code', (c) => c.place.postalCode),
  col('ECAR', 'A', 2, 'State', (c) => c.place.state.slice(0, 2)),
  col('CSCD', 'A', 3, 'Country', (c) => c.place.country),
  col('PHNO', 'A', 16, 'Telephone number 1', (c) => c.phone),
  col('TFNO', 'A', 16, 'Facsimile transmission number', (c) => c.fax),
  col('MAIL', 'A', 40, 'E-mail address', (c) => c.email),
  col('YREF', 'A', 30, 'Your reference 1', (c) => c.contact),
  col('VRNO', 'A', 16, 'VAT registration number', (c) => c.vatNumber),
  col('CUCD', 'A', 3, 'Currency', (c) => c.place.currency),
  col('TEPY', 'A', 3, 'Payment terms', (c) => c.paymentTerm.code),
  col('CRL2', 'N', 15, 'Credit limit 2', (c) => decimal(c.creditLimit)),
  col('STAT', 'A', 2, 'Status', (c) => (c.blocked ? '90' : '20')),
  col('CUTP', 'N', 1, 'Customer type', () => '0'),
  col('CUCL', 'A', 10, 'Customer group', (c) => c.group),
  col('SMCD', 'A', 10, 'Salesperson', (c) => c.salesRep),
  col('LHCD', 'A', 2, 'Language', (c) => c.place.language),
  col('RGDT', 'D', 8, 'Entry date', (c) => ymd(c.createdAt)),
  col('LMDT', 'D', 8, 'Change date', (c) => ymd(c.changedAt)),
  col('CHNO', 'N', 3, 'Change number', (c) => String(c.version + 1)),
  col('CHID', 'A', 10, 'Changed by', (c) => changedBy(c.version)),
  col('LMTS', 'N', 17, 'Timestamp', (c) => m3Timestamp(c.changedAt)),
];

const supplierColumns: ColumnSpec<Party>[] = [
  col('CONO', 'N', 3, 'Company', () => company),
  col('SUNO', 'A', 10, 'Supplier', (s) => s.number),
  col('SUNM', 'A', 36, 'Supplier name', (s) => s.name),
  col('SUTY', 'N', 1, 'Supplier type', () => '0'),
  col('STAT', 'A', 2, 'Status', (s) => (s.blocked ? '90' : '20')),
  col('CSCD', 'A', 3, 'Country', (s) => s.place.country),
  col('PHNO', 'A', 16, 'Telephone number 1', (s) => s.phone),
  col('VRNO', 'A', 16, 'VAT registration number', (s) => s.vatNumber),
  col('CUCD', 'A', 3, 'Currency', (s) => s.place.currency),
  col('TEPY', 'A', 3, 'Payment terms', (s) => s.paymentTerm.code),
  col('LNCD', 'A', 2, 'Language', (s) => s.place.language),
  col('RGDT', 'D', 8, 'Entry date', (s) => ymd(s.createdAt)),
  col('LMDT', 'D', 8, 'Change date', (s) => ymd(s.changedAt)),
  col('CHNO', 'N', 3, 'Change number', (s) => String(s.version + 1)),
  col('CHID', 'A', 10, 'Changed by', (s) => changedBy(s.version)),
  col('LMTS', 'N', 17, 'Timestamp', (s) => m3Timestamp(s.changedAt)),
];

const orderStatus = { open: '22', released: '33', delivered: '66', invoiced: '77' } as const;

const salesHeadColumns: ColumnSpec<Order>[] = [
  col('CONO', 'N', 3, 'Company', () => company),
  col('ORNO', 'A', 10, 'Customer order number', (o) => o.number),
  col('CUNO', 'A', 10, 'Customer', (o) => o.partyNumber),
  col('ORTP', 'A', 3, 'Customer order type', () => 'A01'),
  col('ORDT', 'D', 8, 'Order date', (o) => ymd(o.orderDate)),
  col('RLDT', 'D', 8, 'Requested delivery date', (o) => ymd(o.requestedDate)),
  col('CUOR', 'A', 20, "Customer's order number", (o) => o.reference),
  col('CUCD', 'A', 3, 'Currency', (o) => o.currency),
  col('WHLO', 'A', 3, 'Warehouse', (o) => o.warehouse),
  col('ORST', 'A', 2, 'Highest status - customer order', (o) => orderStatus[o.status]),
  col('NTAM', 'N', 17, 'Net order value', (o) => decimal(o.total)),
  col('RGDT', 'D', 8, 'Entry date', (o) => ymd(o.createdAt)),
  col('LMDT', 'D', 8, 'Change date', (o) => ymd(o.changedAt)),
  col('CHNO', 'N', 3, 'Change number', (o) => String(o.version + 1)),
  col('CHID', 'A', 10, 'Changed by', (o) => changedBy(o.version)),
  col('LMTS', 'N', 17, 'Timestamp', (o) => m3Timestamp(o.changedAt)),
];

type LineOf = { order: Order; line: OrderLine };

const salesLineColumns: ColumnSpec<LineOf>[] = [
  col('CONO', 'N', 3, 'Company', () => company),
  col('ORNO', 'A', 10, 'Customer order number', (r) => r.order.number),
  col('PONR', 'N', 5, 'Order line number', (r) => String(r.line.line)),
  col('POSX', 'N', 2, 'Line suffix', () => '0'),
  col('ITNO', 'A', 15, 'Item number', (r) => r.line.itemNumber),
  col('ITDS', 'A', 30, 'Name', (r) => r.line.description),
  col('ORQT', 'N', 15, 'Ordered quantity - basic U/M', (r) => String(r.line.quantity)),
  col('ALUN', 'A', 3, 'Alternate U/M', (r) => r.line.unit),
  col('SAPR', 'N', 17, 'Sales price', (r) => decimal(r.line.price)),
  col('LNAM', 'N', 17, 'Line amount', (r) => decimal(r.line.amount)),
  col('WHLO', 'A', 3, 'Warehouse', (r) => r.line.warehouse),
  col('DWDT', 'D', 8, 'Requested delivery date', (r) => ymd(r.line.requestedDate)),
  col('ORST', 'A', 2, 'Status - customer order', (r) => orderStatus[r.order.status]),
  col('LMDT', 'D', 8, 'Change date', (r) => ymd(r.order.changedAt)),
  col('LMTS', 'N', 17, 'Timestamp', (r) => m3Timestamp(r.order.changedAt)),
];

const purchaseStatus = { open: '15', released: '20', delivered: '50', invoiced: '85' } as const;

const purchaseHeadColumns: ColumnSpec<Order>[] = [
  col('CONO', 'N', 3, 'Company', () => company),
  col('PUNO', 'A', 10, 'Purchase order number', (o) => o.number),
  col('SUNO', 'A', 10, 'Supplier', (o) => o.partyNumber),
  col('PUDT', 'D', 8, 'Order date', (o) => ymd(o.orderDate)),
  col('DWDT', 'D', 8, 'Requested delivery date', (o) => ymd(o.requestedDate)),
  col('CUCD', 'A', 3, 'Currency', (o) => o.currency),
  col('WHLO', 'A', 3, 'Warehouse', (o) => o.warehouse),
  col('PUSL', 'A', 2, 'Lowest status', (o) => purchaseStatus[o.status]),
  col('PUST', 'A', 2, 'Highest status', (o) => purchaseStatus[o.status]),
  col('RGDT', 'D', 8, 'Entry date', (o) => ymd(o.createdAt)),
  col('LMDT', 'D', 8, 'Change date', (o) => ymd(o.changedAt)),
  col('CHNO', 'N', 3, 'Change number', (o) => String(o.version + 1)),
  col('CHID', 'A', 10, 'Changed by', (o) => changedBy(o.version)),
  col('LMTS', 'N', 17, 'Timestamp', (o) => m3Timestamp(o.changedAt)),
];

const purchaseLineColumns: ColumnSpec<LineOf>[] = [
  col('CONO', 'N', 3, 'Company', () => company),
  col('PUNO', 'A', 10, 'Purchase order number', (r) => r.order.number),
  col('PNLI', 'N', 5, 'Purchase order line', (r) => String(r.line.line)),
  col('PNLS', 'N', 3, 'Purchase order line subnumber', () => '0'),
  col('ITNO', 'A', 15, 'Item number', (r) => r.line.itemNumber),
  col('PITD', 'A', 30, 'Purchase order item name', (r) => r.line.description),
  col('ORQA', 'N', 15, 'Ordered quantity - alternate U/M', (r) => String(r.line.quantity)),
  col('PUUN', 'A', 3, 'Purchase order U/M', (r) => r.line.unit),
  col('PUPR', 'N', 17, 'Purchase price', (r) => decimal(r.line.price)),
  col('LNAM', 'N', 17, 'Line amount', (r) => decimal(r.line.amount)),
  col('DWDT', 'D', 8, 'Requested delivery date', (r) => ymd(r.line.requestedDate)),
  col('WHLO', 'A', 3, 'Warehouse', (r) => r.line.warehouse),
  col('PUSL', 'A', 2, 'Lowest status', (r) => purchaseStatus[r.order.status]),
  col('LMDT', 'D', 8, 'Change date', (r) => ymd(r.order.changedAt)),
  col('LMTS', 'N', 17, 'Timestamp', (r) => m3Timestamp(r.order.changedAt)),
];

const invoiceColumns: ColumnSpec<Invoice>[] = [
  col('CONO', 'N', 3, 'Company', () => company),
  col('DIVI', 'A', 3, 'Division', () => 'AAA'),
  col('CINO', 'A', 15, 'Invoice number', (i) => i.number),
  col('CUNO', 'A', 10, 'Customer', (i) => i.customerNumber),
  col('PYNO', 'A', 10, 'Payer', (i) => i.customerNumber),
  col('IVDT', 'D', 8, 'Invoice date', (i) => ymd(i.invoiceDate)),
  col('DUDT', 'D', 8, 'Due date', (i) => ymd(i.dueDate)),
  col('CUCD', 'A', 3, 'Currency', (i) => i.currency),
  col('CUAM', 'N', 17, 'Foreign currency amount', (i) => decimal(i.total)),
  col('VTAM', 'N', 17, 'VAT amount', (i) => decimal(i.vat)),
  col('TRCD', 'N', 2, 'Transaction code', () => '10'),
  col('RECO', 'N', 1, 'Reconciliation code', (i) => (i.paid ? '9' : '0')),
  col('RGDT', 'D', 8, 'Entry date', (i) => ymd(i.invoiceDate)),
  col('LMDT', 'D', 8, 'Change date', (i) => ymd(i.changedAt)),
  col('CHNO', 'N', 3, 'Change number', (i) => String(i.version + 1)),
  col('LMTS', 'N', 17, 'Timestamp', (i) => m3Timestamp(i.changedAt)),
];

const accountColumns: ColumnSpec<GlAccount>[] = [
  col('CONO', 'N', 3, 'Company', () => company),
  col('DIVI', 'A', 3, 'Division', () => 'AAA'),
  col('AITP', 'N', 1, 'Accounting dimension', () => '1'),
  col('AITM', 'A', 8, 'Accounting identity', (a) => a.number),
  col('TX40', 'A', 40, 'Description', (a) => a.name),
  col('TX15', 'A', 15, 'Name', (a) => a.name.slice(0, 15)),
  col('ACTY', 'N', 1, 'Account type', (a) => (a.kind === 'balance' ? '1' : '2')),
  col('STAT', 'A', 2, 'Status', (a) => (a.active ? '20' : '90')),
  col('LMDT', 'D', 8, 'Change date', (a) => ymd(a.changedAt)),
  col('CHNO', 'N', 3, 'Change number', (a) => String(a.version + 1)),
  col('LMTS', 'N', 17, 'Timestamp', (a) => m3Timestamp(a.changedAt)),
];

function rowOf<T>(columns: ColumnSpec<T>[], record: T): Record<string, string> {
  const row: Record<string, string> = {};
  for (const column of columns) row[column.name] = column.get(record);
  return row;
}

const strip = <T>(columns: ColumnSpec<T>[]): M3Column[] =>
  columns.map(({ name, type, length, description }) => ({ name, type, length, description }));

export const m3Tables: Record<string, M3Table> = {
  OCUSMA: {
    name: 'OCUSMA',
    prefix: 'OK',
    description: 'Customer master',
    entity: 'customers',
    keyColumn: 'CUNO',
    columns: strip(customerColumns),
    rows: (data, index) => [rowOf(customerColumns, data.customer(index))],
  },
  CIDMAS: {
    name: 'CIDMAS',
    prefix: 'ID',
    description: 'Supplier master',
    entity: 'suppliers',
    keyColumn: 'SUNO',
    columns: strip(supplierColumns),
    rows: (data, index) => [rowOf(supplierColumns, data.supplier(index))],
  },
  OOHEAD: {
    name: 'OOHEAD',
    prefix: 'OA',
    description: 'Customer order head',
    entity: 'salesOrders',
    keyColumn: 'ORNO',
    columns: strip(salesHeadColumns),
    rows: (data, index) => [rowOf(salesHeadColumns, data.salesOrder(index))],
  },
  OOLINE: {
    name: 'OOLINE',
    prefix: 'OB',
    description: 'Customer order line',
    entity: 'salesOrders',
    keyColumn: 'ORNO',
    lineColumn: 'PONR',
    columns: strip(salesLineColumns),
    rows: (data, index) => {
      const order = data.salesOrder(index);
      return order.lines.map((line) => rowOf(salesLineColumns, { order, line }));
    },
  },
  MPHEAD: {
    name: 'MPHEAD',
    prefix: 'IA',
    description: 'Purchase order head',
    entity: 'purchaseOrders',
    keyColumn: 'PUNO',
    columns: strip(purchaseHeadColumns),
    rows: (data, index) => [rowOf(purchaseHeadColumns, data.purchaseOrder(index))],
  },
  MPLINE: {
    name: 'MPLINE',
    prefix: 'IB',
    description: 'Purchase order line',
    entity: 'purchaseOrders',
    keyColumn: 'PUNO',
    lineColumn: 'PNLI',
    columns: strip(purchaseLineColumns),
    rows: (data, index) => {
      const order = data.purchaseOrder(index);
      return order.lines.map((line) => rowOf(purchaseLineColumns, { order, line }));
    },
  },
  FSLEDG: {
    name: 'FSLEDG',
    prefix: 'ES',
    description: 'Customer ledger',
    entity: 'invoices',
    keyColumn: 'CINO',
    columns: strip(invoiceColumns),
    rows: (data, index) => [rowOf(invoiceColumns, data.invoice(index))],
  },
  FCHACC: {
    name: 'FCHACC',
    prefix: 'EA',
    description: 'Chart of accounts',
    entity: 'glAccounts',
    keyColumn: 'AITM',
    columns: strip(accountColumns),
    rows: (data, index) => [rowOf(accountColumns, data.glAccount(index))],
  },
};

/** Right-pads alphanumeric values to their column length, as M3 does unless asked to trim. */
export function padValue(column: M3Column | undefined, value: string): string {
  return column && column.type === 'A' ? value.padEnd(column.length, ' ') : value;
}
