import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncService } from '../../electron/backend/sync/sync.service';
import { customerToZohoAccount, syncWorld, zohoWriteCalls, type SyncWorld } from './support/sync-harness';

function orderMapping(productId: string): string {
  return `{
  "Infor_Order_No": ORNO,
  "Subject": "Infor order " & ORNO,
  "Customer_No": CUNO,
  "Account_Name": { "id": $lookupRef("Accounts", CUNO) },
  "Ordered_Items": [lines.{
    "Product_Name": { "id": ${JSON.stringify(productId)} },
    "Quantity": $number(ORQT),
    "List_Price": $number(SAPR),
    "Description": ITDS
  }]
}`;
}

describe('cross-entity references and watermark boundaries', () => {
  let world: SyncWorld;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 200, salesOrders: 300 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('syncs orders after accounts, each pointing at its own account', async () => {
    const accounts = await world.flow({ name: 'Accounts', expression: customerToZohoAccount });
    const productId = String(world.zoho.inspect.records('Products')[0]!.id);
    const orders = await world.flow({
      name: 'Orders',
      sourceEntity: 'salesOrders',
      targetEntity: 'Sales_Orders',
      matchKey: ['Infor_Order_No'],
      expression: orderMapping(productId),
      dependsOn: [accounts.id],
    });
    // Asked in the wrong order, the pass still runs accounts first.
    const runs = await syncService(world.backend.context).engine.runPass([orders.id, accounts.id]);
    expect(runs.map((run) => run.flowId)).toEqual([accounts.id, orders.id]);
    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    expect(runs[1]!.counters.created).toBe(300);

    const accountIdByCustomer = new Map(
      world.zoho.inspect.records('Accounts').map((account) => [String(account.Infor_Customer_No), String(account.id)]),
    );
    const salesOrders = world.zoho.inspect.records('Sales_Orders');
    expect(salesOrders).toHaveLength(300);
    for (const order of salesOrders) {
      const account = order.Account_Name as { id: string };
      expect(account.id, String(order.Infor_Order_No)).toBe(accountIdByCustomer.get(String(order.Customer_No)));
      expect((order.Ordered_Items as unknown[]).length).toBeGreaterThan(0);
    }
  }, 120_000);

  it('never loses records that share the watermark’s timestamp', async () => {
    const flow = await world.flow({
      name: 'Boundary',
      expression: customerToZohoAccount,
      pageSize: 7,
      lookbackSeconds: 0,
    });
    await world.api.call('flows.run', { id: flow.id });
    const tie = new Date(Date.now() + 60_000);
    const first = world.infor.control.modify(
      'customers',
      ['C0000010', 'C0000020', 'C0000030', 'C0000040', 'C0000050'],
      tie,
    );
    const afterFirst = await world.api.call('flows.run', { id: flow.id });
    expect(afterFirst.counters.updated).toBe(5);
    expect(afterFirst.windowTo).toBe(tie.toISOString());

    // Written later, stamped with the very same instant: a `>` filter would miss these.
    const second = world.infor.control.modify(
      'customers',
      ['C0000011', 'C0000021', 'C0000031', 'C0000041', 'C0000051', 'C0000061', 'C0000071', 'C0000081'],
      tie,
    );
    world.zoho.control.resetStats();
    const afterSecond = await world.api.call('flows.run', { id: flow.id });
    expect(afterSecond.counters.updated).toBe(8);
    const updated = await world.api.call('audit.list', { runId: afterSecond.id, outcome: 'updated' });
    expect(updated.items.map((row) => row.sourceKey).sort()).toEqual([...second].sort());
    // The first five were read again at the boundary but cost no write.
    const unchanged = await world.api.call('audit.list', { runId: afterSecond.id, outcome: 'unchanged' });
    expect(unchanged.items.map((row) => row.sourceKey).sort()).toEqual([...first].sort());
    expect(zohoWriteCalls(world.zoho)).toBe(2);
  }, 120_000);
});

describe('dry runs', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 50 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('report per-field differences and would-be failures without changing any state', async () => {
    const flow = await world.flow({ name: 'Dry', expression: customerToZohoAccount });
    await world.api.call('flows.run', { id: flow.id });
    // Changed values and one record the mapping makes invalid (no name).
    world.infor.control.modify('customers', ['C0000001', 'C0000002', 'C0000003']);
    const mapping = await world.api.call('mappings.get', { id: flow.mappingId });
    await world.api.call('mappings.save', {
      id: mapping.id,
      name: mapping.name,
      sourceEntity: mapping.sourceEntity,
      targetEntity: mapping.targetEntity,
      expression: customerToZohoAccount.replace(
        '"Account_Name": CUNM',
        '"Account_Name": CUNO = "C0000003" ? "" : CUNM',
      ),
    });
    world.zoho.control.resetStats();
    const before = world.zoho.inspect
      .records('Accounts')
      .map((account) => JSON.stringify(account))
      .sort();
    const dry = await world.api.call('flows.run', { id: flow.id, dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(zohoWriteCalls(world.zoho)).toBe(0);
    expect(
      world.zoho.inspect
        .records('Accounts')
        .map((account) => JSON.stringify(account))
        .sort(),
    ).toEqual(before);

    const updated = await world.api.call('audit.list', { runId: dry.id, outcome: 'updated' });
    expect(updated.items.map((row) => row.sourceKey).sort()).toEqual(['C0000001', 'C0000002']);
    for (const row of updated.items) expect(row.diff?.map((change) => change.field)).toEqual(['Phone']);
    const failed = await world.api.call('audit.list', { runId: dry.id, outcome: 'failed' });
    expect(failed.items.map((row) => row.sourceKey)).toEqual(['C0000003']);

    // Nothing moved: the next real run still sees the same two changes, and no dead letter was left behind.
    const replay = await world.api.call('runs.replay', { runId: dry.id, mapping: 'current' });
    expect(replay.counters.read).toBe(0);
    const real = await world.api.call('flows.run', { id: flow.id });
    expect(real.counters).toMatchObject({ updated: 2, failed: 1 });
  }, 120_000);
});
