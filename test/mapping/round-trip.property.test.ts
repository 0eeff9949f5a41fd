import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGraph, evaluateExpression, parseMapping, type Scalar } from '../../shared/mapping/index';
import { TestGraph, type Ref } from './support/graph-builder';
import { sortedGraph } from './support/graph-compare';
import { InterpretError, interpretGraph } from './support/interpret';

/** Random graphs in the parser's normal form (see parser.ts: `a ?? b ?? c` reads back as one default node). */
const customValues: Record<string, unknown> = {
  '$substringBefore("a-b", "-")': 'a',
  '[10, 20, 30][1]': 20,
  '$string(1) in ["1", "2"]': true,
};
const lookupRef = (entity: string, key: unknown): unknown =>
  key === undefined ? undefined : `${entity}:${JSON.stringify(key)}`;

/** Seeded generator: fast-check supplies the seed (and replays it on failure), this builds the graph. */
class Rng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
  text(): string {
    return Array.from({ length: this.int(0, 5) }, () =>
      this.pick(['a', 'B', ' ', '"', '\\', '`', '.', 'é', '😀', '\n', '-', '1']),
    ).join('');
  }
  scalar(): Scalar {
    return this.pick<() => Scalar>([() => this.text(), () => this.int(-50, 50), () => this.next() < 0.5, () => null])();
  }
}

const textArbitrary = fc.string({
  unit: fc.constantFrom('a', 'B', ' ', '"', '\\', '`', '.', 'é', '😀', '\n', '-', '1'),
  maxLength: 6,
});

function expression(random: Rng, b: TestGraph, scope: 'root' | 'item', depth: number, avoid: string[] = []): Ref {
  const fields = scope === 'item' ? ['lines[].x', 'lines[].q', 'a', 'n'] : ['a', 'b', 'n', 'm'];
  const kinds =
    depth >= 3
      ? ['source', 'constant']
      : [
          'source',
          'constant',
          'text',
          'concat',
          'math',
          'equals',
          'conditional',
          'coalesce',
          'valueMap',
          'lookup',
          'custom',
        ];
  const kind = random.pick(kinds.filter((candidate) => !avoid.includes(candidate)));
  const sub = (exclude: string[] = []): Ref => expression(random, b, scope, depth + 1, exclude);
  switch (kind) {
    case 'source':
      return b.src(random.pick(fields));
    case 'constant':
      return b.constant(random.scalar());
    case 'text':
      return b.fn(
        random.pick(['uppercase', 'lowercase', 'trim']),
        b.src(random.pick(scope === 'item' ? ['lines[].x', 'a'] : ['a', 'b'])),
      );
    case 'concat':
      return b.fn('concat', sub(), sub());
    case 'math':
      return b.fn(
        random.pick(['add', 'multiply']),
        b.src(random.pick(scope === 'item' ? ['lines[].q', 'n'] : ['n', 'm'])),
        b.constant(random.int(-5, 5)),
      );
    case 'equals':
      return b.fn('equals', sub(), sub());
    case 'conditional':
      return random.next() < 0.5 ? b.conditional(sub(), sub(), sub()) : b.conditional(sub(), sub());
    case 'coalesce': {
      const count = random.int(2, 3);
      // Normal form: a default's first input is no value map (`$lookup(…) ?? x` reads back as the value map's fallback).
      const inputs = Array.from({ length: count }, (_, index) => sub(index === 0 ? ['valueMap'] : []));
      return b.coalesce(...inputs);
    }
    case 'valueMap': {
      const entries: Record<string, Scalar> = {};
      for (let index = random.int(0, 3); index > 0; index -= 1) entries[random.text()] = random.scalar();
      const fallback = random.pick([
        { kind: 'none' as const },
        { kind: 'input' as const },
        { kind: 'constant' as const, value: random.scalar() },
      ]);
      return b.valueMap(sub(['constant']), entries, fallback);
    }
    case 'lookup':
      return b.lookup(random.pick(['Accounts', 'Products']), sub());
    default:
      return b.custom(random.pick(Object.keys(customValues)));
  }
}

const graphArbitrary = fc.integer().map((seed) => {
  const random = new Rng(seed);
  const b = new TestGraph(
    {
      a: 'string',
      b: 'string',
      n: 'number',
      m: 'number',
      lines: 'array',
      'lines[].x': 'string',
      'lines[].q': 'number',
    },
    {
      t0: 'string',
      t1: 'string',
      t2: 'string',
      t3: 'string',
      items: 'array',
      'items[].u0': 'string',
      'items[].u1': 'string',
      'items[].u2': 'string',
    },
  );
  for (let index = random.int(1, 4); index > 0; index -= 1) b.to(`t${index - 1}`, expression(random, b, 'root', 0));
  if (random.next() < 0.5) {
    b.loop('lines', 'items');
    for (let index = random.int(0, 3); index > 0; index -= 1)
      b.to(`items[].u${index - 1}`, expression(random, b, 'item', 0));
  }
  return b.graph;
});

const inputArbitrary = fc.record(
  {
    a: fc.oneof(textArbitrary, fc.constant(null)),
    b: textArbitrary,
    n: fc.integer({ min: -100, max: 100 }),
    m: fc.integer({ min: -100, max: 100 }),
    lines: fc.array(fc.record({ x: textArbitrary, q: fc.integer({ min: 0, max: 9 }) }, { requiredKeys: ['q'] }), {
      maxLength: 3,
    }),
  },
  { requiredKeys: ['b'] },
);

describe('graph ⇄ JSONata properties', () => {
  it('random graphs round-trip through JSONata to the same graph', () => {
    fc.assert(
      fc.property(graphArbitrary, (graph) => {
        const text = compileGraph(graph).expression;
        expect(sortedGraph(parseMapping(text, { previous: graph })), text).toEqual(sortedGraph(graph));
        expect(compileGraph(parseMapping(text)).expression).toBe(text);
      }),
      { numRuns: 150 },
    );
  });

  it('compiled JSONata evaluates like the direct interpreter', async () => {
    await fc.assert(
      fc.asyncProperty(graphArbitrary, inputArbitrary, async (graph, input) => {
        let expected: unknown;
        try {
          expected = interpretGraph(graph, input, customValues, lookupRef);
        } catch (error) {
          if (!(error instanceof InterpretError)) throw error;
          await expect(
            evaluateExpression(compileGraph(graph).expression, input, { bindings: { lookupRef } }),
          ).rejects.toThrow();
          return;
        }
        const text = compileGraph(graph).expression;
        expect(
          await evaluateExpression(text, input, { bindings: { lookupRef } }),
          `${text}\n${JSON.stringify(input)}`,
        ).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
