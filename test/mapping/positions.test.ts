import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import { compileGraph, evaluateExpression, parseMapping, parseMappingGraph } from '../../shared/mapping/index';
import { TestGraph } from './support/graph-builder';

/** Text → graph (stored as JSON, as the app stores it) → text. */
function roundTrip(text: string): string {
  return compileGraph(parseMappingGraph(JSON.parse(JSON.stringify(parseMapping(text))))).expression;
}

async function expectSameMeaning(text: string, inputs: unknown[]): Promise<string> {
  const back = roundTrip(text);
  for (const input of inputs)
    expect(await evaluateExpression(back, input)).toEqual(await evaluateExpression(text, input));
  return back;
}

describe('JSONata in every position reads back with the same meaning', () => {
  it('path.{…} as a field value stays unwrapped: one item gives an object, a missing list leaves the key out', async () => {
    const text = '{\n  "Items": lines.{\n    "Sku": ITNO\n  }\n}';
    const back = await expectSameMeaning(text, [
      { lines: { ITNO: 'ONLY' } },
      { lines: [{ ITNO: 'A' }, { ITNO: 'B' }] },
      {},
    ]);
    expect(back).toContain('"Items": lines.{');
    expect(await evaluateExpression(back, { lines: { ITNO: 'ONLY' } })).toEqual({ Items: { Sku: 'ONLY' } });
    expect(await evaluateExpression(back, {})).toEqual({});
    // The same in a nested object and inside another loop.
    await expectSameMeaning('{"Order": {"Lines": lines.{"Sku": ITNO}}}', [{ lines: { ITNO: 'X' } }, {}]);
    await expectSameMeaning('{"Orders": [orders.{"Lines": lines.{"Sku": ITNO}}]}', [
      { orders: [{ lines: { ITNO: 'X' } }, {}] },
    ]);
  });

  it('[path.{…}] stays a list, as loops drawn on the canvas do', async () => {
    const back = await expectSameMeaning('{"Items": [lines.{"Sku": ITNO}]}', [{ lines: { ITNO: 'ONLY' } }, {}]);
    expect(back).toContain('"Items": [lines.{');
    expect(await evaluateExpression(back, {})).toEqual({ Items: [] });
  });

  it('the parent operator % inside a loop body compiles and keeps its meaning', async () => {
    const input = { ORNO: 'O1', CUNO: 'C9', lines: [{ ITNO: 'A' }, { ITNO: 'B' }] };
    await expectSameMeaning('{"Items": [lines.{"Order": %.ORNO, "Sku": ITNO, "Who": %.CUNO & "/" & ITNO}]}', [input]);
    await expectSameMeaning('{"Items": lines.{"Order": %.ORNO}}', [input]);
  });

  it('custom text is checked where it stands, and a refusal says what jsonata said, naming the node', () => {
    const b = new TestGraph({ a: 'string' }, { x: 'string' });
    const custom = b.custom('%.a');
    b.to('x', custom);
    const id = custom.node;
    let caught: unknown;
    try {
      compileGraph(b.graph);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'E_MAPPING_COMPILE', details: { nodeIds: [id], jsonataCode: 'S0217' } });
    const message = (caught as Error).message;
    expect(message).not.toContain('[object Object]');
    expect(message).toContain("The object representing the 'parent' cannot be derived from this expression");
    expect(message).toContain(`"${id}"`);
  });

  it('names only the custom node jsonata refuses in place, not every custom node', () => {
    const b = new TestGraph({ a: 'string' }, { x: 'string', y: 'string' });
    const good = b.custom('$string(1)');
    const bad = b.custom('%.a');
    b.to('x', good);
    b.to('y', bad);
    expect(() => compileGraph(b.graph)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ nodeIds: [bad.node] }) }),
    );
  });

  it('sort terms with a direction and a trailing ; in a block are accepted and round-trip', async () => {
    const input = {
      orders: [
        { id: 1, date: '2024-01-02' },
        { id: 2, date: '2024-03-01' },
        { id: 3, date: '2023-12-31' },
      ],
    };
    await expectSameMeaning('{"Newest": orders^(>date).id, "Oldest": orders^(<date, >id)[0].id}', [input]);
    await expectSameMeaning('{"Last": ($n := $count(orders); $n;)}', [input]);
    await expectSameMeaning('orders^(>date)', [input]);
    await expectSameMeaning('(1; 2; 3;)', [null]);
  });

  it('a root reference $$.lines.ITNO inside a loop works whatever the order of the target fields', async () => {
    const input = { lines: [{ ITNO: 'A' }, { ITNO: 'B' }] };
    for (const text of [
      '{"Items": [lines.{"Sku": ITNO, "All": $$.lines.ITNO}]}',
      '{"Items": [lines.{"All": $$.lines.ITNO, "Sku": ITNO}]}',
      '{"First": lines.ITNO, "Items": [lines.{"Sku": ITNO, "All": $$.lines.ITNO}]}',
      '{"Items": [lines.{"Sku": ITNO, "All": $$.lines.ITNO}], "First": $$.lines.ITNO}',
    ]) {
      const back = await expectSameMeaning(text, [input]);
      expect(await evaluateExpression(back, input)).toMatchObject({
        Items: [
          { Sku: 'A', All: ['A', 'B'] },
          { Sku: 'B', All: ['A', 'B'] },
        ],
      });
    }
  });

  it('the round trip is jsonata-valid text', () => {
    expect(() => jsonata(roundTrip('{"Items": lines.{"Order": %.ORNO}}'))).not.toThrow();
  });
});
