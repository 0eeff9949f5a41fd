import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';
import { MapperPage } from './pages/mapper.page';
import { FlowsPage } from './pages/flows.page';

/**
 * Issue 8 polish: Infor M3 sales orders → Zoho Sales_Orders drawn entirely in the Mapper (array
 * loop over the order lines, a reference lookup for the account, a conditional and a default),
 * then a customers flow and an orders flow that depends on it, run from the Flows screen. The
 * Zoho sandbox's control API is only read: for a product id to put on the lines, and to check
 * that every order points at its customer's account.
 */
const patient = { timeout: 30_000, interval: 100 };
const runTimeout = { timeout: 120_000 };
const customersMapping = 'Orders test: customers → accounts';
const ordersMapping = 'Orders test: sales orders → Zoho';
const customersFlow = 'Orders test: customers';
const ordersFlow = 'Orders test: sales orders';

type ZohoRecord = Record<string, unknown> & { id: string };

async function zohoRecords(url: string, module: string): Promise<ZohoRecord[]> {
  const response = await fetch(`${url}/__sandbox/actions/records`, {
    method: 'POST',
    body: JSON.stringify({ module }),
  });
  expect(response.status, `records of ${module}`).toBe(200);
  return ((await response.json()) as { result: ZohoRecord[] }).result;
}

