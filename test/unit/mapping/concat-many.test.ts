import { describe, expect, it } from 'vitest';
import { compileGraph, inputPorts, mappingGraphSchema, parseMapping } from '../../../shared/mapping/index';
import { evaluateExpression } from '../../../shared/mapping/evaluate';
import { TestGraph } from '../../mapping/support/graph-builder';

/** Issue 19: Concatenate takes any number of inputs and a separator; old two-input nodes are unchanged. */
describe('Concatenate with many inputs and a separator', () => {
  const source = { CUA1: 'string', CUA2: 'string', TOWN: 'string', PONO: 'string' } as const;

  it('joins every connected input with the separator, and the JSONata reads back to the same text', async () => {
    const b = new TestGraph({ ...source }, { Billing_Street: 'string' });
    const node = b.fn('concat', b.src('CUA1'), b.src('CUA2'), b.src('TOWN'), b.src('PONO'));
    b.to('Billing_Street', node);
    const concat = b.graph.nodes.find((candidate) => candidate.id === node.node)!;
    Object.assign(concat.data, { inputs: 4, separator: ', ' });
    expect(inputPorts(concat).map((port) => port.handle)).toEqual(['in0', 'in1', 'in2', 'in3']);
    // Saved graphs validate with the new fields.
    expect(mappingGraphSchema.parse(b.graph)).toEqual(b.graph);

    const { expression } = compileGraph(b.graph);
    expect(expression).toContain('CUA1 & ", " & CUA2 & ", " & TOWN & ", " & PONO');
    const record = { CUA1: '183 Market St', CUA2: 'Floor 2', TOWN: 'Milan', PONO: '20121' };
    expect(await evaluateExpression(expression, record)).toEqual({
      Billing_Street: '183 Market St, Floor 2, Milan, 20121',
    });
    expect(compileGraph(parseMapping(expression)).expression).toBe(expression);
  });

  it('leaves an input out when it is not connected, and keeps old two-input nodes as they compiled', async () => {
    const b = new TestGraph({ ...source }, { Billing_Street: 'string', Billing_City: 'string' });
    const many = b.fn('concat', b.src('CUA1'), b.src('TOWN'));
    b.to('Billing_Street', many).to('Billing_City', b.fn('concat', b.src('TOWN'), b.src('PONO')));
    Object.assign(b.graph.nodes.find((candidate) => candidate.id === many.node)!.data, { inputs: 3, separator: ' ' });
    const { expression } = compileGraph(b.graph);
    expect(expression).toContain('"Billing_Street": CUA1 & " " & TOWN');
    expect(expression).toContain('"Billing_City": TOWN & PONO');
  });
});
