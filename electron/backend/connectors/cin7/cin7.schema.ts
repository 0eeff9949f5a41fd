import { field, type EntityField, type EntitySchema } from '../../../../shared/domain/entity-schema';
import type { Cin7Entity } from './cin7.descriptor';

/**
 * Cin7 Core has no metadata endpoint (API-FACTS §6.4): these tables follow the
 * API portal's models (checked against the DEAR OpenAPI description in the
 * fixtures). Value lists such as tax rules and payment terms are per tenant
 * (`/ref/tax`, `/ref/paymentterm`), so they stay free text here.
 */
const create = { onCreate: true, onUpdate: false };
const readOnly = { readOnly: true };

const additionalAttributes = (): EntityField[] => [
  field('AttributeSet', 'string', {
    label: 'Attribute set',
    description: 'Names the set that labels AdditionalAttribute1..10.',
  }),
  ...Array.from({ length: 10 }, (_, index) =>
    field(`AdditionalAttribute${index + 1}`, 'string', {
      label: `Additional attribute ${index + 1}`,
      description: 'Custom field of the attribute set.',
    }),
  ),
];

const address = (withType: boolean): EntityField[] => [
  field('Line1', 'string', { label: 'Address line 1' }),
  field('Line2', 'string', { label: 'Address line 2' }),
  field('City', 'string'),
  field('State', 'string'),
  field('Postcode', 'string'),
  field('Country', 'string'),
  ...(withType
    ? [
        field('Type', 'picklist', {
          picklist: ['Business', 'Billing', 'Shipping'].map((value) => ({ value, label: value, active: true })),
        }),
        field('DefaultForType', 'boolean', { label: 'Default for type' }),
      ]
    : []),
];

const contact = (): EntityField[] => [
  field('Name', 'string'),
  field('JobTitle', 'string', { label: 'Job title' }),
  field('Phone', 'string'),
  field('MobilePhone', 'string', { label: 'Mobile phone' }),
  field('Fax', 'string'),
  field('Email', 'string'),
  field('Website', 'string'),
  field('Default', 'boolean'),
  field('Comment', 'string'),
  field('IncludeInEmail', 'boolean', { label: 'Include in e-mail' }),
];

const status = (values: string[]) => values.map((value) => ({ value, label: value, active: true }));

const partyFields = (kind: 'supplier' | 'customer'): EntityField[] => [
  field('ID', 'string', {
    label: 'ID',
    readOnly: true,
    externalId: true,
    description: 'GUID assigned by Cin7; send it to update.',
  }),
  field('Name', 'string', {
    required: create,
    maxLength: 256,
    externalId: true,
    description: 'Unique; matched starts-with by the Name filter.',
  }),
  field('Status', 'picklist', {
    required: { onCreate: kind === 'customer', onUpdate: false },
    picklist: status(['Active', 'Deprecated']),
  }),
  field('Currency', 'string', {
    required: { onCreate: kind === 'customer', onUpdate: false },
    maxLength: 3,
    description: 'ISO 4217 code.',
  }),
  field('PaymentTerm', 'string', {
    label: 'Payment term',
    required: { onCreate: kind === 'customer', onUpdate: false },
    description: 'A name from /ref/paymentterm.',
  }),
  field('TaxRule', 'string', { label: 'Tax rule', required: create, description: 'A name from /ref/tax.' }),
  ...(kind === 'supplier'
    ? [
        field('AccountPayable', 'string', {
          label: 'Account payable',
          referenceTo: 'Account',
          description: 'GL account code.',
        }),
      ]
    : [
        field('AccountReceivable', 'string', { label: 'Account receivable', required: create, referenceTo: 'Account' }),
        field('RevenueAccount', 'string', { label: 'Revenue account', required: create, referenceTo: 'Account' }),
        field('PriceTier', 'string', { label: 'Price tier' }),
        field('Carrier', 'string'),
        field('SalesRepresentative', 'string', { label: 'Sales representative' }),
        field('Location', 'string'),
        field('CreditLimit', 'number', { label: 'Credit limit' }),
        field('IsOnCreditHold', 'boolean', { label: 'On credit hold' }),
        field('Tags', 'string'),
      ]),
  field('Discount', 'number', { description: 'Percent, 0 to 100.' }),
  field('Comments', 'string'),
  field('TaxNumber', 'string', { label: 'Tax number' }),
  ...additionalAttributes(),
  field('LastModifiedOn', 'datetime', { label: 'Last modified', ...readOnly }),
  field('Addresses', 'array', { children: address(true) }),
  field('Contacts', 'array', { children: contact() }),
];

const purchaseLine = (): EntityField[] => [
  field('ProductID', 'string', {
    label: 'Product ID',
    description: 'Filled from the SKU when left out: the connector finds the product in Cin7 by SKU.',
  }),
  field('SKU', 'string', {
    label: 'SKU',
    description:
      "The product's SKU (e.g. the Infor item number); a SKU Cin7 does not have fails the purchase, naming the line.",
  }),
  field('Name', 'string'),
  field('Quantity', 'number', { required: create }),
  field('Price', 'number', { required: create }),
  field('Discount', 'number'),
  field('Tax', 'number', { required: create }),
  field('TaxRule', 'string', { label: 'Tax rule', required: create }),
  field('SupplierSKU', 'string', { label: 'Supplier SKU' }),
  field('Comment', 'string'),
  field('Total', 'number', { required: create }),
];

