import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPath, exportRows, openSession, type M3V2Body, type Session } from './infor-helpers';

/**
 * M3 purchase order writes in the simulator (issue 16): PPS200MI has no AddHead, so a new order is
 * entered through PPS370MI (StartEntry, AddHead, AddLine, FinishEntry; M3H5), and existing orders
 * change through PPS200MI UpdHead/UpdLine/AddLine. Writes land in the MPHEAD/MPLINE data every view
 * reads, with a new stamp; refusals come in M3's v1 and v2 shapes.
 */
interface V1Nok {
  Message: string;
  '@type': string;
  '@code': string | null;
  '@field': string | null;
}

describe('Infor sandbox: M3 purchase order writes', () => {
  let session: Session;
  beforeAll(async () => {
    session = await openSession({ counts: { suppliers: 10, purchaseOrders: 6 }, seed: 5 });
  });
  afterAll(async () => {
    await session.sandbox.close();
  });
  const v2 = async (path: string, input: Record<string, string>) => {
    const response = await session.get(
      `/M3/m3api-rest/v2/execute/${path};cono=100?${new URLSearchParams(input).toString()}`,
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & M3V2Body };
  };
  const v1 = async (path: string, input: Record<string, string>) =>
    (await (
      await session.get(`/M3/m3api-rest/execute/${path};cono=100?${new URLSearchParams(input).toString()}`)
    ).json()) as V1Nok;
  const ok = async (path: string, input: Record<string, string>) => {
    const { status, body } = await v2(path, input);
    expect([path, status, body.nrOfFailedTransactions]).toEqual([path, 200, 0]);
    return body.results[0]?.records[0] ?? {};
  };
  const head = async (puno: string) =>
    exportRows(
      await session.json<M3V2Body>(
        exportPath(`IAPUNO,IASUNO,IADWDT,IAYRE1,IAFACI,IAWHLO,IALMTS from MPHEAD where IAPUNO = '${puno}'`),
      ),
    )[0];
  const lines = async (puno: string) =>
    exportRows(
      await session.json<M3V2Body>(exportPath(`IBPNLI,IBITNO,IBORQA,IBPUPR from MPLINE where IBPUNO = '${puno}'`)),
    );

  it('PPS200MI has no AddHead; a PPS370MI entry creates the order at FinishEntry, visible to EXPORTMI and PPS200MI', async () => {
    const missing = await session.get('/M3/m3api-rest/v2/execute/PPS200MI/AddHead;cono=100?PUNO=1');
    expect(missing.status).toBe(400);

    const msgn = (await ok('PPS370MI/StartEntry', { BAOR: 'MLC' })).MSGN?.trim() ?? '';
    expect(msgn).toMatch(/^\d{15}$/);
    const puno =
      (
        await ok('PPS370MI/AddHead', {
          MSGN: msgn,
          FACI: 'A01',
          WHLO: '200',
          SUNO: 'S0000002',
          DWDT: '20260115',
          YRE1: 'CIN7-PO-1',
        })
      ).PUNO?.trim() ?? '';
    expect(puno).toBe('2000000007');
    expect(await ok('PPS370MI/AddLine', { MSGN: msgn, PUNO: puno, ITNO: 'A100-1000', ORQA: '5' })).toMatchObject({
      PNLI: expect.stringMatching(/^\s*1$/),
    });
    await ok('PPS370MI/AddLine', { MSGN: msgn, PUNO: puno, ITNO: 'B200-0300', ORQA: '2', PUPR: '15.5' });
    // Not an order until the entry is finished.
    expect(await head(puno)).toBeUndefined();
    const before = Date.now();
    await ok('PPS370MI/FinishEntry', { MSGN: msgn });

    const row = await head(puno);
    expect(row?.slice(0, 6)).toEqual([puno, 'S0000002', '20260115', 'CIN7-PO-1', 'A01', '200']);
    expect(Number(row?.[6])).toBeGreaterThanOrEqual(before - 1000);
    expect(await lines(puno)).toEqual([
      ['1', 'A100-1000', '5', '2.45'],
      ['2', 'B200-0300', '2', '15.5'],
    ]);
    const got = await ok('PPS200MI/GetHead', { PUNO: puno });
    expect(got.YRE1?.trim()).toBe('CIN7-PO-1');
    // The entry is gone once finished.
    const again = await v2('PPS370MI/FinishEntry', { MSGN: msgn });
    expect(again.body.results[0]).toMatchObject({ errorType: 'ServerReturnedNOK', errorField: 'MSGN' });
  });

  it('PPS200MI UpdHead / UpdLine / AddLine change an order with a newer stamp; only the given fields move', async () => {
    const old = await head('2000000003');
    const oldLines = await lines('2000000003');
    await ok('PPS200MI/UpdHead', { PUNO: '2000000003', YRE1: 'REF-3' });
    await ok('PPS200MI/UpdLine', { PUNO: '2000000003', PNLI: '1', PNLS: '0', ORQA: '77' });
    await ok('PPS200MI/AddLine', { PUNO: '2000000003', ITNO: 'C300-0042', ORQA: '3', PNLI: '50' });
    const row = await head('2000000003');
    expect(row?.[3]).toBe('REF-3');
    expect(row?.[1]).toBe(old?.[1]);
    expect(Number(row?.[6])).toBeGreaterThan(Number(old?.[6]));
    const now = await lines('2000000003');
    expect(now[0]?.slice(0, 3)).toEqual(['1', oldLines[0]?.[1], '77']);
    expect(now).toHaveLength(oldLines.length + 1);
    expect(now.at(-1)?.slice(0, 3)).toEqual(['50', 'C300-0042', '3']);
  });

  it('U22 batchJob: FinishEntry only queues the order (its number stays taken); the job has run before any other program reads', async () => {
    session.sandbox.control.setBehaviour({ m3PurchaseEntry: 'batchJob' });
    try {
      const enter = async (yre1: string) => {
        const msgn = (await ok('PPS370MI/StartEntry', { BAOR: 'MLC' })).MSGN?.trim() ?? '';
        const head = { MSGN: msgn, FACI: 'A01', WHLO: '100', SUNO: 'S0000003', DWDT: '20260301', YRE1: yre1 };
        const puno = (await ok('PPS370MI/AddHead', head)).PUNO?.trim() ?? '';
        await ok('PPS370MI/AddLine', { MSGN: msgn, ITNO: 'A100-1000', ORQA: '4' });
        await ok('PPS370MI/FinishEntry', { MSGN: msgn });
        return puno;
      };
      const first = await enter('JOB-1');
      const second = await enter('JOB-2');
      expect(Number(second)).toBe(Number(first) + 1);
      expect((await head(first))?.[3]).toBe('JOB-1');
      expect((await head(second))?.[3]).toBe('JOB-2');
      expect(await lines(second)).toEqual([['1', 'A100-1000', '4', '2.45']]);
    } finally {
      session.sandbox.control.setBehaviour({ m3PurchaseEntry: 'immediate' });
    }
  });

  it('refuses as M3 does: input checks as v2 400 / v1 NOK, data checks in results[0], nothing written', async () => {
    const msgn = (await ok('PPS370MI/StartEntry', { BAOR: 'MLC' })).MSGN?.trim() ?? '';
    const headInput = { MSGN: msgn, FACI: 'A01', WHLO: '100', SUNO: 'S0000001', DWDT: '20260201' };
    const cases: Array<[string, Record<string, string>, string, string, string]> = [
      ['PPS370MI/AddHead', { ...headInput, SUNO: '' }, 'MandatoryInputFieldNotFound', '', 'SUNO'],
      ['PPS370MI/AddHead', { ...headInput, YRE1: 'x'.repeat(37) }, 'InputFieldTooLong', '', 'YRE1'],
      ['PPS370MI/AddHead', { ...headInput, DWDT: '20261341' }, 'ServerReturnedNOK', '', 'DWDT'],
      // An unknown supplier or item: the default m3UnknownReference form (M3H5's one sample: a code, no field).
      ['PPS370MI/AddHead', { ...headInput, SUNO: 'S9999999' }, 'ServerReturnedNOK', 'XIM0002', ''],
      ['PPS370MI/AddHead', { ...headInput, MSGN: '999' }, 'ServerReturnedNOK', '', 'MSGN'],
      ['PPS200MI/UpdHead', { PUNO: '2999999999', YRE1: 'x' }, 'ServerReturnedNOK', 'XRE0103', 'PUNO'],
      [
        'PPS200MI/UpdLine',
        { PUNO: '2000000001', PNLI: '99', PNLS: '0', ORQA: '1' },
        'ServerReturnedNOK',
        'XRE0103',
        'PNLI',
      ],
      [
        'PPS200MI/AddLine',
        { PUNO: '2000000001', ITNO: 'A100-1000', ORQA: '1', PNLI: '1' },
        'ServerReturnedNOK',
        'XRE0104',
        'PNLI',
      ],
      ['PPS200MI/AddLine', { PUNO: '2000000001', ITNO: 'NOSUCHITEM', ORQA: '1' }, 'ServerReturnedNOK', 'XIM0002', ''],
      ['PPS200MI/AddLine', { PUNO: '2000000001', ITNO: 'A100-1000', ORQA: 'lots' }, 'ServerReturnedNOK', '', 'ORQA'],
    ];
    for (const [path, input, type, code, field] of cases) {
      const old = await v1(path, input);
      expect([path, old['@type'], old['@code'] ?? '', old['@field']?.trim() ?? '']).toEqual([path, type, code, field]);
      const { status, body } = await v2(path, input);
      const error = status === 400 ? body : (body.results[0] as unknown as Record<string, unknown>);
      expect([path, error.errorType, error.errorCode, error.errorField]).toEqual([path, type, code, field]);
    }
    // The other form of m3UnknownReference names the field and the value, without a code.
    session.sandbox.control.setBehaviour({ m3UnknownReference: 'doesNotExist' });
    try {
      const { body } = await v2('PPS370MI/AddHead', { ...headInput, SUNO: 'S9999999' });
      expect(body.results[0]).toMatchObject({
        errorType: 'ServerReturnedNOK',
        errorCode: '',
        errorField: 'SUNO',
        errorMessage: expect.stringContaining('Supplier S9999999 does not exist'),
      });
    } finally {
      session.sandbox.control.setBehaviour({ m3UnknownReference: 'invalid' });
    }
    // The entry never got a head: AddLine and FinishEntry are refused, and no order appeared.
    const line = await v2('PPS370MI/AddLine', { MSGN: msgn, ITNO: 'A100-1000', ORQA: '1' });
    expect(line.body.results[0]).toMatchObject({ errorField: 'MSGN' });
    await ok('PPS370MI/DeleteEntry', { MSGN: msgn });
    expect(session.sandbox.control.dataStats().purchaseOrders.overlay).toBe(4);
  });
});
