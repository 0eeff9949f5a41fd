import { describe, expect, it } from 'vitest';
import type { Connector } from '../../../electron/backend/connectors/framework/connector';
import { differences, reconcileNote, type ReconcileSummary } from '../../../electron/backend/sync/reconcile';

const side = (label: string) => ({ descriptor: { label } }) as unknown as Connector;
const systems = { source: side('Infor M3'), target: side('Cin7 Core') };

describe('a reconcile run’s note and diffs', () => {
  const summary: ReconcileSummary = {
    match: 120,
    differ: 3,
    onlyInSource: 2,
    onlyInTarget: ['999'],
    unkeyed: [],
    failed: 0,
    notMapped: 0,
  };

  it('sums up what matched, differed and exists on one side only', () => {
    expect(reconcileNote(summary, { fix: true, dryRun: false, ...systems })).toBe(
      'Reconcile: 120 match, 3 differ (fixed), 2 only in Infor M3 (created), 1 only in Cin7 Core (reported, never deleted: 999).',
    );
    expect(reconcileNote(summary, { fix: false, dryRun: true, ...systems })).toBe(
      'Reconcile (dry run): 120 match, 3 differ (reported), 2 only in Infor M3 (reported), 1 only in Cin7 Core (reported, never deleted: 999).',
    );
  });

  it('names target records it cannot pair, failures and records the mapping left out', () => {
    const many = Array.from({ length: 25 }, (_, index) => String(index));
    const note = reconcileNote(
      { ...summary, onlyInTarget: many, unkeyed: ['ID-1'], failed: 2, notMapped: 6 },
      { fix: false, dryRun: false, ...systems },
    );
    expect(note).toContain('25 only in Cin7 Core (reported, never deleted: 0, 1, 2');
    expect(note).toContain('19 and 5 more)');
    expect(note).toContain('1 in Cin7 Core without a match value (ID-1), 2 failed, 6 not mapped.');
  });

  it('compares as the target echoes values: numbers as text, fields the target adds ignored', () => {
    const held = { Code: 100, Name: 'Cash', DisplayName: '100 - Cash', Status: 'ACTIVE' };
    expect(differences(held, { Code: '100', Name: 'Cash', Status: 'ACTIVE' })).toEqual([]);
    expect(differences(held, { Code: '100', Name: 'Cash at bank', Description: null })).toEqual([
      { field: 'Name', before: 'Cash', after: 'Cash at bank' },
    ]);
    expect(differences(undefined, { Code: '200' })).toEqual([{ field: 'Code', before: null, after: '200' }]);
  });
});
