import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPath, openSession, type M3V2Body, type Session } from './infor-helpers';

/**
 * The M3 simulator behaves like a stock tenant where the public facts say so (issue 14,
 * API-FACTS §10), and like the harshest plausible tenant where they do not (`behaviour.ts`).
 */
describe('Infor sandbox: M3 as a real tenant answers', () => {
  let session: Session;
  beforeAll(async () => {
    session = await openSession({ counts: { customers: 120, invoices: 90, glAccounts: 20 }, seed: 5 });
  });
  afterAll(async () => {
    await session.sandbox.close();
  });
  const lines = (body: M3V2Body) => body.results[0]?.records.map((record) => (record.REPL ?? '').trimEnd()) ?? [];

  it('EXPORTMI/Select joins values with SEPC and never quotes: a value holding the separator splits wrongly', async () => {
    const body = await session.json<M3V2Body>(
      exportPath("OKCUNO,OKCUNM,OKMAIL from OCUSMA where OKCUNO >= 'C0000003' and OKCUNO <= 'C0000005'"),
    );
    const [header, alder, plain, mail] = lines(body);
    expect(header).toBe('OKCUNO;OKCUNM;OKMAIL');
    expect(alder).toMatch(/^C0000003;Alder; Sons Ltd;\S+$/);
    expect(alder?.split(';')).toHaveLength(4);
    expect(plain?.split(';')).toHaveLength(3);
    expect(mail).toMatch(/^C0000005;.*;user1@example.com; user2@example.com$/);
  });

  it('cuts REPL at 984 characters: `* from OCUSMA` (150+ columns) does not fit', async () => {
    const fields = await session.json<M3V2Body>('/M3/m3api-rest/v2/execute/EXPORTMI/LstFields;maxrecs=0?FILE=OCUSMA');
    const columns = fields.results[0]?.records ?? [];
    expect(columns.length).toBeGreaterThanOrEqual(150);
    expect(Object.keys(columns[0] ?? {})).toEqual(['FLDN', 'FLDS', 'FLTY', 'FLLE', 'FLDP']);
    const star = lines(
      await session.json<M3V2Body>(exportPath('* from OCUSMA', '&SEPC=;&HDRS=1&maxrecs=2&righttrim=true')),
    );
    expect(star).toHaveLength(3);
    // The header of 150+ names is cut; so is every fully padded SelectPad row.
    expect(star[0]).toHaveLength(984);
    expect(star[0]?.split(';')).not.toContain('OKLMTS');
    const padded = await session.json<M3V2Body>(
      `/M3/m3api-rest/v2/execute/EXPORTMI/SelectPad;maxrecs=2?QERY=${encodeURIComponent('* from OCUSMA')}`,
    );
    for (const record of padded.results[0]?.records ?? []) expect(record.REPL).toHaveLength(984);
    session.sandbox.control.setBehaviour({ m3ReplOverflow: 'nok' });
    const refused = await session.json<M3V2Body>(
      exportPath('* from OCUSMA', '&SEPC=;&HDRS=1&maxrecs=2&righttrim=true'),
    );
    expect(refused.nrOfFailedTransactions).toBe(1);
    session.sandbox.control.setBehaviour({ m3ReplOverflow: 'truncate' });
  });

  it('knows exactly the real transaction catalogue; unknown ones get a bare 400 by default', async () => {
    for (const path of ['PPS200MI/LstHead', 'ARS200MI/LstInvoice', 'CRS630MI/LstAccounts']) {
      const response = await session.get(`/M3/m3api-rest/v2/execute/${path}`);
      expect([path, response.status, await response.text()]).toEqual([path, 400, '']);
    }
    const missing = await session.get('/M3/m3api-rest/v2/execute/OIS100MI/LstHead');
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errorType: string; errorField: string }).errorField).toBe('CUNO');
    const accounts = await session.get('/M3/m3api-rest/v2/execute/CRS630MI/LstAccountID');
    expect(((await accounts.json()) as { errorType: string }).errorType).toBe('MandatoryInputFieldNotFound');
    const listed = await session.json<M3V2Body>(
      '/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber;maxrecs=1?righttrim=true',
    );
    expect(Object.keys(listed.results[0]?.records[0] ?? {})).toHaveLength(79);
    session.sandbox.control.setBehaviour({ m3UnknownTransaction: 'typed400' });
    const typed = await session.get('/M3/m3api-rest/v2/execute/PPS200MI/LstHead');
    expect(((await typed.json()) as { errorType: string }).errorType).toBe('TransactionNotFound');
    session.sandbox.control.setBehaviour({ m3UnknownTransaction: 'nok200' });
    const nok = await session.get('/M3/m3api-rest/v2/execute/PPS200MI/LstHead');
    expect(nok.status).toBe(200);
    expect(((await nok.json()) as M3V2Body).nrOfFailedTransactions).toBe(1);
    session.sandbox.control.setBehaviour({ m3UnknownTransaction: 'bare400' });
  });

  it('prints LMTS in the tenant form chosen by the switch (default 13-digit epoch ms)', async () => {
    const stamp = async () =>
      lines(await session.json<M3V2Body>(exportPath("OKLMTS,OKLMDT from OCUSMA where OKCUNO = 'C0000001'")))[1]?.split(
        ';',
      )[0];
    expect(await stamp()).toMatch(/^\d{13}$/);
    session.sandbox.control.setBehaviour({ m3StampForm: 'ymdHmsMs17' });
    expect(await stamp()).toMatch(/^20\d{15}$/);
    session.sandbox.control.setBehaviour({ m3StampForm: 'garbage' });
    expect(await stamp()).toMatch(/^9\d{17}$/);
    session.sandbox.control.setBehaviour({ m3StampForm: 'epochMillis' });
  });

  it('answers each company from ;cono= (100 default, 200 its own rows, others not authorized)', async () => {
    const count = async (matrix: string) =>
      (
        await session.json<M3V2Body>(
          `/M3/m3api-rest/v2/execute/EXPORTMI/Select;maxrecs=0${matrix}?QERY=${encodeURIComponent('count(#) from OCUSMA')}&SEPC=;`,
        )
      ).results[0]?.records[0]?.REPL?.trimEnd();
    expect(await count('')).toBe('120');
    expect(await count(';cono=100')).toBe('120');
    expect(await count(';cono=200;divi=BBB')).toBe('25');
    const other = await session.json<M3V2Body>('/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber;cono=300');
    expect(other.results[0]?.errorCode).toBe('XAU0008');
  });

  it('keys FSLEDG by DIVI/YEA4/JRNO/JSNO (CINO repeats across years) and FCHACC by AITP with AITM', async () => {
    const ledger = lines(
      await session.json<M3V2Body>(
        exportPath('ESYEA4,ESJRNO,ESJSNO,ESCINO from FSLEDG', '&SEPC=;&HDRS=0&maxrecs=0&righttrim=true'),
      ),
    ).map((line) => line.split(';'));
    expect(ledger).toHaveLength(90);
    expect(new Set(ledger.map((row) => row.slice(0, 3).join('/'))).size).toBe(90);
    expect(new Set(ledger.map((row) => row[3])).size).toBeLessThan(90);
    const accounts = lines(
      await session.json<M3V2Body>(exportPath('EAAITP,EAAITM from FCHACC', '&SEPC=;&HDRS=0&maxrecs=0&righttrim=true')),
    ).map((line) => line.split(';'));
    expect(accounts).toHaveLength(20);
    expect(new Set(accounts.map((row) => row.join('/'))).size).toBe(20);
    expect(new Set(accounts.map((row) => row[1])).size).toBe(10);
    const dimension = await session.json<M3V2Body>(
      '/M3/m3api-rest/v2/execute/CRS630MI/LstAccountID;maxrecs=0?AITP=2&righttrim=true',
    );
    expect(dimension.results[0]?.records).toHaveLength(10);
  });

  it('caps maxrecs silently at 10,000 by default (here switched to 5), maxrecs=0 included', async () => {
    session.sandbox.control.setBehaviour({ m3MaxRecsCap: 5 });
    try {
      for (const matrix of [';maxrecs=50', ';maxrecs=0']) {
        const body = await session.json<M3V2Body>(`/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber${matrix}`);
        expect([matrix, body.results[0]?.records.length, body.nrOfFailedTransactions]).toEqual([matrix, 5, 0]);
      }
    } finally {
      session.sandbox.control.setBehaviour({ m3MaxRecsCap: 10_000 });
    }
  });

  it('starts lists at the start key inclusively by default; LMTS input keeps rows changed at or after it (switches: exclusive, gt, ignored)', async () => {
    const first = async () =>
      (
        await session.json<M3V2Body>(
          '/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber;maxrecs=1?CUNO=C0000010&righttrim=true',
        )
      ).results[0]?.records[0]?.CUNO;
    expect(await first()).toBe('C0000010');
    session.sandbox.control.setBehaviour({ m3ListStart: 'exclusive' });
    expect(await first()).toBe('C0000011');
    const at = Date.UTC(2032, 1, 2, 3, 4, 5, 6);
    const [key] = session.sandbox.control.modify('customers', ['C0000020'], new Date(at));
    const since = async (stamp: number) =>
      (
        await session.json<M3V2Body>(
          `/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber;maxrecs=0?LMTS=${stamp}&righttrim=true`,
        )
      ).results[0]?.records.map((record) => record.CUNO) ?? [];
    expect(await since(at)).toEqual([key]);
    session.sandbox.control.setBehaviour({ m3LmtsInput: 'gt' });
    expect(await since(at)).toEqual([]);
    session.sandbox.control.setBehaviour({ m3LmtsInput: 'ignored' });
    expect((await since(at)).length).toBe(120);
    session.sandbox.control.setBehaviour({ m3ListStart: 'inclusive', m3LmtsInput: 'gte' });
  });

  it('ignores `order by` by default (rows in physical order, changed rows last); and/or with parentheses work', async () => {
    session.sandbox.control.modify('customers', ['C0000002'], new Date(Date.UTC(2031, 0, 1)));
    const ordered = lines(
      await session.json<M3V2Body>(
        exportPath(
          "OKCUNO from OCUSMA where (OKCUNO < 'C0000004' or OKCUNO = 'C0000010') and OKCUNO > 'C0000000' order by OKCUNO",
          '&SEPC=;&HDRS=0&maxrecs=0&righttrim=true',
        ),
      ),
    );
    expect(ordered).toEqual(['C0000001', 'C0000003', 'C0000010', 'C0000002']);
    session.sandbox.control.setBehaviour({ m3ExportOrderBy: 'refused' });
    const refused = await session.json<M3V2Body>(exportPath('OKCUNO from OCUSMA order by OKCUNO'));
    expect(refused.nrOfFailedTransactions).toBe(1);
    session.sandbox.control.setBehaviour({ m3ExportOrderBy: 'honoured' });
    const honoured = lines(
      await session.json<M3V2Body>(
        exportPath(
          "OKCUNO from OCUSMA where OKCUNO <= 'C0000003' order by OKCUNO",
          '&SEPC=;&HDRS=0&maxrecs=0&righttrim=true',
        ),
      ),
    );
    expect(honoured).toEqual(['C0000001', 'C0000002', 'C0000003']);
    session.sandbox.control.setBehaviour({ m3ExportOrderBy: 'ignored' });
  });
});
