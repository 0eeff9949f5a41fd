import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, type Session } from './infor-helpers';

interface CsiBody {
  Items: Array<Record<string, string | null>> | null;
  Bookmark: string | null;
  MoreRowsExist: boolean;
  Success: boolean;
  Message: string | null;
}

describe('Infor sandbox: CSI, LN and FSM', () => {
  let session: Session;
  const config = { 'X-Infor-MongooseConfig': 'MLC_SANDBOX_DALS' };
  const csi = (ido: string, query: string, headers: Record<string, string> = config) =>
    session.json<CsiBody>(`/CSI/IDORequestService/ido/load/${ido}?${query}`, headers);
  beforeAll(async () => {
    session = await openSession({ counts: { customers: 95, salesOrders: 30, suppliers: 12 }, lnPageSize: 20 });
  });
  afterAll(async () => {
    await session.sandbox.close();
  });

  it('CSI says Success:false with HTTP 200 when X-Infor-MongooseConfig is missing or the filter is bad', async () => {
    const missing = await csi('SLCustomers', 'properties=CustNum', {});
    expect([missing.Success, typeof missing.Message]).toEqual([false, 'string']);
    const badFilter = await csi('SLCustomers', `filter=${encodeURIComponent('CustNum IN (SELECT 1)')}`);
    expect(badFilter.Success).toBe(false);
    const configurations = await session.json<{ Configurations: string[] }>(
      '/CSI/IDORequestService/ido/configurations',
    );
    expect(configurations.Configurations).toContain('MLC_SANDBOX_DALS');
  });

  it('CSI pages with bookmarks and loadtype=NEXT until MoreRowsExist is false', async () => {
    const keys: string[] = [];
    let query = 'properties=CustNum,Name,RecordDate&recordcap=20';
    for (let page = 0; page < 10; page += 1) {
      const body = await csi('SLCustomers', query);
      expect(body.Success).toBe(true);
      keys.push(...(body.Items ?? []).map((item) => String(item.CustNum)));
      for (const item of body.Items ?? [])
        expect(item._ItemId).toMatch(
          /^PBT=\[customer\] customer\.DT=\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] customer\.ID=\[[0-9a-f-]{36}\]$/,
        );
      if (!body.MoreRowsExist) break;
      query = `properties=CustNum,Name,RecordDate&recordcap=20&loadtype=NEXT&bookmark=${encodeURIComponent(body.Bookmark ?? '')}`;
    }
    expect(keys).toHaveLength(95);
    expect(new Set(keys).size).toBe(95);
  });

  it('CSI RecordDate filter ordered by RecordDate finds modified records, and line IDOs page across orders', async () => {
    const keys = session.sandbox.control.modify('customers', ['C0000005', 'C0000050'], new Date(Date.UTC(2031, 0, 1)));
    const filter = encodeURIComponent("RecordDate >= '2031-01-01 00:00:00.000'");
    const body = await csi(
      'SLCustomers',
      `properties=CustNum,RecordDate&filter=${filter}&orderby=RecordDate&recordcap=0`,
    );
    expect(body.Items?.map((item) => item.CustNum)).toEqual(keys);
    expect(body.Items?.[0]?.RecordDate).toBe('20310101 00:00:00.000');
    let lines = 0;
    let query = 'properties=CoNum,CoLine,QtyOrderedConv&recordcap=7';
    for (let page = 0; page < 50; page += 1) {
      const linePage = await csi('SLCoitems', query);
      lines += linePage.Items?.length ?? 0;
      if (!linePage.MoreRowsExist) break;
      query = `properties=CoNum,CoLine,QtyOrderedConv&recordcap=7&loadtype=NEXT&bookmark=${encodeURIComponent(linePage.Bookmark ?? '')}`;
    }
    const orders = (await csi('SLCos', 'properties=CoNum&recordcap=0')).Items ?? [];
    expect(orders).toHaveLength(30);
    expect(lines).toBeGreaterThanOrEqual(30);
    expect(lines).toBeLessThanOrEqual(150);
  });

  it('LN follows @odata.nextLink to the end, with etags, the company header and nested expands', async () => {
    // Server-driven paging is the alternative to the stock truncating server (plan U18).
    session.sandbox.control.setLinesBehaviour({ lnPaging: 'nextLink' });
    let url: string | undefined =
      `${session.base}/LN/lnapi/odata/tcapi.comBusinessPartner/BusinessPartners?$select=BusinessPartner,Name`;
    const seen: string[] = [];
    let pages = 0;
    while (url) {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${session.token}`, 'X-Infor-LnCompany': '100' },
      });
      const body = (await response.json()) as { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string };
      for (const row of body.value) {
        expect(row['@odata.etag']).toMatch(/^W\/".+"$/);
        seen.push(String(row.BusinessPartner));
      }
      url = body['@odata.nextLink'];
      pages += 1;
    }
    expect([seen.length, new Set(seen).size, pages]).toEqual([95, 95, 5]);
    const badCompany = await session.get('/LN/lnapi/odata/tcapi.comBusinessPartner/BusinessPartners', {
      'X-Infor-LnCompany': 'abc',
    });
    expect(badCompany.status).toBe(400);
    const orders = await session.json<{
      value: Array<{ SoldtoBusinessPartner: string; Lines: Array<{ ScheduleLines: unknown[] }> }>;
    }>('/LN/lnapi/odata/tdapi.slsSalesOrder/Orders?$expand=Lines($expand=ScheduleLines)&$top=30');
    expect(orders.value).toHaveLength(20);
    const lines = orders.value.flatMap((order) => order.Lines);
    expect(orders.value.every((order) => order.Lines.length >= 1 && order.Lines.length <= 5)).toBe(true);
    expect(lines.some((line) => line.ScheduleLines.length > 0)).toBe(true);
    expect(lines.some((line) => line.ScheduleLines.length === 0)).toBe(true);
    const metadata = await session.get('/LN/lnapi/odata/tdapi.slsSalesOrder/$metadata');
    const xml = await metadata.text();
    expect(xml).toContain('<EntitySet Name="Orders"');
    expect(xml).toContain('<NavigationProperty Name="ScheduleLines"');
    session.sandbox.control.setLinesBehaviour({ lnPaging: 'truncate' });
  });

  it('FSM _generic returns the array shape and a next link until the end; _fts finds modified records', async () => {
    let url: string | undefined =
      `${session.base}/FSM/fsm/soap/classes/Vendor/lists/_generic?_fields=Vendor,VendorName&_limit=5&_links=true&_pageNav=true&_out=JSON`;
    const vendors: string[] = [];
    while (url) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${session.token}` } });
      const [header, ...records] = (await response.json()) as [
        { _count: number; _links: Array<{ rel: string; href: string }> },
        ...Array<{ _fields: Record<string, string> }>,
      ];
      // 12 vendors, one of which (S0000008) also exists in vendor group 2000.
      expect(header._count).toBe(13);
      vendors.push(...records.map((record) => record._fields.Vendor ?? ''));
      url = header._links.find((link) => link.rel === 'next')?.href;
    }
    expect(vendors).toHaveLength(13);
    const [modified] = session.sandbox.control.modify(
      'suppliers',
      ['S0000003'],
      new Date(Date.UTC(2032, 1, 2, 3, 4, 5)),
    );
    const since = await session.json<Array<{ _count?: number; _fields?: Record<string, string> }>>(
      '/FSM/fsm/soap/classes/Vendor/lists/_generic?_fields=Vendor,UpdateStamp&_limit=50&_out=JSON&_fts=2032010100000000',
    );
    expect(since.slice(1).map((record) => record._fields?.Vendor)).toEqual([modified]);
    expect(since[1]?._fields?.UpdateStamp).toBe('2032020203040500');
  });

  describe('issue 14: a stock tenant, not a friendly one', () => {
    const load = (config: string, query: string, headers: Record<string, string> = {}) =>
      csi('SLCustomers', query, { 'X-Infor-MongooseConfig': config, ...headers });

    it('CSI lists three sites, each with its own rows; a contradicting X-Infor-Site is refused', async () => {
      const { Configurations } = await session.json<{ Configurations: string[] }>(
        '/CSI/IDORequestService/ido/configurations',
      );
      expect(Configurations).toEqual(['MLC_SANDBOX_DALS', 'MLC_SANDBOX_EMEA', 'MLC_SANDBOX_LA']);
      const names = await Promise.all(
        Configurations.map(async (config) => (await load(config, 'properties=CustNum,Name&recordcap=5')).Items),
      );
      // Same keys at every site (each site numbers its own customers), different companies behind them.
      expect(names.map((items) => items?.map((item) => item.CustNum))).toEqual([
        ['C0000001', 'C0000002', 'C0000003', 'C0000004', 'C0000005'],
        ['C0000001', 'C0000002', 'C0000003', 'C0000004', 'C0000005'],
        ['C0000001', 'C0000002', 'C0000003', 'C0000004', 'C0000005'],
      ]);
      expect(new Set(names.map((items) => items?.[0]?.Name)).size).toBe(3);
      expect((await load('MLC_SANDBOX_EMEA', 'properties=CustNum', { 'X-Infor-Site': 'EMEA' })).Success).toBe(true);
      const wrongSite = await load('MLC_SANDBOX_EMEA', 'properties=CustNum', { 'X-Infor-Site': 'DALS' });
      expect([wrongSite.Success, wrongSite.Message]).toEqual([
        false,
        'Site "DALS" is not the site of configuration "MLC_SANDBOX_EMEA".',
      ]);
    });

    it('CSI filters combine AND, OR and parentheses as SQL does', async () => {
      const keys = async (filter: string) =>
        (
          await load('MLC_SANDBOX_DALS', `properties=CustNum&recordcap=0&filter=${encodeURIComponent(filter)}`)
        ).Items?.map((item) => item.CustNum);
      expect(await keys("CustNum = 'C0000003' or CustNum = 'C0000007'")).toEqual(['C0000003', 'C0000007']);
      expect(await keys("(CustNum = 'C0000003' or CustNum = 'C0000007') and CustNum >= 'C0000005'")).toEqual([
        'C0000007',
      ]);
      expect(await keys("CustNum >= 'C0000090' and (CustSeq = 1 or CustSeq = 0)")).toHaveLength(6);
      const unbalanced = await load('MLC_SANDBOX_DALS', `filter=${encodeURIComponent("(CustNum = 'C0000003'")}`);
      expect(unbalanced.Success).toBe(false);
      const unknownInOr = await load(
        'MLC_SANDBOX_DALS',
        `filter=${encodeURIComponent("CustNum = 'C0000003' or Missing = 1")}`,
      );
      expect(unknownInOr.Message).toBe('Property "Missing" does not exist on IDO SLCustomers.');
    });

    it('CSI can be switched to require X-Infor-Site', async () => {
      session.sandbox.control.setLinesBehaviour({ csiRequireSite: true });
      const without = await load('MLC_SANDBOX_LA', 'properties=CustNum&recordcap=1');
      const withSite = await load('MLC_SANDBOX_LA', 'properties=CustNum&recordcap=1', { 'X-Infor-Site': 'LA' });
      session.sandbox.control.setLinesBehaviour({ csiRequireSite: false });
      expect([without.Success, without.Message]).toEqual([
        false,
        'The X-Infor-Site header is required: name the site to use.',
      ]);
      expect(withSite.Success).toBe(true);
    });

    it('CSI refuses a filter on a property the IDO lacks, naming it', async () => {
      const filter = encodeURIComponent("ModifiedOn >= '20240101'");
      const refused = await load('MLC_SANDBOX_DALS', `properties=CustNum&filter=${filter}`);
      expect([refused.Success, refused.Message, refused.Items]).toEqual([
        false,
        'Property "ModifiedOn" does not exist on IDO SLCustomers.',
        null,
      ]);
    });

    it('CSI reads yyyy-MM-dd hh:mm as year-day-month under dmy; the neutral forms read the same everywhere', async () => {
      const [modified] = session.sandbox.control.modify('customers', ['C0000009'], new Date(Date.UTC(2033, 0, 5)));
      const keys = async (literal: string) => {
        const body = await load(
          'MLC_SANDBOX_DALS',
          `properties=CustNum&recordcap=0&filter=${encodeURIComponent(`RecordDate >= '${literal}'`)}`,
        );
        return body.Success ? body.Items?.map((item) => item.CustNum) : body.Message;
      };
      // 2033-02-01 meant 1 February; under dmy it is 2 January, so the January change leaks in.
      expect(await keys('2033-02-01 00:00:00.000')).toEqual([modified]);
      expect(await keys('2033-01-15 00:00:00.000')).toBe(
        'The conversion of a varchar data type to a datetime data type resulted in an out-of-range value.',
      );
      for (const neutral of ['20330201', '20330201 00:00:00.000', '2033-02-01T00:00:00.000'])
        expect(await keys(neutral)).toEqual([]);
      expect(await keys('2033-01-05T00:00:00.000')).toEqual([modified]);
      session.sandbox.control.setLinesBehaviour({ csiDateFormat: 'mdy' });
      const mdy = await keys('2033-02-01 00:00:00.000');
      session.sandbox.control.setLinesBehaviour({ csiDateFormat: 'dmy' });
      expect(mdy).toEqual([]);
    });

    it('LN (stock) cuts pages at the server size with no next link; $top/$skip page on', async () => {
      const page = (query: string) =>
        session.json<{ value: Array<Record<string, unknown>>; '@odata.nextLink'?: string }>(
          `/LN/lnapi/odata/tcapi.comBusinessPartner/BusinessPartners?$select=BusinessPartner&$orderby=BusinessPartner&${query}`,
          { Prefer: 'odata.maxpagesize=5' },
        );
      const first = await page('$top=500');
      expect([first.value.length, first['@odata.nextLink']]).toEqual([20, undefined]);
      const seen: string[] = [];
      for (let skip = 0; ; skip += 20) {
        const body = await page(`$top=20&$skip=${skip}`);
        expect(body['@odata.nextLink']).toBeUndefined();
        seen.push(...body.value.map((row) => String(row.BusinessPartner)));
        if (body.value.length === 0) break;
      }
      expect([seen.length, new Set(seen).size, seen[20]]).toEqual([95, 95, 'C0000021']);
    });

    it('LN: purchase lines keyed by PurchaseOrder, Line, Sequence; statuses are enum types with enum literals', async () => {
      const purchase = await (await session.get('/LN/lnapi/odata/tdapi.purPurchaseOrder/$metadata')).text();
      expect(purchase).toContain(
        '<Key><PropertyRef Name="PurchaseOrder"/><PropertyRef Name="Line"/><PropertyRef Name="Sequence"/></Key>',
      );
      const lines = await session.json<{ value: Array<Record<string, unknown>> }>(
        '/LN/lnapi/odata/tdapi.purPurchaseOrder/Lines?$orderby=PurchaseOrder,Line,Sequence&$top=2',
      );
      expect(Object.keys(lines.value[0] ?? {})).toContain('Sequence');
      const partners = await (await session.get('/LN/lnapi/odata/tcapi.comBusinessPartner/$metadata')).text();
      expect(partners).toContain(
        '<EnumType Name="BusinessPartnerStatus"><Member Name="Prospect" Value="1"/><Member Name="Active" Value="2"/><Member Name="Inactive" Value="3"/></EnumType>',
      );
      expect(partners).toContain('<Property Name="Status" Type="tcapi.comBusinessPartner.BusinessPartnerStatus"');
      const inactive = await session.json<{ value: Array<{ Status: string }> }>(
        `/LN/lnapi/odata/tcapi.comBusinessPartner/BusinessPartners?$filter=${encodeURIComponent("Status eq tcapi.comBusinessPartner.BusinessPartnerStatus'Inactive'")}`,
      );
      expect(inactive.value.length).toBeGreaterThan(0);
      expect(new Set(inactive.value.map((row) => row.Status))).toEqual(new Set(['Inactive']));
      const badMember = await session.get(
        `/LN/lnapi/odata/tcapi.comBusinessPartner/BusinessPartners?$filter=${encodeURIComponent("Status eq tcapi.comBusinessPartner.BusinessPartnerStatus'Blocked'")}`,
      );
      expect(badMember.status).toBe(400);
    });

    it("LN's intermittent 401 U14 when switched on", async () => {
      session.sandbox.control.setLinesBehaviour({ lnU14Every: 2 });
      const statuses: number[] = [];
      let body: unknown;
      for (let call = 0; call < 4; call += 1) {
        const response = await session.get('/LN/lnapi/odata/tcapi.comBusinessPartner/BusinessPartners?$top=1');
        statuses.push(response.status);
        if (response.status === 401) body = await response.json();
      }
      session.sandbox.control.setLinesBehaviour({ lnU14Every: 0 });
      expect(statuses.filter((status) => status === 401)).toHaveLength(2);
      expect(body).toEqual({ error: { message: 'OAuth [U14]: unknown oauth_consumer_key' } });
    });

    it('FSM answers at most 1000 records per list call (switchable)', async () => {
      const path = (limit: number) =>
        `/FSM/fsm/soap/classes/Customer/lists/_generic?_fields=Customer&_limit=${limit}&_out=JSON`;
      expect((await session.get(path(1000))).status).toBe(200);
      const over = await session.get(path(1001));
      expect([over.status, await over.json()]).toEqual([400, { _error: '_limit must be between 1 and 1000' }]);
      session.sandbox.control.setLinesBehaviour({ fsmMaxLimit: 5000 });
      const raised = await session.get(path(1001));
      session.sandbox.control.setLinesBehaviour({ fsmMaxLimit: 1000 });
      expect(raised.status).toBe(200);
    });

    it('FSM has no fields route; sampling _fields=_all shows every field, and a number lives in two groups', async () => {
      expect((await session.get('/FSM/fsm/soap/classes/Customer/fields?_out=JSON')).status).toBe(404);
      const sample = await session.json<Array<{ _count?: number; _fields?: Record<string, string> }>>(
        '/FSM/fsm/soap/classes/Customer/lists/_generic?_fields=_all&_limit=10&_out=JSON',
      );
      const rows = sample.slice(1).map((item) => item._fields ?? {});
      expect(Object.keys(rows[0] ?? {})).toEqual(expect.arrayContaining(['CustomerGroup', 'Customer', 'UpdateStamp']));
      const twins = rows.filter((row) => row.Customer === 'C0000008');
      expect(twins.map((row) => row.CustomerGroup)).toEqual(['1000', '2000']);
      expect(twins[0]?.Name).not.toBe(twins[1]?.Name);
    });
  });
});
