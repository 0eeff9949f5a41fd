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

    const accountIdByCustomer = new Map(world.zoho.inspect.records('Accounts').map((account) => [String(account.Infor_Customer_No), String(account.id)]));
    const salesOrders = world.zoho.inspect.records('Sales_Orders');
    expect(salesOrders).toHaveLength(300);
    for (const order of salesOrders) {
      const account = order.Account_Name as { id: string };
      expect(account.id, String(order.Infor_Order_No)).toBe(accountIdByCustomer.get(String(order.Customer_No)));
      expect((order.Ordered_Items as unknown[]).length).toBeGreaterThan(0);
    }
  }, 120_000);

  it('never loses records that share the watermark’s timestamp', async () => {
    const flow = await world.flow({ name: 'Boundary', expression: customerToZohoAccount, pageSize: 7, lookbackSeconds: 0 });
    await world.api.call('flows.run', { id: flow.id });
    const tie = new Date(Date.now() + 60_000);
    const first = world.infor.control.modify('customers', ['C0000010', 'C0000020', 'C0000030', 'C0000040', 'C0000050'], tie);
    const afterFirst = await world.api.call('flows.run', { id: flow.id });
    expect(afterFirst.counters.updated).toBe(5);
    expect(afterFirst.windowTo).toBe(tie.toISOString());

    // Written later, stamped with the very same instant: a `>` filter would miss these.
    const second = world.infor.control.modify('customers', ['C0000011', 'C0000021', 'C0000031', 'C0000041', 'C0000051', 'C0000061', 'C0000071', 'C0000081'], tie);
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
