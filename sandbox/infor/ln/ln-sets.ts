import type { CollectionSpec, Row } from '../data/collection';
import type { InforData, Order, Party } from '../data/records';
import { withViewWrites } from '../data/party-writes';
import { isoDate } from '../formats';

/**
 * LN OData entity sets served by the sandbox. Typed JSON values (numbers, `Edm.Date`
 * strings). LN has no confirmed modified-date property, so none is exposed: LN entities
 * are read in full. Navigation: Orders → `Lines` → `ScheduleLines` (some lines have split
 * deliveries), reachable with `$expand=Lines($expand=ScheduleLines)`.
 */
export interface LnProperty {
  name: string;
  /** An `Edm.*` type, or the name of one of `lnEnums` (qualified with the service in `$metadata`). */
  type: 'Edm.String' | 'Edm.Decimal' | 'Edm.Int32' | 'Edm.Date' | LnEnumName;
  maxLength?: number;
  nullable?: boolean;
}

export interface LnNavigation {
  name: string;
  entityType: string;
  properties: LnProperty[];
  nested?: LnNavigation;
}

export interface LnSet extends CollectionSpec {
  service: string;
  name: string;
  entityType: string;
  keys: string[];
  properties: LnProperty[];
  navigation?: LnNavigation;
}

/**
 * Status fields are OData EnumTypes on LN (API-FACTS §10: BusinessPartnerStatus Prospect/Active/Inactive);
 * values travel as member names, filters as `service.Enum'Member'`.
 */
export const lnEnums = {
  BusinessPartnerStatus: ['Prospect', 'Active', 'Inactive'],
  OrderStatus: ['Free', 'Released', 'Shipped', 'Closed'],
} as const;
export type LnEnumName = keyof typeof lnEnums;

const s = (name: string, maxLength: number, nullable = true): LnProperty => ({
  name,
  type: 'Edm.String',
  maxLength,
  nullable,
});
const n = (name: string, type: LnProperty['type'] = 'Edm.Decimal'): LnProperty => ({ name, type, nullable: true });

const orderStatus = { open: 'Free', released: 'Released', delivered: 'Shipped', invoiced: 'Closed' } as const;

const partyProperties = (keyName: string): LnProperty[] => [
  s(keyName, 9, false),
  s('Name', 35),
  { name: 'Status', type: 'BusinessPartnerStatus', nullable: true },
  s('AddressLine1', 30),
  s('City', 30),
  s('ZIPCode', 10),
  s('Country', 3),
  s('Telephone', 20),
  s('Email', 60),
  s('Currency', 3),
  s('TermsOfPayment', 3),
  n('CreditLimit'),
  s('TaxNumber', 20),
  s('Language', 3),
  n('CreationDate', 'Edm.Date'),
];

function partyRow(party: Party, keyName: string): Row {
  return {
    [keyName]: party.number,
    Name: party.name,
    Status: party.blocked ? 'Inactive' : 'Active',
    AddressLine1: party.address1,
    City: party.place.city,
    ZIPCode: party.place.postalCode,
    Country: party.place.country,
    Telephone: party.phone,
    Email: party.email,
    Currency: party.place.currency,
    TermsOfPayment: party.paymentTerm.code,
    CreditLimit: party.creditLimit,
    TaxNumber: party.vatNumber,
    Language: party.place.language,
    CreationDate: isoDate(party.createdAt),
  };
}

const scheduleNavigation: LnNavigation = {
  name: 'ScheduleLines',
  entityType: 'ScheduleLine',
  properties: [n('Sequence', 'Edm.Int32'), n('DeliveryDate', 'Edm.Date'), n('Quantity')],
};

/** The third key part: `SequenceNumber` on sales lines, `Sequence` on purchase lines (both from real `$metadata`, plan L1). */
const sequenceOf = (orderKey: string) => (orderKey === 'PurchaseOrder' ? 'Sequence' : 'SequenceNumber');

