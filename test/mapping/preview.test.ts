import { describe, expect, it } from 'vitest';
import { compileGraph, evaluateExpression, evaluateMany, MappingPreview } from '../../shared/mapping/index';
import { AppError } from '../../shared/errors';
import { TestGraph } from './support/graph-builder';

function customerGraph(cityFrom = 'TOWN') {
  const b = new TestGraph(
    { CUNO: 'string', CUNM: 'string', TOWN: 'string', CUA3: 'string', STAT: 'string' },
    { Account_Number: 'string', Account_Name: 'string', Billing_City: 'string', Status: 'string' },
  );
  b.to('Account_Number', b.src('CUNO'))
    .to('Account_Name', b.fn('trim', b.src('CUNM')))
    .to('Billing_City', b.src(cityFrom))
    .to('Status', b.valueMap(b.src('STAT'), { '20': 'Active' }));
  return b.graph;
}
const samples = Array.from({ length: 1000 }, (_, index) => ({
  CUNO: `C${index}`,
  CUNM: ` Name ${index} `,
  TOWN: `Town ${index % 7}`,
  CUA3: `Street ${index}`,
  STAT: index % 2 ? '20' : '90',
}));

describe('incremental preview', () => {
  it('re-evaluates only the field an edit touched', async () => {
    const preview = new MappingPreview(samples);
    const first = await preview.update(customerGraph());
    expect(preview.evaluationCount).toBe(4 * samples.length);
    expect(first.records[3]?.output).toEqual({
      Account_Number: 'C3',
      Account_Name: 'Name 3',
      Billing_City: 'Town 3',
      Status: 'Active',
    });

    const edited = await preview.update(customerGraph('CUA3'));
    expect(edited.evaluatedFields).toEqual(['Billing_City']);
    expect(preview.evaluationCount).toBe(5 * samples.length);
    expect(edited.records[3]?.output).toEqual({
      Account_Number: 'C3',
      Account_Name: 'Name 3',
      Billing_City: 'Street 3',
      Status: 'Active',
    });

    // Undo: the old text is still cached.
    await preview.update(customerGraph());
    expect(preview.evaluationCount).toBe(5 * samples.length);
    // The per-field preview agrees with the run-time path.
    const whole = await evaluateMany(compileGraph(customerGraph()).expression, samples.slice(0, 5));
    expect(whole.map((result) => (result.ok ? result.value : undefined))).toEqual(
      first.records.slice(0, 5).map((record) => record.output),
    );
  });
});

describe('evaluation guardrails', () => {
  it('times out a runaway expression and limits depth', async () => {
    const loop = '($f := function($n) { $n > 1e12 ? $n : 1 + $f($n + 1) }; $f(0))';
    await expect(
      evaluateExpression('($x := function(){ $count([1..1000000]) }; [1..50].$x())', {}, { timeoutMs: 20 }),
    ).rejects.toMatchObject({ code: 'E_MAPPING_TIMEOUT' });
    await expect(evaluateExpression(loop, {}, { maxDepth: 50, timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'E_MAPPING_DEPTH',
    });
  });

  it('rejects inputs that are not plain JSON and keeps going in batches', async () => {
    await expect(evaluateExpression('a', { a: new Date() })).rejects.toBeInstanceOf(AppError);
    const results = await evaluateMany('$uppercase(a)', [{ a: 'x' }, { a: 1 }, { a: 'y' }]);
    expect(results.map((result) => result.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'E_MAPPING_EVAL' } });
  });

  it('binds run-time functions such as $lookupRef', async () => {
    const lookups: unknown[] = [];
    const lookupRef = async (entity: string, key: string) => {
      lookups.push([entity, key]);
      return `id-${key}`;
    };
    expect(
      await evaluateExpression(
        '{"AccountId": $lookupRef("Accounts", CUNO)}',
        { CUNO: '7' },
        { bindings: { lookupRef } },
      ),
    ).toEqual({ AccountId: 'id-7' });
    expect(lookups).toEqual([['Accounts', '7']]);
  });
});
