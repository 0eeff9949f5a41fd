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
      expect(header._count).toBe(12);
      vendors.push(...records.map((record) => record._fields.Vendor ?? ''));
      url = header._links.find((link) => link.rel === 'next')?.href;
    }
    expect(vendors).toHaveLength(12);
    const [modified] = session.sandbox.control.modify('suppliers', 1, new Date(Date.UTC(2032, 1, 2, 3, 4, 5)));
    const since = await session.json<Array<{ _count?: number; _fields?: Record<string, string> }>>(
      '/FSM/fsm/soap/classes/Vendor/lists/_generic?_fields=Vendor,UpdateStamp&_limit=50&_out=JSON&_fts=2032010100000000',
    );
    expect(since.slice(1).map((record) => record._fields?.Vendor)).toEqual([modified]);
    expect(since[1]?._fields?.UpdateStamp).toBe('2032020203040500');
  });
});