function lineProperties(orderKey: string): LnProperty[] {
  return [
    s(orderKey, 9, false),
    n('Line', 'Edm.Int32'),
    n(sequenceOf(orderKey), 'Edm.Int32'),
    s('Item', 47),
    s('Description', 30),
    n('OrderedQuantity'),
    s('Unit', 3),
    n('Price'),
    n('Amount'),
    n('PlannedDeliveryDate', 'Edm.Date'),
    s('Warehouse', 6),
  ];
}

function lineRows(order: Order, orderKey: string): Row[] {
  return order.lines.map((line) => ({
    [orderKey]: order.number,
    Line: line.line * 10,
    [sequenceOf(orderKey)]: 1,
    Item: line.itemNumber,
    Description: line.description,
    OrderedQuantity: line.quantity,
    Unit: line.unit,
    Price: line.price,
    Amount: line.amount,
    PlannedDeliveryDate: isoDate(line.requestedDate),
    Warehouse: line.warehouse,
    ScheduleLines: line.schedules.map((schedule) => ({
      Sequence: schedule.sequence,
      DeliveryDate: isoDate(schedule.date),
      Quantity: schedule.quantity,
    })),
  }));
}

function orderSets(kind: 'sales' | 'purchase'): LnSet[] {
  const sales = kind === 'sales';
  const service = sales ? 'tdapi.slsSalesOrder' : 'tdapi.purPurchaseOrder';
  const orderKey = sales ? 'SalesOrder' : 'PurchaseOrder';
  const entity = sales ? 'salesOrders' : 'purchaseOrders';
  const order = (data: InforData, index: number) => (sales ? data.salesOrder(index) : data.purchaseOrder(index));
  const lineNavigation: LnNavigation = {
    name: 'Lines',
    entityType: sales ? 'SalesOrderLine' : 'PurchaseOrderLine',
    properties: lineProperties(orderKey),
    nested: scheduleNavigation,
  };
  const stampOf = (data: InforData, index: number) => data.datasets[entity].stamp(index);
  return [
    {
      service,
      name: 'Orders',
      entityType: sales ? 'SalesOrder' : 'PurchaseOrder',
      entity,
      keyField: orderKey,
      keys: [orderKey],
      dateFields: ['OrderDate', 'PlannedDeliveryDate'],
      properties: [
        s(orderKey, 9, false),
        s(sales ? 'SoldtoBusinessPartner' : 'BuyfromBusinessPartner', 9, false),
        n('OrderDate', 'Edm.Date'),
        n('PlannedDeliveryDate', 'Edm.Date'),
        s('Currency', 3),
        { name: 'OrderStatus', type: 'OrderStatus', nullable: true },
        s(sales ? 'CustomerOrder' : 'SupplierOrder', 30),
        s('Warehouse', 6),
        n('TotalAmount'),
      ],
      navigation: lineNavigation,
      rows: (data, index) => {
        const record = order(data, index);
        return [
          {
            [orderKey]: record.number,
            [sales ? 'SoldtoBusinessPartner' : 'BuyfromBusinessPartner']: record.partyNumber,
            OrderDate: isoDate(record.orderDate),
            PlannedDeliveryDate: isoDate(record.requestedDate),
            Currency: record.currency,
            OrderStatus: orderStatus[record.status],
            [sales ? 'CustomerOrder' : 'SupplierOrder']: record.reference,
            Warehouse: record.warehouse,
            TotalAmount: record.total,
            Lines: lineRows(record, orderKey),
          },
        ];
      },
      stampOf,
    },
    {
      service,
      name: 'Lines',
      entityType: lineNavigation.entityType,
      entity,
      keyField: orderKey,
      lineField: 'Line',
      keys: [orderKey, 'Line', sequenceOf(orderKey)],
      dateFields: ['PlannedDeliveryDate'],
      properties: lineProperties(orderKey),
      navigation: scheduleNavigation,
      rows: (data, index) => lineRows(order(data, index), orderKey),
      stampOf,
    },
  ];
}

