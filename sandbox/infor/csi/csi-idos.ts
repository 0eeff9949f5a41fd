import type { CollectionSpec, Row } from '../data/collection';
import type { InforData, Order, OrderLine, Party } from '../data/records';
import { csiDateTime, decimal, isoSpaced } from '../formats';

/**
 * The CSI (SyteLine) IDOs the sandbox serves. Property names follow CSI; values are all
 * strings (or null), datetimes `yyyyMMdd HH:mm:ss.fff`. `RecordDate` is the modification stamp.
 */
export interface IdoProperty {
  name: string;
  dataType: 'String' | 'Decimal' | 'Date' | 'Byte' | 'Integer';
  length: number;
  readOnly?: boolean;
  required?: boolean;
}

export interface Ido extends CollectionSpec {
  name: string;
  table: string;
  keys: string[];
  properties: IdoProperty[];
  subCollections?: Array<{ IDOName: string; Name: string; LinkBy: Array<{ Child: string; Parent: string }> }>;
}

const p = (
  name: string,
  dataType: IdoProperty['dataType'],
  length: number,
  flags: Partial<IdoProperty> = {},
): IdoProperty => ({ name, dataType, length, ...flags });
const audit = [
  p('CreateDate', 'Date', 23, { readOnly: true }),
  p('RecordDate', 'Date', 23, { readOnly: true }),
  p('RowPointer', 'String', 36, { readOnly: true }),
];
const stat = { open: 'O', released: 'O', delivered: 'F', invoiced: 'C' } as const;
const rowPointer = (id: string) => id.toUpperCase();

function withAudit(row: Row, createdAt: number, changedAt: number, pointer: string): Row {
  return {
    ...row,
    CreateDate: csiDateTime(createdAt),
    RecordDate: csiDateTime(changedAt),
    RowPointer: rowPointer(pointer),
  };
}

function partyIdo(name: 'SLCustomers' | 'SLVendors'): Ido {
  const customers = name === 'SLCustomers';
  const keyField = customers ? 'CustNum' : 'VendNum';
  const entity = customers ? 'customers' : 'suppliers';
  const dates = ['CreateDate', 'RecordDate'];
  return {
    name,
    table: customers ? 'customer_mst' : 'vendor_mst',
    entity,
    keyField,
    keys: customers ? ['CustNum', 'CustSeq'] : ['VendNum'],
    stampField: 'RecordDate',
    dateFields: dates,
    numberFields: customers ? ['CustSeq', 'CreditLimit'] : [],
    properties: [
      p(keyField, 'String', 7, { required: true }),
      ...(customers ? [p('CustSeq', 'Integer', 4, { required: true })] : []),
      p('Name', 'String', 60, { required: true }),
      p('Addr_1', 'String', 50),
      p('Addr_2', 'String', 50),
      p('City', 'String', 30),
      p('State', 'String', 5),
      p('Zip', 'String', 10),
      p('Country', 'String', 30),
      p('Phone', 'String', 25),
      p('Contact', 'String', 30),
      p('ExternalEmailAddr', 'String', 60),
      p('CurrCode', 'String', 3),
      p('TermsCode', 'String', 3),
      ...(customers
        ? [
            p('CreditLimit', 'Decimal', 17),
            p('CreditHold', 'Byte', 1),
            p('Slsman', 'String', 8),
            p('CustType', 'String', 6),
          ]
        : []),
      p('TaxRegNum1', 'String', 25),
      ...audit,
    ],
    rows: (data: InforData, index: number) => {
      const party: Party = customers ? data.customer(index) : data.supplier(index);
      const row: Row = { [keyField]: party.number };
      if (customers) row.CustSeq = '0';
      Object.assign(row, {
        Name: party.name,
        Addr_1: party.address1,
        Addr_2: party.address2 || null,
        City: party.place.city,
        State: party.place.state,
        Zip: party.place.postalCode,
        Country: party.place.country,
        Phone: party.phone,
        Contact: party.contact,
        ExternalEmailAddr: party.email,
        CurrCode: party.place.currency,
        TermsCode: party.paymentTerm.code,
      });
      if (customers)
        Object.assign(row, {
          CreditLimit: decimal(party.creditLimit),
          CreditHold: party.blocked ? '1' : '0',
          Slsman: party.salesRep,
          CustType: party.group,
        });
      row.TaxRegNum1 = party.vatNumber;
      // What IDO updates wrote (csi-write.ts), including properties no other view has.
      Object.assign(row, data.written[entity].get(index)?.idoValues);
      return [withAudit(row, party.createdAt, party.changedAt, party.rowPointer)];
    },
    stampOf: (data, index) => data.datasets[entity].stamp(index),
  };
}

