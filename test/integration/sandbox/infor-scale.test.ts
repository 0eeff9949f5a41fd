import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPath, exportRows, openSession, type M3V2Body, type Session } from './infor-helpers';

describe('Infor sandbox: a million customers', () => {
  let session: Session;
  beforeAll(async () => {
    session = await openSession({ counts: { customers: 1_000_000 } });
  });
  afterAll(async () => {
    await session.sandbox.close();
  });

  it('answers pages near the end without materialising records', async () => {
    const body = await session.json<M3V2Body>(
      '/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber;maxrecs=100?CUNO=C0999950&righttrim=true',
    );
    const keys = body.results[0]?.records.map((record) => record.CUNO) ?? [];
    expect(keys).toHaveLength(51);
    expect(keys[50]).toBe('C1000000');
    const rows = exportRows(
      await session.json<M3V2Body>(exportPath("OKCUNO,OKCUNM from OCUSMA where OKCUNO > 'C0999990'")),
    );
    expect(rows.map((row) => row[0])).toEqual(
      Array.from({ length: 10 }, (_, index) => `C${String(999_991 + index).padStart(7, '0')}`),
    );
    const csi = await session.json<{ Items: Array<{ CustNum: string }> }>(
      `/CSI/IDORequestService/ido/load/SLCustomers?properties=CustNum&recordcap=5&filter=${encodeURIComponent("CustNum >= 'C0999998'")}`,
      { 'X-Infor-MongooseConfig': 'MLC_SANDBOX_DALS' },
    );
    expect(csi.Items.map((item) => item.CustNum)).toEqual(['C0999998', 'C0999999', 'C1000000']);
    expect(session.sandbox.control.dataStats().customers).toEqual({ count: 1_000_000, overlay: 0 });
  });

  it('answers a modified-since window over a million records from the overlay alone', async () => {
    const keys = session.sandbox.control.modify('customers', 25, new Date(Date.UTC(2033, 0, 1)));
    const rows = exportRows(
      await session.json<M3V2Body>(exportPath(`OKCUNO,OKPHNO from OCUSMA where OKLMTS >= ${Date.UTC(2033, 0, 1)}`)),
    );
    // LMTS in the default tenant form (13-digit epoch ms).
    expect(rows.map((row) => row[0]).sort()).toEqual([...keys].sort());
    expect(session.sandbox.control.dataStats().customers).toEqual({ count: 1_000_000, overlay: 25 });
    const base = await session.json<M3V2Body>(
      '/M3/m3api-rest/v2/execute/CRS610MI/GetBasicData?CUNO=C0500000&righttrim=true',
    );
    expect(base.results[0]?.records[0]?.LMDT).toMatch(/^202[345]\d{4}$/);
  });
});
