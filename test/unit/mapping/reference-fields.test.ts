import { describe, expect, it } from 'vitest';
import { field, type EntitySchema } from '../../../shared/domain/entity-schema';
import { encodePath } from '../../../shared/mapping/field-path';
import { suggestMappings, validateMapping } from '../../../shared/mapping/index';
import { TestGraph } from '../../mapping/support/graph-builder';

/**
 * A target field holding another record's id (Salesforce `AccountId`/`Pricebook2Id`, Dataverse
 * `…@odata.bind`) cannot take a copied source value or a literal like "EUR": the write fails on
 * every record. The validator says it needs a lookup, and auto-map never proposes such a copy.
 */
const required = { onCreate: true, onUpdate: false };
const salesforceOrder: EntitySchema = {
  system: 'salesforce',
  entity: 'Order',
  label: 'Order',
  hash: 'sf-order',
  fetchedAt: '2026-01-01T00:00:00Z',
  keyFields: ['Infor_Order_No__c'],
  fields: [
    field('Infor_Order_No__c', 'string', { label: 'Infor Order No', externalId: true }),
    field('AccountId', 'reference', { label: 'Account ID', required, referenceTo: 'Account' }),
    field('Pricebook2Id', 'reference', { label: 'Price Book ID', referenceTo: 'Pricebook2' }),
    field('EffectiveDate', 'date', { label: 'Order Start Date', required }),
    field('Status', 'picklist', { label: 'Status', required }),
  ],
};
const dataverseOrder: EntitySchema = {
  system: 'dynamics',
  entity: 'salesorder',
  label: 'Order',
  hash: 'dv-salesorder',
  fetchedAt: '2026-01-01T00:00:00Z',
  keyFields: ['ordernumber'],
  fields: [
    field('ordernumber', 'string', { label: 'Order ID', externalId: true }),
    field('name', 'string', { label: 'Name', required }),
    // What the Dataverse schema discovery produces for a lookup column.
    field('transactioncurrencyid@odata.bind', 'reference', {
      label: 'Currency',
      required,
      referenceTo: 'transactioncurrency',
    }),
    field('pricelevelid@odata.bind', 'reference', { label: 'Price List', required, referenceTo: 'pricelevel' }),
  ],
};
const source = { ORNO: 'string', CUNO: 'string', CUCD: 'string', ORDT: 'date', AccountId: 'string' } as const;
const needsLookup = async (graph: TestGraph, schema: EntitySchema) =>
  (await validateMapping(graph.graph, schema)).issues.filter((issue) => issue.code === 'needs-lookup');

