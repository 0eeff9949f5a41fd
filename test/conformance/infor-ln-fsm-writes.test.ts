import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import type { SourceRecord } from '../../electron/backend/connectors/framework/connector';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';

/**
 * Infor LN and FSM as targets (issue 16): customers and suppliers are upserted by key over HTTP
 * against the strict simulator — looked up first, then created or changed with only the mapped
 * fields — and what was written reads back through the normal LN/FSM read.
 */
describe('Infor LN and FSM write customers and suppliers', () => {
  let sandbox: InforSandbox;
  const open: InforConnector[] = [];
  beforeAll(async () => {
    sandbox = await startInforSandbox({ seed: 23, counts: { customers: 60, suppliers: 12 } });
  });
  afterAll(async () => {
    await Promise.all(open.map((connector) => connector.close()));
    await sandbox.close();
  });

  function connector(productLine: 'ln' | 'fsm', extra: Record<string, string> = {}) {
    const parsed = parseIonApi(JSON.stringify(sandbox.ionapi()));
    const made = new InforConnector({
      connection: {
        id: `${productLine}-writes-${Math.random()}`,
        settings: { ...ionApiSettings(parsed), productLine, ...extra },
        sandbox: true,
      },
      secrets: ionApiSecrets(parsed),
    });
    open.push(made);
    return made;
  }

  async function readAll(made: InforConnector, entity: string) {
    const records: SourceRecord[] = [];
    for await (const page of made.read(entity, { pageSize: 50 })) records.push(...page.records);
    return records;
  }
  const calls = (pattern: RegExp) =>
    sandbox.control.requests().filter((call) => call.method !== 'GET' && pattern.test(call.path));

  it('declares LN and FSM customers and suppliers writable, matched by their keys', () => {
    expect(connector('ln').descriptor.entities.customers?.write).toMatchObject({
      mode: 'create+update',
      matchKeys: ['BusinessPartner'],
    });
    expect(connector('fsm').descriptor.entities.suppliers?.write).toMatchObject({
      mode: 'create+update',
      matchKeys: ['Vendor'],
    });
    expect(connector('ln').descriptor.entities.salesOrders?.write).toEqual({ mode: 'read-only' });
  });

  it('LN: creates, then updates with If-Match (no duplicate); a bad record fails alone naming the field', async () => {
    const made = connector('ln', { lnCompany: '200' });
    const before = await readAll(made, 'customers');
    sandbox.control.clearRequests();
    sandbox.control.captureBodies(true);
    const first = await made.write(
      'customers',
      [
        { BusinessPartner: 'L0000001', Name: 'Ln Written BV', City: 'Ede', CreditLimit: '2500' },
        { BusinessPartner: 'L0000002', Name: 'x'.repeat(36) },
        { BusinessPartner: 'C0000004', Telephone: '+31 318 1' },
        { BusinessPartner: 'L0000003', Name: 'Bad status', Status: 'Sleeping' },
      ],
      { matchKey: ['BusinessPartner'] },
    );
    sandbox.control.captureBodies(false);
    expect(first.map((result) => result.outcome)).toEqual(['created', 'failed', 'updated', 'failed']);
    expect(first[1]?.error).toMatchObject({ code: 'E_INVALID_INPUT', field: 'Name' });
    expect(first[1]?.error?.message).toMatch(/35/);
    expect(first[3]?.error).toMatchObject({ field: 'Status' });
    // The update sent only the mapped field, with the ETag; every call carried the company.
    const patch = calls(/BusinessPartners\('C0000004'\)/)[0];
    expect(patch?.method).toBe('PATCH');
    expect(patch?.headers['if-match']).toMatch(/^W\//);
    expect(JSON.parse(patch?.exchange?.requestBody ?? '{}')).toEqual({ Telephone: '+31 318 1' });
    expect(
      sandbox.control
        .requests()
        .filter((call) => call.path.includes('/LN/'))
        .every((call) => call.headers['x-infor-lncompany'] === '200'),
    ).toBe(true);

    const second = await made.write('customers', [{ BusinessPartner: 'L0000001', Name: 'Ln Written Again BV' }], {
      matchKey: ['BusinessPartner'],
    });
    expect(second.map((result) => result.outcome)).toEqual(['updated']);
    const after = await readAll(made, 'customers');
    expect(after).toHaveLength(before.length + 1);
    expect(after.find((record) => record.key === 'L0000001')?.data).toMatchObject({
      Name: 'Ln Written Again BV',
      City: 'Ede',
      CreditLimit: 2500,
    });
    expect(after.find((record) => record.key === 'C0000004')?.data.Telephone).toBe('+31 318 1');
  });

  it("LN: what LN itself refuses fails that record with LN's error text and target; the others are written", async () => {
    const made = connector('ln');
    // Refusals no $metadata predicts: a functional 422 (LN's own check) and a stale ETag (412: the
    // partner changed between our read and our write). OData error bodies (OData JSON format §21).
    const odataError = (code: string, message: string, target?: string) =>
      JSON.stringify({ error: { code, message, ...(target ? { details: [{ code, message, target }] } : {}) } });
    sandbox.control.addFault({
      method: 'PATCH',
      pathRegex: "BuyfromBusinessPartners\\('S0000005'\\)",
      times: 1,
      status: 422,
      body: odataError('tccom.Currency', "Currency 'ZZZ' not found", 'Currency'),
      contentType: 'application/json',
    });
    sandbox.control.addFault({
      method: 'PATCH',
      pathRegex: "BuyfromBusinessPartners\\('S0000006'\\)",
      times: 1,
      status: 412,
      body: odataError('PreconditionFailed', 'The record was changed by another user'),
      contentType: 'application/json',
    });
    try {
      const results = await made.write(
        'suppliers',
        [
          { BuyfromBusinessPartner: 'S0000005', Currency: 'ZZZ' },
          { BuyfromBusinessPartner: 'S0000006', Name: 'Raced' },
          { BuyfromBusinessPartner: 'S0000002', Name: 'Supplier Renamed' },
          { BuyfromBusinessPartner: 'L0000009', Name: 'New Supplier' },
        ],
        { matchKey: ['BuyfromBusinessPartner'] },
      );
      expect(results.map((result) => result.outcome)).toEqual(['failed', 'failed', 'updated', 'created']);
      expect(results[0]?.error).toMatchObject({ code: 'tccom.Currency', field: 'Currency' });
      expect(results[0]?.error?.message).toMatch(/S0000005.*Currency 'ZZZ' not found/);
      expect(results[1]?.error).toMatchObject({ code: 'PreconditionFailed' });
      expect(results[1]?.error?.message).toMatch(/changed by another user/);
    } finally {
      sandbox.control.clearFaults();
    }
    const read = await readAll(made, 'suppliers');
    expect(read.find((record) => record.key === 'S0000002')?.data.Name).toBe('Supplier Renamed');
    expect(read.find((record) => record.key === 'L0000009')?.data.Name).toBe('New Supplier');
    await expect(made.write('salesOrders', [{ SalesOrder: 'X' }], { matchKey: ['SalesOrder'] })).rejects.toThrow();
  });

  it('LN lookup reads by key (no stamp: LN exposes no modified date)', async () => {
    const hits = await connector('ln').lookup!('customers', 'BusinessPartner', ['C0000001', 'NOPE']);
    expect([...hits.keys()]).toEqual(['C0000001']);
    expect(hits.get('C0000001')?.data.BusinessPartner).toBe('C0000001');
    expect(hits.get('C0000001')?.stamp).toBeUndefined();
  });

  for (const batch of [true, false]) {
    it(`FSM (${batch ? 'batch actions' : 'one-record actions'}): creates, then updates (no duplicate); a bad record fails alone with FSM's text`, async () => {
      sandbox.control.setLinesBehaviour({ fsmWriteBatch: batch });
      try {
        const made = connector('fsm');
        const number = batch ? 'F0000001' : 'F0000002';
        const before = await readAll(made, 'suppliers');
        const first = await made.write(
          'suppliers',
          [
            { VendorGroup: '1000', Vendor: number, VendorName: 'Fsm Written BV', TermsCode: 'N30' },
            { VendorGroup: '1000', Vendor: 'F0000099', VendorName: 'x'.repeat(41) },
            { VendorGroup: '1000', Vendor: 'S0000003', PhoneNumber: '+1 555 0100' },
            { VendorGroup: '1000', Vendor: 'F0000098', VendorName: 'Has colour', Colour: 'red' },
          ],
          { matchKey: ['VendorGroup', 'Vendor'] },
        );
        expect(first.map((result) => result.outcome)).toEqual(['created', 'failed', 'updated', 'failed']);
        expect(first[0]?.targetKey).toBe(`1000/${number}`);
        expect(first[1]?.error).toMatchObject({ code: 'FSM_EXCEPTION', field: 'VendorName' });
        expect(first[1]?.error?.message).toMatch(/exceeds 40/);
        expect(first[3]?.error).toMatchObject({ code: 'E_INVALID_INPUT', field: 'Colour' });
        const second = await made.write(
          'suppliers',
          [{ VendorGroup: '1000', Vendor: number, VendorName: 'Fsm Written Again BV' }],
          { matchKey: ['Vendor'] }, // the group comes from the record
        );
        expect(second.map((result) => result.outcome)).toEqual(['updated']);
        const after = await readAll(made, 'suppliers');
        expect(after).toHaveLength(before.length + 1);
        expect(after.find((record) => record.key === `1000/${number}`)?.data).toMatchObject({
          VendorName: 'Fsm Written Again BV',
          TermsCode: 'N30',
        });
        expect(after.find((record) => record.key === '1000/S0000003')?.data.PhoneNumber).toBe('+1 555 0100');
        const writes = calls(/\/FSM\/.*\/actions\//);
        expect(writes.some((call) => call.path.endsWith('/batch'))).toBe(true); // tried first either way
        if (!batch) expect(writes.some((call) => call.path.endsWith('/actions/Update'))).toBe(true);
      } finally {
        sandbox.control.setLinesBehaviour({ fsmWriteBatch: true });
      }
    });
  }

  it('FSM lookup: group/number or a unique number, with the UpdateStamp as stamp; a number in two groups is an error', async () => {
    const made = connector('fsm');
    const hits = await made.lookup!('customers', 'Customer', ['1000/C0000001', 'C0000002', 'NOPE']);
    expect([...hits.keys()].sort()).toEqual(['1000/C0000001', 'C0000002']);
    expect(hits.get('C0000002')?.targetKey).toBe('1000/C0000002');
    expect(hits.get('C0000002')?.stamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // Party 8 (index 7) exists in groups 1000 and 2000 (fsm-classes.ts).
    await expect(made.lookup!('customers', 'Customer', ['C0000008'])).rejects.toThrow(/more than one CustomerGroup/);
  });
});

describe('Infor FSM writes into a class that has no records yet', () => {
  let sandbox: InforSandbox;
  let made: InforConnector;
  beforeAll(async () => {
    sandbox = await startInforSandbox({ seed: 29, counts: { customers: 5, suppliers: 0 } });
    const parsed = parseIonApi(JSON.stringify(sandbox.ionapi()));
    made = new InforConnector({
      connection: { id: 'fsm-empty', settings: { ...ionApiSettings(parsed), productLine: 'fsm' }, sandbox: true },
      secrets: ionApiSecrets(parsed),
    });
  });
  afterAll(async () => {
    await made.close();
    await sandbox.close();
  });

  it('no sample to learn fields from: FSM judges them, and its exception names the field', async () => {
    const results = await made.write(
      'suppliers',
      [
        { VendorGroup: '1000', Vendor: 'E0000001', VendorName: 'First Vendor' },
        { VendorGroup: '1000', Vendor: 'E0000002', VendorName: 'Coloured', Colour: 'red' },
      ],
      { matchKey: ['Vendor'] },
    );
    expect(results.map((result) => result.outcome)).toEqual(['created', 'failed']);
    expect(results[1]?.error).toMatchObject({ code: 'FSM_EXCEPTION', field: 'Colour' });
  });
});
