import { salesObjects } from './salesforce-sales-objects';

/**
 * Objects of the simulated org: Account and Contact with their standard
 * fields, plus the Infor package (external ids, the account kind that flags
 * suppliers, and `Infor_Document__c` for invoices and purchase orders).
 * `describe` answers in Salesforce's own field shape.
 */
export type SalesforceType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'picklist'
  | 'reference'
  | 'boolean'
  | 'currency'
  | 'double'
  | 'int'
  | 'date'
  | 'datetime'
  | 'email'
  | 'phone'
  | 'url';

export interface SalesforceFieldSpec {
  name: string;
  label: string;
  type: SalesforceType;
  length?: number;
  /** Required on create: createable, not nillable, not defaulted. */
  required?: boolean;
  readOnly?: boolean;
  defaulted?: boolean;
  externalId?: boolean;
  unique?: boolean;
  picklist?: string[];
  restricted?: boolean;
  /** One object, or several for a polymorphic lookup (`Task.WhatId`). */
  referenceTo?: string | string[];
  relationshipName?: string;
  custom?: boolean;
  /** Createable but not updateable (`OrderItem.OrderId`): describe says `updateable: false`. */
  createOnly?: boolean;
}

/** The objects a reference field may point at. */
export const referenceTargets = (spec: SalesforceFieldSpec): string[] =>
  spec.referenceTo === undefined ? [] : Array.isArray(spec.referenceTo) ? spec.referenceTo : [spec.referenceTo];

export interface SalesforceObjectSpec {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  fields: SalesforceFieldSpec[];
}

const s = (name: string, type: SalesforceType, extra: Partial<SalesforceFieldSpec> = {}): SalesforceFieldSpec => ({
  name,
  label:
    extra.label ??
    name
      .replace(/__c$/, '')
      .replace(/_/g, ' ')
      .replace(/([a-z])([A-Z])/g, '$1 $2'),
  type,
  length:
    extra.length ??
    (type === 'string' || type === 'picklist'
      ? 255
      : type === 'textarea'
        ? 32_000
        : type === 'phone'
          ? 40
          : type === 'email'
            ? 80
            : type === 'url'
              ? 255
              : undefined),
  custom: name.endsWith('__c'),
  ...extra,
});

const audit = [
  s('Id', 'id', { readOnly: true, length: 18 }),
  s('IsDeleted', 'boolean', { readOnly: true, defaulted: true }),
  s('OwnerId', 'reference', { defaulted: true, referenceTo: 'User', relationshipName: 'Owner' }),
  s('CreatedDate', 'datetime', { readOnly: true, defaulted: true }),
  s('LastModifiedDate', 'datetime', { readOnly: true, defaulted: true }),
  s('SystemModstamp', 'datetime', { readOnly: true, defaulted: true }),
];

const address = (prefix: string) => [
  s(`${prefix}Street`, 'textarea', { length: 255 }),
  s(`${prefix}City`, 'string', { length: 40 }),
  s(`${prefix}State`, 'string', { length: 80 }),
  s(`${prefix}PostalCode`, 'string', { length: 20 }),
  s(`${prefix}Country`, 'string', { length: 80 }),
];

