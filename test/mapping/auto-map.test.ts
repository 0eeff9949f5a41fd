import { describe, expect, it } from 'vitest';
import { field, type EntityField, type EntitySchema } from '../../shared/domain/entity-schema';
import { suggestMappings } from '../../shared/mapping/index';
import { readableHandle } from '../../shared/mapping/auto-map';
import { csiCustomers, expectedPairs, m3Customers } from './schemas';

describe('auto-map suggestions', () => {
  for (const [system, { schema, m3, csi }] of Object.entries(expectedPairs)) {
    it(`suggests the obvious ${system} fields from M3 and CSI`, () => {
      const report: Record<string, unknown> = { target: system };
      for (const [sourceName, source, pairs] of [
        ['m3', m3Customers, m3],
        ['csi', csiCustomers, csi],
      ] as const) {
        const suggestions = suggestMappings(source, schema);
        const top = new Map(suggestions.map((suggestion) => [suggestion.target, suggestion.candidates[0]]));
        for (const [target, expected] of Object.entries(pairs)) {
          expect(top.get(target)?.source, `${system} ${target} ← ${sourceName}`).toBe(expected);
          expect(top.get(target)?.confidence).toBeGreaterThan(0.5);
          expect(top.get(target)?.confidence).toBeLessThanOrEqual(1);
        }
        const judged = suggestions.filter((suggestion) => suggestion.target in pairs);
        const correct = judged.filter((suggestion) => suggestion.candidates[0]?.source === pairs[suggestion.target]);
        const offered = suggestions.length;
        report[sourceName] = {
          precision: Number((correct.length / Math.max(1, judged.length)).toFixed(2)),
          suggested: offered,
        };
      }
      console.log(JSON.stringify({ autoMapPrecision: report }));
    });
  }
});

describe('auto-map in the other direction (reverse flows)', () => {
  for (const [system, { schema, m3 }] of Object.entries(expectedPairs)) {
    it(`suggests the M3 fields from ${system}, by the same dictionary`, () => {
      // The forward pairs turned round; an M3 field fed to two target fields is ambiguous backwards,
      // and a list member (Cin7 `Addresses[].City`) never fills a header field (see below).
      const counts = new Map<string, number>();
      for (const source of Object.values(m3)) counts.set(source, (counts.get(source) ?? 0) + 1);
      const reverse = Object.entries(m3).filter(
        ([target, source]) => counts.get(source) === 1 && !target.includes('[]'),
      );
      expect(reverse.length).toBeGreaterThan(0);
      const top = new Map(
        suggestMappings(schema, m3Customers).map((suggestion) => [suggestion.target, suggestion.candidates[0]]),
      );
      for (const [targetField, m3Field] of reverse)
        expect(top.get(m3Field)?.source, `${m3Field} ← ${system} ${targetField}`).toBe(targetField);
    });
  }
});

describe('auto-map across arrays', () => {
  const at = (system: 'infor' | 'zoho', entity: string, fields: EntityField[]): EntitySchema => ({
    system,
    entity,
    label: entity,
    keyFields: [],
    fields,
    hash: entity,
    fetchedAt: '2025-01-01T00:00:00Z',
  });
  const orders = at('infor', 'salesOrders', [
    field('ORNO', 'string', { label: 'Customer order number' }),
    field('lines', 'array', {
      label: 'Lines',
      children: [
        field('ITDS', 'string', { label: 'Item name' }),
        field('ORQT', 'number', { label: 'Ordered quantity' }),
      ],
    }),
  ]);
  const salesOrders = at('zoho', 'Sales_Orders', [
    field('Account_Name', 'string', { label: 'Account Name' }),
    field('Ordered_Items', 'array', {
      label: 'Ordered Items',
      children: [
        field('Product_Name', 'string', { label: 'Product Name' }),
        field('Quantity', 'number', { label: 'Quantity' }),
      ],
    }),
  ]);

  it('never offers a line field for a header field, and still pairs line fields with line fields', () => {
    const suggestions = new Map(
      suggestMappings(orders, salesOrders).map((suggestion) => [
        suggestion.target,
        suggestion.candidates.map((candidate) => candidate.source),
      ]),
    );
    // "Item name" and "Account Name" share a word; the header field must still not get it.
    expect(suggestions.get('Account_Name') ?? []).not.toContain('lines[].ITDS');
    expect(suggestions.get('Ordered_Items[].Quantity')).toContain('lines[].ORQT');
    for (const [target, sources] of suggestions)
      for (const source of sources) if (source.includes('[]')) expect(target, `${target} ← ${source}`).toContain('[]');
  });
});

describe('the Infor key fields in Zoho', () => {
  it('suggests the M3 customer number for Infor_Customer_No, the field flows match on', () => {
    const schema = (system: EntitySchema['system'], fields: EntitySchema['fields']): EntitySchema => ({
      system,
      entity: 'x',
      label: 'x',
      keyFields: [],
      fields,
      hash: 'h',
      fetchedAt: '2026-01-01T00:00:00.000Z',
    });
    const source = schema('infor', [field('CUNO', 'string', { label: 'Customer number' })]);
    const target = schema('zoho', [field('Infor_Customer_No', 'string', { label: 'Infor Customer No' })]);
    const [suggestion] = suggestMappings(source, target);
    expect(suggestion?.candidates[0]).toMatchObject({ source: 'CUNO', reason: 'dictionary' });
  });
});

