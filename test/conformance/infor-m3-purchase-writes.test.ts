import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import type { JsonObject, SourceRecord } from '../../electron/backend/connectors/framework/connector';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';

/**
 * Infor M3 purchase orders as a target (issue 16), over HTTP against the strict simulator: a new
 * order goes in through a PPS370MI batch entry (head, then its lines), an existing one changes
 * through PPS200MI (UpdHead, UpdLine, AddLine), and the normal read shows what was written with a
 * newer stamp. A record with a bad line fails alone, naming the line.
 */
describe('Infor M3 writes purchase orders with their lines', () => {
  let sandbox: InforSandbox;
  const open: InforConnector[] = [];
  beforeAll(async () => {
    sandbox = await startInforSandbox({ seed: 8, counts: { suppliers: 12, purchaseOrders: 10 } });
  });
  afterAll(async () => {
    await Promise.all(open.map((connector) => connector.close()));
    await sandbox.close();
  });

  function connector() {
    const parsed = parseIonApi(JSON.stringify(sandbox.ionapi()));
    const made = new InforConnector({
      connection: {
        id: `m3-po-writes-${Math.random()}`,
        settings: { ...ionApiSettings(parsed), productLine: 'm3', m3Company: '100' },
        sandbox: true,
      },
      secrets: ionApiSecrets(parsed),
    });
    open.push(made);
    return made;
  }

  async function readAll(made: InforConnector) {
    const records: SourceRecord[] = [];
    for await (const page of made.read('purchaseOrders', { pageSize: 50 })) records.push(...page.records);
    return records;
  }

  const calls = (pattern: RegExp) => sandbox.control.requests().filter((call) => pattern.test(call.path));
  const lineValues = (record: SourceRecord | undefined) =>
    (record?.data.lines as JsonObject[]).map((line) => [line.PNLI, line.ITNO, line.ORQA]);

  const order = (lines: JsonObject[], extra: JsonObject = {}): JsonObject => ({
    SUNO: 'S0000004',
    FACI: 'A01',
    WHLO: '100',
    DWDT: '2026-03-01',
    YRE1: 'CIN7-PO-00042',
    lines,
    ...extra,
  });

  it('declares purchase orders writable by PUNO or YRE1, lines writable, PUNO not needed to create', async () => {
    const made = connector();
    expect(made.descriptor.entities.purchaseOrders?.write).toMatchObject({
      mode: 'create+update',
      matchKeys: ['PUNO', 'YRE1'],
    });
    const schema = await made.schema('purchaseOrders');
    const required = schema.fields.filter((field) => field.required.onCreate).map((field) => field.name);
    expect(required.sort()).toEqual(['DWDT', 'FACI', 'SUNO', 'WHLO']);
    const lines = schema.fields.find((field) => field.name === 'lines');
    expect(lines?.readOnly).toBe(false);
    expect(lines?.children?.filter((field) => field.required.onCreate).map((field) => field.name)).toEqual([
      'ITNO',
      'ORQA',
    ]);
  });

  it('creates an order with lines (no PUNO yet), then updates it by PUNO: no duplicate, the read shows the change', async () => {
    const made = connector();
    const before = await readAll(made);
    const first = await made.write(
      'purchaseOrders',
      [
        order([
          { ITNO: 'A100-1000', ORQA: 10, PUPR: 2.5 },
          { ITNO: 'B200-0150', ORQA: 200 },
        ]),
      ],
      { matchKey: [] },
    );
    expect(first[0]).toMatchObject({ outcome: 'created' });
    const puno = first[0]!.targetKey!;
    expect(puno).toMatch(/^\d{10}$/);
    expect(
      calls(/PPS370MI\/(StartEntry|AddHead|AddLine|FinishEntry)/).map(
        (call) => call.path.split('/').at(-1)?.split(';')[0],
      ),
    ).toEqual(['StartEntry', 'AddHead', 'AddLine', 'AddLine', 'FinishEntry']);

    const created = (await readAll(made)).find((record) => record.key === puno);
    expect(created?.data).toMatchObject({ SUNO: 'S0000004', YRE1: 'CIN7-PO-00042', WHLO: '100' });
    expect(lineValues(created)).toEqual([
      [1, 'A100-1000', 10],
      [2, 'B200-0150', 200],
    ]);

    // Line 1 changes, line 2 is gone from the record, line 3 is new; the head's date moves.
    const second = await made.write(
      'purchaseOrders',
      [
        order(
          [
            { PNLI: 1, ITNO: 'A100-1000', ORQA: 12, PUPR: 2.5 },
            { ITNO: 'C300-0042', ORQA: 6 },
          ],
          { PUNO: puno, DWDT: '2026-03-08' },
        ),
      ],
      { matchKey: ['PUNO'] },
    );
    expect(second[0]).toMatchObject({ outcome: 'updated', targetKey: puno });
    expect(second[0]?.note).toMatch(new RegExp(`${puno} keeps line 2`));
    // Only what changed was sent: the head's date, line 1's quantity.
    const upd = calls(/PPS200MI\/(UpdHead|UpdLine)/).map((call) => call.query);
    expect(upd).toEqual([
      { PUNO: puno, DWDT: '20260308' },
      { PUNO: puno, PNLI: '1', PNLS: '0', ORQA: '12' },
    ]);

    const after = await readAll(made);
    expect(after).toHaveLength(before.length + 1);
    const updated = after.find((record) => record.key === puno);
    expect(updated?.data.DWDT).toBe('2026-03-08');
    expect(lineValues(updated)).toEqual([
      [1, 'A100-1000', 12],
      [2, 'B200-0150', 200],
      [3, 'C300-0042', 6],
    ]);
    expect(Date.parse(String(updated?.stamp))).toBeGreaterThanOrEqual(Date.parse(String(created?.stamp)));

    // The same record again: nothing to send.
    const writesBefore = calls(/PPS200MI\/(UpdHead|UpdLine|AddLine)|PPS370MI/).length;
    const third = await made.write(
      'purchaseOrders',
      [
        order(
          [
            { PNLI: 1, ITNO: 'A100-1000', ORQA: 12, PUPR: 2.5 },
            { PNLI: 3, ITNO: 'C300-0042', ORQA: 6 },
          ],
          { PUNO: puno, DWDT: '2026-03-08' },
        ),
      ],
      { matchKey: ['PUNO'] },
    );
    expect(third[0]).toMatchObject({ outcome: 'unchanged', targetKey: puno });
    expect(calls(/PPS200MI\/(UpdHead|UpdLine|AddLine)|PPS370MI/)).toHaveLength(writesBefore);

    // lookup by PUNO and by YRE1: the order with its lines and the read's stamp.
    const byNumber = await made.lookup!('purchaseOrders', 'PUNO', [puno, '2999999999']);
    expect([...byNumber.keys()]).toEqual([puno]);
    expect(byNumber.get(puno)?.stamp).toBe(updated?.stamp);
    expect((byNumber.get(puno)?.data.lines as JsonObject[]).length).toBe(3);
    const byReference = await made.lookup!('purchaseOrders', 'YRE1', ['CIN7-PO-00042']);
    expect(byReference.get('CIN7-PO-00042')?.targetKey).toBe(puno);
  });

  it('matches by YRE1 for orders created elsewhere: the order with that reference changes, a new reference creates', async () => {
    const made = connector();
    const results = await made.write(
      'purchaseOrders',
      [
        order([{ PNLI: 1, ITNO: 'A100-1000', ORQA: 12, PUPR: 2.5 }], { DWDT: '2026-04-01' }),
        order([{ ITNO: 'F600-0900', ORQA: 1 }], { YRE1: 'CIN7-PO-00043' }),
        order([{ ITNO: 'F600-0900', ORQA: 4 }], { YRE1: 'CIN7-PO-00043' }),
      ],
      { matchKey: ['YRE1'] },
    );
    expect(results.map((result) => result.outcome)).toEqual(['updated', 'created', 'updated']);
    expect(results[0]?.match).toMatchObject({ by: 'external_id' });
    expect(results[2]?.targetKey).toBe(results[1]?.targetKey);
    const written = (await readAll(made)).find((record) => record.key === results[1]?.targetKey);
    // The third record's line had no PNLI: a new line beside the first (lines are never deleted).
    expect(lineValues(written)).toEqual([
      [1, 'F600-0900', 1],
      [2, 'F600-0900', 4],
    ]);
  });

  // How M3 refuses an unknown supplier or item is unconfirmed (sandbox switch m3UnknownReference):
  // the one public sample names no field and no value; the other form names both.
  it.each([
    {
      form: 'invalid' as const,
      item: /^line 2: .*PPS370MI\/AddLine.*Item number is invalid \(M3 named no field; the call sent .*ITNO NO-SUCH-ITEM/,
      changedItem:
        /^line 2: .*PPS200MI\/AddLine.*Item number is invalid \(M3 named no field; the call sent .*ITNO NO-SUCH-ITEM/,
      itemField: 'lines[1]',
      supplier:
        /^head: .*PPS370MI\/AddHead.*Supplier number is invalid \(M3 named no field; the call sent .*SUNO S9999999/,
      supplierField: undefined,
    },
    {
      form: 'doesNotExist' as const,
      item: /^line 2: .*PPS370MI\/AddLine.*Item number NO-SUCH-ITEM does not exist$/,
      changedItem: /^line 2: .*PPS200MI\/AddLine.*Item number NO-SUCH-ITEM does not exist$/,
      itemField: 'lines[1].ITNO',
      supplier: /^head: .*PPS370MI\/AddHead.*Supplier S9999999 does not exist$/,
      supplierField: 'SUNO',
    },
  ])(
    'a bad line fails its record alone, naming the line; M3 refusals drop the entry (no half order), $form NOK',
    async (variant) => {
      sandbox.control.setBehaviour({ m3UnknownReference: variant.form });
      const made = connector();
      const count = (await readAll(made)).length;
      const deletes = calls(/PPS370MI\/DeleteEntry/).length;
      const results = await made.write(
        'purchaseOrders',
        [
          order(
            [
              { ITNO: 'A100-1000', ORQA: 1 },
              { ITNO: 'X'.repeat(16), ORQA: 1 },
            ],
            { YRE1: `BAD-1-${variant.form}` },
          ),
          order(
            [
              { ITNO: 'A100-1000', ORQA: 1 },
              { ITNO: 'NO-SUCH-ITEM', ORQA: 1 },
            ],
            { YRE1: `BAD-2-${variant.form}` },
          ),
          order([{ ITNO: 'A100-1000', ORQA: 'many' }], { YRE1: `BAD-3-${variant.form}` }),
          order([{ ITNO: 'A100-1000', ORQA: 1 }], { YRE1: `BAD-4-${variant.form}`, SUNO: 'S9999999' }),
          order([{ ITNO: 'G700-3100', ORQA: 3 }], { YRE1: `GOOD-5-${variant.form}` }),
        ],
        { matchKey: [] },
      );
      expect(results.map((result) => result.outcome)).toEqual(['failed', 'failed', 'failed', 'failed', 'created']);
      expect(results[0]?.error).toMatchObject({ code: 'E_INVALID_INPUT', field: 'lines[1].ITNO' });
      expect(results[0]?.error?.message).toMatch(/^line 2: ITNO is 16 characters.*15/);
      expect(results[1]?.error?.field).toBe(variant.itemField);
      expect(results[1]?.error?.message).toMatch(variant.item);
      expect(results[2]?.error).toMatchObject({ field: 'lines[0].ORQA' });
      expect(results[3]?.error?.field).toBe(variant.supplierField);
      expect(results[3]?.error?.message).toMatch(variant.supplier);
      // Only the good order exists; the refused entries were deleted.
      expect(await readAll(made)).toHaveLength(count + 1);
      expect(calls(/PPS370MI\/DeleteEntry/)).toHaveLength(deletes + 2);
      // A change (PPS200MI) refused the same way fails its record naming the line as well.
      const [changed] = await made.write(
        'purchaseOrders',
        [
          order(
            [
              { PNLI: 1, ITNO: 'G700-3100', ORQA: 3 },
              { ITNO: 'NO-SUCH-ITEM', ORQA: 1 },
            ],
            { PUNO: results[4]!.targetKey!, YRE1: `GOOD-5-${variant.form}` },
          ),
        ],
        { matchKey: ['PUNO'] },
      );
      expect(changed).toMatchObject({ outcome: 'failed', targetKey: results[4]!.targetKey });
      expect(changed?.error?.message).toMatch(variant.changedItem);
      sandbox.control.setBehaviour({ m3UnknownReference: 'invalid' });
    },
  );

  it('answers the gateway lost (head, a line, the finish) are retried without doubling anything: one order, its lines once', async () => {
    const made = connector();
    const count = (await readAll(made)).length;
    for (const step of ['AddHead', 'AddLine', 'FinishEntry']) {
      sandbox.control.addFault({ pathRegex: `/PPS370MI/${step}`, times: 1, effect: { m3LostAnswer: 502 } });
      try {
        const [result] = await made.write(
          'purchaseOrders',
          [
            order(
              [
                { ITNO: 'A100-1000', ORQA: 2 },
                { ITNO: 'B200-0300', ORQA: 3 },
              ],
              { YRE1: `LOST-${step}` },
            ),
          ],
          { matchKey: [] },
        );
        expect([step, result?.outcome]).toEqual([step, 'created']);
        const written = (await readAll(made)).find((record) => record.key === result?.targetKey);
        expect([step, lineValues(written)]).toEqual([
          step,
          [
            [1, 'A100-1000', 2],
            [2, 'B200-0300', 3],
          ],
        ]);
      } finally {
        sandbox.control.clearFaults();
      }
    }
    expect(await readAll(made)).toHaveLength(count + 3);
    // An AddLine of an existing order whose answer was lost: the line once.
    const [created] = await made.write(
      'purchaseOrders',
      [order([{ ITNO: 'A100-1000', ORQA: 1 }], { YRE1: 'LOST-2' })],
      {
        matchKey: [],
      },
    );
    sandbox.control.addFault({ pathRegex: '/PPS200MI/AddLine', times: 1, effect: { m3LostAnswer: 502 } });
    try {
      const [changed] = await made.write(
        'purchaseOrders',
        [
          order(
            [
              { PNLI: 1, ITNO: 'A100-1000', ORQA: 1 },
              { ITNO: 'F600-0900', ORQA: 9 },
            ],
            { PUNO: created!.targetKey!, YRE1: 'LOST-2' },
          ),
        ],
        { matchKey: ['PUNO'] },
      );
      expect(changed?.outcome).toBe('updated');
    } finally {
      sandbox.control.clearFaults();
    }
    const after = (await readAll(made)).find((record) => record.key === created?.targetKey);
    expect(lineValues(after)).toEqual([
      [1, 'A100-1000', 1],
      [2, 'F600-0900', 9],
    ]);
  });

  it('new lines never share a number: a number given twice fails the record naming the line; unnumbered lines skip given ones', async () => {
    const made = connector();
    const [twice] = await made.write(
      'purchaseOrders',
      [
        order(
          [
            { PNLI: 4, ITNO: 'A100-1000', ORQA: 1 },
            { PNLI: 4, ITNO: 'A100-2000', ORQA: 1 },
          ],
          { YRE1: 'TWICE' },
        ),
      ],
      { matchKey: [] },
    );
    expect(twice).toMatchObject({ outcome: 'failed', error: { field: 'lines[1].PNLI' } });
    const [created] = await made.write('purchaseOrders', [order([{ ITNO: 'A100-1000', ORQA: 1 }], { YRE1: 'GAPS' })], {
      matchKey: [],
    });
    const [changed] = await made.write(
      'purchaseOrders',
      [
        order(
          [
            { PNLI: 1, ITNO: 'A100-1000', ORQA: 1 },
            { ITNO: 'B200-0150', ORQA: 5 },
            { PNLI: 2, ITNO: 'C300-0100', ORQA: 6 },
          ],
          { PUNO: created!.targetKey!, YRE1: 'GAPS' },
        ),
      ],
      { matchKey: ['PUNO'] },
    );
    expect(changed?.outcome).toBe('updated');
    const after = (await readAll(made)).find((record) => record.key === created?.targetKey);
    expect(lineValues(after)).toEqual([
      [1, 'A100-1000', 1],
      [2, 'C300-0100', 6],
      [3, 'B200-0150', 5],
    ]);
  });

  it('two orders with one YRE1 match neither: the record fails naming both, and lookup refuses the value', async () => {
    const made = connector();
    const [one] = await made.write('purchaseOrders', [order([{ ITNO: 'A100-1000', ORQA: 1 }], { YRE1: 'SAME' })], {
      matchKey: [],
    });
    const [two] = await made.write('purchaseOrders', [order([{ ITNO: 'A100-1000', ORQA: 2 }], { YRE1: 'SAME' })], {
      matchKey: [],
    });
    const [result] = await made.write('purchaseOrders', [order([{ ITNO: 'A100-1000', ORQA: 3 }], { YRE1: 'SAME' })], {
      matchKey: ['YRE1'],
    });
    expect(result).toMatchObject({ outcome: 'failed', error: { field: 'YRE1' } });
    expect(result?.error?.message).toContain(`${one!.targetKey!}, ${two!.targetKey!}`);
    await expect(made.lookup!('purchaseOrders', 'YRE1', ['SAME'])).rejects.toThrow(/2 purchase orders have YRE1/);
  });

  it('U22 batchJob (the order appears after the batch job): the same create, change and lost-answer recovery hold', async () => {
    const made = connector();
    sandbox.control.setBehaviour({ m3PurchaseEntry: 'batchJob' });
    sandbox.control.addFault({ pathRegex: '/PPS370MI/FinishEntry', times: 1, effect: { m3LostAnswer: 502 } });
    try {
      const results = await made.write(
        'purchaseOrders',
        [
          order([{ ITNO: 'A100-1000', ORQA: 2 }], { YRE1: 'JOB-A' }),
          order([{ PNLI: 1, ITNO: 'A100-1000', ORQA: 7 }], { YRE1: 'JOB-A' }),
        ],
        { matchKey: ['YRE1'] },
      );
      expect(results.map((result) => result.outcome)).toEqual(['created', 'updated']);
      const written = (await readAll(made)).filter((record) => record.data.YRE1 === 'JOB-A');
      expect(written.map(lineValues)).toEqual([[[1, 'A100-1000', 7]]]);
    } finally {
      sandbox.control.clearFaults();
      sandbox.control.setBehaviour({ m3PurchaseEntry: 'immediate' });
    }
  });

  it('a field the change transaction does not take fails the update when it differs, naming it', async () => {
    const made = connector();
    const [created] = await made.write('purchaseOrders', [order([{ ITNO: 'A100-1000', ORQA: 1 }], { YRE1: 'SUP-1' })], {
      matchKey: [],
    });
    const [changed] = await made.write(
      'purchaseOrders',
      [
        order([{ PNLI: 1, ITNO: 'A100-2000', ORQA: 1 }], {
          PUNO: created!.targetKey!,
          YRE1: 'SUP-1',
          SUNO: 'S0000005',
        }),
      ],
      { matchKey: ['PUNO'] },
    );
    expect(changed).toMatchObject({ outcome: 'failed', error: { field: 'SUNO' } });
    expect(changed?.error?.message).toMatch(/SUNO is not an input of M3 PPS200MI\/UpdHead/);
  });

  it("a reference holding EXPORTMI's separator fails the lookup naming the row, never shifts the stamp", async () => {
    const made = connector();
    const [first] = await readAll(made);
    const puno = String(first!.data.PUNO);
    // A person types "~" into the order's reference in M3 (free text; nothing forbids it).
    const changed = await made.write('purchaseOrders', [{ PUNO: puno, YRE1: 'REF~7', lines: [] }], {
      matchKey: ['PUNO'],
    });
    expect(changed[0]?.outcome, JSON.stringify(changed[0])).toBe('updated');
    await expect(made.lookup!('purchaseOrders', 'PUNO', [puno])).rejects.toMatchObject({
      code: 'E_INFOR_M3_AMBIGUOUS_ROW',
      message: expect.stringContaining(`row starting “${puno}”`),
    });
  });
});
