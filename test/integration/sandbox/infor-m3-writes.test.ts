import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPath, exportRows, openSession, type M3V2Body, type Session } from './infor-helpers';

/**
 * M3 writes in the simulator (issue 16): CRS610MI Add/ChgBasicData and CRS620MI
 * CopyTemplate/UpdSupplier/AddSupplier change what every view reads, with a new stamp, and are
 * refused as M3 refuses them, in the v1 (HTTP 200 NOK body) and v2 shapes.
 */
interface V1Nok {
  Message: string;
  '@type': string;
  '@code': string | null;
  '@field': string | null;
}

describe('Infor sandbox: M3 writes', () => {
  let session: Session;
  beforeAll(async () => {
    session = await openSession({ counts: { customers: 40, suppliers: 10 }, seed: 3 });
  });
  afterAll(async () => {
    await session.sandbox.close();
  });
  const v2 = (path: string, input: Record<string, string>) =>
    session.get(`/M3/m3api-rest/v2/execute/${path};cono=100?${new URLSearchParams(input).toString()}`);
  const v1 = async (path: string, input: Record<string, string>) =>
    (await (
      await session.get(`/M3/m3api-rest/execute/${path};cono=100?${new URLSearchParams(input).toString()}`)
    ).json()) as V1Nok;
  const customerRow = async (cuno: string) =>
    exportRows(
      await session.json<M3V2Body>(
        exportPath(`OKCUNO,OKCUNM,OKPHNO,OKCUCD,OKLMTS,OKLMDT,OKCHNO from OCUSMA where OKCUNO = '${cuno}'`),
      ),
    )[0];

  it('Add inserts a customer in key order from its template; EXPORTMI, GetBasicData and LstByNumber show it', async () => {
    const now = Date.now();
    const response = await v2('CRS610MI/Add', {
      CUTM: 'TMPLEXP',
      CUNO: 'C0000010A',
      CUNM: 'Written Ltd',
      CUA1: '1 Main St',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as M3V2Body;
    expect(body.nrOfFailedTransactions).toBe(0);
    expect(body.results[0]?.records[0]?.CUNO?.trim()).toBe('C0000010A');

    const row = await customerRow('C0000010A');
    expect(row?.slice(0, 2)).toEqual(['C0000010A', 'Written Ltd']);
    expect(row?.[3]).toBe('USD'); // from the template
    expect(Number(row?.[4])).toBeGreaterThanOrEqual(now - 1000);

    const got = await session.json<M3V2Body>('/M3/m3api-rest/v2/execute/CRS610MI/GetBasicData?CUNO=C0000010A');
    expect(got.results[0]?.records[0]?.CUNM?.trim()).toBe('Written Ltd');
    const listed = await session.json<M3V2Body>(
      '/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber;maxrecs=3?CUNO=C0000010&righttrim=true',
    );
    expect(listed.results[0]?.records.map((record) => record.CUNO)).toEqual(['C0000010', 'C0000010A', 'C0000011']);
    expect(session.sandbox.control.dataStats().customers.count).toBe(40);
  });

  it('ChgBasicData changes only the fields given, with a newer stamp and change number', async () => {
    const before = await customerRow('C0000005');
    const response = await v2('CRS610MI/ChgBasicData', { CUNO: 'C0000005', CUNM: 'Renamed AB' });
    expect(((await response.json()) as M3V2Body).nrOfFailedTransactions).toBe(0);
    const after = await customerRow('C0000005');
    expect(after?.[1]).toBe('Renamed AB');
    expect(after?.[2]).toBe(before?.[2]); // the phone did not move
    expect(BigInt(after?.[4] ?? '0')).toBeGreaterThan(BigInt(before?.[4] ?? '0'));
    expect(Number(after?.[6])).toBe(Number(before?.[6]) + 1);
    // The neutral model is shared: LN's business partner has the new name too.
    const ln = await session.json<{ value: Array<Record<string, unknown>> }>(
      "/LN/lnapi/odata/tcapi.comBusinessPartner/BusinessPartners?$filter=BusinessPartner eq 'C0000005'",
    );
    expect(ln.value.map((row) => row.Name)).toEqual(['Renamed AB']);
  });

  it('refuses as M3 does, v1 as an HTTP 200 NOK body and v2 as a 400 (input checks) or results[0] (data checks)', async () => {
    const cases: Array<[string, Record<string, string>, string, string, string]> = [
      ['CRS610MI/Add', { CUTM: 'TMPLDOM', CUNM: 'No address' }, 'MandatoryInputFieldNotFound', '', 'CUA1'],
      ['CRS610MI/Add', { CUTM: 'TMPLDOM', CUNM: 'x'.repeat(37), CUA1: 'a' }, 'InputFieldTooLong', '', 'CUNM'],
      ['CRS610MI/ChgBasicData', { CUNO: 'C0000001', CUTP: 'X' }, 'ServerReturnedNOK', '', 'CUTP'],
      [
        'CRS610MI/Add',
        { CUTM: 'TMPLDOM', CUNO: 'C0000002', CUNM: 'Dup', CUA1: 'a' },
        'ServerReturnedNOK',
        'XRE0104',
        'CUNO',
      ],
      ['CRS610MI/ChgBasicData', { CUNO: 'C9999999', CUNM: 'Ghost' }, 'ServerReturnedNOK', 'XRE0103', 'CUNO'],
      ['CRS610MI/Add', { CUTM: 'NOSUCH', CUNM: 'T', CUA1: 'a' }, 'ServerReturnedNOK', 'XRE0103', 'CUTM'],
      ['CRS620MI/UpdSupplier', { SUNO: 'S0000001', PODA: '2x' }, 'ServerReturnedNOK', '', 'PODA'],
      ['CRS620MI/AddSupplier', { SUNO: 'SNEW', SUNM: 'New' }, 'MandatoryInputFieldNotFound', '', 'SUTY'],
      ['CRS620MI/CopyTemplate', { STEM: 'TMPLSUP', SUNO: 'S0000001' }, 'ServerReturnedNOK', 'XRE0104', 'SUNO'],
    ];
    for (const [path, input, type, code, field] of cases) {
      const old = await v1(path, input);
      expect([path, old['@type'], old['@code'] ?? '', old['@field']?.trim()]).toEqual([path, type, code, field]);
      expect(old.Message.trim()).not.toBe('');
      const response = await v2(path, input);
      const body = (await response.json()) as Record<string, unknown> & M3V2Body;
      const error = response.status === 400 ? body : (body.results[0] as unknown as Record<string, unknown>);
      expect(response.status).toBe(code ? 200 : 400);
      expect([path, error.errorType, error.errorCode, error.errorField]).toEqual([path, type, code, field]);
    }
    // Nothing refused was written.
    expect(await customerRow('C0000002')).not.toContain('Dup');
    expect(session.sandbox.control.dataStats().customers.overlay).toBe(2);
  });

  it('switches: an unknown template without a code (U16), a wrong-kind input taken unchecked (U17)', async () => {
    session.sandbox.control.setBehaviour({ m3UnknownTemplate: 'textOnly', m3WriteKindCheck: 'accepted' });
    try {
      const template = await v1('CRS610MI/Add', { CUTM: 'NOSUCH', CUNM: 'T', CUA1: 'a' });
      expect([template['@type'], template['@code'], template['@field']?.trim()]).toEqual([
        'ServerReturnedNOK',
        null,
        'CUTM',
      ]);
      const kind = await v2('CRS610MI/ChgBasicData', { CUNO: 'C0000001', CUTP: 'X' });
      expect(((await kind.json()) as M3V2Body).nrOfFailedTransactions).toBe(0);
    } finally {
      session.sandbox.control.setBehaviour({ m3UnknownTemplate: 'xre0103', m3WriteKindCheck: 'nok' });
    }
  });

  it('EXPORTMI answers key lookups (`key = a or key = b`) with the rows that exist, inserted ones included', async () => {
    const rows = exportRows(
      await session.json<M3V2Body>(
        exportPath("OKCUNO from OCUSMA where OKCUNO = 'C0000003' or OKCUNO = 'NOPE' or OKCUNO = 'C0000010A'"),
      ),
    );
    expect(rows.map((row) => row[0]).sort()).toEqual(['C0000003', 'C0000010A']);
  });

  it('suppliers: CopyTemplate then UpdSupplier creates one; CIDMAS shows it', async () => {
    const copied = (await (
      await v2('CRS620MI/CopyTemplate', { STEM: 'TMPLSUP', SUNO: 'S0000003B' })
    ).json()) as M3V2Body;
    expect(copied.results[0]?.records[0]?.SUNO?.trim()).toBe('S0000003B');
    await v2('CRS620MI/UpdSupplier', { SUNO: 'S0000003B', SUNM: 'Copied Supplies', PHNO: '+31 20 555' });
    const rows = exportRows(
      await session.json<M3V2Body>(exportPath("IDSUNO,IDSUNM,IDPHNO,IDCUCD from CIDMAS where IDSUNO >= 'S0000003'")),
    );
    // EXPORTMI reads in physical order: the new row comes last, as the newest change.
    expect(rows.at(-1)).toEqual(['S0000003B', 'Copied Supplies', '+31 20 555', 'EUR']);
    const listed = await session.json<M3V2Body>(
      '/M3/m3api-rest/v2/execute/CRS620MI/LstSuppliers;maxrecs=3?FRSU=S0000003&righttrim=true',
    );
    expect(listed.results[0]?.records.map((record) => record.SUNO)).toEqual(['S0000003', 'S0000003B', 'S0000004']);
  });
});