describe('auto-map keeps to what a field holds (issue 19)', () => {
  const schema = (system: EntitySchema['system'], keyFields: string[], fields: EntityField[]): EntitySchema => ({
    system,
    entity: 'x',
    label: 'x',
    keyFields,
    fields,
    hash: 'h',
    fetchedAt: '2026-01-01T00:00:00.000Z',
  });

  it('never turns text into a date by a shared word, nor fills a shipping field from the main address', () => {
    const m3 = schema(
      'infor',
      ['CUNO'],
      [field('CUNO', 'string', { label: 'Customer number' }), field('TOWN', 'string', { label: 'City' })],
    );
    const zoho = schema(
      'zoho',
      [],
      [
        field('Customer_Since', 'date', { label: 'Customer Since' }),
        field('Customer_Number', 'string', { label: 'Customer Number' }),
        field('Shipping_City', 'string', { label: 'Shipping City' }),
      ],
    );
    const targets = suggestMappings(m3, zoho).map((suggestion) => suggestion.target);
    expect(targets).toEqual(['Customer_Number']);
  });

  it('fills shipping fields from delivery-address fields when the source has them, and billing ones from the main address', () => {
    const m3 = schema(
      'infor',
      ['CUNO'],
      [field('TOWN', 'string', { label: 'City' }), field('DLTOWN', 'string', { label: 'Delivery address city' })],
    );
    const zoho = schema(
      'zoho',
      [],
      [
        field('Billing_City', 'string', { label: 'Billing City' }),
        field('Shipping_City', 'string', { label: 'Shipping City' }),
      ],
    );
    const top = new Map(suggestMappings(m3, zoho).map((suggestion) => [suggestion.target, suggestion.candidates]));
    expect(top.get('Billing_City')?.map((candidate) => candidate.source)).toEqual(['TOWN']);
    expect(top.get('Shipping_City')?.map((candidate) => candidate.source)).toEqual(['DLTOWN']);
  });

  it('fills the target’s external-id field from the source key first, also in the reverse direction', () => {
    const m3 = schema('infor', ['CUNO'], [field('CUNO', 'string', { label: 'Customer number' })]);
    const salesforce = schema(
      'salesforce',
      ['Id'],
      [
        field('AccountNumber', 'string', { label: 'Account Number' }),
        field('Infor_Customer_Number__c', 'string', { label: 'Infor Customer Number', externalId: true }),
      ],
    );
    const forward = suggestMappings(m3, salesforce);
    expect(forward[0]).toMatchObject({
      target: 'Infor_Customer_Number__c',
      candidates: [{ source: 'CUNO', reason: 'matchKey' }],
    });
    const [back] = suggestMappings(salesforce, m3);
    expect(back?.candidates[0]).toMatchObject({ source: 'Infor_Customer_Number__c', reason: 'matchKey' });
  });

  it('gives a source one target by label, marks coded values, and copies no CRM record id', () => {
    const m3 = schema(
      'infor',
      ['CUNO'],
      [
        field('CUNO', 'string', { label: 'Customer number' }),
        field('STAT', 'string', { label: 'Customer status' }),
        field('CUCD', 'string', { label: 'Currency' }),
      ],
    );
    const dataverse = schema(
      'dynamics',
      ['accountnumber'],
      [
        field('statecode', 'integer', { label: 'Status' }),
        field('statuscode', 'picklist', { label: 'Status Reason' }),
        field('transactioncurrencyid@odata.bind', 'reference', {
          label: 'Currency',
          referenceTo: 'transactioncurrency',
        }),
      ],
    );
    const plain = suggestMappings(m3, dataverse);
    expect(
      plain.map((suggestion) => [suggestion.target, suggestion.candidates[0]?.source, suggestion.candidates[0]?.needs]),
    ).toEqual([['statecode', 'STAT', 'valueMap']]);
    const withLookups = suggestMappings(m3, dataverse, { lookups: true });
    const currency = withLookups.find(
      (suggestion) => readableHandle(suggestion.target) === 'transactioncurrencyid@odata.bind',
    );
    expect(currency?.candidates[0]).toMatchObject({ source: 'CUCD', needs: 'lookup' });
    expect(currency?.target).toContain('\\.');
    // Backwards, the Dataverse reference holds a GUID: it never fills M3's currency code.
    const reverse = suggestMappings(
      schema(
        'dynamics',
        [],
        [
          field('_transactioncurrencyid_value', 'string', { label: 'Currency (id)', readOnly: true }),
          field('transactioncurrencyid@odata.bind', 'reference', {
            label: 'Currency',
            referenceTo: 'transactioncurrency',
          }),
        ],
      ),
      m3,
    );
    expect(reverse).toEqual([]);
  });
});
