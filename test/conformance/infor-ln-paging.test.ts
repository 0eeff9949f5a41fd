import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { inforConnectors, readAll } from './infor-lines-support';

/**
 * LN as a stock tenant serves it (issue 14): pages cut at the server size with no next link,
 * purchase lines keyed by PurchaseOrder/Line/Sequence, the intermittent 401 U14, and statuses
 * as enum types.
 */
describe('Infor LN: paging without next links, line keys, U14, enums', () => {
  let sandbox: InforSandbox;
  const connectors = inforConnectors(() => sandbox);
  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 95, purchaseOrders: 12 }, lnPageSize: 20 });
  });
  afterAll(async () => {
    await connectors.closeAll();
    await sandbox.close();
  });

  it('no next link: every row once through $top/$skip, whatever page size is asked', async () => {
    for (const pageSize of [20, 50, 500]) {
      sandbox.control.clearRequests();
      const records = await readAll(connectors.make('ln'), 'customers', { pageSize });
      expect(records.map((record) => record.key)).toEqual(
        Array.from({ length: 95 }, (_, index) => `C${String(index + 1).padStart(7, '0')}`),
      );
      const queries = sandbox.control
        .requests()
        .filter((call) => call.metered)
        .map((call) => call.query);
      expect(queries[0]).toMatchObject({ $top: String(pageSize), $orderby: 'BusinessPartner' });
      expect(queries.map((query) => query.$skip ?? '0')).toEqual(['0', '20', '40', '60', '80', '95']);
    }
  });

  it('next links, when the server sends them, are followed to the end (no extra $skip call)', async () => {
    sandbox.control.setLinesBehaviour({ lnPaging: 'nextLink' });
    try {
      sandbox.control.clearRequests();
      // $top is a total in OData: next links come only while the server's page is smaller than it.
      const records = await readAll(connectors.make('ln'), 'customers', { pageSize: 500 });
      expect(new Set(records.map((record) => record.key)).size).toBe(95);
      const calls = sandbox.control.requests().filter((call) => call.metered);
      expect(calls).toHaveLength(5);
      expect(calls.every((call) => call.query.$skip === undefined)).toBe(true);
    } finally {
      sandbox.control.setLinesBehaviour({ lnPaging: 'truncate' });
    }
  });

  it('purchase order lines are keyed by PurchaseOrder, Line, Sequence and all arrive', async () => {
    const records = await readAll(connectors.make('ln'), 'purchaseOrders', { pageSize: 5 });
    expect(records).toHaveLength(12);
    const lines = records.flatMap((record) => record.data.lines as Array<Record<string, unknown>>);
    expect(lines.length).toBeGreaterThan(12);
    for (const line of lines) expect(line).toMatchObject({ Sequence: 1 });
    const schema = await connectors.make('ln').schema('purchaseOrders', { refresh: true });
    expect(schema.keyFields).toEqual(['PurchaseOrder']);
    const lineKeys = sandbox.control
      .requests()
      .filter((call) => call.path.endsWith('/tdapi.purPurchaseOrder/Lines'))
      .map((call) => call.query.$orderby);
    expect(new Set(lineKeys)).toEqual(new Set(['PurchaseOrder,Line,Sequence']));
  });

  it("LN's intermittent 401 U14 is retried once with a fresh token", async () => {
    sandbox.control.setLinesBehaviour({ lnU14Every: 3 });
    try {
      const records = await readAll(connectors.make('ln'), 'customers', { pageSize: 20 });
      expect(new Set(records.map((record) => record.key)).size).toBe(95);
    } finally {
      sandbox.control.setLinesBehaviour({ lnU14Every: 0 });
    }
  });

  it('enum-typed statuses are picklists of their members', async () => {
    const schema = await connectors.make('ln').schema('customers', { refresh: true });
    const status = schema.fields.find((field) => field.name === 'Status');
    expect(status).toMatchObject({
      type: 'picklist',
      nativeType: 'tcapi.comBusinessPartner.BusinessPartnerStatus',
      picklist: [
        { value: 'Prospect', label: 'Prospect', active: true },
        { value: 'Active', label: 'Active', active: true },
        { value: 'Inactive', label: 'Inactive', active: true },
      ],
    });
  });
});
