import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPath, exportRows, openSession, type M3V2Body, type Session } from './infor-helpers';

describe('Infor sandbox: M3 MI REST', () => {
  let session: Session;
  const customerCount = 137;
  beforeAll(async () => {
    session = await openSession({ counts: { customers: customerCount, salesOrders: 40 }, seed: 3 });
  });
  afterAll(async () => {
    await session.sandbox.close();
  });

  it('pages CRS610MI/LstByNumber from an inclusive start key to a short last page', async () => {
    const seen: string[] = [];
    let start = '';
    for (let page = 0; page < 10; page += 1) {
      const body = await session.json<M3V2Body>(
        `/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber;maxrecs=50?CUNO=${start}`,
      );
      const keys = body.results[0]?.records.map((record) => record.CUNO?.trimEnd() ?? '') ?? [];
      if (start) expect(keys[0]).toBe(start);
      const fresh = start ? keys.slice(1) : keys;
      seen.push(...fresh);
      if (keys.length < 50) break;
      start = keys[keys.length - 1] ?? '';
    }
    expect(seen.length).toBe(customerCount);
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(customerCount);
  });

  it('right-pads values unless righttrim=true, and keeps every value a string', async () => {
    const padded = await session.json<M3V2Body>('/M3/m3api-rest/v2/execute/CRS610MI/GetBasicData?CUNO=C0000001');
    const trimmed = await session.json<M3V2Body>(
      '/M3/m3api-rest/v2/execute/CRS610MI/GetBasicData?CUNO=C0000001&righttrim=true',
    );
    const row = padded.results[0]?.records[0] ?? {};
    const trim = trimmed.results[0]?.records[0] ?? {};
    expect(row.CUNO).toBe('C0000001  ');
    expect(trim.CUNO).toBe('C0000001');
    expect(row.CUNM?.length).toBe(36);
    expect(trim.LMDT).toMatch(/^\d{8}$/);
    // CRS610MI/GetBasicData returns LMDT but no LMTS (MI catalogue).
    expect(trim.LMTS).toBeUndefined();
    for (const value of Object.values(row)) expect(typeof value).toBe('string');
    const columns = await session.json<M3V2Body>(
      '/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber;maxrecs=2;returncols=CUNO,CUNM?righttrim=true',
    );
    expect(Object.keys(columns.results[0]?.records[0] ?? {})).toEqual(['CUNO', 'CUNM']);
  });

  it('reports errors the M3 way: v1 HTTP-200 NOK, v2 in results[0], top-level 400, bare 400', async () => {
    const v1 = await session.get('/M3/m3api-rest/execute/CRS610MI/GetBasicData?CUNO=NOPE');
    expect(v1.status).toBe(200);
    const nok = (await v1.json()) as Record<string, string>;
    expect([nok['@type'], nok['@code'], nok.Message?.trimEnd()]).toEqual([
      'ServerReturnedNOK',
      'XRE0103',
      'Record does not exist',
    ]);
    const v2 = await session.json<M3V2Body>('/M3/m3api-rest/v2/execute/CRS610MI/GetBasicData?CUNO=NOPE');
    expect([v2.nrOfFailedTransactions, v2.results[0]?.errorCode]).toEqual([1, 'XRE0103']);
    const missing = await session.get('/M3/m3api-rest/v2/execute/CRS610MI/GetBasicData');
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as Record<string, string>).errorType).toBe('MandatoryInputFieldNotFound');
    const unknown = await session.get('/M3/m3api-rest/v2/execute/CRS610MI/NoSuchThing');
    expect([unknown.status, await unknown.text()]).toEqual([400, '']);
  });

  it('injects ErrorMessage after N rows (v1) and a failed result (v2)', async () => {
    session.sandbox.control.setFaults([
      { path: `/${session.sandbox.tenant}/M3/`, effect: { m3ErrorAfterRows: 5 }, times: 2 },
    ]);
    const v1 = (await session.json('/M3/m3api-rest/execute/CRS610MI/LstByNumber;maxrecs=10')) as {
      MIRecord: unknown[];
      ErrorMessage: Record<string, string>;
    };
    expect(v1.MIRecord).toHaveLength(5);
    expect(v1.ErrorMessage['@code']).toBe('CPF9898');
    const v2 = await session.json<M3V2Body>('/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber;maxrecs=10');
    expect(v2.results[0]?.records).toHaveLength(5);
    expect(v2.nrOfFailedTransactions).toBe(1);
    session.sandbox.control.clearFaults();
  });

  it('EXPORTMI/Select filters with where, answers in key order and counts maxrecs without the header', async () => {
    const body = await session.json<M3V2Body>(
      exportPath(
        "OKCUNO,OKCSCD,OKLMDT from OCUSMA where OKCONO = 100 and OKCUNO >= 'C0000100' and OKCUNO < 'C0000110'",
      ),
    );
    expect(body.results[0]?.records[0]?.REPL?.trimEnd()).toBe('OKCUNO;OKCSCD;OKLMDT');
    const rows = exportRows(body);
    expect(rows.map((row) => row[0])).toEqual(
      Array.from({ length: 10 }, (_, index) => `C${String(100 + index).padStart(7, '0')}`),
    );
    const capped = exportRows(
      await session.json<M3V2Body>(exportPath('OKCUNO from OCUSMA', '&SEPC=;&HDRS=1&maxrecs=7')),
    );
    expect(capped).toHaveLength(7);
    const bad = await session.json<M3V2Body>(exportPath('OKNOPE from OCUSMA'));
    expect(bad.nrOfFailedTransactions).toBe(1);
  });

  it('modify bumps stamps (LMTS as 13-digit epoch ms by default) so records appear in a modified-since window', async () => {
    const at = new Date(Date.UTC(2030, 4, 6, 7, 8, 9, 123));
    const keys = session.sandbox.control.modify('customers', 4, at);
    expect(keys).toHaveLength(4);
    const since = String(Date.UTC(2030, 4, 6, 7, 8, 0, 0));
    const rows = exportRows(
      await session.json<M3V2Body>(exportPath(`OKCUNO,OKLMTS,OKCHNO from OCUSMA where OKLMTS >= ${since}`)),
    );
    expect(rows.map((row) => row[0]).sort()).toEqual([...keys].sort());
    expect(rows.every((row) => row[1] === String(at.getTime()) && row[2] === '2')).toBe(true);
    const byDate = exportRows(await session.json<M3V2Body>(exportPath('OKCUNO from OCUSMA where OKLMDT >= 20300506')));
    expect(byDate.map((row) => row[0]).sort()).toEqual([...keys].sort());
  });

  it('lists order lines that reference existing customers, and MRS001MI metadata', async () => {
    const heads = exportRows(await session.json<M3V2Body>(exportPath('OAORNO,OACUNO from OOHEAD')));
    expect(heads).toHaveLength(40);
    for (const [order, customer] of heads.slice(0, 8)) {
      const lines = await session.json<M3V2Body>(
        `/M3/m3api-rest/v2/execute/OIS100MI/LstLine?ORNO=${order}&righttrim=true`,
      );
      const count = lines.results[0]?.records.length ?? 0;
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(5);
      const found = await session.json<M3V2Body>(`/M3/m3api-rest/v2/execute/CRS610MI/GetBasicData?CUNO=${customer}`);
      expect(found.nrOfFailedTransactions).toBe(0);
    }
    const fields = await session.json<M3V2Body>(
      '/M3/m3api-rest/v2/execute/MRS001MI/LstFields?MINM=CRS610MI&TRNM=LstByNumber&TRTP=O&righttrim=true',
    );
    const names = fields.results[0]?.records.map((record) => record.FLNM) ?? [];
    expect(names).toContain('CUNM');
    // The 16 outputs of the real MRS001MI/LstFields (MI catalogue).
    expect(Object.keys(fields.results[0]?.records[0] ?? {})).toEqual(
      expect.arrayContaining(['FLNM', 'FLDS', 'FRPO', 'TOPO', 'LENG', 'TYPE', 'MAND']),
    );
    expect(names).toHaveLength(79);
    const transactions = await session.json<M3V2Body>(
      '/M3/m3api-rest/v2/execute/MRS001MI/LstTransactions;maxrecs=0?MINM=CRS610MI&righttrim=true',
    );
    const listed = transactions.results[0]?.records.map((record) => record.TRNM) ?? [];
    expect(listed).toHaveLength(36);
    expect(listed).toEqual(expect.arrayContaining(['LstByNumber', 'GetBasicData', 'SearchCustomer']));
  });
});