export const lnSets: LnSet[] = [
  {
    service: 'tcapi.comBusinessPartner',
    name: 'BusinessPartners',
    entityType: 'BusinessPartner',
    entity: 'customers',
    keyField: 'BusinessPartner',
    keys: ['BusinessPartner'],
    dateFields: ['CreationDate'],
    properties: partyProperties('BusinessPartner'),
    rows: (data, index) => [
      withViewWrites(data, 'customers', index, 'ln', partyRow(data.customer(index), 'BusinessPartner')),
    ],
    stampOf: (data, index) => data.datasets.customers.stamp(index),
  },
  {
    service: 'tcapi.comBusinessPartner',
    name: 'BuyfromBusinessPartners',
    entityType: 'BuyfromBusinessPartner',
    entity: 'suppliers',
    keyField: 'BuyfromBusinessPartner',
    keys: ['BuyfromBusinessPartner'],
    dateFields: ['CreationDate'],
    properties: partyProperties('BuyfromBusinessPartner'),
    rows: (data, index) => [
      withViewWrites(data, 'suppliers', index, 'ln', partyRow(data.supplier(index), 'BuyfromBusinessPartner')),
    ],
    stampOf: (data, index) => data.datasets.suppliers.stamp(index),
  },
  ...orderSets('sales'),
  ...orderSets('purchase'),
];

const xml = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function propertyXml(property: LnProperty, service: string): string {
  const type = property.type in lnEnums ? `${service}.${property.type}` : property.type;
  const length = property.maxLength ? ` MaxLength="${property.maxLength}"` : '';
  const scale = property.type === 'Edm.Decimal' ? ' Precision="19" Scale="4"' : '';
  return `<Property Name="${xml(property.name)}" Type="${type}" Nullable="${property.nullable === false ? 'false' : 'true'}"${length}${scale}/>`;
}

/** CSDL 4.0 for one service. */
export function metadataXml(service: string): string | undefined {
  const sets = lnSets.filter((set) => set.service === service);
  if (sets.length === 0) return undefined;
  const types = new Map<string, string>();
  const navigationXml = (navigation: LnNavigation | undefined) =>
    navigation
      ? `<NavigationProperty Name="${navigation.name}" Type="Collection(${service}.${navigation.entityType})"/>`
      : '';
  const addNavigation = (navigation: LnNavigation | undefined): void => {
    if (!navigation || types.has(navigation.entityType)) return;
    types.set(
      navigation.entityType,
      `<EntityType Name="${navigation.entityType}">${navigation.properties.map((property) => propertyXml(property, service)).join('')}${navigationXml(navigation.nested)}</EntityType>`,
    );
    addNavigation(navigation.nested);
  };
  for (const set of sets) {
    const keys = `<Key>${set.keys.map((key) => `<PropertyRef Name="${key}"/>`).join('')}</Key>`;
    types.set(
      set.entityType,
      `<EntityType Name="${set.entityType}">${keys}${set.properties.map((property) => propertyXml(property, service)).join('')}${navigationXml(set.navigation)}</EntityType>`,
    );
    addNavigation(set.navigation);
  }
  const used = new Set(
    sets.flatMap((set) => set.properties.map((property) => property.type)).filter((type) => type in lnEnums),
  );
  const enums = [...used]
    .map((name) => {
      const members = lnEnums[name as LnEnumName]
        .map((member, index) => `<Member Name="${member}" Value="${index + 1}"/>`)
        .join('');
      return `<EnumType Name="${name}">${members}</EnumType>`;
    })
    .join('');
  const container = `<EntityContainer Name="${service.split('.').pop()}">${sets.map((set) => `<EntitySet Name="${set.name}" EntityType="${service}.${set.entityType}"/>`).join('')}</EntityContainer>`;
  return `<?xml version="1.0" encoding="utf-8"?><edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="${service}" xmlns="http://docs.oasis-open.org/odata/ns/edm">${enums}${[...types.values()].join('')}${container}</Schema></edmx:DataServices></edmx:Edmx>`;
}
