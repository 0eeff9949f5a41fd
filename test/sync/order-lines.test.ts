import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import type { Connection } from '../../shared/domain/connection';
import type { Flow, FlowId } from '../../shared/domain/flow';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { syncService } from '../../electron/backend/sync/sync.service';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../sandbox/dynamics/index';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';
import { connectInforAndTarget, saveFlow } from './support/connect';

/**
 * M3 sales orders with their lines → Dataverse: an order flow (salesorder) and a child flow
 * writing one salesorderdetail per source line, linked to its order's target id through
 * `$parentId()`, over HTTP on 127.0.0.1 with the real SQLite store.
 */
const accountMapping = '{ "mlc_inforcustomerno": CUNO, "name": CUNM, "accountnumber": CUNO }';

/** The order's price list comes from `$lookupId`; one order (`broken`) gets a price list that does not exist. */
const orderMapping = (broken: string | null) => `{
  "mlc_inforordernumber": ORNO,
  "name": "M3 order " & ORNO,
  "customerid_account@odata.bind": "/accounts(" & $lookupRef("account", CUNO) & ")",
  "pricelevelid@odata.bind": "/pricelevels(" & (ORNO = ${JSON.stringify(broken ?? '')}
    ? "00000000-0000-0000-0000-000000000001"
    : $lookupId("pricelevel", "name", "Default Price List")) & ")",
  "transactioncurrencyid@odata.bind": ($c := $lookupId("transactioncurrency", "isocurrencycode", CUCD); $c ? "/transactioncurrencies(" & $c & ")" : undefined)
}`;

const lineMapping = `{
  "mlc_inforlineid": parent.ORNO & "-" & PONR & "-" & POSX,
  "salesorderid@odata.bind": "/salesorders(" & $parentId() & ")",
  "isproductoverridden": true,
  "productdescription": ITNO & " " & ITDS,
  "quantity": ORQT,
  "priceperunit": $number(SAPR),
  "lineitemnumber": PONR
}`;