function orderIdo(kind: 'sales' | 'purchase'): Ido {
  const sales = kind === 'sales';
  const entity = sales ? 'salesOrders' : 'purchaseOrders';
  const keyField = sales ? 'CoNum' : 'PoNum';
  return {
    name: sales ? 'SLCos' : 'SLPos',
    table: sales ? 'co_mst' : 'po_mst',
    entity,
    keyField,
    keys: [keyField],
    stampField: 'RecordDate',
    dateFields: ['OrderDate', 'CreateDate', 'RecordDate'],
    numberFields: [],
    properties: [
      p(keyField, 'String', 10, { required: true }),
      p(sales ? 'CustNum' : 'VendNum', 'String', 7, { required: true }),
      ...(sales ? [p('CustSeq', 'Integer', 4), p('CustPo', 'String', 22)] : []),
      p('OrderDate', 'Date', 23),
      p('Stat', 'String', 1),
      p('CurrCode', 'String', 3),
      p('Whse', 'String', 4),
      p(sales ? 'Price' : 'TotalCost', 'Decimal', 17, { readOnly: true }),
      ...audit,
    ],
    subCollections: [
      {
        IDOName: sales ? 'SL.SLCoitems' : 'SL.SLPoItems',
        Name: sales ? 'SLCoitems' : 'SLPoItems',
        LinkBy: [{ Child: keyField, Parent: keyField }],
      },
    ],
    rows: (data, index) => {
      const order: Order = sales ? data.salesOrder(index) : data.purchaseOrder(index);
      const row: Row = { [keyField]: order.number, [sales ? 'CustNum' : 'VendNum']: order.partyNumber };
      if (sales) Object.assign(row, { CustSeq: '0', CustPo: order.reference });
      Object.assign(row, {
        OrderDate: csiDateTime(order.orderDate),
        Stat: stat[order.status],
        CurrCode: order.currency,
        Whse: order.warehouse,
      });
      row[sales ? 'Price' : 'TotalCost'] = decimal(order.total);
      return [withAudit(row, order.createdAt, order.changedAt, order.rowPointer)];
    },
    stampOf: (data, index) => data.datasets[entity].stamp(index),
  };
}

function lineIdo(kind: 'sales' | 'purchase'): Ido {
  const sales = kind === 'sales';
  const entity = sales ? 'salesOrders' : 'purchaseOrders';
  const keyField = sales ? 'CoNum' : 'PoNum';
  const lineField = sales ? 'CoLine' : 'PoLine';
  return {
    name: sales ? 'SLCoitems' : 'SLPoItems',
    table: sales ? 'coitem_mst' : 'poitem_mst',
    entity,
    keyField,
    lineField,
    keys: [keyField, lineField, sales ? 'CoRelease' : 'PoRelease'],
    stampField: 'RecordDate',
    dateFields: ['DueDate', 'CreateDate', 'RecordDate'],
    numberFields: [lineField, 'QtyOrderedConv'],
    properties: [
      p(keyField, 'String', 10, { required: true }),
      p(lineField, 'Integer', 5, { required: true }),
      p(sales ? 'CoRelease' : 'PoRelease', 'Integer', 5),
      p('Item', 'String', 30, { required: true }),
      p('Description', 'String', 40),
      p('QtyOrderedConv', 'Decimal', 19),
      p('UM', 'String', 3),
      p(sales ? 'PriceConv' : 'UnitCostConv', 'Decimal', 19),
      p('DueDate', 'Date', 23),
      p('Whse', 'String', 4),
      p('Stat', 'String', 1),
      ...audit,
    ],
    rows: (data, index) => {
      const order: Order = sales ? data.salesOrder(index) : data.purchaseOrder(index);
      return order.lines.map((line: OrderLine) =>
        withAudit(
          {
            [keyField]: order.number,
            [lineField]: String(line.line),
            [sales ? 'CoRelease' : 'PoRelease']: '0',
            Item: line.itemNumber,
            Description: line.description,
            QtyOrderedConv: line.quantity.toFixed(8),
            UM: line.unit,
            [sales ? 'PriceConv' : 'UnitCostConv']: line.price.toFixed(8),
            DueDate: csiDateTime(line.requestedDate),
            Whse: line.warehouse,
            Stat: stat[order.status],
          },
          order.createdAt,
          order.changedAt,
          `${order.rowPointer.slice(0, 34)}${String(line.line).padStart(2, '0')}`,
        ),
      );
    },
    stampOf: (data, index) => data.datasets[entity].stamp(index),
  };
}

