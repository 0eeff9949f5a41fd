import { describe, expect, it } from 'vitest';
import { field, type EntitySchema } from '../../../shared/domain/entity-schema';
import { compileGraph, conversionFix, parseMapping, validateMapping } from '../../../shared/mapping/index';
import { insertConversion } from '../../../renderer/src/features/mapper/model/graph-edits';
import { TestGraph } from '../../mapping/support/graph-builder';

/**
 * Issue 19: "requestdeliveryby expects datetime; got 2023-01-18". Issues offers the conversion, and
 * the fix wraps the field's input so the samples fit (and the JSONata reads back into the same nodes).
 */
const order: EntitySchema = {
  system: 'dynamics',
  entity: 'salesorder',
  label: 'Order',
  hash: 'dv-salesorder',
  fetchedAt: '2026-01-01T00:00:00Z',
  keyFields: ['ordernumber'],
  fields: [
    field('ordernumber', 'string', { label: 'Order ID', externalId: true }),
    field('requestdeliveryby', 'datetime', { label: 'Requested Delivery Date' }),
    field('datefulfilled', 'date', { label: 'Date Fulfilled' }),
    field('totalamount', 'number', { label: 'Total Amount' }),
    field('description', 'string', { label: 'Description' }),
  ],
};
const sample = { ORNO: '1000000001', RLDT: '2023-01-18', FDDT: '2023-01-20T10:30:00Z', OAMT: '125.50', LNCT: 3 };

function graph(): TestGraph {
  const b = new TestGraph(
    { ORNO: 'string', RLDT: 'string', FDDT: 'string', OAMT: 'string', LNCT: 'number' },
    {
      ordernumber: 'string',
      requestdeliveryby: 'datetime',
      datefulfilled: 'date',
      totalamount: 'number',
      description: 'string',
    },
  );
  b.to('ordernumber', b.src('ORNO'))
    .to('requestdeliveryby', b.src('RLDT'))
    .to('datefulfilled', b.src('FDDT'))
    .to('totalamount', b.src('OAMT'))
    .to('description', b.src('LNCT'));
  return b;
}

describe('conversion quick fixes for dates and numbers', () => {
  it('offers a conversion for each shape the samples show, and the fixed mapping fits', async () => {
    let current = graph().graph;
    const report = await validateMapping(current, order, { samples: [sample] });
    // From the samples (port types alone also give a type-mismatch, without an example value).
    const mismatches = report.issues.filter((issue) => issue.code === 'type-mismatch' && 'example' in issue);
    expect(mismatches.map((issue) => [issue.field, issue.message, issue.example])).toEqual([
      ['requestdeliveryby', 'requestdeliveryby expects datetime; got "2023-01-18".', '2023-01-18'],
      ['datefulfilled', 'datefulfilled expects date; got "2023-01-20T10:30:00Z".', '2023-01-20T10:30:00Z'],
      ['totalamount', 'totalamount expects number; got "125.50".', '125.50'],
      ['description', 'description expects string; got 3.', 3],
    ]);
    const types = new Map(order.fields.map((entry) => [entry.name, entry.type]));
    const fixes = mismatches.map((issue) => conversionFix(types.get(issue.field!)!, issue.example));
    expect(fixes.map((fix) => fix?.kind)).toEqual(['date-to-datetime', 'datetime-to-date', 'to-number', 'to-text']);

    mismatches.forEach((issue, index) => {
      current = insertConversion(current, issue.field!, fixes[index]!.kind).graph;
    });
    const { expression } = compileGraph(current);
    expect(expression).toContain('RLDT & "T00:00:00Z"');
    expect(expression).toContain('$substring(FDDT, 0, 10)');
    expect(expression).toContain('$number(OAMT)');
    expect(expression).toContain('$string(LNCT)');
    const after = await validateMapping(current, order, { samples: [sample] });
    expect(after.issues.filter((issue) => issue.code === 'type-mismatch' && 'example' in issue)).toEqual([]);
    // Lossless: the JSONata reads back into a graph that prints the same text.
    expect(compileGraph(parseMapping(expression)).expression).toBe(expression);
  });

  it('offers nothing it cannot convert safely', () => {
    expect(conversionFix('number', 'twelve')).toBeUndefined();
    expect(conversionFix('datetime', '18/01/2023')).toBeUndefined();
    expect(conversionFix('string', 'text')).toBeUndefined();
  });
});