describe('order lines: one Dataverse salesorderdetail per M3 line, after its order', () => {
  let infor: InforSandbox;
  let dynamics: DynamicsSandbox;
  let backend: Backend;
  let api: ApiClient;
  let folder: ReturnType<typeof tempDir>;
  let source: Connection;
  let target: Connection;
  const flows: Record<'accounts' | 'orders' | 'lines', Flow> = {} as never;
  let orderMappingId: string;
  const broken = '1000000006';

  const save = (input: Parameters<typeof saveFlow>[2]) => saveFlow(api, { source, target }, input);

  const pass = () =>
    syncService(backend.context).engine.runPass([flows.lines.id, flows.orders.id, flows.accounts.id] as FlowId[]);
  const details = () => dynamics.inspect.records('salesorderdetail');
  const orders = () => dynamics.inspect.records('salesorder').filter((row) => row.mlc_inforordernumber);

  beforeAll(async () => {
    folder = tempDir('mlc-lines-');
    infor = await startInforSandbox({ counts: { customers: 12, salesOrders: 6 } });
    dynamics = await startDynamicsSandbox({ counts: { account: 0, contact: 0, salesorder: 0, invoice: 0, quote: 0 } });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
    ({ source, target } = await connectInforAndTarget(api, infor, 'dynamics', dynamics.connection()));
    flows.accounts = (
      await save({
        name: 'Customers',
        sourceEntity: 'customers',
        targetEntity: 'account',
        expression: accountMapping,
        matchKey: 'mlc_inforcustomerno',
      })
    ).flow;
    const saved = await save({
      name: 'Orders',
      sourceEntity: 'salesOrders',
      targetEntity: 'salesorder',
      expression: orderMapping(broken),
      matchKey: 'mlc_inforordernumber',
      dependsOn: [flows.accounts],
    });
    flows.orders = saved.flow;
    orderMappingId = saved.mapping.id;
    flows.lines = (
      await save({
        name: 'Order lines',
        sourceEntity: 'salesOrders',
        targetEntity: 'salesorderdetail',
        expression: lineMapping,
        matchKey: 'mlc_inforlineid',
        each: { path: 'lines', lineKey: ['PONR', 'POSX'] },
        parent: flows.orders,
      })
    ).flow;
  }, 60_000);

  afterAll(async () => {
    await backend?.close();
    await Promise.all([infor?.close(), dynamics?.close()]);
    folder?.remove();
  });

  /** Its price list does not exist: Dataverse refuses the order (404 on the bind), so its lines have no parent. */
  const brokenOrder = '1000000006';
  let firstPass: Awaited<ReturnType<typeof pass>>;

  it('runs the lines after their orders and writes one detail per source line, linked to its order', async () => {
    // The parent is an implicit dependency: saved with the flow, so every host orders it.
    expect(flows.lines.dependsOn).toContain(flows.orders.id);
    firstPass = await pass();
    const runs = firstPass;
    expect(runs.map((run) => run.flowId)).toEqual([flows.accounts.id, flows.orders.id, flows.lines.id]);
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'partial', 'partial']);
    expect(runs[1]!.counters).toMatchObject({ created: 5, failed: 1 });
    const refused = await api.call('audit.list', { runId: runs[1]!.id, outcome: 'failed' });
    expect(refused.items.map((row) => row.sourceKey)).toEqual([brokenOrder]);
    expect(refused.items[0]!.errorMessage).toMatch(/pricelevel With Id = .* Does Not Exist/);

    const lineRun = runs[2]!;
    const written = details();
    expect(written.length).toBeGreaterThan(orders().length);
    expect(lineRun.counters.created).toBe(written.length);
    // Every detail points at the order its source line belongs to.
    const orderIds = new Map(orders().map((row) => [row.mlc_inforordernumber, row.salesorderid]));
    for (const detail of written) {
      const orderNumber = String(detail.mlc_inforlineid).split('-')[0];
      expect(detail._salesorderid_value).toBe(orderIds.get(orderNumber));
      expect(typeof detail.quantity).toBe('number');
    }
    // One audit row per line, keyed `<order>/<line>/<suffix>`.
    const audits = await api.call('audit.list', { runId: lineRun.id, limit: 1000 });
    expect(audits.items.length).toBe(lineRun.counters.created + lineRun.counters.failed);
    for (const row of audits.items) expect(row.sourceKey).toMatch(/^\d+\/\d+\/0$/);
    // The lines of the refused order wait, named, never written unlinked.
    const orphans = audits.items.filter((row) => row.outcome === 'failed');
    expect(orphans.length).toBe(lineRun.counters.failed);
    expect(orphans.length).toBeGreaterThan(0);
    for (const row of orphans) {
      expect(row.sourceKey.startsWith(`${brokenOrder}/`)).toBe(true);
      expect(row.errorCode).toBe('E_SYNC_PARENT_MISSING');
      expect(row.errorMessage).toContain(`its parent ${brokenOrder} has no target record from the flow “Orders”`);
    }
    expect(written.some((row) => String(row.mlc_inforlineid).startsWith(brokenOrder))).toBe(false);
    // The currency came from $lookupId: an id, never the text of the ISO code.
    for (const order of orders()) expect(String(order._transactioncurrencyid_value ?? '')).not.toMatch(/^[A-Z]{3}$/);
  }, 60_000);

  it('writes nothing on a rerun, and only the changed line when one line’s quantity changes', async () => {
    const before = details().length;
    const runs = await pass();
    const lineRun = runs[2]!;
    expect(lineRun.counters.created + lineRun.counters.updated).toBe(0);
    expect(details().length).toBe(before);

    // A modified order: M3 changes its first line's quantity (the simulator's versions), the others stay.
    const orderNumber = '1000000001';
    let updated: Awaited<ReturnType<typeof pass>>[number] | undefined;
    for (let attempt = 0; attempt < 6 && !updated; attempt += 1) {
      infor.control.modify('salesOrders', [orderNumber]);
      const [, , run] = await pass();
      expect(run!.counters.created).toBe(0);
      expect(run!.counters.updated).toBeLessThanOrEqual(1);
      if (run!.counters.updated === 1) updated = run;
    }
    expect(updated).toBeDefined();
    const changed = await api.call('audit.list', { runId: updated!.id, outcome: 'updated' });
    expect(changed.items.map((row) => row.sourceKey)).toEqual([`${orderNumber}/1/0`]);
    expect(details().length).toBe(before);
  }, 120_000);

  it('replays the lines of a failed order once the order is fixed', async () => {
    const lineRun = firstPass[2]!;
    // Replayed before the order is fixed: still no parent, still the same code, nothing written.
    const early = await api.call('runs.replay', { runId: lineRun.id, mapping: 'original' });
    expect(early.counters).toMatchObject({ failed: lineRun.counters.failed, created: 0 });

    await api.call('mappings.save', {
      id: orderMappingId as never,
      name: 'Orders',
      sourceEntity: 'salesOrders',
      targetEntity: 'salesorder',
      expression: orderMapping(null),
    });
    const fixed = await api.call('runs.replay', { runId: firstPass[1]!.id, mapping: 'current' });
    expect(fixed.counters).toMatchObject({ created: 1, failed: 0 });
    const order = orders().find((row) => row.mlc_inforordernumber === brokenOrder)!;
    expect(order).toBeDefined();

    const replay = await api.call('runs.replay', { runId: lineRun.id, mapping: 'original' });
    expect(replay.counters).toMatchObject({ created: lineRun.counters.failed, failed: 0 });
    const lines = details().filter((row) => String(row.mlc_inforlineid).startsWith(`${brokenOrder}-`));
    expect(lines.length).toBe(lineRun.counters.failed);
    for (const line of lines) expect(line._salesorderid_value).toBe(order.salesorderid);
  }, 60_000);

  it('dry-runs lines against what Dataverse holds, and stops a run whose lines share a key, naming the order', async () => {
    const dry = await syncService(backend.context).engine.runFlow(flows.lines.id, { dryRun: true });
    expect(dry.status).toBe('succeeded');
    expect(dry.counters.unchanged).toBe(dry.counters.read);

    // M3 line suffixes alone (POSX, 0 on every line) do not tell an order's lines apart.
    const { flow } = await save({
      name: 'Order lines by suffix',
      sourceEntity: 'salesOrders',
      targetEntity: 'salesorderdetail',
      expression: lineMapping,
      matchKey: 'mlc_inforlineid',
      each: { path: 'lines', lineKey: ['POSX'] },
      parent: flows.orders,
    });
    const before = details().length;
    const run = await syncService(backend.context).engine.runFlow(flow.id);
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('E_SYNC_LINE_KEY');
    expect(run.error?.message).toMatch(/^Two lines of source record 100000000\d share the line key POSX = 0/);
    expect(details().length).toBe(before);
  }, 60_000);
});