const invoiceIdo: Ido = {
  name: 'SLInvHdrs',
  table: 'inv_hdr_mst',
  entity: 'invoices',
  keyField: 'InvNum',
  keys: ['InvNum', 'InvSeq'],
  stampField: 'RecordDate',
  dateFields: ['InvDate', 'DueDate', 'CreateDate', 'RecordDate'],
  numberFields: ['InvSeq'],
  properties: [
    p('InvNum', 'String', 12, { required: true }),
    p('InvSeq', 'Integer', 4),
    p('CustNum', 'String', 7, { required: true }),
    p('CoNum', 'String', 10),
    p('InvDate', 'Date', 23),
    p('DueDate', 'Date', 23),
    p('CurrCode', 'String', 3),
    p('Price', 'Decimal', 17),
    p('SalesTax', 'Decimal', 17),
    p('Paid', 'Byte', 1),
    ...audit,
  ],
  rows: (data, index) => {
    const invoice = data.invoice(index);
    return [
      withAudit(
        {
          InvNum: invoice.number,
          InvSeq: '0',
          CustNum: invoice.customerNumber,
          CoNum: invoice.orderNumber || null,
          InvDate: csiDateTime(invoice.invoiceDate),
          DueDate: csiDateTime(invoice.dueDate),
          CurrCode: invoice.currency,
          Price: decimal(invoice.amount),
          SalesTax: decimal(invoice.vat),
          Paid: invoice.paid ? '1' : '0',
        },
        invoice.invoiceDate,
        invoice.changedAt,
        invoice.rowPointer,
      ),
    ];
  },
  stampOf: (data, index) => data.datasets.invoices.stamp(index),
};

const accountIdo: Ido = {
  name: 'SLChartAccts',
  table: 'chart_mst',
  entity: 'glAccounts',
  keyField: 'Acct',
  keys: ['Acct'],
  stampField: 'RecordDate',
  dateFields: ['CreateDate', 'RecordDate'],
  numberFields: [],
  properties: [
    p('Acct', 'String', 12, { required: true }),
    p('Description', 'String', 40),
    p('Type', 'String', 1),
    p('AccessUnit1', 'String', 1),
    ...audit,
  ],
  rows: (data, index) => {
    const account = data.glAccount(index);
    const type =
      account.kind === 'balance'
        ? Number(account.number) % 3 === 0
          ? 'L'
          : 'A'
        : Number(account.number) % 2 === 0
          ? 'R'
          : 'E';
    return [
      withAudit(
        { Acct: account.number, Description: account.name, Type: type, AccessUnit1: 'N' },
        account.changedAt,
        account.changedAt,
        account.rowPointer,
      ),
    ];
  },
  stampOf: (data, index) => data.datasets.glAccounts.stamp(index),
};

export const idos: Record<string, Ido> = Object.fromEntries(
  [
    partyIdo('SLCustomers'),
    partyIdo('SLVendors'),
    orderIdo('sales'),
    lineIdo('sales'),
    orderIdo('purchase'),
    lineIdo('purchase'),
    invoiceIdo,
    accountIdo,
  ].map((ido) => [ido.name.toLowerCase(), ido]),
);

/** `PBT=[table] alias.DT=[yyyy-MM-dd HH:mm:ss.fff] alias.ID=[RowPointer]`, the optimistic-lock token. */
export function itemId(ido: Ido, row: Row): string {
  const alias = ido.table.replace(/_mst$/, '');
  const recordDate = String(row.RecordDate ?? '');
  const instant = /^(\d{4})(\d{2})(\d{2}) (.*)$/.exec(recordDate);
  const spaced = instant ? `${instant[1]}-${instant[2]}-${instant[3]} ${instant[4]}` : isoSpaced(0);
  return `PBT=[${alias}] ${alias}.DT=[${spaced}] ${alias}.ID=[${String(row.RowPointer ?? '').toLowerCase()}]`;
}
