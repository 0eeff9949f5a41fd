import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import type { Connection } from '../../shared/domain/connection';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { syncService } from '../../electron/backend/sync/sync.service';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startCin7Sandbox, type Cin7Sandbox } from '../../sandbox/cin7/index';
import { defaultCin7Products } from '../../sandbox/cin7/cin7-products';
import type { Cin7Record } from '../../sandbox/cin7/cin7-data';
import { tempDir } from '../support/paths';
import { fastBackend } from './support/sync-harness';
import { connectInforAndTarget, saveFlow } from './support/connect';

/**
 * M3 purchase orders with lines → Cin7 Core purchases with their order lines: one Cin7 line per
 * source line, the product found by SKU (the Infor item number). A line whose SKU Cin7 does not
 * know fails its purchase, naming the line, and nothing of that purchase is written.
 */
const missingSku = 'A100-2000';
const supplierToCin7 =
  '{ "Name": SUNM & " (" & SUNO & ")", "TaxRule": "Tax Exempt", "TaxNumber": VRNO, "Status": "Active" }';
const purchaseToCin7 = `{
  "SupplierID": $lookupRef("Supplier", SUNO),
  "Approach": "INVOICE",
  "Location": "Main Warehouse",
  "Note": "Infor PO " & PUNO & " with " & $count(lines) & " lines",
  "Order": {
    "Status": "DRAFT",
    "Lines": [lines.{
      "SKU": ITNO,
      "Quantity": $number(ORQA),
      "Price": $number(PUPR),
      "Tax": 0,
      "TaxRule": "Tax Exempt",
      "Total": $round($number(ORQA) * $number(PUPR), 2),
      "Comment": "Infor line " & PNLI
    }]
  }
}`;

describe('Infor purchase orders with lines → Cin7 purchases with their lines', () => {
  const folder = tempDir('mlc-cin7-lines-');
  let infor: InforSandbox;
  let cin7: Cin7Sandbox;
  let backend: Backend;
  let api: ApiClient;
  let source: Connection;
  let target: Connection;

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { suppliers: 6, purchaseOrders: 12 } });
    cin7 = await startCin7Sandbox({
      rateLimit: null,
      counts: { suppliers: 0, customers: 0, purchases: 0 },
      // A tenant that lacks one of the Infor items.
      products: defaultCin7Products().filter((product) => product.SKU !== missingSku),
    });
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir, ...fastBackend });
    api = createClient(inProcessTransport(backend));
    ({ source, target } = await connectInforAndTarget(api, infor, 'cin7', cin7.connection()));
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await Promise.all([infor?.close(), cin7?.close()]);
    folder.remove();
  });

  const flow = async (input: Parameters<typeof saveFlow>[2]) => (await saveFlow(api, { source, target }, input)).flow;

  it('writes one Cin7 line per source line by SKU, and fails a purchase naming its unknown SKU line', async () => {
    const suppliers = await flow({
      name: 'Suppliers',
      sourceEntity: 'suppliers',
      targetEntity: 'Supplier',
      expression: supplierToCin7,
      matchKey: 'Name',
    });
    const purchases = await flow({
      name: 'Purchase orders',
      sourceEntity: 'purchaseOrders',
      targetEntity: 'Purchase',
      expression: purchaseToCin7,
      matchKey: 'ID',
      dependsOn: [suppliers.id],
    });
    const runs = await syncService(backend.context).engine.runPass([suppliers.id, purchases.id]);
    expect(runs.map((run) => run.status)).toEqual(['succeeded', expect.stringMatching(/succeeded|partial|failed/)]);
    const run = runs[1]!;

    const productBySku = new Map(cin7.inspect.products().map((product) => [String(product.SKU), product]));
    const written = cin7.inspect.purchases();
    expect(written.length).toBeGreaterThan(0);
    for (const purchase of written) {
      const [, expected] = /with (\d+) lines$/.exec(String(purchase.Note))!;
      const lines = (purchase.Order as Cin7Record).Lines as Cin7Record[];
      expect(lines, String(purchase.Note)).toHaveLength(Number(expected));
      for (const line of lines) {
        // The product by SKU: its ID and name filled in from Cin7's catalogue.
        const product = productBySku.get(String(line.SKU))!;
        expect(line).toMatchObject({ ProductID: product.ID, Name: product.Name });
        expect(line.SKU).not.toBe(missingSku);
        expect(typeof line.Quantity).toBe('number');
      }
    }

    const failed = await api.call('audit.list', { runId: run.id, outcome: 'failed', limit: 1000 });
    expect(failed.total).toBeGreaterThan(0);
    expect(run.counters.failed).toBe(failed.total);
    expect(run.counters.created).toBe(written.length);
    for (const row of failed.items) {
      expect(row.errorCode).toBe('E_CIN7_UNKNOWN_SKU');
      expect(row.errorMessage).toMatch(new RegExp(`^Line \\d+ \\(SKU '${missingSku}'\\): Cin7 Core has no product`));
    }
    // Nothing of a failed purchase reached Cin7: every purchase there is a complete one.
    expect(written.length + failed.total).toBe(12);

    // Changed in M3, the purchase orders are written again onto the same Cin7 purchases (their ID
    // from the first write), lines replaced, none duplicated.
    const changed = infor.control.modify('purchaseOrders', 12, new Date(Date.now() + 60_000));
    expect(changed).toHaveLength(12);
    const [again] = await syncService(backend.context).engine.runPass([purchases.id]);
    // Modified orders whose mapped output is the same are `unchanged`; the rest are updated in place.
    expect(again!.counters).toMatchObject({ read: 12, created: 0, failed: failed.total });
    expect(again!.counters.updated + again!.counters.unchanged).toBe(written.length);
    expect(again!.counters.updated).toBeGreaterThan(0);
    expect(cin7.inspect.purchases()).toHaveLength(written.length);
  }, 120_000);

  it('the simulator refuses order lines whose product Cin7 does not have, as Cin7 does', async () => {
    const { settings, secrets } = cin7.connection();
    const headers = {
      'api-auth-accountid': secrets.accountId,
      'api-auth-applicationkey': secrets.applicationKey,
      'content-type': 'application/json',
    };
    const supplier = cin7.inspect.suppliers()[0]!;
    const created = (await fetch(`${settings.baseUrl}/purchase`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ SupplierID: supplier.ID, Approach: 'STOCK', Location: 'Main Warehouse' }),
    }).then((response) => response.json())) as { ID: string };
    const line = { Quantity: 1, Price: 2, Total: 2 };
    const order = (lines: object[]) =>
      fetch(`${settings.baseUrl}/purchase/order`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ TaskID: created.ID, Status: 'DRAFT', Lines: lines }),
      });
    const unknownSku = await order([
      { ...line, SKU: 'Bread' },
      { ...line, SKU: missingSku },
    ]);
    expect(unknownSku.status).toBe(400);
    expect(await unknownSku.json()).toEqual({
      ErrorCode: 400,
      Exception: `Lines[1]: Product with SKU '${missingSku}' not found.`,
    });
    const unknownId = await order([{ ...line, ProductID: '00000000-0000-0000-0000-000000000001' }]);
    expect(unknownId.status).toBe(400);
    const mismatch = await order([{ ...line, ProductID: 'c08b3876-89cc-46c4-af52-b77f058fdf81', SKU: 'F600-0900' }]);
    expect(((await mismatch.json()) as { Exception: string }).Exception).toMatch(/refer to different products/);
    const fine = await order([{ ...line, SKU: 'Bread' }]);
    expect(fine.status).toBe(200);
  });
});
