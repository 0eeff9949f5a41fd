import { describe, expect, it } from 'vitest';
import { loadSuite, positions, roundTrip, type Outcome, type SuiteCase } from './support/jsonata-suite';

/**
 * Every expression of the official JSONata suite (../shared/fixtures/jsonata-suite, see
 * ../shared/fixtures/SOURCES.md), placed where mappings hold expressions: read into a graph, stored,
 * compiled back, and evaluated against the original on the case's data and bindings. Error cases
 * take part too: the same error code must come out, and text jsonata refuses must be refused.
 */
const cases = loadSuite();

/** Cases not run, each with its reason; the list is asserted so nothing drops out unseen. */
const skipReasons: Record<string, string> = {
  'tail-recursion/case002.json': 'runs until the suite’s depth limit stops it (U1001): seconds per run, no meaning',
  'tail-recursion/case005.json': 'runs until the suite’s depth limit stops it (U1001): seconds per run, no meaning',
  'tail-recursion/case006.json': 'runs until the suite’s time limit stops it (U1001): seconds per run, no meaning',
};
const skipped = (item: SuiteCase): boolean => item.code === 'U1001';

describe('the JSONata suite round-trips through the mapping graph in every position', () => {
  it('loads the whole suite and skips only the listed timeouts', () => {
    expect(cases.length).toBeGreaterThanOrEqual(1650);
    expect(Object.fromEntries(cases.filter(skipped).map((item) => [item.name, skipReasons[item.name]]))).toEqual(
      skipReasons,
    );
  });

  it.each(positions.map((position) => [position.name, position] as const))(
    '%s',
    async (_name, position) => {
      const counts = new Map<Outcome['kind'], number>();
      const failures: string[] = [];
      for (const item of cases) {
        if (skipped(item)) continue;
        const outcome = await roundTrip(item, position);
        counts.set(outcome.kind, (counts.get(outcome.kind) ?? 0) + 1);
        if (outcome.kind !== 'same' && outcome.kind !== 'refused as jsonata does')
          failures.push(`${item.name} ${JSON.stringify(item.expr)}: ${JSON.stringify(outcome)}`);
      }
      // 0 meaning changes, 0 compile crashes, valid expressions never refused, invalid ones never accepted.
      expect(failures.slice(0, 10)).toEqual([]);
      expect(failures.length).toBe(0);
      expect(counts.get('same') ?? 0).toBeGreaterThanOrEqual(1600);
    },
    180_000,
  );
});
