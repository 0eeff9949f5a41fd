import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';
import { connectInfor } from './support/connect';
import { accessToken } from '../integration/sandbox/infor-helpers';

/**
 * M3 purchase orders with their lines as a flow's target (issue 16), through the engine: the orders
 * of M3 company 200 become orders of company 100 (new numbers from M3, the source's number kept as
 * "your reference"). The first run creates each order with its lines, the second writes nothing, and
 * a changed line in the source moves exactly that order once, as an update.
 */
// U22: whether the order exists when FinishEntry answers or only after M3's batch job is unconfirmed.
describe.each(['immediate', 'batchJob'] as const)('a flow writes M3 purchase orders with lines (%s)', (entry) => {
  let infor: InforSandbox;
  let backend: Backend;
  let api: ApiClient;
  const folder = tempDir(`mlc-m3-po-target-${entry}-`);

  beforeAll(async () => {
    infor = await startInforSandbox({
      counts: { suppliers: 20, purchaseOrders: 30 },
      behaviour: { m3PurchaseEntry: entry },
    });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
  });
  afterAll(async () => {
    await backend?.close();
    await infor?.close();
    folder.remove();
  });

  it('creates each order with its lines, then nothing, then exactly the changed order', async () => {
    const source = await connectInfor(api, infor, { settings: { m3Company: '200' } });
    const target = await connectInfor(api, infor, { name: 'M3 target', settings: { m3Company: '100' } });
    const mapping = await api.call('mappings.save', {
      name: 'M3 200 → M3 100 purchase orders',
      sourceEntity: 'purchaseOrders',
      targetEntity: 'purchaseOrders',
      expression:
        '{ "YRE1": "M3-200-" & PUNO, "SUNO": SUNO, "FACI": "A01", "WHLO": WHLO, "DWDT": DWDT, ' +
        '"lines": [lines.{ "PNLI": PNLI, "ITNO": ITNO, "ORQA": ORQA, "PUPR": PUPR }] }',
    });
    const flow = await api.call('flows.save', {
      name: 'M3 200 → M3 100 purchase orders',
      source: { connectionId: source.id as never, entity: 'purchaseOrders', lookbackSeconds: 0 },
      mappingId: mapping.id,
      target: { connectionId: target.id as never, entity: 'purchaseOrders', matchKey: ['PUNO'] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false },
      paused: false,
    });
    const first = await api.call('flows.run', { id: flow.id });
    if (first.counters.failed > 0) {
      const [failure] = (await api.call('audit.list', { runId: first.id, outcome: 'failed', limit: 1 })).items;
      throw new Error(`${first.counters.failed} failed, e.g. ${failure?.errorCode}: ${failure?.errorMessage}`);
    }
    expect(first.error).toBeNull();
    // Company 200 has 8 purchase orders.
    expect(first.counters).toMatchObject({ read: 8, created: 8, failed: 0 });

    const token = await accessToken(infor);
    const m3 = `${infor.url}/${infor.tenant}/M3/m3api-rest/v2/execute`;
    const call = async (path: string) => {
      const response = await fetch(`${m3}/${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { results: Array<{ records: Array<Record<string, string>> }> }).results[0]
        ?.records;
    };
    // The written order carries the source's lines and its number as your reference.
    const sourceLines = await call('PPS200MI/LstLine;cono=200?PUNO=2000000003');
    const [written] = (await call(
      `EXPORTMI/Select;cono=100?QERY=${encodeURIComponent("IAPUNO from MPHEAD where IAYRE1 = 'M3-200-2000000003'")}&SEPC=~`,
    ))!;
    const puno = written?.REPL?.trim() ?? '';
    expect(puno).not.toBe('');
    // (With batchJob, M3's job has processed the entries by the time any other program reads.)
    expect(infor.control.dataStats().purchaseOrders.overlay).toBe(8);
    const targetLines = await call(`PPS200MI/LstLine;cono=100?PUNO=${puno}`);
    const pick = (lines: Array<Record<string, string>> | undefined) =>
      lines?.map((line) => [line.PNLI?.trim(), line.ITNO?.trim(), Number(line.ORQA)]);
    expect(pick(targetLines)).toEqual(pick(sourceLines));

    const writes = () =>
      infor.control.requests().filter((request) => /PPS370MI|PPS200MI\/(UpdHead|UpdLine|AddLine)/.test(request.path))
        .length;
    const before = writes();
    const second = await api.call('flows.run', { id: flow.id });
    expect(second.counters.created + second.counters.updated + second.counters.failed).toBe(0);
    expect(writes()).toBe(before);
    expect(infor.control.dataStats().purchaseOrders.overlay).toBe(8);

    // A line quantity changes in company 200: that order moves once, as an update of line 1.
    await call('PPS200MI/UpdLine;cono=200?PUNO=2000000003&PNLI=1&PNLS=0&ORQA=999');
    const third = await api.call('flows.run', { id: flow.id });
    expect(third.counters).toMatchObject({ created: 0, updated: 1, failed: 0 });
    const changed = await call(`PPS200MI/LstLine;cono=100?PUNO=${puno}`);
    expect(Number(changed?.[0]?.ORQA)).toBe(999);
    expect(infor.control.dataStats().purchaseOrders.overlay).toBe(8);
  }, 120_000);
});