describe('sales orders with lines, a reference lookup, a conditional and a default, through the UI', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let app: StudioPage;
  let mapper: MapperPage;
  let flows: FlowsPage;
  let zohoUrl = '';
  let step = 0;
  const problems: string[] = [];
  const shoot = (name: string, fullPage = false) => {
    step += 1;
    return page.screenshot({
      path: screenshotPath(`mapper-orders-${String(step).padStart(2, '0')}-${name}`),
      fullPage,
    });
  };
  /** Runs one drawing step and waits for exactly one more edge on the canvas. */
  const drawn = async (draw: () => Promise<void>) => {
    const before = await mapper.edges().count();
    await draw();
    try {
      await expect.poll(() => mapper.edges().count(), { timeout: 5_000, interval: 100 }).toBe(before + 1);
    } catch (error) {
      await page.screenshot({ path: screenshotPath('mapper-orders-failed-edge') });
      throw error;
    }
  };

  beforeAll(async () => {
    studio = await startStudio();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    watchProblems(page, problems);
    app = new StudioPage(page);
    mapper = new MapperPage(page);
    flows = new FlowsPage(page);
    await app.open(studio.url);
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
  });

  it('1. opens the sandbox and the mapper for M3 sales orders → Zoho Sales_Orders', async () => {
    const connections = new ConnectionsPage(page);
    await connections.openSandbox().click();
    await connections.sandboxPanel().waitFor(patient);
    zohoUrl = (await connections.sandboxUrl('zoho').textContent()) ?? '';
    expect(zohoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    await app.nav('mapper').click();
    await mapper.choose({
      source: 'Infor',
      sourceEntity: 'salesOrders',
      target: 'Zoho',
      targetEntity: 'Sales_Orders',
      name: ordersMapping,
    });
    // The order lines and the lookups' ids are fields of their own in the trees.
    await mapper.showField('source', 'lines[].ORQT');
    await mapper.showField('target', 'Account_Name.id');
    // A narrower side panel leaves the canvas room for the nodes (and proves the splitter works).
    const before = (await page.locator('.side-panel').boundingBox())?.width ?? 0;
    await mapper.dragSplitter('side', 90);
    await expect
      .poll(async () => (await page.locator('.side-panel').boundingBox())?.width ?? 0, patient)
      .toBeLessThan(before - 60);
    await mapper.fit();
    await shoot('opened');
  });

  it('2. auto-maps the customer number and draws the header fields by hand', async () => {
    await mapper.automap().click();
    await mapper.suggestion('Customer_No').waitFor(patient);
    // An order line's text never lands on the account: that suggestion no longer exists.
    expect(await page.getByTestId('suggestion-Account_Name').count()).toBe(0);
    await page.getByTestId('accept-Customer_No').click();
    await expect.poll(() => mapper.suggestion('Customer_No').getAttribute('data-status'), patient).toBe('accepted');

    await drawn(() => mapper.fieldToField('ORNO', 'Infor_Order_No'));
    await drawn(() => mapper.fieldToField('ORNO', 'Subject'));
  });

  it('3. loops over the order lines into Ordered_Items', async () => {
    const products = await zohoRecords(zohoUrl, 'Products');
    const productId = products[0]?.id;
    expect(productId).toBeTruthy();

    const loop = await mapper.addNode('loop');
    await mapper.fit();
    await drawn(() => mapper.fieldToPort('lines', loop, 'in'));
    await drawn(() => mapper.portToField(loop, 'Ordered_Items'));

    const quantity = await mapper.addNode('number');
    const price = await mapper.addNode('number');
    const product = await mapper.addNode('constant');
    await mapper.setConstant(product, String(productId));
    await mapper.fit();
    await drawn(() => mapper.fieldToPort('lines[].ORQT', quantity, 'in0'));
    await drawn(() => mapper.portToField(quantity, 'Ordered_Items[].Quantity'));
    await drawn(() => mapper.fieldToPort('lines[].SAPR', price, 'in0'));
    await drawn(() => mapper.portToField(price, 'Ordered_Items[].List_Price'));
    await drawn(() => mapper.fieldToField('lines[].ITDS', 'Ordered_Items[].Description'));
    await drawn(() => mapper.portToField(product, 'Ordered_Items[].Product_Name.id'));
    await mapper.fit('layout');
    await mapper.tab('jsonata').click();
    await expect.poll(() => mapper.jsonata().inputValue(), patient).toContain('"Ordered_Items": [lines.{');
    await shoot('lines-loop');
  });

  it('4. resolves the account with a reference lookup', async () => {
    const lookup = await mapper.addNode('lookup');
    expect(await page.getByTestId(`node-${lookup}-text`).inputValue()).toBe('Accounts');
    await mapper.fit();
    await drawn(() => mapper.fieldToPort('CUNO', lookup, 'key'));
    await drawn(() => mapper.portToField(lookup, 'Account_Name.id'));
    await expect.poll(() => mapper.jsonata().inputValue(), patient).toContain('"Account_Name": {');
    expect(await mapper.jsonata().inputValue()).toContain('$lookupRef("Accounts", CUNO)');
  });

  it('5. sets the status with a conditional and the due date with a default', async () => {
    const later = await mapper.addNode('greaterThan');
    const threshold = await mapper.addNode('constant');
    await mapper.setConstant(threshold, '60');
    const delivered = await mapper.addNode('constant');
    await mapper.setConstant(delivered, 'Delivered');
    const approved = await mapper.addNode('constant');
    await mapper.setConstant(approved, 'Approved');
    const condition = await mapper.addNode('conditional');
    await mapper.fit();
    await drawn(() => mapper.fieldToPort('ORST', later, 'in0'));
    await drawn(() => mapper.portToPort(threshold, later, 'in1'));
    await drawn(() => mapper.portToPort(later, condition, 'condition'));
    await drawn(() => mapper.portToPort(delivered, condition, 'then'));
    await drawn(() => mapper.portToPort(approved, condition, 'else'));
    await drawn(() => mapper.portToField(condition, 'Status'));
    await mapper.fit('layout');

    const fallback = await mapper.addNode('coalesce');
    await mapper.fit();
    await drawn(() => mapper.fieldToPort('RLDT', fallback, 'in0'));
    await drawn(() => mapper.fieldToPort('ORDT', fallback, 'in1'));
    await drawn(() => mapper.portToField(fallback, 'Due_Date'));
    await mapper.fit('layout');

    const text = await mapper.jsonata().inputValue();
    expect(text).toContain('"Status": ORST > "60" ? "Delivered" : "Approved"');
    expect(text).toContain('"Due_Date": RLDT ?? ORDT');
    expect(text).toContain('"Quantity": $number(ORQT)');
    // Coloured, not just text: the view has tokens of several kinds.
    expect(await page.locator('.code-backdrop .tok-key').count()).toBeGreaterThan(5);
    expect(await page.locator('.code-backdrop .tok-function').count()).toBeGreaterThan(2);
    await shoot('jsonata');
  });

  it('6. previews lines as an array and the account as a placeholder it explains, without issues, and saves', async () => {
    await mapper.tab('preview').click();
    await expect.poll(() => mapper.previewOutput().textContent(), patient).toContain('Ordered_Items');
    const output = JSON.parse((await mapper.previewOutput().textContent()) ?? '{}') as {
      Ordered_Items?: { Quantity: unknown; Product_Name: { id: string } }[];
      Account_Name?: { id: unknown };
      Customer_No?: string;
      Status?: string;
    };
    expect(Array.isArray(output.Ordered_Items)).toBe(true);
    expect(output.Ordered_Items!.length).toBeGreaterThan(0);
    expect(typeof output.Ordered_Items![0]!.Quantity).toBe('number');
    expect(output.Account_Name?.id).toBe(`ref:Accounts/${output.Customer_No}`);
    expect(['Delivered', 'Approved']).toContain(output.Status);
    await mapper.lookupNote().waitFor();
    expect(await mapper.lookupNote().textContent()).toContain('only known when the flow runs');
    await shoot('preview');

    await mapper.tab('issues').click();
    await page.getByTestId('issues-panel').waitFor();
    await expect.poll(() => page.locator('.issue.error').count(), patient).toBe(0);

    await mapper.saveAnyway();
    await expect.poll(() => mapper.save().getAttribute('data-dirty'), patient).toBe('false');
    await shoot('saved');
  });

  it('7. maps customers to accounts for the id map the orders need', async () => {
    await mapper.backToList().click();
    await mapper.mappingList().waitFor();
    await mapper.choose({
      source: 'Infor',
      sourceEntity: 'customers',
      target: 'Zoho',
      targetEntity: 'Accounts',
      name: customersMapping,
    });
    await mapper.automap().click();
    await mapper.suggestion('Account_Name').waitFor(patient);
    // Infor's payment-term codes are not what Zoho takes: leave them out here (customer-type codes get no guess).
    expect(await mapper.suggestion('Account_Type').count()).toBe(0);
    for (const field of ['Payment_Terms']) {
      await mapper.rejectSuggestion(field).click();
      await expect.poll(() => mapper.suggestion(field).getAttribute('data-status'), patient).toBe('rejected');
    }
    await mapper.acceptAll().click();
    await expect
      .poll(() => mapper.suggestion('Infor_Customer_No').getAttribute('data-status'), patient)
      .toBe('accepted');
    await mapper.saveAnyway();
    await expect.poll(() => mapper.save().getAttribute('data-dirty'), patient).toBe('false');
  });

  it('8. runs the customers flow, then the orders flow that depends on it', async () => {
    await app.nav('flows').click();
    for (const [name, mapping, after] of [
      [customersFlow, `${customersMapping} (customers → Accounts)`, undefined],
      [ordersFlow, `${ordersMapping} (salesOrders → Sales_Orders)`, customersFlow],
    ] as const) {
      await flows.newFlow().click();
      await flows.editor().waitFor();
      await flows.mapping().selectOption({ label: mapping });
      await flows.name().fill(name);
      await flows.waitForMatchKey();
      expect(await flows.matchKey().inputValue()).toBe(after ? 'Infor_Order_No' : 'Infor_Customer_No');
      await flows.manualSchedule().click();
      if (after) await page.getByTestId('flow-depends-on').getByLabel(after).check();
      await flows.save().click();
      await flows.card(name).waitFor(patient);
    }

    await flows.runNow(customersFlow).click();
    await flows.finished(customersFlow, false).waitFor(runTimeout);
    expect(await flows.outcome(customersFlow).getAttribute('data-state')).toBe('succeeded');
    await flows.runNow(ordersFlow).click();
    await flows.finished(ordersFlow, false).waitFor(runTimeout);
    expect(await flows.outcome(ordersFlow).getAttribute('data-state')).toBe('succeeded');
    await shoot('runs-done', true);
  });

  it('9. every Zoho sales order points at its customer’s account, with its lines', async () => {
    const accounts = await zohoRecords(zohoUrl, 'Accounts');
    const orders = (await zohoRecords(zohoUrl, 'Sales_Orders')).filter((order) => order.Infor_Order_No);
    expect(orders.length).toBeGreaterThan(0);
    const customerOf = new Map(accounts.map((account) => [account.id, account.Infor_Customer_No]));
    for (const order of orders) {
      const account = (order.Account_Name as { id?: string } | null)?.id;
      expect(account, `order ${String(order.Infor_Order_No)}`).toBeTruthy();
      expect(customerOf.get(account!), `order ${String(order.Infor_Order_No)}`).toBe(order.Customer_No);
      const items = order.Ordered_Items as { Quantity: number }[];
      expect(items.length).toBeGreaterThan(0);
      expect(typeof items[0]!.Quantity).toBe('number');
      expect(['Delivered', 'Approved']).toContain(order.Status);
    }
    expect(problems).toEqual([]);
  });
});