describe('reference fields need a lookup', () => {
  it('flags a direct copy of a source field into a Salesforce lookup', async () => {
    const b = new TestGraph({ ...source }, { Infor_Order_No__c: 'string', AccountId: 'reference' });
    b.to('Infor_Order_No__c', b.src('ORNO')).to('AccountId', b.src('CUNO'));
    const issues = await needsLookup(b, salesforceOrder);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: 'AccountId', severity: 'warning', nodeIds: ['source', 'target'] });
    expect(issues[0]!.message).toMatch(/needs a lookup.*\$lookupRef\/\$lookupId/);
  });

  it('flags a literal currency code ("EUR") into a Dataverse @odata.bind', async () => {
    // Handles escape the dot of `@odata.bind` (field-path.ts).
    const currency = encodePath([{ name: 'transactioncurrencyid@odata.bind', array: false }]);
    const b = new TestGraph({ ...source }, { ordernumber: 'string', name: 'string', [currency]: 'reference' });
    b.to('ordernumber', b.src('ORNO')).to('name', b.src('ORNO')).to(currency, b.constant('EUR'));
    const report = await validateMapping(b.graph, dataverseOrder);
    expect(report.issues.filter((issue) => issue.code === 'needs-lookup').map((issue) => issue.field)).toEqual([
      currency,
    ]);
    // The required price list left unmapped is an error that says it needs a lookup.
    const unmapped = report.issues.find((issue) => issue.code === 'unmapped-required');
    expect(unmapped).toMatchObject({
      field: encodePath([{ name: 'pricelevelid@odata.bind', array: false }]),
      severity: 'error',
    });
    expect(unmapped!.message).toMatch(/needs a lookup/);
  });

  it('flags a copy through functions, but not a value resolved by a lookup', async () => {
    const b = new TestGraph({ ...source }, { AccountId: 'reference', Pricebook2Id: 'reference' });
    b.to('AccountId', b.fn('trim', b.src('CUNO'))).to('Pricebook2Id', b.fn('trim', b.lookup('Account', b.src('CUNO'))));
    expect((await needsLookup(b, salesforceOrder)).map((issue) => issue.field)).toEqual(['AccountId']);
  });

  it('accepts $lookupRef, $lookupId and $parentId in hand-written JSONata, and a constant record id', async () => {
    for (const expression of [
      "$lookupRef('Account', CUNO)",
      "$lookupId('Pricebook2', 'Name', 'Standard Price Book')",
      '$parentId()',
    ]) {
      const b = new TestGraph({ ...source }, { AccountId: 'reference' });
      b.to('AccountId', b.custom(expression));
      expect(await needsLookup(b, salesforceOrder), expression).toEqual([]);
    }
    const fixed = new TestGraph({ ...source }, { Pricebook2Id: 'reference', AccountId: 'reference' });
    fixed.to('Pricebook2Id', fixed.constant('01s5500000AbCdEAAZ')).to('AccountId', fixed.custom('CUNO & "x"'));
    expect((await needsLookup(fixed, salesforceOrder)).map((issue) => issue.field)).toEqual(['AccountId']);
  });

  it("flags a copy into a Zoho lookup's id, not a lookup or a fixed record id", async () => {
    const zohoOrder: EntitySchema = {
      system: 'zoho',
      entity: 'Sales_Orders',
      label: 'Sales Orders',
      hash: 'zoho-so',
      fetchedAt: '2026-01-01T00:00:00Z',
      keyFields: ['id'],
      fields: [
        field('Subject', 'string', { label: 'Subject', required }),
        // As the Zoho schema discovery shapes a lookup: `{ "id": … }`.
        field('Account_Name', 'reference', {
          label: 'Account Name',
          referenceTo: 'Accounts',
          children: [field('id', 'string', { label: 'Record id' })],
        }),
        field('Contact_Name', 'reference', {
          label: 'Contact Name',
          referenceTo: 'Contacts',
          children: [field('id', 'string', { label: 'Record id' })],
        }),
        field('Deal_Name', 'reference', {
          label: 'Deal Name',
          referenceTo: 'Deals',
          children: [field('id', 'string', { label: 'Record id' })],
        }),
      ],
    };
    const b = new TestGraph(
      { ...source },
      { Subject: 'string', 'Account_Name.id': 'string', 'Contact_Name.id': 'string', 'Deal_Name.id': 'string' },
    );
    b.to('Subject', b.src('ORNO'))
      .to('Account_Name.id', b.src('CUNO'))
      .to('Contact_Name.id', b.lookup('Contacts', b.src('CUNO')))
      .to('Deal_Name.id', b.constant('3652397000000624001'));
    expect((await needsLookup(b, zohoOrder)).map((issue) => issue.field)).toEqual(['Account_Name.id']);
    expect(suggestMappings({ ...zohoOrder, entity: 'x' }, zohoOrder).map((s) => s.target)).not.toContain(
      'Account_Name.id',
    );
  });

  it('auto-map never proposes a direct copy into a reference field', () => {
    const inforOrders: EntitySchema = {
      system: 'infor',
      entity: 'salesOrders',
      label: 'Sales orders',
      hash: 'm3-orders',
      fetchedAt: '2026-01-01T00:00:00Z',
      keyFields: ['ORNO'],
      // Source names that match the targets exactly, the strongest pull auto-map has.
      fields: [
        field('ORNO', 'string', { label: 'Order number' }),
        field('AccountId', 'string', { label: 'Account ID' }),
        field('Pricebook2Id', 'string', { label: 'Price Book ID' }),
        field('transactioncurrencyid', 'string', { label: 'Currency' }),
      ],
    };
    const sfTargets = suggestMappings(inforOrders, salesforceOrder).map((suggestion) => suggestion.target);
    expect(sfTargets).not.toContain('AccountId');
    expect(sfTargets).not.toContain('Pricebook2Id');
    const dvTargets = suggestMappings(inforOrders, dataverseOrder).map((suggestion) => suggestion.target);
    expect(dvTargets).not.toContain(encodePath([{ name: 'transactioncurrencyid@odata.bind', array: false }]));
  });
});
