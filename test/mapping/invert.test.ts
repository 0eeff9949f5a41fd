import { describe, expect, it } from 'vitest';
import { compileGraph, evaluateExpression, invertMapping, parseMappingGraph } from '../../shared/mapping';
import { exampleBundle } from '../bundle/support/bundle-files';
import { TestGraph } from './support/graph-builder';
import { goldenDefinitions } from './support/golden-cases';

/** The example bundle's customer mapping: M3 customers → Zoho Accounts, with a trim and a country value map. */
function exampleCustomerMapping() {
  const bundle = exampleBundle();
  const mapping = bundle.mappings.find((candidate) => candidate.sourceEntity === 'customers');
  const flow = bundle.flows.find((candidate) => candidate.mappingId === mapping?.id);
  if (!mapping?.graph || !flow) throw new Error('The example bundle lost its customer mapping.');
  return { graph: parseMappingGraph(mapping.graph), matchKey: flow.target.matchKey };
}

describe('invertMapping', () => {
  it('turns the example bundle customer mapping round, keeping the match key on the Infor key', async () => {
    const { graph, matchKey } = exampleCustomerMapping();
    expect(matchKey).toEqual(['Infor_Customer_No']);
    const reverse = invertMapping(graph, { matchKey });

    expect(reverse.total).toBe(8);
    expect(reverse.matchKey).toEqual(['CUNO']);
    expect(reverse.graph.matchKey).toEqual(['CUNO']);
    expect(reverse.matchKeyProblem).toBeUndefined();
    expect(reverse.inverted).toEqual([
      { from: 'Infor_Customer_No', to: 'CUNO', kind: 'copy' },
      { from: 'Account_Name', to: 'CUNM', kind: 'trim', note: expect.stringContaining('trimmed') },
      { from: 'Billing_Street', to: 'CUA1', kind: 'copy' },
      { from: 'Billing_City', to: 'TOWN', kind: 'copy' },
      { from: 'Billing_Code', to: 'PONO', kind: 'copy' },
      { from: 'Billing_Country', to: 'CSCD', kind: 'valueMap' },
      { from: 'Phone', to: 'PHNO', kind: 'copy' },
    ]);
    // CUNO also fed Account_Number: it goes back from the match-key field only, and the other is named.
    expect(reverse.notInverted).toEqual([
      { field: 'Account_Number', reason: expect.stringContaining('CUNO is written back from Infor_Customer_No') },
    ]);

    // The trees swap: Zoho's fields are read, M3's are written.
    const source = reverse.graph.nodes.find((node) => node.kind === 'source');
    const target = reverse.graph.nodes.find((node) => node.kind === 'target');
    expect(source?.data).toMatchObject({
      fields: expect.arrayContaining([{ path: 'Billing_Country', type: 'string' }]),
    });
    expect(target?.data).toMatchObject({ fields: expect.arrayContaining([{ path: 'CSCD', type: 'string' }]) });

    // Round trip: what the forward mapping wrote maps back to the record it came from.
    const m3 = {
      CUNO: 'C1001',
      CUNM: 'Acme Ltd',
      CUA1: '1 Main St',
      TOWN: 'Leeds',
      PONO: 'LS1',
      CSCD: 'GB',
      PHNO: '0113',
    };
    const zoho = await evaluateExpression(compileGraph(graph).expression, m3);
    expect(zoho).toMatchObject({ Billing_Country: 'United Kingdom', Account_Number: 'C1001' });
    expect(await evaluateExpression(compileGraph(reverse.graph).expression, zoho)).toEqual(m3);
  });

  it('inverts a one-to-one value map and refuses the ones that merge values', async () => {
    const b = new TestGraph(
      { STAT: 'string', CUCL: 'string', RESP: 'string', LNCD: 'string' },
      { statuscode: 'integer', customertypecode: 'string', owner: 'string', language: 'string' },
    );
    b.to('statuscode', b.valueMap(b.src('STAT'), { '20': 1, '90': 2 }, { kind: 'input' }));
    b.to('customertypecode', b.valueMap(b.src('CUCL'), { A: 'Key', B: 'Key', C: 'Small' }));
    b.to('owner', b.valueMap(b.src('RESP'), { JS: 'Jane' }, { kind: 'constant', value: 'Unassigned' }));
    b.to('language', b.valueMap(b.src('LNCD'), { GB: 'English', XX: null }));
    const reverse = invertMapping(b.graph, { matchKey: ['statuscode'] });

    expect(reverse.inverted).toEqual([{ from: 'statuscode', to: 'STAT', kind: 'valueMap' }]);
    expect(reverse.notInverted).toEqual([
      { field: 'customertypecode', reason: expect.stringContaining('"A" and "B" both become "Key"') },
      { field: 'owner', reason: expect.stringContaining('every other value to "Unassigned"') },
      { field: 'language', reason: expect.stringContaining('"XX" to empty') },
    ]);
    const map = reverse.graph.nodes.find((node) => node.kind === 'valueMap');
    expect(map?.data).toEqual({
      entries: [
        { from: '1', to: '20' },
        { from: '2', to: '90' },
      ],
      fallback: { kind: 'input' },
    });
    const expression = compileGraph(reverse.graph).expression;
    expect(await evaluateExpression(expression, { statuscode: 2 })).toEqual({ STAT: '90' });
    // The forward map let unknown values through; so does the reverse one.
    expect(await evaluateExpression(expression, { statuscode: 'other' })).toEqual({ STAT: 'other' });
  });

  it('lists concatenations, constants, case changes, lookups and computed values with their reasons', () => {
    const b = new TestGraph(
      { CUNO: 'string', CUNM: 'string', TOWN: 'string', CSCD: 'string', CRTP: 'number' },
      {
        accountnumber: 'string',
        name: 'string',
        address1_city: 'string',
        address1_country: 'string',
        description: 'string',
        parentaccountid: 'reference',
        creditlimit: 'string',
        revenue: 'number',
      },
    );
    b.to('accountnumber', b.src('CUNO'));
    b.to('name', b.fn('uppercase', b.src('CUNM')));
    b.to('address1_city', b.fn('concat', b.src('TOWN'), b.constant(', ')));
    b.to('address1_country', b.constant('GB'));
    b.to('description', b.fn('trim', b.fn('lowercase', b.src('CUNM'))));
    b.to('parentaccountid', b.lookup('account', b.src('CUNO')));
    b.to('creditlimit', b.fn('string', b.src('CRTP')));
    b.to('revenue', b.fn('round', b.src('CRTP')));
    const reverse = invertMapping(b.graph, { matchKey: ['accountnumber'] });

    expect(reverse.matchKey).toEqual(['CUNO']);
    expect(reverse.inverted).toEqual([
      { from: 'accountnumber', to: 'CUNO', kind: 'copy' },
      { from: 'creditlimit', to: 'CRTP', kind: 'number' },
    ]);
    expect(Object.fromEntries(reverse.notInverted.map((field) => [field.field, field.reason]))).toEqual({
      name: expect.stringContaining('upper case loses the original case'),
      address1_city: expect.stringContaining('concatenation'),
      address1_country: expect.stringContaining('constant'),
      description: expect.stringContaining('computed value'),
      parentaccountid: expect.stringContaining('reference to account'),
      revenue: expect.stringContaining('round() has no exact inverse'),
    });
    expect(reverse.total).toBe(8);
  });

  it('says why when the match key cannot be mapped back', () => {
    const b = new TestGraph({ CUNO: 'string', CUNM: 'string' }, { Account_Number: 'string', Account_Name: 'string' });
    b.to('Account_Number', b.fn('concat', b.constant('M3-'), b.src('CUNO')));
    b.to('Account_Name', b.src('CUNM'));
    const reverse = invertMapping(b.graph, { matchKey: ['Account_Number'] });
    expect(reverse.matchKey).toEqual([]);
    expect(reverse.graph.matchKey).toBeUndefined();
    expect(reverse.matchKeyProblem).toMatch(/Account_Number is not mapped back: a concatenation/);
  });

  it('does not reverse line fields or a whole-record expression', () => {
    const lines = new TestGraph(
      { ORNO: 'string', lines: 'array', 'lines[].ITNO': 'string' },
      { Order_No: 'string', Items: 'array', 'Items[].Product': 'string' },
    );
    lines.to('Order_No', lines.src('ORNO'));
    lines.loop('lines', 'Items');
    lines.to('Items[].Product', lines.src('lines[].ITNO'));
    const reverse = invertMapping(lines.graph, { matchKey: ['Order_No'] });
    expect(reverse.inverted.map((field) => field.from)).toEqual(['Order_No']);
    expect(reverse.notInverted.map((field) => field.field).sort()).toEqual(['Items', 'Items[].Product']);

    const whole = new TestGraph({ CUNO: 'string' }, { Name: 'string' });
    whole.to('$', whole.custom('{ "Name": CUNO }'));
    expect(invertMapping(whole.graph).notInverted).toEqual([
      { field: '$', reason: expect.stringContaining('whole-record') },
    ]);
  });

  it('turns every golden mapping round: each inverted field maps its forward value back to the source value', async () => {
    let inverted = 0;
    for (const { name, graph, input } of goldenDefinitions) {
      const reverse = invertMapping(graph);
      expect(reverse.inverted.length + reverse.notInverted.length, name).toBe(reverse.total);
      if (reverse.inverted.length === 0) continue;
      const forwardOutput = await evaluateExpression(compileGraph(graph).expression, input);
      const back = (await evaluateExpression(compileGraph(reverse.graph).expression, forwardOutput)) as Record<
        string,
        unknown
      >;
      const source = input as Record<string, unknown>;
      const written = forwardOutput as Record<string, unknown>;
      for (const field of reverse.inverted) {
        // A value the forward mapping did not write has nothing to bring back.
        if (written[field.from] === undefined) continue;
        inverted += 1;
        const original = source[field.to];
        const expected =
          field.kind === 'trim'
            ? String(original).trim()
            : field.kind === 'string' && typeof original === 'string'
              ? String(Number(original))
              : original;
        expect(back[field.to], `${name}: ${field.from} → ${field.to}`).toEqual(expected);
      }
    }
    expect(inverted).toBeGreaterThan(10);
  });
});
