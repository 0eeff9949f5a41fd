import type { CollectionSpec } from '../data/collection';
import { withViewWrites } from '../data/party-writes';
import type { Party } from '../data/records';
import { decimal, fsmStamp, ymd } from '../formats';

/**
 * FSM (Landmark) business classes served through `_generic` lists. Class and field names
 * follow Landmark conventions; where API-FACTS says "unknown" the names are the sandbox's
 * choice: `Customer` (CustomerGroup, Customer, Name), `Vendor` (VendorGroup, Vendor,
 * VendorName), `GeneralLedgerChartAccount`, `PurchaseOrder`, `ReceivableInvoice`. Values are
 * strings, dates `YYYYMMDD`, the change stamp `UpdateStamp` is UTC `YYYYMMDDHHMMSSFF`.
 */
export interface FsmField {
  name: string;
  type: 'Alpha' | 'Numeric' | 'Decimal' | 'Date' | 'TimeStamp';
  size: number;
  required?: boolean;
  description: string;
}

export interface FsmClass extends CollectionSpec {
  name: string;
  description: string;
  fields: FsmField[];
  /** The whole key (group fields included), as Landmark identifies a record. */
  keys: string[];
}

/**
 * Customers and vendors live in groups (CustomerGroup, VendorGroup), and a number is unique only
 * within its group (API-FACTS §10): every 50th party (index 7, 57, …) also exists in group 2000
 * as another company with the same number. A reader keyed by the number alone merges the two.
 */
export function fsmGroupsOf(index: number): string[] {
  return index % 50 === 7 ? ['1000', '2000'] : ['1000'];
}

/** Rows of a party class for `count` parties (the second-group twins included). */
export function fsmPartyRows(count: number): number {
  return count + (count > 7 ? Math.floor((count - 8) / 50) + 1 : 0);
}

/** The groups a party key (`C0000008`, `S0000058`) is listed under; the sandbox's keys number parties from 1. */
export function fsmGroupsOfKey(key: string): string[] {
  return fsmGroupsOf(Number(key.slice(1)) - 1);
}

/** Position of a twin within its number (0 = group 1000); hidden from the listed fields. */
const groupOrdinal = '_groupOrdinal';

const f = (name: string, type: FsmField['type'], size: number, description: string, required = false): FsmField => ({
  name,
  type,
  size,
  description,
  required,
});

function partyClass(kind: 'customer' | 'vendor'): FsmClass {
  const customer = kind === 'customer';
  const entity = customer ? 'customers' : 'suppliers';
  const key = customer ? 'Customer' : 'Vendor';
  const nameField = customer ? 'Name' : 'VendorName';
  const groupField = customer ? 'CustomerGroup' : 'VendorGroup';
  return {
    name: key,
    description: customer ? 'Receivable customer' : 'Payables vendor',
    entity,
    keyField: key,
    lineField: groupOrdinal,
    keys: [groupField, key],
    stampField: 'UpdateStamp',
    dateFields: ['UpdateStamp', 'CreateDate'],
    fields: [
      f(groupField, 'Alpha', 4, customer ? 'Customer group' : 'Vendor group', true),
      f(key, 'Alpha', 9, key, true),
      f(nameField, 'Alpha', 40, 'Name', true),
      f('AddressLine1', 'Alpha', 40, 'Address line 1'),
      f('Municipality', 'Alpha', 30, 'City'),
      f('PostalCode', 'Alpha', 10, 'Postal code'),
      f('Country', 'Alpha', 2, 'Country'),
      f('PhoneNumber', 'Alpha', 20, 'Phone'),
      f('EmailAddress', 'Alpha', 60, 'E-mail'),
      f('Currency', 'Alpha', 5, 'Currency'),
      f('TermsCode', 'Alpha', 5, 'Payment terms'),
      f(customer ? 'CreditLimit' : 'TaxID', customer ? 'Decimal' : 'Alpha', 18, customer ? 'Credit limit' : 'Tax ID'),
      f('Active', 'Alpha', 1, 'Active (Y/N)'),
      f('CreateDate', 'Date', 8, 'Created'),
      f('UpdateStamp', 'TimeStamp', 16, 'Last update (UTC)'),
    ],
    rows: (data, index) => {
      const party: Party = customer ? data.customer(index) : data.supplier(index);
      return fsmGroupsOf(index).map((group, ordinal) => {
        const row = {
          [groupOrdinal]: ordinal,
          [groupField]: group,
          [key]: party.number,
          [nameField]: ordinal === 0 ? party.name : `${party.name} (group ${group})`,
          AddressLine1: party.address1,
          Municipality: party.place.city,
          PostalCode: party.place.postalCode,
          Country: party.place.country,
          PhoneNumber: party.phone,
          EmailAddress: party.email,
          Currency: party.place.currency,
          TermsCode: party.paymentTerm.code,
          [customer ? 'CreditLimit' : 'TaxID']: customer ? decimal(party.creditLimit) : party.vatNumber,
          Active: party.blocked ? 'N' : 'Y',
          CreateDate: ymd(party.createdAt),
          UpdateStamp: fsmStamp(party.changedAt),
        };
        // FSM writes go to the first group (fsm-write.ts); its row shows them.
        return ordinal === 0 ? withViewWrites(data, entity, index, 'fsm', row) : row;
      });
    },
    stampOf: (data, index) => data.datasets[entity].stamp(index),
  };
}

