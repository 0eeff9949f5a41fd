import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';
import { MapperPage } from './pages/mapper.page';
import { FlowsPage } from './pages/flows.page';

/**
 * Order lines through the UI: a mapping of one line of an M3 sales order (the tree shows the line
 * plus `parent`, the preview gives one Dataverse order product per line, a number, never an
 * array), and the flow form that asks for the line key and the parent flow.
 */
const patient = { timeout: 30_000, interval: 100 };
const linesMapping = 'Lines test: order lines → order products';

describe('order lines: one Dataverse order product per M3 line, through the UI', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let app: StudioPage;
  let mapper: MapperPage;
  let flows: FlowsPage;
  const problems: string[] = [];

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

  it('maps one line with its parent and previews per line', async () => {
    const connections = new ConnectionsPage(page);
    await connections.openSandbox().click();
    await connections.sandboxPanel().waitFor(patient);
    await app.nav('mapper').click();
    await mapper.choose({
      source: 'Infor',
      sourceEntity: 'salesOrders',
      lines: 'lines',
      target: 'Dynamics',
      targetEntity: 'salesorderdetail',
      name: linesMapping,
    });
    await mapper.showField('source', 'ORQT');
    await mapper.showField('source', 'parent.ORNO');
    await mapper.fieldToField('ORQT', 'quantity');
    await mapper.fieldToField('ITDS', 'productdescription');
    await mapper.tab('preview').click();
    await expect.poll(() => mapper.previewOutput().textContent(), patient).toContain('quantity');
    const output = JSON.parse((await mapper.previewOutput().textContent()) ?? '{}') as Record<string, unknown>;
    // One line, not the order's list of quantities.
    expect(typeof output.quantity).toBe('number');
    await page.screenshot({ path: screenshotPath('mapper-order-lines-preview') });
    await mapper.saveAnyway();
    await expect.poll(() => mapper.save().getAttribute('data-dirty'), patient).toBe('false');
  });

  it('makes a flow of it with a line key and a parent flow', async () => {
    await app.nav('flows').click();
    await flows.newFlow().click();
    await flows.editor().waitFor();
    await flows.mapping().selectOption({ label: `${linesMapping} (salesOrders → salesorderdetail)` });
    const lineKey = page.getByTestId('flow-line-key');
    await lineKey.waitFor(patient);
    expect(await page.getByText('One target record per line of: lines').count()).toBe(1);
    await lineKey.fill('PONR, POSX');
    expect(await page.getByTestId('flow-parent').locator('option').first().textContent()).toBe('None');
    await flows.name().fill('Lines test: order lines');
    await flows.waitForMatchKey();
    await flows.manualSchedule().click();
    await flows.save().click();
    await flows.card('Lines test: order lines').waitFor(patient);
    expect(await flows.card('Lines test: order lines').getByTestId('flow-lines').textContent()).toBe(
      'one per line of lines (line key PONR, POSX)',
    );
    expect(problems).toEqual([]);
  });
});
