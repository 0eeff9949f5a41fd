import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProductLine } from '../../electron/backend/connectors/infor/infor-sources';
import type { InforBehaviourInput, LinesBehaviourInput } from '../../sandbox/infor/index';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import type { TenantCheckReport, TenantCheckStatus } from '../../shared/connectors/infor-check';
import { inforConnectors, readAll } from '../conformance/infor-lines-support';

/**
 * The tenant check (issue 14) against the simulator: a stock tenant gives the expected statuses and
 * no failure; each alternative behaviour the simulator can be switched to is reported as such, with
 * the setting the connector should then use.
 */
describe('Infor tenant check', () => {
  let sandbox: InforSandbox;
  const connectors = inforConnectors(() => sandbox);
  beforeAll(async () => {
    sandbox = await startInforSandbox({
      seed: 3,
      counts: { customers: 40, suppliers: 10, salesOrders: 5, purchaseOrders: 5, invoices: 10, glAccounts: 10 },
    });
  });
  afterEach(() => {
    // Back to the stock tenant for the next case.
    sandbox.control.setBehaviour({
      m3StampForm: 'epochMillis',
      m3ExportOrderBy: 'ignored',
      m3ReplOverflow: 'truncate',
      m3UnknownTransaction: 'bare400',
      m3HonourCono: true,
      m3MaxRecsCap: 10_000,
      m3LmtsInput: 'gte',
      m3ListStart: 'inclusive',
    });
    sandbox.control.setLinesBehaviour({ csiRequireSite: false, lnPaging: 'truncate', fsmMaxLimit: 1000 });
  });
  afterAll(async () => {
    await connectors.closeAll();
    await sandbox.close();
  });

  const check = (productLine: ProductLine, settings: Record<string, unknown> = {}) =>
    connectors.make(productLine, settings).checkTenant();
  const statuses = (report: TenantCheckReport) =>
    Object.fromEntries(report.probes.map((probe) => [probe.id, probe.status]));

  const stock: Array<
    [ProductLine, Record<string, unknown>, Record<string, TenantCheckStatus>, Record<string, string>]
  > = [
    [
      'm3',
      { m3Company: '100' },
      {
        'm3.metadata': 'confirmed',
        'm3.sepc': 'confirmed',
        'm3.replWidth': 'confirmed',
        'm3.lmtsForm': 'confirmed',
        'm3.orderBy': 'confirmed',
        'm3.maxrecsCap': 'unknown',
        'm3.cono': 'confirmed',
        'm3.unknownTransaction': 'confirmed',
        'm3.listStart': 'confirmed',
        'm3.lmtsInput': 'confirmed',
      },
      { m3Company: '100' },
    ],
    [
      'csi',
      { mongooseConfig: '' },
      {
        'csi.sites': 'differs',
        'csi.siteHeader': 'confirmed',
        'csi.dateLiteral': 'confirmed',
        'csi.unknownProperty': 'confirmed',
      },
      {},
    ],
    ['ln', {}, { 'ln.paging': 'confirmed' }, {}],
    ['fsm', {}, { 'fsm.fields': 'confirmed', 'fsm.maxLimit': 'confirmed' }, {}],
  ];

  it.each(stock)(
    'a stock %s tenant: the expected statuses, nothing failed, GETs only',
    async (line, settings, expected, chosen) => {
      const before = sandbox.control.requests().length;
      const report = await check(line, settings);
      expect(statuses(report)).toEqual(expected);
      expect(report.settingsChosen).toEqual(chosen);
      expect(report.productLine).toBe(line);
      for (const probe of report.probes) {
        expect(probe.calls, probe.id).toBeGreaterThanOrEqual(0);
        expect(probe.calls, probe.id).toBeLessThanOrEqual(6);
        expect(probe.observed.length, probe.id).toBeGreaterThan(0);
      }
      const calls = sandbox.control.requests().slice(before);
      expect(calls.filter((call) => call.method !== 'GET' && !call.path.includes('/token'))).toEqual([]);
    },
  );

  it('a CSI tenant with the site chosen: the configuration and the site are the settings', async () => {
    const tenant = sandbox.tenant;
    const report = await check('csi', { mongooseConfig: `${tenant}_EMEA` });
    expect(statuses(report)['csi.sites']).toBe('confirmed');
    expect(report.settingsChosen).toEqual({ mongooseConfig: `${tenant}_EMEA` });
  });

  type Switch = [
    string,
    ProductLine,
    { m3?: InforBehaviourInput; lines?: LinesBehaviourInput },
    Record<string, unknown>,
    string,
    TenantCheckStatus,
    RegExp,
    Record<string, string> | undefined,
  ];
  const switches: Switch[] = [
    [
      'm3StampForm ymdHmsMs17',
      'm3',
      { m3: { m3StampForm: 'ymdHmsMs17' } },
      {},
      'm3.lmtsForm',
      'differs',
      /yyyyMMddHHmmssSSS/,
      undefined,
    ],
    [
      'm3StampForm garbage',
      'm3',
      { m3: { m3StampForm: 'garbage' } },
      {},
      'm3.lmtsForm',
      'differs',
      /no known form.*LMDT/,
      undefined,
    ],
    [
      'm3ReplOverflow nok',
      'm3',
      { m3: { m3ReplOverflow: 'nok' } },
      {},
      'm3.replWidth',
      'differs',
      /refused, not cut/,
      undefined,
    ],
    [
      'm3ExportOrderBy honoured',
      'm3',
      { m3: { m3ExportOrderBy: 'honoured' } },
      {},
      'm3.orderBy',
      'differs',
      /honoured/,
      undefined,
    ],
    [
      'm3ExportOrderBy refused',
      'm3',
      { m3: { m3ExportOrderBy: 'refused' } },
      {},
      'm3.orderBy',
      'differs',
      /refused/,
      undefined,
    ],
    [
      'm3HonourCono false',
      'm3',
      { m3: { m3HonourCono: false } },
      { m3Company: '200' },
      'm3.cono',
      'differs',
      /read company 100/,
      {},
    ],
    [
      'm3UnknownTransaction typed400',
      'm3',
      { m3: { m3UnknownTransaction: 'typed400' } },
      {},
      'm3.unknownTransaction',
      'differs',
      /HTTP 400 with errorType TransactionNotFound/,
      undefined,
    ],
    [
      'm3UnknownTransaction nok200',
      'm3',
      { m3: { m3UnknownTransaction: 'nok200' } },
      {},
      'm3.unknownTransaction',
      'differs',
      /HTTP 200 with a NOK/,
      undefined,
    ],
    [
      'm3MaxRecsCap 7',
      'm3',
      { m3: { m3MaxRecsCap: 7 } },
      {},
      'm3.maxrecsCap',
      'differs',
      /caps a call at 7 rows/,
      { m3MaxRecs: '7' },
    ],
    ['m3LmtsInput gt', 'm3', { m3: { m3LmtsInput: 'gt' } }, {}, 'm3.lmtsInput', 'differs', /\(>\)/, undefined],
    [
      'm3LmtsInput ignored',
      'm3',
      { m3: { m3LmtsInput: 'ignored' } },
      {},
      'm3.lmtsInput',
      'differs',
      /ignored/,
      undefined,
    ],
    [
      'm3ListStart exclusive',
      'm3',
      { m3: { m3ListStart: 'exclusive' } },
      {},
      'm3.listStart',
      'differs',
      /exclusive/,
      undefined,
    ],
    [
      'csiRequireSite true',
      'csi',
      { lines: { csiRequireSite: true } },
      {},
      'csi.siteHeader',
      'differs',
      /refused without X-Infor-Site/,
      { csiSite: 'DALS' },
    ],
    ['lnPaging nextLink', 'ln', { lines: { lnPaging: 'nextLink' } }, {}, 'ln.paging', 'differs', /nextLink/, {}],
    [
      'fsmMaxLimit 200',
      'fsm',
      { lines: { fsmMaxLimit: 200 } },
      {},
      'fsm.maxLimit',
      'differs',
      /200 answers/,
      { fsmMaxLimit: '200' },
    ],
  ];

  it.each(switches)(
    '%s: reported, with the setting it decides',
    async (_name, line, change, settings, id, status, observed, chosen) => {
      if (change.m3) sandbox.control.setBehaviour(change.m3);
      if (change.lines) sandbox.control.setLinesBehaviour(change.lines);
      const report = await check(line, settings);
      const probe = report.probes.find((one) => one.id === id)!;
      expect([probe.status, probe.observed]).toEqual([status, expect.stringMatching(observed)]);
      expect(report.probes.filter((one) => one.status === 'failed')).toEqual([]);
      if (chosen) expect(report.settingsChosen).toEqual(chosen);
    },
  );

  it('an FSM tenant with a lower _limit: reads with the chosen fsmMaxLimit succeed (they fail without it)', async () => {
    sandbox.control.setLinesBehaviour({ fsmMaxLimit: 200 });
    const report = await check('fsm');
    const chosen = report.settingsChosen;
    await expect(readAll(connectors.make('fsm'), 'customers', { pageSize: 1000 })).rejects.toThrow(/HTTP 400/);
    const before = sandbox.control.requests().length;
    const records = await readAll(connectors.make('fsm', chosen), 'customers', { pageSize: 1000 });
    expect(records.length).toBeGreaterThanOrEqual(40);
    expect(
      sandbox.control
        .requests()
        .slice(before)
        .filter((call) => Number(call.query._limit ?? 0) > 200),
    ).toEqual([]);
  });

  it('never puts a secret into what it observed', async () => {
    const file = sandbox.ionapi() as Record<string, string>;
    const reports = await Promise.all((['m3', 'csi', 'ln', 'fsm'] as const).map((line) => check(line)));
    const text = JSON.stringify(reports);
    for (const secret of [file.cs, file.saak, file.sask]) expect(text).not.toContain(secret);
  });

  it('stops when its signal is aborted', async () => {
    const cancel = new AbortController();
    cancel.abort();
    await expect(connectors.make('m3').checkTenant({ signal: cancel.signal })).rejects.toThrow();
  });
});

describe('Infor tenant check on an M3 tenant that caps maxrecs', () => {
  // The cap is above a table's column count (EXPORTMI/LstFields is one call), below the rows read.
  let sandbox: InforSandbox;
  const connectors = inforConnectors(() => sandbox);
  beforeAll(async () => {
    sandbox = await startInforSandbox({ seed: 4, counts: { customers: 260 }, behaviour: { m3MaxRecsCap: 200 } });
  });
  afterAll(async () => {
    await connectors.closeAll();
    await sandbox.close();
  });

  it('chooses m3MaxRecs, and reads with it return every row', async () => {
    const report = await connectors.make('m3').checkTenant();
    expect(report.settingsChosen).toEqual({ m3MaxRecs: '200' });
    const records = await readAll(connectors.make('m3', report.settingsChosen), 'customers', { pageSize: 1000 });
    expect(new Set(records.map((record) => record.key)).size).toBe(260);
  });
});
