import type { SalesforceFieldSpec, SalesforceObjectSpec, SalesforceType } from './salesforce-objects';

/**
 * The sales objects of a stock org with Orders enabled, plus the Infor package's external ids:
 * Product2, Pricebook2 (the standard price book), PricebookEntry, Opportunity, Order, OrderItem
 * and Task. Field names, types, required flags and `referenceTo` follow the Salesforce Object
 * Reference; `createOnly` marks fields that describe as createable but not updateable
 * (`OrderItem.OrderId`, `PricebookEntry.Product2Id`).
 */
const f = (name: string, type: SalesforceType, extra: Partial<SalesforceFieldSpec> = {}): SalesforceFieldSpec => ({
  name,
  label: extra.label ?? name.replace(/__c$/, '').replace(/_/g, ' '),
  type,
  length:
    extra.length ??
    (type === 'string' || type === 'picklist' ? 255 : type === 'textarea' ? 32_000 : type === 'id' ? 18 : undefined),
  custom: name.endsWith('__c'),
  ...extra,
});

const audit = (ownerDefaulted = true): SalesforceFieldSpec[] => [
  f('Id', 'id', { readOnly: true, length: 18 }),
  f('IsDeleted', 'boolean', { readOnly: true, defaulted: true }),
  ...(ownerDefaulted
    ? [
        f('OwnerId', 'reference', {
          label: 'Owner ID',
          defaulted: true,
          referenceTo: 'User',
          relationshipName: 'Owner',
        }),
      ]
    : []),
  f('CreatedDate', 'datetime', { readOnly: true, defaulted: true }),
  f('LastModifiedDate', 'datetime', { readOnly: true, defaulted: true }),
  f('SystemModstamp', 'datetime', { readOnly: true, defaulted: true }),
];

const externalKey = (name: string, label: string, length = 80) =>
  f(name, 'string', { label, length, externalId: true, unique: true });

/** The name of the org's standard price book (Pricebook2, key prefix 01s). */
export const standardPricebookName = 'Standard Price Book';

