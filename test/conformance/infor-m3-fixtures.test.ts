import { describe, expect, it } from 'vitest';
import { m3ErrorOf, m3Rows } from '../../electron/backend/connectors/infor/m3-api';
import { m3SourceSchema } from '../../electron/backend/connectors/infor/infor-sources';
import { normalizeM3 } from '../../electron/backend/connectors/infor/m3-values';
import { readJsonFixture } from '../support/paths';

/**
 * The real M3 payloads in fixtures/infor, through the connector's parsers field by field (not just
 * "parses"): every row, every name, every value, and the errors with their code, field and row count.
 */
interface V1Body {
  MIRecord: Array<{ NameValue: Array<{ Name: string; Value: string }>; RowIndex: number }>;
}
const pairs = (body: V1Body) =>
  body.MIRecord.map((record) => Object.fromEntries(record.NameValue.map((pair) => [pair.Name, pair.Value])));

describe('M3 fixtures, field by field', () => {
  it('m3_v1_TST001MI_Lst10Out_OK.json: every row holds F001..F010 exactly as sent, in order', () => {
    const body = readJsonFixture<V1Body>('infor', 'm3_v1_TST001MI_Lst10Out_OK.json');
    const rows = m3Rows(body);
    expect(rows).toEqual(pairs(body));
    rows.forEach((row, index) => {
      expect(Object.keys(row)).toEqual(
        Array.from({ length: 10 }, (_, field) => `F${String(field + 1).padStart(3, '0')}`),
      );
      expect(row.F001).toBe(String(index + 1).padStart(8, '0'));
    });
  });

  it('m3_v1_TST001MI_Lst10Out_NOK_AFTER_5.json: five complete rows, then an error with code, field and count', () => {
    const body = readJsonFixture<V1Body>('infor', 'm3_v1_TST001MI_Lst10Out_NOK_AFTER_5.json');
    expect(m3Rows(body)).toEqual(pairs(body));
    expect(m3Rows(body)).toHaveLength(5);
    const error = m3ErrorOf(200, body, 'TST001MI', 'Lst10Out');
    expect(error?.message).toBe(
      "M3 TST001MI/Lst10Out failed: Designed to fail! Record count was:'-5 ' (after 5 rows; the list is incomplete)",
    );
    expect(error?.details).toMatchObject({
      code: 'CPF9898',
      field: 'RCNT',
      type: 'ServerReturnedNOK',
      rowsBeforeError: 5,
    });
  });

  it('m3_v2_CRS949MI_LstPartnerMedia_response_redacted.json: every key and value, `1UDT` keys and the e-mail list with its `;` intact', () => {
    const body = readJsonFixture<{ results: Array<{ records: Array<Record<string, string>> }> }>(
      'infor',
      'm3_v2_CRS949MI_LstPartnerMedia_response_redacted.json',
    );
    const [row] = m3Rows(body);
    const sent = body.results[0]!.records[0]!;
    expect(row).toEqual(sent);
    const source = m3SourceSchema.parse({ table: 'CSYMED', keys: ['PRF1', 'MEDC', 'SEQN'] });
    // No column metadata: every value stays the text M3 sent.
    const record = normalizeM3(source, row!, undefined, new Map());
    expect(record.key).toBe('123456/MAIL/1');
    expect(record.data).toEqual(sent);
    expect(record.data.TOMA).toBe('user1@example.com; user2@example.com');
    expect(Object.keys(record.data)).toEqual(Object.keys(sent));
  });
});