const purchaseFields = (): EntityField[] => [
  field('ID', 'string', { label: 'ID', readOnly: true, externalId: true }),
  field('SupplierID', 'string', {
    label: 'Supplier ID',
    referenceTo: 'Supplier',
    description: 'SupplierID or Supplier (name) is required.',
  }),
  field('Supplier', 'string', { description: 'Supplier name, when no SupplierID is sent.' }),
  field('Approach', 'picklist', { required: create, createOnly: true, picklist: status(['INVOICE', 'STOCK']) }),
  field('Location', 'string', { required: create, description: 'A name from /ref/location.' }),
  field('TaxRule', 'string', { label: 'Tax rule' }),
  field('TaxCalculation', 'picklist', { label: 'Tax calculation', picklist: status(['Inclusive', 'Exclusive']) }),
  field('Terms', 'string'),
  field('RequiredBy', 'date', { label: 'Required by' }),
  field('Contact', 'string'),
  field('Phone', 'string'),
  field('BlindReceipt', 'boolean', { label: 'Blind receipt' }),
  field('CurrencyRate', 'number', { label: 'Currency rate' }),
  field('Note', 'string'),
  field('BillingAddress', 'object', { label: 'Billing address', children: address(false) }),
  field('ShippingAddress', 'object', {
    label: 'Shipping address',
    children: [...address(false), field('ShipToOther', 'boolean')],
  }),
  field('AdditionalAttributes', 'object', {
    label: 'Additional attributes',
    children: additionalAttributes().slice(1),
  }),
  field('Order', 'object', {
    description: 'Order lines, written with POST /purchase/order while the order is DRAFT.',
    children: [
      field('Status', 'picklist', { picklist: status(['DRAFT', 'AUTHORISED']) }),
      field('Memo', 'string'),
      field('Lines', 'array', { children: purchaseLine() }),
    ],
  }),
  field('OrderNumber', 'string', { label: 'Order number', ...readOnly }),
  field('OrderDate', 'datetime', { label: 'Order date', ...readOnly }),
  field('Status', 'string', { ...readOnly }),
  field('LastUpdatedDate', 'datetime', {
    label: 'Last updated',
    ...readOnly,
    description: 'The stamp incremental reads filter on (purchaseList UpdatedSince).',
  }),
  // What a read adds (cin7.hooks.ts readPages): the purchaseList summary and the lines as a list.
  field('OrderStatus', 'string', { label: 'Order status', ...readOnly, description: 'From purchaseList.' }),
  field('InvoiceAmount', 'number', { label: 'Invoice amount', ...readOnly, description: 'From purchaseList.' }),
  field('lines', 'array', {
    label: 'Lines (read)',
    ...readOnly,
    description:
      'Order.Lines of GET /purchase?ID=, one item per order line, for child flows and PO-with-lines mappings.',
    children: purchaseLine(),
  }),
];

/** Documented `Class` values; `Type` is left open because GET returns values the documented enum omits. */
export const cin7AccountClasses = ['ASSET', 'LIABILITY', 'EXPENSE', 'EQUITY', 'REVENUE'];

const accountFields = (): EntityField[] => [
  field('Code', 'string', {
    required: create,
    maxLength: 50,
    externalId: true,
    description: 'Unique GL account code.',
  }),
  field('Name', 'string', { required: create }),
  field('Type', 'string', {
    required: create,
    description: 'BANK, CURRENT, CURRLIAB, EXPENSE … (GET returns more than the documented list).',
  }),
  field('Class', 'picklist', { picklist: status(cin7AccountClasses) }),
  field('Status', 'picklist', { required: create, picklist: status(['ACTIVE', 'ARCHIVED']) }),
  field('Description', 'string'),
  field('DisplayName', 'string', { label: 'Display name', ...readOnly }),
  field('SystemAccount', 'string', { label: 'System account', ...readOnly }),
  field('SystemAccountCode', 'string', { label: 'System account code', ...readOnly }),
  field('ForPayments', 'boolean', { label: 'For payments' }),
  field('OldCode', 'string', { label: 'Previous code', ...readOnly }),
  field('BankAccountId', 'string', { label: 'Bank account ID', ...readOnly }),
  field('Bank', 'string', { description: 'Required when Type is BANK.' }),
  field('BankAccountNumber', 'string', { label: 'Bank account number', description: 'Required when Type is BANK.' }),
  field('Currency', 'string', { ...readOnly }),
];

const tables: Record<Cin7Entity, { label: string; keyFields: string[]; fields: () => EntityField[] }> = {
  Supplier: { label: 'Suppliers', keyFields: ['ID'], fields: () => partyFields('supplier') },
  Customer: { label: 'Customers', keyFields: ['ID'], fields: () => partyFields('customer') },
  Purchase: { label: 'Purchases', keyFields: ['ID'], fields: purchaseFields },
  Account: { label: 'Chart of accounts', keyFields: ['Code'], fields: accountFields },
};

export function cin7Schema(entity: Cin7Entity): Omit<EntitySchema, 'hash' | 'fetchedAt'> {
  const table = tables[entity];
  return { system: 'cin7', entity, label: table.label, keyFields: table.keyFields, fields: table.fields() };
}
