import { describe, expect, it } from 'vitest';
import { sourceFieldsOf } from '../../../shared/mapping/source-fields';

describe('the source fields a mapping reads', () => {
  it('names every field a mapping mentions, at any depth, sorted', () => {
    expect(sourceFieldsOf('{ "a": CUNO, "b": $uppercase(CUNM), "c": lines.{ "x": ITNO } }')).toEqual([
      'CUNM',
      'CUNO',
      'ITNO',
      'lines',
    ]);
    expect(sourceFieldsOf('$.CUNO & $$.CUNM')).toEqual(['CUNM', 'CUNO']);
    expect(sourceFieldsOf('`Account Name`')).toEqual(['Account Name']);
    expect(sourceFieldsOf('lines[$.QTY > 0].ITNO')).toEqual(['ITNO', 'QTY', 'lines']);
    expect(sourceFieldsOf('{ "at": $now(), "all": $map(lines, function($l) { $l.ITNO }) }')).toEqual(['ITNO', 'lines']);
    expect(sourceFieldsOf('{ "id": $lookupRef("Accounts", CUNO) }')).toEqual(['CUNO']);
  });

  it('answers "every field" for whatever may reach fields it does not name', () => {
    for (const expression of [
      '$keys($)',
      '$lookup($, "CUNO")',
      '$string()',
      '**.CUNO',
      '*',
      'lines.%.CUNO',
      '$eval("CUNO")',
      '$ ~> | $ | { "x": 1 } |',
      'not a (mapping',
    ])
      expect(sourceFieldsOf(expression), expression).toBeUndefined();
  });
});