export const salesforceObjects: SalesforceObjectSpec[] = [
  {
    name: 'Account',
    label: 'Account',
    labelPlural: 'Accounts',
    keyPrefix: '001',
    custom: false,
    fields: [
      ...audit,
      s('Name', 'string', { label: 'Account Name', required: true, length: 255 }),
      s('AccountNumber', 'string', { length: 40 }),
      s('Type', 'picklist', {
        label: 'Account Type',
        length: 40,
        picklist: [
          'Prospect',
          'Customer - Direct',
          'Customer - Channel',
          'Channel Partner / Reseller',
          'Installation Partner',
          'Technology Partner',
          'Other',
        ],
      }),
      s('Industry', 'picklist', {
        length: 40,
        picklist: [
          'Agriculture',
          'Apparel',
          'Banking',
          'Chemicals',
          'Construction',
          'Electronics',
          'Energy',
          'Engineering',
          'Machinery',
          'Manufacturing',
          'Retail',
          'Transportation',
          'Other',
        ],
      }),
      s('Phone', 'phone'),
      s('Website', 'url'),
      s('AnnualRevenue', 'currency'),
      s('NumberOfEmployees', 'int', { label: 'Employees' }),
      s('ParentId', 'reference', { label: 'Parent Account ID', referenceTo: 'Account', relationshipName: 'Parent' }),
      ...address('Billing'),
      ...address('Shipping'),
      s('Description', 'textarea'),
      s('Infor_Customer_Number__c', 'string', {
        label: 'Infor Customer Number',
        length: 20,
        externalId: true,
        unique: true,
      }),
      s('Infor_Supplier_Number__c', 'string', {
        label: 'Infor Supplier Number',
        length: 20,
        externalId: true,
        unique: true,
      }),
      s('Infor_Account_Kind__c', 'picklist', {
        label: 'Infor Account Kind',
        length: 20,
        picklist: ['Customer', 'Supplier', 'Both'],
        restricted: true,
      }),
      s('Credit_Limit__c', 'currency', { label: 'Credit Limit' }),
      s('Payment_Terms__c', 'picklist', {
        label: 'Payment Terms',
        picklist: ['Net 15', 'Net 30', 'Net 45', 'Net 60', 'Due on Receipt'],
        restricted: true,
      }),
      // The rest of a stock Account's standard fields, as its describe lists them
      // (fixtures/salesforce/describe_Account_cassette.yaml): a query naming every field is as long as a real one.
      s('MasterRecordId', 'reference', { readOnly: true, referenceTo: 'Account', relationshipName: 'MasterRecord' }),
      s('CreatedById', 'reference', {
        readOnly: true,
        defaulted: true,
        referenceTo: 'User',
        relationshipName: 'CreatedBy',
      }),
      s('LastModifiedById', 'reference', {
        readOnly: true,
        defaulted: true,
        referenceTo: 'User',
        relationshipName: 'LastModifiedBy',
      }),
      s('BillingLatitude', 'double'),
      s('BillingLongitude', 'double'),
      s('ShippingLatitude', 'double'),
      s('ShippingLongitude', 'double'),
      s('Fax', 'phone', { label: 'Account Fax' }),
      s('PhotoUrl', 'url', { readOnly: true }),
      s('Sic', 'string', { label: 'SIC Code', length: 20 }),
      s('Ownership', 'picklist', { length: 40, picklist: ['Public', 'Private', 'Subsidiary', 'Other'] }),
      s('TickerSymbol', 'string', { length: 20 }),
      s('Rating', 'picklist', { length: 40, picklist: ['Hot', 'Warm', 'Cold'] }),
      s('Site', 'string', { label: 'Account Site', length: 80 }),
      s('LastActivityDate', 'date', { readOnly: true }),
      s('LastViewedDate', 'datetime', { readOnly: true }),
      s('LastReferencedDate', 'datetime', { readOnly: true }),
      s('Jigsaw', 'string', { label: 'Data.com Key', length: 20 }),
      s('JigsawCompanyId', 'string', { readOnly: true, length: 20 }),
      s('AccountSource', 'picklist', { length: 40, picklist: ['Web', 'Phone Inquiry', 'Partner Referral', 'Other'] }),
      s('DunsNumber', 'string', { label: 'D-U-N-S Number', length: 9 }),
      s('Tradestyle', 'string', { length: 255 }),
      s('NaicsCode', 'string', { label: 'NAICS Code', length: 8 }),
      s('NaicsDesc', 'string', { label: 'NAICS Description', length: 120 }),
      s('YearStarted', 'string', { length: 4 }),
      s('SicDesc', 'string', { label: 'SIC Description', length: 80 }),
    ],
  },
  {
    name: 'Contact',
    label: 'Contact',
    labelPlural: 'Contacts',
    keyPrefix: '003',
    custom: false,
    fields: [
      ...audit,
      s('FirstName', 'string', { length: 40 }),
      s('LastName', 'string', { required: true, length: 80 }),
      s('AccountId', 'reference', { label: 'Account ID', referenceTo: 'Account', relationshipName: 'Account' }),
      s('Email', 'email'),
      s('Phone', 'phone'),
      s('Title', 'string', { length: 128 }),
      ...address('Mailing'),
      s('Infor_Contact_Key__c', 'string', { label: 'Infor Contact Key', length: 40, externalId: true, unique: true }),
    ],
  },
  {
    name: 'Infor_Document__c',
    label: 'Infor Document',
    labelPlural: 'Infor Documents',
    keyPrefix: 'a01',
    custom: true,
    fields: [
      ...audit,
      s('Name', 'string', { label: 'Infor Document Name', required: true, length: 80 }),
      s('Infor_Document_No__c', 'string', { label: 'Infor Document No', length: 40, externalId: true, unique: true }),
      s('Document_Type__c', 'picklist', {
        label: 'Document Type',
        required: true,
        length: 40,
        picklist: ['Invoice', 'Purchase Order', 'Sales Order'],
        restricted: true,
      }),
      s('Account__c', 'reference', {
        label: 'Account',
        required: true,
        referenceTo: 'Account',
        relationshipName: 'Account__r',
      }),
      s('Document_Date__c', 'date', { label: 'Document Date' }),
      s('Due_Date__c', 'date', { label: 'Due Date' }),
      s('Amount__c', 'currency', { label: 'Amount' }),
      s('Currency_Code__c', 'string', { label: 'Currency Code', length: 3 }),
      s('Status__c', 'picklist', { label: 'Status', picklist: ['Open', 'Paid', 'Cancelled', 'Received'] }),
    ],
  },
];

