import { describe, expect, it } from 'vitest';
import { field, type EntitySchema } from '../../shared/domain/entity-schema';
import { parseMapping } from '../../shared/mapping/index';
import { lineListPaths, lineSamples, lineSchema } from '../../shared/mapping/line-records';
import { validateMapping } from '../../shared/mapping/validator';
import { expandLines, parentKeyOf } from '../../electron/backend/sync/child-records';
import { AppError } from '../../shared/errors';

const orders: EntitySchema = {
  system: 'infor',
  entity: 'salesOrders',
  label: 'Sales orders',
  keyFields: ['ORNO'],
  fields: [
    field('ORNO', 'string'),
    field('CUNO', 'string'),
    field('lines', 'array', {
      label: 'Lines',
      readOnly: true,
      children: [field('PONR', 'integer'), field('POSX', 'integer'), field('ORQT', 'number')],
    }),
  ],
  hash: 'h',
  fetchedAt: '2026-01-01T00:00:00Z',
};
const details: EntitySchema = {
  system: 'dynamics',
  entity: 'salesorderdetail',
  label: 'Order products',
  keyFields: ['salesorderdetailid'],
  fields: [field('mlc_inforlineid', 'string'), field('quantity', 'number')],
  hash: 't',
  fetchedAt: '2026-01-01T00:00:00Z',
};
const samples = [
  {
    key: '1000000001',
    data: {
      ORNO: '1000000001',
      CUNO: 'C1',
      lines: [
        { PONR: 1, POSX: 0, ORQT: 5 },
        { PONR: 2, POSX: 0, ORQT: 3 },
      ],
    },
  },
  {
    key: '1000000002',
    data: {
      ORNO: '1000000002',
      CUNO: 'C2',
      lines: [
        { PONR: 1, POSX: 0, ORQT: 7 },
        { PONR: 1, POSX: 1, ORQT: 2 },
      ],
    },
  },
];

describe('child records: one record per source line', () => {
  it('previews a line mapping per line instead of failing on an array', async () => {
    // The issue: mapping the order's lines[].ORQT to quantity gives an array on every order.
    const perOrder = await validateMapping(parseMapping('{ "quantity": lines.ORQT }'), details, {
      samples: samples.map((sample) => sample.data),
    });
    expect(perOrder.fields.find((stats) => stats.field === 'quantity')?.failingPercent).toBe(100);

    expect(lineListPaths(orders.fields)).toEqual(['lines']);
    const schema = lineSchema(orders, 'lines');
    expect(schema.fields.map((entry) => entry.name)).toEqual(['PONR', 'POSX', 'ORQT', 'parent']);
    expect(schema.fields.at(-1)?.children?.map((entry) => entry.name)).toEqual(['ORNO', 'CUNO']);
    const lines = lineSamples(samples, 'lines');
    expect(lines.map((line) => line.key)).toEqual(['1000000001/1', '1000000001/2', '1000000002/1', '1000000002/2']);
    const perLine = await validateMapping(
      parseMapping('{ "mlc_inforlineid": parent.ORNO & "-" & PONR, "quantity": ORQT }'),
      details,
      { samples: lines.map((line) => line.data) },
    );
    const quantity = perLine.fields.find((stats) => stats.field === 'quantity')!;
    expect(quantity).toMatchObject({ failingPercent: 0, nullPercent: 0, values: 4 });
    expect(perLine.fields.find((stats) => stats.field === 'mlc_inforlineid')?.distinctSample).toEqual([
      '1000000001-1',
      '1000000001-2',
      '1000000002-1',
    ]);
  });

  it('keys lines by parent and line key, and finds the parent again from a line key', () => {
    const records = expandLines([{ key: 'DIV/1000000001', stamp: 's', data: samples[0]!.data, raw: null }], {
      path: 'lines',
      lineKey: ['PONR', 'POSX'],
    });
    expect(records.map((record) => record.key)).toEqual(['DIV/1000000001/1/0', 'DIV/1000000001/2/0']);
    expect(records[0]!.stamp).toBe('s');
    expect(records[0]!.data).toEqual({ PONR: 1, POSX: 0, ORQT: 5, parent: { ORNO: '1000000001', CUNO: 'C1' } });
    expect(parentKeyOf(records[1]!.key, { path: 'lines', lineKey: ['PONR', 'POSX'] })).toBe('DIV/1000000001');
    // Key values with a slash stay one segment.
    const odd = expandLines([{ key: 'P', stamp: '', data: { lines: [{ L: 'a/b' }] }, raw: null }], {
      path: 'lines',
      lineKey: ['L'],
    });
    expect(parentKeyOf(odd[0]!.key, { path: 'lines', lineKey: ['L'] })).toBe('P');
  });

  it('refuses, naming the parent, a line without a key and two lines sharing one', () => {
    const noKey = () =>
      expandLines([{ key: '1000000009', stamp: '', data: { lines: [{ PONR: 1 }, { ORQT: 2 }] }, raw: null }], {
        path: 'lines',
        lineKey: ['PONR'],
      });
    expect(noKey).toThrow(AppError);
    expect(noKey).toThrow(/Line 2 of source record 1000000009 has no PONR/);
    const twice = () =>
      expandLines([{ key: '1000000009', stamp: '', data: { lines: [{ PONR: 1 }, { PONR: 1 }] }, raw: null }], {
        path: 'lines',
        lineKey: ['PONR'],
      });
    expect(twice).toThrow(/Two lines of source record 1000000009 share the line key PONR = 1/);
  });
});
