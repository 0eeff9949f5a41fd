import { describe, expect, it } from 'vitest';
import { suggestMappings } from '../../shared/mapping/index';
import { csiCustomers, expectedPairs, m3Customers } from './schemas';

describe('auto-map suggestions', () => {
  for (const [system, { schema, m3, csi }] of Object.entries(expectedPairs)) {
    it(`suggests the obvious ${system} fields from M3 and CSI`, () => {
      const report: Record<string, unknown> = { target: system };
      for (const [sourceName, source, pairs] of [['m3', m3Customers, m3], ['csi', csiCustomers, csi]] as const) {
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
        report[sourceName] = { precision: Number((correct.length / Math.max(1, judged.length)).toFixed(2)), suggested: offered };
      }
      console.log(JSON.stringify({ autoMapPrecision: report }));
    });
  }
});
