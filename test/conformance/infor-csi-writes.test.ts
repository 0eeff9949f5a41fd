import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import type { SourceRecord } from '../../electron/backend/connectors/framework/connector';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { accessToken } from '../integration/sandbox/infor-helpers';

/**
 * CloudSuite Industrial as a target (issue 16): SLCustomers and SLVendors rows are upserted by key
 * through Mongoose `update/{ido}` (insert, or update with the row's `_ItemId`) after one keyed load,
 * over HTTP against the strict simulator; the normal CSI read shows what was written with a newer
 * RecordDate, and the M3 view of the same data shows it too.
 */
describe('Infor CSI writes customers and suppliers through IDO updates', () => {
  let sandbox: InforSandbox;
  const open: InforConnector[] = [];
  beforeAll(async () => {
    sandbox = await startInforSandbox({ seed: 12, counts: { customers: 30, suppliers: 10 } });
  });
  afterAll(async () => {
    await Promise.all(open.map((connector) => connector.close()));
    await sandbox.close();
  });

  function connector() {
    const parsed = parseIonApi(JSON.stringify(sandbox.ionapi()));
    const made = new InforConnector({
      connection: {
        id: `csi-writes-${Math.random()}`,
        settings: { ...ionApiSettings(parsed), productLine: 'csi', mongooseConfig: `${sandbox.tenant}_DALS` },
        sandbox: true,
      },
      secrets: ionApiSecrets(parsed),
    });
    open.push(made);
    return made;
  }

  async function readAll(made: InforConnector, entity: string) {
    const records: SourceRecord[] = [];
    for await (const page of made.read(entity, { pageSize: 100 })) records.push(...page.records);
    return records;
  }

  const updates = () => sandbox.control.requests().filter((call) => call.path.includes('/ido/update/'));

  /** A raw update request, as a client would send it. */
  async function update(ido: string, body: unknown) {
    const response = await fetch(
      `${sandbox.url}/${sandbox.tenant}/CSI/IDORequestService/ido/update/${ido}?refresh=true`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await accessToken(sandbox)}`,
          'content-type': 'application/json',
          'x-infor-mongooseconfig': `${sandbox.tenant}_DALS`,
        },
        body: JSON.stringify(body),
      },
    );
    expect(response.status).toBe(200);
    return (await response.json()) as { Success: boolean; Message: string | null; RefreshItems: unknown[] | null };
  }
  const property = (Name: string, Value: string | null) => ({ Name, Value, Modified: true, IsNull: Value === null });

  it('the simulator refuses as Mongoose does: HTTP 200, Success:false and a message, nothing written', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      [
        'SLCustomers',
        {
          Changes: [
            { Action: 1, ItemId: 'PBT=[SLCustomers]', Properties: [property('CustNum', 'N1'), property('Nope', 'x')] },
          ],
        },
        /Property "Nope" does not exist/,
      ],
      [
        'SLCustomers',
        {
          Changes: [
            {
              Action: 1,
              ItemId: 'PBT=[SLCustomers]',
              Properties: [property('CustNum', 'N2'), property('CustSeq', '0')],
            },
          ],
        },
        /Property "Name" is required/,
      ],
      [
        'SLCustomers',
        {
          Changes: [
            {
              Action: 1,
              ItemId: 'PBT=[SLCustomers]',
              Properties: [property('CustNum', 'N3'), property('CustSeq', '0'), property('Name', 'x'.repeat(61))],
            },
          ],
        },
        /Name.*61 characters.*60/,
      ],
      [
        'SLCustomers',
        {
          Changes: [
            {
              Action: 1,
              ItemId: 'PBT=[SLCustomers]',
              Properties: [property('CustNum', 'D000001'), property('CustSeq', '0'), property('Name', 'Once')],
            },
            {
              Action: 1,
              ItemId: 'PBT=[SLCustomers]',
              Properties: [property('CustNum', 'D000001'), property('CustSeq', '0'), property('Name', 'Twice')],
            },
          ],
        },
        /already exists/,
      ],
      [
        'SLCustomers',
        {
          Changes: [
            {
              Action: 2,
              ItemId:
                'PBT=[customer] customer.DT=[2020-01-01 00:00:00.000] customer.ID=[00000000-0000-0000-0000-000000000000]',
              Properties: [property('Name', 'Ghost')],
            },
          ],
        },
        /does not exist/,
      ],
      [
        'SLCustomers',
        { Changes: [{ Action: 2, ItemId: 'x', Properties: [property('RecordDate', '20250101 00:00:00.000')] }] },
        /read-only/,
      ],
      [
        'SLVendors',
        {
          Changes: [
            {
              Action: 1,
              ItemId: 'PBT=[SLVendors]',
              Properties: [property('VendNum', 'V1'), property('Name', 'N'), property('CurrCode', null)],
            },
          ],
          Extra: 1,
        },
        /"Extra" is not a member/,
      ],
      [
        'SLCustomers',
        {
          Changes: [
            {
              Action: 1,
              ItemId: 'PBT=[SLCustomers]',
              Properties: [
                property('CustNum', 'N4'),
                property('CustSeq', '0'),
                property('Name', 'N'),
                property('CreditLimit', 'lots'),
              ],
            },
          ],
        },
        /not a valid Decimal/,
      ],
    ];
    for (const [ido, body, message] of cases) {
      const answer = await update(ido, body);
      expect([ido, answer.Success, answer.RefreshItems]).toEqual([ido, false, null]);
      expect(answer.Message).toMatch(message);
    }
    // All or nothing: the first change of the refused request was not applied either.
    const made0 = connector();
    expect((await made0.lookup!('customers', 'CustNum', ['D000001', 'N1', 'V1'])).size).toBe(0);
    // A stale _ItemId (the row changed since it was loaded) is the optimistic lock refusing it.
    const made = connector();
    const [hit] = [...(await made.lookup!('customers', 'CustNum', ['C0000005'])).values()];
    expect(hit?.stamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const loaded = await fetch(
      `${sandbox.url}/${sandbox.tenant}/CSI/IDORequestService/ido/load/SLCustomers?properties=CustNum&filter=${encodeURIComponent("CustNum = 'C0000005'")}`,
      {
        headers: {
          authorization: `Bearer ${await accessToken(sandbox)}`,
          'x-infor-mongooseconfig': `${sandbox.tenant}_DALS`,
        },
      },
    );
    const item = ((await loaded.json()) as { Items: Array<{ _ItemId: string }> }).Items[0]!._ItemId;
    expect(
      (await update('SLCustomers', { Changes: [{ Action: 2, ItemId: item, Properties: [property('Phone', '1')] }] }))
        .Success,
    ).toBe(true);
    // Its wording is the switch csiStaleItem: a missing row by default, or "changed by another user".
    const stale = await update('SLCustomers', {
      Changes: [{ Action: 2, ItemId: item, Properties: [property('Phone', '2')] }],
    });
    expect(stale).toMatchObject({ Success: false, Message: `SLCustomers: the record ${item} does not exist.` });
    sandbox.control.setLinesBehaviour({ csiStaleItem: 'changedByAnotherUser' });
    try {
      const worded = await update('SLCustomers', {
        Changes: [{ Action: 2, ItemId: item, Properties: [property('Phone', '2')] }],
      });
      expect(worded).toMatchObject({ Success: false, Message: expect.stringMatching(/changed by another user/) });
    } finally {
      sandbox.control.setLinesBehaviour({ csiStaleItem: 'missingRow' });
    }
  });

  // Another user saving the row between the batch's load and its update makes the ItemId stale; how
  // Mongoose words that is unconfirmed (switch csiStaleItem), so the connector asks the row, not the text.
  it.each(['missingRow', 'changedByAnotherUser'] as const)(
    'a row changed after the batch loaded it (%s) is updated against its new ItemId; changed again, the record fails naming it',
    async (csiStaleItem) => {
      sandbox.control.setLinesBehaviour({ csiStaleItem });
      const made = connector();
      const key = csiStaleItem === 'missingRow' ? 'C0000011' : 'C0000012';
      try {
        sandbox.control.addFault({
          pathRegex: '/ido/update/SLCustomers',
          times: 1,
          effect: { csiConcurrentEdit: true },
        });
        const [result] = await made.write('customers', [{ CustNum: key, CustSeq: 0, Name: `Raced ${csiStaleItem}` }], {
          matchKey: ['CustNum', 'CustSeq'],
        });
        expect(result?.error).toBeUndefined();
        expect(result).toMatchObject({ outcome: 'updated', targetKey: `${key}/0` });
        const [hit] = [...(await made.lookup!('customers', 'CustNum', [key])).values()];
        expect(hit).toBeDefined();
        const read = (await readAll(made, 'customers')).find((record) => record.key === `${key}/0`);
        expect(read?.data.Name).toBe(`Raced ${csiStaleItem}`);

        sandbox.control.addFault({
          pathRegex: '/ido/update/SLCustomers',
          times: 2,
          effect: { csiConcurrentEdit: true },
        });
        const [again] = await made.write('customers', [{ CustNum: key, CustSeq: 0, Name: 'Raced twice' }], {
          matchKey: ['CustNum', 'CustSeq'],
        });
        expect(again).toMatchObject({ outcome: 'failed', error: { code: 'E_REMOTE' } });
        expect(again?.error?.message).toMatch(
          new RegExp(`^CSI SLCustomers ${key}/0: .*(does not exist|changed by another user)`),
        );
      } finally {
        sandbox.control.setLinesBehaviour({ csiStaleItem: 'missingRow' });
      }
    },
  );

  it('declares customers (CustNum + CustSeq) and suppliers (VendNum) writable on CSI', () => {
    const entities = connector().descriptor.entities;
    expect(entities.customers?.write).toMatchObject({ mode: 'create+update', matchKeys: ['CustNum', 'CustSeq'] });
    expect(entities.suppliers?.write).toMatchObject({ mode: 'create+update', matchKeys: ['VendNum'] });
    expect(entities.salesOrders?.write).toEqual({ mode: 'read-only' });
  });

  it('inserts, then updates by key (no duplicate); a bad record fails alone naming the field; reads show the writes', async () => {
    const made = connector();
    sandbox.control.captureBodies(true);
    const mark = updates().length;
    const before = await readAll(made, 'customers');
    const first = await made.write(
      'customers',
      [
        { CustNum: 'W000001', CustSeq: 0, Name: 'Written First BV', City: 'Utrecht', CreditLimit: 2500 },
        { CustNum: 'W000002', CustSeq: 0, Name: 'x'.repeat(61) },
        { CustNum: 'C0000007', CustSeq: 0, Name: 'Existing Renamed Ltd' },
        { CustNum: 'W000003', CustSeq: 0, Name: 'Bad', Colour: 'blue' },
        { CustNum: 'W000004', CustSeq: 0, City: 'No name' },
        { CustNum: 'C0000008', CustSeq: 0, Name: null },
      ],
      { matchKey: ['CustNum', 'CustSeq'] },
    );
    expect(first.map((result) => result.outcome)).toEqual([
      'created',
      'failed',
      'updated',
      'failed',
      'failed',
      'failed',
    ]);
    expect(first[5]?.error).toMatchObject({ field: 'Name', message: expect.stringMatching(/cannot be blank/) });
    expect(first[0]?.targetKey).toBe('W000001/0');
    expect(first[1]?.error).toMatchObject({ code: 'E_INVALID_INPUT', field: 'Name' });
    expect(first[1]?.error?.message).toMatch(/61 characters.*60/);
    expect(first[3]?.error).toMatchObject({ field: 'Colour' });
    expect(first[4]?.error).toMatchObject({ field: 'Name' });
    // The update sent only the mapped field, with the row's _ItemId; the insert its fields and keys.
    const sent = updates()
      .slice(mark)
      .map((call) => JSON.parse(String(call.exchange?.requestBody)) as { Changes: Array<Record<string, unknown>> });
    expect(sent).toHaveLength(2);
    expect(sent[0]?.Changes[0]).toMatchObject({ Action: 1 });
    expect(sent[1]?.Changes[0]).toMatchObject({ Action: 2, ItemId: expect.stringMatching(/^PBT=\[customer\]/) });
    expect((sent[1]?.Changes[0]?.Properties as Array<{ Name: string }>).map((item) => item.Name)).toEqual(['Name']);

    const second = await made.write('customers', [{ CustNum: 'W000001', CustSeq: 0, Name: 'Written Second BV' }], {
      matchKey: ['CustNum', 'CustSeq'],
    });
    expect(second.map((result) => result.outcome)).toEqual(['updated']);

    const after = await readAll(made, 'customers');
    expect(after).toHaveLength(before.length + 1);
    const written = after.find((record) => record.key === 'W000001/0');
    expect(written?.data).toMatchObject({ Name: 'Written Second BV', City: 'Utrecht', CreditLimit: '2500' });
    const renamed = after.find((record) => record.key === 'C0000007/0');
    const old = before.find((record) => record.key === 'C0000007/0');
    expect(renamed?.data.Name).toBe('Existing Renamed Ltd');
    expect(renamed?.data.Phone).toBe(old?.data.Phone);
    expect(Date.parse(String(renamed?.stamp))).toBeGreaterThan(Date.parse(String(old?.stamp)));
    // What Mongoose itself refuses (here: a ship-to row, which this simulator does not serve) fails
    // that record with Mongoose's own message; the record after it is still written.
    const refused = await made.write(
      'customers',
      [
        { CustNum: 'W000001', CustSeq: 1, Name: 'Ship-to' },
        { CustNum: 'W000005', CustSeq: 0, Name: 'After The Refusal' },
      ],
      { matchKey: ['CustNum', 'CustSeq'] },
    );
    expect(refused.map((result) => result.outcome)).toEqual(['failed', 'created']);
    expect(refused[0]?.error).toMatchObject({
      code: 'E_REMOTE',
      message: expect.stringMatching(/^CSI SLCustomers W000001\/1: Ship-to/),
    });
    const hits = await made.lookup!('customers', 'CustNum', ['W000001', 'C0000007/0', 'NOPE']);
    expect([...hits.keys()].sort()).toEqual(['C0000007/0', 'W000001']);
    expect(hits.get('C0000007/0')?.stamp).toBe(renamed?.stamp);
  });

  it('suppliers: insert, then the same key again in the batch updates it; existing vendors update by VendNum', async () => {
    const made = connector();
    const results = await made.write(
      'suppliers',
      [
        { VendNum: 'V00001', Name: 'New Vendor BV', Phone: '+31 30 1234' },
        { VendNum: 'V00001', Name: 'New Vendor Renamed BV' },
        { VendNum: 'S0000003', Name: 'Existing Vendor', CurrCode: 'EU' },
      ],
      { matchKey: ['VendNum'] },
    );
    expect(results.map((result) => result.outcome)).toEqual(['created', 'updated', 'updated']);
    const vendors = await readAll(made, 'suppliers');
    expect(vendors.find((record) => record.key === 'V00001')?.data).toMatchObject({
      Name: 'New Vendor Renamed BV',
      Phone: '+31 30 1234',
    });
  });
});