export const salesObjects: SalesforceObjectSpec[] = [
  {
    name: 'Product2',
    label: 'Product',
    labelPlural: 'Products',
    keyPrefix: '01t',
    custom: false,
    fields: [
      ...audit(false),
      f('Name', 'string', { label: 'Product Name', required: true }),
      f('ProductCode', 'string', { label: 'Product Code' }),
      f('Description', 'textarea', { label: 'Product Description', length: 4000 }),
      f('IsActive', 'boolean', { label: 'Active' }),
      f('Family', 'picklist', { label: 'Product Family', picklist: ['None'] }),
      f('QuantityUnitOfMeasure', 'picklist', { label: 'Quantity Unit Of Measure', picklist: ['Each'] }),
      externalKey('Infor_Item_No__c', 'Infor Item No', 40),
    ],
  },
  {
    name: 'Pricebook2',
    label: 'Price Book',
    labelPlural: 'Price Books',
    keyPrefix: '01s',
    custom: false,
    fields: [
      ...audit(false),
      f('Name', 'string', { label: 'Price Book Name', required: true }),
      f('IsActive', 'boolean', { label: 'Active' }),
      f('IsStandard', 'boolean', { label: 'Is Standard Price Book', readOnly: true }),
      f('Description', 'string', { label: 'Description' }),
    ],
  },
  {
    name: 'PricebookEntry',
    label: 'Price Book Entry',
    labelPlural: 'Price Book Entries',
    keyPrefix: '01u',
    custom: false,
    fields: [
      ...audit(false),
      f('Name', 'string', { label: 'Product Name', readOnly: true }),
      f('Pricebook2Id', 'reference', {
        label: 'Price Book ID',
        required: true,
        createOnly: true,
        referenceTo: 'Pricebook2',
        relationshipName: 'Pricebook2',
      }),
      f('Product2Id', 'reference', {
        label: 'Product ID',
        required: true,
        createOnly: true,
        referenceTo: 'Product2',
        relationshipName: 'Product2',
      }),
      f('UnitPrice', 'currency', { label: 'List Price', required: true }),
      f('IsActive', 'boolean', { label: 'Active' }),
      f('UseStandardPrice', 'boolean', { label: 'Use Standard Price' }),
      f('ProductCode', 'string', { label: 'Product Code', readOnly: true }),
      externalKey('Infor_Price_Key__c', 'Infor Price Key'),
    ],
  },
  {
    name: 'Opportunity',
    label: 'Opportunity',
    labelPlural: 'Opportunities',
    keyPrefix: '006',
    custom: false,
    fields: [
      ...audit(),
      f('Name', 'string', { label: 'Name', required: true, length: 120 }),
      f('AccountId', 'reference', { label: 'Account ID', referenceTo: 'Account', relationshipName: 'Account' }),
      f('StageName', 'picklist', {
        label: 'Stage',
        required: true,
        length: 40,
        picklist: [
          'Prospecting',
          'Qualification',
          'Needs Analysis',
          'Proposal/Price Quote',
          'Negotiation/Review',
          'Closed Won',
          'Closed Lost',
        ],
      }),
      f('CloseDate', 'date', { label: 'Close Date', required: true }),
      f('Amount', 'currency', { label: 'Amount' }),
      f('Probability', 'double', { label: 'Probability (%)' }),
      f('Pricebook2Id', 'reference', {
        label: 'Price Book ID',
        referenceTo: 'Pricebook2',
        relationshipName: 'Pricebook2',
      }),
      f('Description', 'textarea', { length: 32_000 }),
      externalKey('Infor_Opportunity_No__c', 'Infor Opportunity No', 40),
    ],
  },
  {
    name: 'Order',
    label: 'Order',
    labelPlural: 'Orders',
    keyPrefix: '801',
    custom: false,
    fields: [
      ...audit(),
      f('OrderNumber', 'string', { label: 'Order Number', readOnly: true, length: 30 }),
      f('AccountId', 'reference', {
        label: 'Account ID',
        required: true,
        referenceTo: 'Account',
        relationshipName: 'Account',
      }),
      f('EffectiveDate', 'date', { label: 'Order Start Date', required: true }),
      f('EndDate', 'date', { label: 'Order End Date' }),
      f('Status', 'picklist', {
        label: 'Status',
        required: true,
        length: 40,
        picklist: ['Draft', 'Activated'],
        restricted: true,
      }),
      f('Pricebook2Id', 'reference', {
        label: 'Price Book ID',
        referenceTo: 'Pricebook2',
        relationshipName: 'Pricebook2',
      }),
      f('PoNumber', 'string', { label: 'PO Number', length: 80 }),
      f('PoDate', 'date', { label: 'PO Date' }),
      f('Type', 'picklist', { label: 'Order Type', length: 40, picklist: ['Sales', 'Return'] }),
      f('Description', 'textarea', { length: 32_000 }),
      f('TotalAmount', 'currency', { label: 'Order Amount', readOnly: true }),
      f('BillingCity', 'string', { length: 40 }),
      f('BillingCountry', 'string', { length: 80 }),
      externalKey('Infor_Order_No__c', 'Infor Order No', 40),
    ],
  },
  {
    name: 'OrderItem',
    label: 'Order Product',
    labelPlural: 'Order Products',
    keyPrefix: '802',
    custom: false,
    fields: [
      ...audit(false),
      f('OrderItemNumber', 'string', { label: 'Order Product Number', readOnly: true, length: 10 }),
      f('OrderId', 'reference', {
        label: 'Order ID',
        required: true,
        createOnly: true,
        referenceTo: 'Order',
        relationshipName: 'Order',
      }),
      f('PricebookEntryId', 'reference', {
        label: 'Price Book Entry ID',
        required: true,
        createOnly: true,
        referenceTo: 'PricebookEntry',
        relationshipName: 'PricebookEntry',
      }),
      f('Product2Id', 'reference', {
        label: 'Product ID',
        createOnly: true,
        referenceTo: 'Product2',
        relationshipName: 'Product2',
      }),
      f('Quantity', 'double', { label: 'Quantity', required: true }),
      f('UnitPrice', 'currency', { label: 'Unit Price', required: true }),
      f('ListPrice', 'currency', { label: 'List Price', readOnly: true }),
      f('TotalPrice', 'currency', { label: 'Total Price', readOnly: true }),
      f('ServiceDate', 'date', { label: 'Start Date' }),
      f('Description', 'string', { label: 'Line Description' }),
      externalKey('Infor_Line_Key__c', 'Infor Line Key'),
    ],
  },
  {
    name: 'Task',
    label: 'Task',
    labelPlural: 'Tasks',
    keyPrefix: '00T',
    custom: false,
    fields: [
      ...audit(),
      // WhoId is a person (Contact or Lead), WhatId anything else (jsforce/jsforce#1006 quotes the Task reference).
      f('WhoId', 'reference', { label: 'Name ID', referenceTo: ['Contact', 'Lead'], relationshipName: 'Who' }),
      f('WhatId', 'reference', {
        label: 'Related To ID',
        referenceTo: ['Account', 'Opportunity', 'Order', 'Product2', 'Infor_Document__c'],
        relationshipName: 'What',
      }),
      f('Subject', 'string', { label: 'Subject' }),
      f('ActivityDate', 'date', { label: 'Due Date Only' }),
      f('Status', 'picklist', {
        label: 'Status',
        required: true,
        defaulted: true,
        length: 40,
        picklist: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
        restricted: true,
      }),
      f('Priority', 'picklist', {
        label: 'Priority',
        required: true,
        defaulted: true,
        length: 40,
        picklist: ['High', 'Normal', 'Low'],
        restricted: true,
      }),
      f('Description', 'textarea', { label: 'Description', length: 32_000 }),
      f('TaskSubtype', 'picklist', { label: 'Task Subtype', picklist: ['Task', 'Email', 'Call'], restricted: true }),
      externalKey('Infor_Activity_Key__c', 'Infor Activity Key'),
    ],
  },
];

