import { afterEach, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../electron/backend/connectors/framework/connector';
import { createCin7Connector } from '../../../electron/backend/connectors/cin7/cin7.connector';
import { startCin7Sandbox, type Cin7Sandbox } from '../../../sandbox/cin7/index';

/**
 * Cin7 Core entities as sources (issue 16): customers by ModifiedSince and purchases by
 * UpdatedSince, every record changed at or after `since` once per read while records change
 * mid-read (whatever order Cin7 lists in), and purchases with their order lines.
 */
describe('Cin7 incremental reads against the sandbox', () => {
  let sandbox: Cin7Sandbox | undefined;
  let connector: ReturnType<typeof createCin7Connector> | undefined;

  afterEach(async () => {
    await connector?.close();
    await sandbox?.close();
    connector = undefined;
    sandbox = undefined;
  });

  async function start(listOrder: 'stored' | 'updated') {
    sandbox = await startCin7Sandbox({
      rateLimit: null,
      counts: { suppliers: 3, customers: 15, purchases: 6 },
      switches: { listOrder },
    });
    sandbox.control.clock.set(Date.now() + 60_000);
    const connection = sandbox.connection();
    connector = createCin7Connector({
      connection: { id: `cin7-incremental-${Math.random()}`, settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
    return { sandbox, connector };
  }

  for (const listOrder of ['stored', 'updated'] as const) {
    it(`hands every changed customer once, ties at the watermark included, while customers change mid-read (${listOrder} order)`, async () => {
      const { sandbox: box, connector: cin7 } = await start(listOrder);
      const ids = box.inspect.customers().map((customer) => String(customer.ID));
      const since = new Date(box.control.clock.now()).toISOString();
      // Three share the watermark's instant exactly; six follow a millisecond apart.
      box.control.touch('customer', ids.slice(0, 3));
      for (const id of ids.slice(3, 9)) {
        box.control.clock.advance(1);
        box.control.touch('customer', [id]);
      }
      const seen: string[] = [];
      let pages = 0;
      for await (const page of cin7.read('Customer', { since, pageSize: 3 })) {
        seen.push(...page.records.map((record) => record.key));
        pages += 1;
        if (pages === 1) {
          // A user edits a customer already read: listed by stamp, it moves to the last page.
          box.control.clock.advance(1);
          box.control.touch('customer', [seen[0]!]);
        }
      }
      expect(seen.length).toBe(new Set(seen).size);
      expect([...seen].sort()).toEqual(ids.slice(0, 9).sort());
    });
  }

  it('reads purchases changed since the watermark with their order lines', async () => {
    const { sandbox: box, connector: cin7 } = await start('updated');
    const [first, second] = box.inspect.purchases().map((purchase) => String(purchase.ID));
    const since = new Date(box.control.clock.now()).toISOString();
    const connection = box.connection();
    const line = (quantity: number) => ({ SKU: 'Bread', Quantity: quantity, Price: 2, Tax: 0, Total: quantity * 2 });
    for (const [id, lines] of [
      [first, [line(3), line(5)]],
      [second, [line(7)]],
    ] as const) {
      // Lines are written as Cin7 documents it: POST /purchase/order replaces them (API-FACTS §6.2).
      const response = await fetch(`${connection.settings.baseUrl}/purchase/order`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'api-auth-accountid': connection.secrets.accountId,
          'api-auth-applicationkey': connection.secrets.applicationKey,
        },
        body: JSON.stringify({ TaskID: id, Status: 'DRAFT', Lines: lines }),
      });
      expect(response.status).toBe(200);
      box.control.clock.advance(1);
    }
    const records: SourceRecord[] = [];
    for await (const page of cin7.read('Purchase', { since, pageSize: 1 })) records.push(...page.records);
    expect(records.map((record) => record.key).sort()).toEqual([first, second].sort());
    const byKey = new Map(records.map((record) => [record.key, record]));
    const quantities = (id: string) =>
      (byKey.get(id)!.data.lines as Array<{ Quantity: number; SKU: string }>).map((item) => item.Quantity);
    expect(quantities(first!)).toEqual([3, 5]);
    expect(quantities(second!)).toEqual([7]);
    expect(byKey.get(first!)!.data.OrderNumber).toMatch(/^PO-/);
    expect(byKey.get(first!)!.stamp).toMatch(/Z$/);

    const schema = await cin7.schema('Purchase');
    expect(
      schema.fields.find((candidate) => candidate.name === 'lines')?.children?.map((child) => child.name),
    ).toContain('SKU');
  });

  it('tells each looked-up customer’s LastModifiedOn as its stamp', async () => {
    const { sandbox: box, connector: cin7 } = await start('stored');
    const customer = box.inspect.customers()[0]!;
    const hits = await cin7.lookup!('Customer', 'Name', [String(customer.Name)]);
    expect(hits.get(String(customer.Name))?.stamp).toBe(new Date(String(customer.LastModifiedOn)).toISOString());
  });
});
