import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import type { Connection } from '../../shared/domain/connection';
import type { Flow, FlowId } from '../../shared/domain/flow';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { createSalesforceConnector } from '../../electron/backend/connectors/salesforce/salesforce.connector';
import { syncService } from '../../electron/backend/sync/sync.service';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { InforData } from '../../sandbox/infor/data/records';
import { items } from '../../sandbox/infor/data/vocabulary';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index';
import { standardPricebookName } from '../../sandbox/salesforce/salesforce-sales-objects';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';
import { connectInforAndTarget, saveFlow } from './support/connect';

/**
 * M3 sales orders with their lines → Salesforce: customers become Accounts, orders become draft
 * Orders on the standard price book, and a child flow writes one OrderItem per M3 line, linked to
 * its Order through `$parentId()` and priced through the product's standard PricebookEntry found
 * by `$lookupId`. Both simulators over HTTP on 127.0.0.1, the real SQLite store.
 */
const accountMapping =
  '{ "Infor_Customer_Number__c": CUNO, "Name": CUNM, "AccountNumber": CUNO, "Infor_Account_Kind__c": "Customer" }';

/** The connector reads M3 dates as `yyyy-MM-dd` (Salesforce's form); raw M3 `yyyyMMdd` is converted. */
const orderMapping = `{
  "Infor_Order_No__c": ORNO,
  "AccountId": $lookupRef("Account", CUNO),
  "Pricebook2Id": $lookupId("Pricebook2", "Name", ${JSON.stringify(standardPricebookName)}),
  "EffectiveDate": $contains(ORDT, "-") ? ORDT : $substring(ORDT, 0, 4) & "-" & $substring(ORDT, 4, 2) & "-" & $substring(ORDT, 6, 2),
  "Status": "Draft",
  "PoNumber": CUOR
}`;

const lineMapping = `{
  "Infor_Line_Key__c": parent.ORNO & "-" & PONR & "-" & POSX,
  "OrderId": $parentId(),
  "PricebookEntryId": $lookupId("PricebookEntry", "Infor_Price_Key__c", "STD/" & ITNO),
  "Quantity": $number(ORQT),
  "UnitPrice": $number(SAPR),
  "Description": ITNO & " " & ITDS
}`;

/**
 * Both ways an org may treat a line's OrderId and PricebookEntryId sent again on an update:
 * refused whatever the value, as Salesforce does (the sandbox's default), or accepted unchanged.
 */