/**
 * Where Salesforce's behaviour is not confirmed by a source, the sandbox has a switch
 * (tests run both ways).
 */
export interface SalesRules {
  /**
   * A new Order must start in Draft, items are added, then it is activated (Salesforce Help
   * "Activate orders"; the exact error for creating one Activated is unconfirmed, so this
   * can be turned off to model an org that allows it).
   */
  orderDraftOnCreate: boolean;
  /**
   * A field describe calls createable but not updateable (`OrderItem.OrderId`,
   * `PricebookEntry.Product2Id`) sent again on an upsert that updates. `'refuse'` (the default)
   * refuses it whatever the value, as Salesforce does: INVALID_FIELD_FOR_INSERT_UPDATE "Unable to
   * create/update fields: X. Please check the security settings of this field and verify that it
   * is read/write for your profile or permission set." with `fields: [X]` (tablexi/restforce-db
   * PR #49 "Prevent upsert failure due to create-only fields"; the same message in verbb/formie#1981
   * and SalesforceCommerceCloud/b2c-crm-sync#272). `'unchanged-ok'` is the permissive switch: it
   * accepts the record's own value and refuses only a change.
   */
  createOnlyOnUpdate: 'unchanged-ok' | 'refuse';
}

export const defaultSalesRules: SalesRules = { orderDraftOnCreate: true, createOnlyOnUpdate: 'refuse' };

interface SalesError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** What the rules read from the store: a record's current values by object and id. */
export type RecordValues = (object: string, id: string) => Record<string, unknown> | undefined;

/**
 * Cross-record rules of the sales objects, checked on the values a save would leave
 * (existing values merged with the request's). The codes are Salesforce's:
 * - OrderItem on an Order whose price book is not the entry's (or has none):
 *   FIELD_INTEGRITY_EXCEPTION "field integrity exception: PricebookEntryId (pricebook entry is in a
 *   different pricebook than the one assigned to the …)" (forcedotcom/SFDX-Data-Move-Utility#704;
 *   for Orders the UI words it "Order Products must have a Price Book Entry that belongs to the Price
 *   Book related to the parent Order", forcedotcom/b2b-commerce-on-lightning-quickstart#13, and a first
 *   item on an order without a price book asks for one, developerforce/Force.com-Toolkit-for-PHP#46).
 * - OrderItem added to an activated Order: ENTITY_IS_LOCKED "Unable to modify activated or superseded
 *   Order: cannot delete Order, or add or remove Order Products" (octoberswimmer/aer-dist#504).
 * - A custom price book entry before the product's standard price: STANDARD_PRICE_NOT_DEFINED
 *   "Before creating a custom price, create a standard price." (forcedotcom/SFDX-Data-Move-Utility#706;
 *   the status code is the StatusCode enum's name for it).
 * - Changing an Order's price book once it has items: FIELD_INTEGRITY_EXCEPTION (unconfirmed wording).
 */