// Orders, price books, products, opportunities and tasks (salesforce-sales-objects.ts).
salesforceObjects.push(...salesObjects);

export const salesforceObjectByName = new Map(salesforceObjects.map((object) => [object.name, object]));

/** One field as `describe` shows it (the keys of the real describe that matter to clients). */
export function describeField(spec: SalesforceFieldSpec) {
  const createable = !spec.readOnly;
  return {
    name: spec.name,
    label: spec.label,
    type: spec.type,
    length: spec.length ?? 0,
    byteLength: (spec.length ?? 0) * 3,
    precision: spec.type === 'currency' || spec.type === 'double' ? 18 : 0,
    scale: spec.type === 'currency' || spec.type === 'double' ? 2 : 0,
    digits: spec.type === 'int' ? 9 : 0,
    nillable: !spec.required && spec.type !== 'boolean' && spec.name !== 'Id',
    createable,
    updateable: createable && spec.createOnly !== true,
    defaultedOnCreate: spec.defaulted === true || spec.type === 'boolean',
    calculated: false,
    autoNumber: false,
    unique: spec.unique === true,
    caseSensitive: false,
    externalId: spec.externalId === true,
    idLookup: spec.externalId === true || spec.name === 'Id',
    nameField: spec.name === 'Name',
    custom: spec.custom === true,
    filterable: true,
    sortable: spec.type !== 'textarea',
    picklistValues: (spec.picklist ?? []).map((value) => ({
      active: true,
      defaultValue: false,
      label: value,
      validFor: null,
      value,
    })),
    restrictedPicklist: spec.restricted === true,
    referenceTo: referenceTargets(spec),
    polymorphicForeignKey: referenceTargets(spec).length > 1,
    relationshipName: spec.relationshipName ?? null,
    soapType: spec.type === 'id' || spec.type === 'reference' ? 'tns:ID' : 'xsd:string',
    inlineHelpText: null,
    defaultValue: null,
  };
}