const accountClass: FsmClass = {
  name: 'GeneralLedgerChartAccount',
  description: 'General ledger chart account',
  entity: 'glAccounts',
  keyField: 'GeneralLedgerChartAccount',
  keys: ['GeneralLedgerChartAccount'],
  stampField: 'UpdateStamp',
  dateFields: ['UpdateStamp'],
  fields: [
    f('Chart', 'Alpha', 12, 'Chart of accounts', true),
    f('GeneralLedgerChartAccount', 'Alpha', 12, 'Account', true),
    f('Description', 'Alpha', 60, 'Description'),
    f('AccountType', 'Alpha', 1, 'Account type (B balance, I income)'),
    f('Active', 'Alpha', 1, 'Active (Y/N)'),
    f('UpdateStamp', 'TimeStamp', 16, 'Last update (UTC)'),
  ],
  rows: (data, index) => {
    const account = data.glAccount(index);
    return [
      {
        Chart: 'CORPORATE',
        GeneralLedgerChartAccount: account.number,
        Description: account.name,
        AccountType: account.kind === 'balance' ? 'B' : 'I',
        Active: account.active ? 'Y' : 'N',
        UpdateStamp: fsmStamp(account.changedAt),
      },
    ];
  },
  stampOf: (data, index) => data.datasets.glAccounts.stamp(index),
};

const purchaseOrderClass: FsmClass = {
  name: 'PurchaseOrder',
  description: 'Purchase order',
  entity: 'purchaseOrders',
  keyField: 'PurchaseOrder',
  keys: ['PurchaseOrder'],
  stampField: 'UpdateStamp',
  dateFields: ['UpdateStamp', 'PurchaseOrderDate'],
  fields: [
    f('Company', 'Numeric', 4, 'Company', true),
    f('PurchaseOrder', 'Alpha', 14, 'Purchase order', true),
    f('Vendor', 'Alpha', 9, 'Vendor', true),
    f('PurchaseOrderDate', 'Date', 8, 'Order date'),
    f('Currency', 'Alpha', 5, 'Currency'),
    f('TotalAmount', 'Decimal', 18, 'Total'),
    f('UpdateStamp', 'TimeStamp', 16, 'Last update (UTC)'),
  ],
  rows: (data, index) => {
    const order = data.purchaseOrder(index);
    return [
      {
        Company: '1000',
        PurchaseOrder: order.number,
        Vendor: order.partyNumber,
        PurchaseOrderDate: ymd(order.orderDate),
        Currency: order.currency,
        TotalAmount: decimal(order.total),
        UpdateStamp: fsmStamp(order.changedAt),
      },
    ];
  },
  stampOf: (data, index) => data.datasets.purchaseOrders.stamp(index),
};

const invoiceClass: FsmClass = {
  name: 'ReceivableInvoice',
  description: 'Receivable invoice',
  entity: 'invoices',
  keyField: 'Invoice',
  keys: ['Invoice'],
  stampField: 'UpdateStamp',
  dateFields: ['UpdateStamp', 'InvoiceDate', 'DueDate'],
  fields: [
    f('Company', 'Numeric', 4, 'Company', true),
    f('Invoice', 'Alpha', 22, 'Invoice', true),
    f('Customer', 'Alpha', 9, 'Customer', true),
    f('InvoiceDate', 'Date', 8, 'Invoice date'),
    f('DueDate', 'Date', 8, 'Due date'),
    f('Currency', 'Alpha', 5, 'Currency'),
    f('InvoiceAmount', 'Decimal', 18, 'Amount'),
    f('UpdateStamp', 'TimeStamp', 16, 'Last update (UTC)'),
  ],
  rows: (data, index) => {
    const invoice = data.invoice(index);
    return [
      {
        Company: '1000',
        Invoice: invoice.number,
        Customer: invoice.customerNumber,
        InvoiceDate: ymd(invoice.invoiceDate),
        DueDate: ymd(invoice.dueDate),
        Currency: invoice.currency,
        InvoiceAmount: decimal(invoice.total),
        UpdateStamp: fsmStamp(invoice.changedAt),
      },
    ];
  },
  stampOf: (data, index) => data.datasets.invoices.stamp(index),
};

export const fsmClasses: FsmClass[] = [
  partyClass('customer'),
  partyClass('vendor'),
  accountClass,
  purchaseOrderClass,
  invoiceClass,
];