export function checkSalesRules(
  object: string,
  values: Record<string, unknown>,
  context: {
    creating: boolean;
    id?: string;
    rules: SalesRules;
    get: RecordValues;
    find: (object: string, field: string, value: unknown) => Array<{ Id: string; values: Record<string, unknown> }>;
  },
): SalesError | undefined {
  const { creating, rules, get, find } = context;
  if (object === 'Order') {
    if (creating && rules.orderDraftOnCreate && values.Status !== 'Draft')
      return {
        statusCode: 'FIELD_INTEGRITY_EXCEPTION',
        message: 'Status: A new order must be created with a Draft status; activate it after adding its products.',
        fields: ['Status'],
      };
    if (!creating && context.id) {
      const items = find('OrderItem', 'OrderId', context.id);
      const before = get('Order', context.id);
      if (items.length > 0 && before && (before.Pricebook2Id ?? null) !== (values.Pricebook2Id ?? null))
        return {
          statusCode: 'FIELD_INTEGRITY_EXCEPTION',
          message: 'field integrity exception: Pricebook2Id (cannot change the price book of an order with products)',
          fields: ['Pricebook2Id'],
        };
    }
    return undefined;
  }
  if (object === 'OrderItem' && creating) {
    const order = get('Order', String(values.OrderId ?? ''));
    const entry = get('PricebookEntry', String(values.PricebookEntryId ?? ''));
    if (!order || !entry) return undefined;
    if (order.Status !== 'Draft')
      return {
        statusCode: 'ENTITY_IS_LOCKED',
        message:
          'Unable to modify activated or superseded Order:  cannot delete Order, or add or remove Order Products',
        fields: [],
      };
    if (!order.Pricebook2Id || order.Pricebook2Id !== entry.Pricebook2Id)
      return {
        statusCode: 'FIELD_INTEGRITY_EXCEPTION',
        message:
          'field integrity exception: PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to the Order, or Order has no pricebook assigned)',
        fields: ['PricebookEntryId'],
      };
    if (values.Product2Id && values.Product2Id !== entry.Product2Id)
      return {
        statusCode: 'FIELD_INTEGRITY_EXCEPTION',
        message: 'field integrity exception: Product2Id (product is not the product of the price book entry)',
        fields: ['Product2Id'],
      };
    return undefined;
  }
  if (object === 'PricebookEntry' && creating) {
    const book = get('Pricebook2', String(values.Pricebook2Id ?? ''));
    if (!book) return undefined;
    const entries = find('PricebookEntry', 'Product2Id', values.Product2Id);
    if (entries.some((entry) => entry.values.Pricebook2Id === values.Pricebook2Id))
      return {
        statusCode: 'DUPLICATE_VALUE',
        message: 'This price definition already exists in this price book',
        fields: [],
      };
    if (book.IsStandard !== true) {
      const hasStandard = entries.some((entry) => get('Pricebook2', String(entry.values.Pricebook2Id))?.IsStandard);
      if (!hasStandard)
        return {
          statusCode: 'STANDARD_PRICE_NOT_DEFINED',
          message: 'Before creating a custom price, create a standard price.',
          fields: [],
        };
    }
  }
  return undefined;
}

/** Values Salesforce fills on create when the request leaves them out (describe: `defaultedOnCreate`). */
export function salesDefaults(object: string): Record<string, unknown> {
  if (object === 'Task') return { Status: 'Not Started', Priority: 'Normal' };
  if (object === 'Pricebook2' || object === 'Product2' || object === 'PricebookEntry') return { IsActive: false };
  return {};
}

/**
 * Every org with Products has exactly one standard price book, active, that cannot be created
 * through the API (`IsStandard` is read-only): the sandbox seeds it.
 */
export function seedStandardPricebook(
  insert: (object: SalesforceObjectSpec, values: Record<string, unknown>) => void,
): void {
  const pricebook = salesObjects.find((object) => object.name === 'Pricebook2')!;
  insert(pricebook, { Name: standardPricebookName, IsActive: true, IsStandard: true });
}