describe.each(['refuse', 'unchanged-ok'] as const)(
  'order lines: one Salesforce OrderItem per M3 line, after its Order (create-only fields: %s)',
  (createOnlyOnUpdate) => {
    const folder = tempDir(`mlc-sf-lines-${createOnlyOnUpdate}-`);
    let infor: InforSandbox;
    let salesforce: SalesforceSandbox;
    let backend: Backend;
    let api: ApiClient;
    let source: Connection;
    let target: Connection;
    const flows: Record<'accounts' | 'orders' | 'lines', Flow> = {} as never;

    const save = async (input: Parameters<typeof saveFlow>[2]) => (await saveFlow(api, { source, target }, input)).flow;

    const pass = () =>
      syncService(backend.context).engine.runPass([flows.lines.id, flows.orders.id, flows.accounts.id] as FlowId[]);
    const orderItems = () => salesforce.inspect.records('OrderItem');
    const orders = () => salesforce.inspect.records('Order');

    /**
     * The product catalogue the M3 items need, loaded as an admin would before the first sync: a
     * Product2 per item and its standard price (a PricebookEntry in the standard price book, which
     * Salesforce requires before any order line can use the product). Written over the simulator's
     * REST API through the connector, since M3 offers no item source in the simulator.
     */
    const seedCatalogue = async () => {
      const connection = salesforce.connection();
      const connector = createSalesforceConnector({
        connection: { id: 'salesforce-order-lines-seed', settings: connection.settings, sandbox: true },
        secrets: connection.secrets,
      });
      try {
        const standard = await connector.lookup('Pricebook2', 'Name', [standardPricebookName]);
        const pricebookId = standard.get(standardPricebookName)!.targetKey;
        const products = await connector.write(
          'Product2',
          items.map((item) => ({
            Infor_Item_No__c: item.number,
            Name: item.description,
            ProductCode: item.number,
            IsActive: true,
          })),
          { matchKey: ['Infor_Item_No__c'] },
        );
        expect(products.map((result) => result.outcome)).toEqual(items.map(() => 'created'));
        const entries = await connector.write(
          'PricebookEntry',
          items.map((item, index) => ({
            Infor_Price_Key__c: `STD/${item.number}`,
            Pricebook2Id: pricebookId,
            Product2Id: products[index]!.targetKey!,
            UnitPrice: item.price,
            IsActive: true,
          })),
          { matchKey: ['Infor_Price_Key__c'] },
        );
        expect(entries.map((result) => result.outcome)).toEqual(items.map(() => 'created'));
      } finally {
        await connector.close();
      }
    };

    const counts = { customers: 12, salesOrders: 6 };
    /** The M3 lines as the simulator's data model holds them (seed 1, nothing modified yet): key → quantity. */
    const sourceLines = () => {
      const data = new InforData(1, counts);
      const lines = new Map<string, number>();
      for (let index = 0; index < counts.salesOrders; index += 1) {
        const order = data.salesOrder(index);
        for (const line of order.lines) lines.set(`${order.number}-${line.line}-0`, line.quantity);
      }
      return lines;
    };

    beforeAll(async () => {
      infor = await startInforSandbox({ counts });
      salesforce = await startSalesforceSandbox({ seedAccounts: 0, salesRules: { createOnlyOnUpdate } });
      backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
      api = createClient(inProcessTransport(backend));
      ({ source, target } = await connectInforAndTarget(api, infor, 'salesforce', salesforce.connection()));
      await seedCatalogue();
      flows.accounts = await save({
        name: 'Customers',
        sourceEntity: 'customers',
        targetEntity: 'Account',
        expression: accountMapping,
        matchKey: 'Infor_Customer_Number__c',
      });
      flows.orders = await save({
        name: 'Orders',
        sourceEntity: 'salesOrders',
        targetEntity: 'Order',
        expression: orderMapping,
        matchKey: 'Infor_Order_No__c',
        dependsOn: [flows.accounts],
      });
      flows.lines = await save({
        name: 'Order products',
        sourceEntity: 'salesOrders',
        targetEntity: 'OrderItem',
        expression: lineMapping,
        matchKey: 'Infor_Line_Key__c',
        each: { path: 'lines', lineKey: ['PONR', 'POSX'] },
        parent: flows.orders,
      });
    }, 60_000);

    afterAll(async () => {
      await backend?.close();
      await Promise.all([infor?.close(), salesforce?.close()]);
      folder.remove();
    });

    it('writes draft Orders on the standard price book, then one OrderItem per M3 line linked to its Order', async () => {
      expect(flows.lines.dependsOn).toContain(flows.orders.id);
      const runs = await pass();
      // The lines run after their orders, whatever order the pass was asked in.
      expect(runs.map((run) => run.flowId)).toEqual([flows.accounts.id, flows.orders.id, flows.lines.id]);
      expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect(runs[1]!.counters).toMatchObject({ created: 6, failed: 0 });

      const standardId = String(salesforce.inspect.findBy('Pricebook2', 'Name', standardPricebookName)!.Id);
      const accountIds = new Map(
        salesforce.inspect.records('Account').map((row) => [String(row.Infor_Customer_Number__c), String(row.Id)]),
      );
      for (const order of orders()) {
        expect(order).toMatchObject({ Status: 'Draft', Pricebook2Id: standardId });
        expect(String(order.EffectiveDate)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect([...accountIds.values()]).toContain(order.AccountId);
      }

      // Every M3 line has exactly one OrderItem, on its own Order, at its own quantity and price.
      const lineRun = runs[2]!;
      const written = orderItems();
      const expected = sourceLines();
      expect(expected.size).toBeGreaterThan(orders().length);
      expect(new Map(written.map((item) => [String(item.Infor_Line_Key__c), item.Quantity]))).toEqual(expected);
      expect(lineRun.counters).toMatchObject({ created: written.length, failed: 0 });
      const orderIds = new Map(orders().map((row) => [String(row.Infor_Order_No__c), String(row.Id)]));
      const entries = new Map(
        salesforce.inspect.records('PricebookEntry').map((row) => [String(row.Id), String(row.Infor_Price_Key__c)]),
      );
      for (const item of written) {
        const [orderNumber] = String(item.Infor_Line_Key__c).split('-');
        expect(item.OrderId, String(item.Infor_Line_Key__c)).toBe(orderIds.get(orderNumber!));
        const itemNumber = String(item.Description).split(' ')[0]!;
        expect(entries.get(String(item.PricebookEntryId))).toBe(`STD/${itemNumber}`);
        expect(item.UnitPrice).toBe(items.find((entry) => entry.number === itemNumber)!.price);
      }

      // One audit row per line, keyed `<order>/<line>/<suffix>`, each naming the OrderItem it wrote.
      const audits = await api.call('audit.list', { runId: lineRun.id, limit: 1000 });
      expect(audits.items.length).toBe(written.length);
      for (const row of audits.items) {
        expect(row.sourceKey).toMatch(/^\d+\/\d+\/0$/);
        expect(row.outcome).toBe('created');
      }
    }, 60_000);

    it('writes nothing on a rerun, and updates only the line whose quantity changed in M3', async () => {
      const before = orderItems().length;
      const runs = await pass();
      expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      for (const run of runs) expect(run.counters.created + run.counters.updated, run.flowId).toBe(0);
      expect(orderItems().length).toBe(before);

      // M3 changes the first line's quantity of an order (the simulator's next versions; a version may keep it).
      const orderNumber = String(orders()[0]!.Infor_Order_No__c);
      const key = `${orderNumber}-1-0`;
      const quantityBefore = salesforce.inspect.findBy('OrderItem', 'Infor_Line_Key__c', key)!.Quantity;
      let updated: Awaited<ReturnType<typeof pass>>[number] | undefined;
      for (let attempt = 0; attempt < 6 && !updated; attempt += 1) {
        infor.control.modify('salesOrders', [orderNumber]);
        const [, , run] = await pass();
        expect(run!.status).toBe('succeeded');
        expect(run!.counters.created).toBe(0);
        expect(run!.counters.updated).toBeLessThanOrEqual(1);
        if (run!.counters.updated === 1) updated = run;
      }
      expect(updated).toBeDefined();
      // An org that refuses them on updates gets the line again without them, and the run says so.
      expect(updated!.notes).toEqual(
        createOnlyOnUpdate === 'refuse'
          ? [
              'Salesforce OrderItem: OrderId, PricebookEntryId are set when a record is created and kept as they are on updates.',
            ]
          : [],
      );
      const changed = await api.call('audit.list', { runId: updated!.id, outcome: 'updated' });
      expect(changed.items.map((row) => row.sourceKey)).toEqual([`${orderNumber}/1/0`]);
      const item = salesforce.inspect.findBy('OrderItem', 'Infor_Line_Key__c', key)!;
      expect(item.Quantity).not.toBe(quantityBefore);
      expect(item.OrderId).toBe(orders()[0]!.Id);
      expect(orderItems().length).toBe(before);
    }, 120_000);
  },
);
