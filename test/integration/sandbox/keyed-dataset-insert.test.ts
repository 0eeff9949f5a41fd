import { describe, expect, it } from 'vitest';
import { KeyedDataset } from '../../../sandbox/kit/keyed-dataset';

/** Inserted records (simulator writes) take their place in key order and in stamp order, in every scan. */
describe('KeyedDataset inserts', () => {
  const make = () =>
    new KeyedDataset({ count: 5, key: (index) => `K${index * 10 + 10}`, baseStamp: (index) => 1000 + index * 100 });
  const keys = (dataset: KeyedDataset, scan: Parameters<KeyedDataset['scan']>[0] = {}) =>
    [...dataset.scan(scan)].map((index) => dataset.key(index));

  it('scans inserted keys in key order, within key ranges, both directions', () => {
    const dataset = make();
    const late = dataset.insert('K25', 5000);
    dataset.insert('K05', 6000);
    dataset.insert('K99', 7000);
    expect(late).toBe(5);
    expect(dataset.count).toBe(5);
    expect(dataset.size).toBe(8);
    expect(dataset.indexOf('K25')).toBe(late);
    expect(keys(dataset)).toEqual(['K05', 'K10', 'K20', 'K25', 'K30', 'K40', 'K50', 'K99']);
    expect(keys(dataset, { fromKey: 'K20', toKey: 'K30' })).toEqual(['K20', 'K25', 'K30']);
    expect(keys(dataset, { fromKey: 'K25', fromInclusive: false, toKey: 'K99', toInclusive: false })).toEqual([
      'K30',
      'K40',
      'K50',
    ]);
    expect(keys(dataset, { descending: true })).toEqual(['K99', 'K50', 'K40', 'K30', 'K25', 'K20', 'K10', 'K05']);
    expect(() => dataset.insert('K20', 1)).toThrow(/already/);
  });

  it('orders by stamp with modified and inserted records, and windows them', () => {
    const dataset = make();
    dataset.insert('K25', 1250);
    dataset.modify([0], 1450);
    expect(keys(dataset, { order: 'stamp' })).toEqual(['K20', 'K30', 'K25', 'K40', 'K50', 'K10']);
    expect(keys(dataset, { order: 'stamp', stampFrom: 1250, stampTo: 1300 })).toEqual(['K25', 'K40']);
    expect(dataset.version(dataset.indexOf('K25')!)).toBe(0);
    dataset.modify([dataset.indexOf('K25')!], 9000);
    expect(dataset.version(dataset.indexOf('K25')!)).toBe(1);
    expect(keys(dataset, { order: 'stamp' }).at(-1)).toBe('K25');
    dataset.clearModifications();
    expect(keys(dataset)).toEqual(['K10', 'K20', 'K30', 'K40', 'K50']);
  });
});
