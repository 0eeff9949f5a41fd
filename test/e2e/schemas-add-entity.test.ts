import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';

/** Two shared cores: give the UI time to answer (the default poll gives up after a second). */
const patient = { timeout: 20_000, interval: 100 };

/** Issue 14: any M3 table or MI list, not only the six built-in entities, from the schema browser. */
describe('Adding an Infor entity from the schema browser in Chromium', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let connections: ConnectionsPage;
  const problems: string[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    watchProblems(page, problems);
    await new StudioPage(page).open(studio.url);
    connections = new ConnectionsPage(page);
    await connections.openSandbox().click();
    await connections.cards().nth(5).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
  });

  it('adds an MI list with its table, then the OCUSMA table, and shows their fields (CRL2 included)', async () => {
    await connections.browseSchema('infor').click();
    await connections.tree('source').waitFor();
    await page.getByTestId('schema-pane-source-add-entity').click();
    const panel = page.getByTestId('add-entity');
    await panel.waitFor();

    // MI list transactions of a program, found by its name.
    await page.getByTestId('add-entity-kind').selectOption('m3-list');
    await page.getByTestId('add-entity-search').fill('CRS610MI');
    const list = panel.locator('[data-testid="add-entity-entry"][data-id="m3.CRS610MI.LstByNumber"]');
    await list.waitFor(patient);
    // A list transaction reads the table it lists for change stamps: the person names it.
    const suppliers = panel.locator('[data-testid="add-entity-entry"][data-id="m3.CRS610MI.LstByNumber"]');
    await suppliers.getByTestId('add-entity-extra').fill('ocusma');
    await page.screenshot({ path: screenshotPath('schemas-01-add-entity-lists') });
    await suppliers.getByTestId('add-entity-add').click();
    await panel.waitFor({ state: 'detached', ...patient });
    await expect.poll(() => connections.entity('source').inputValue(), patient).toBe('m3.CRS610MI.LstByNumber');
    await connections.search('source').fill('CUNM');
    await connections.field('source', 'CUNM').waitFor(patient);
    await page.getByTestId('schema-pane-source-add-entity').click();
    await panel.waitFor();

    // A table by its full name: verified on the tenant, then added.
    await page.getByTestId('add-entity-kind').selectOption('m3-table');
    await page.getByTestId('add-entity-search').fill('OCUSMA');
    const table = panel.locator('[data-testid="add-entity-entry"][data-id="m3.OCUSMA"]');
    await table.waitFor(patient);
    await table.getByTestId('add-entity-add').click();
    await panel.waitFor({ state: 'detached', ...patient });
    await expect.poll(() => connections.entity('source').inputValue(), patient).toBe('m3.OCUSMA');
    await expect
      .poll(() => connections.entity('source').locator('option').allTextContents(), patient)
      .toEqual([
        'Customers',
        'Suppliers',
        'Sales orders',
        'Purchase orders',
        'Invoices',
        'GL accounts',
        'CRS610MI/LstByNumber',
        'OCUSMA',
      ]);
    await connections.search('source').fill('CRL2');
    await connections.field('source', 'CRL2').waitFor(patient);
    expect(await page.getByTestId('schema-pane-source-summary').textContent()).toMatch(/^OCUSMA · \d+ fields/);
    await page.screenshot({ path: screenshotPath('schemas-02-added-ocusma') });

    // An unknown table is named, not answered with an empty list.
    await page.getByTestId('schema-pane-source-add-entity').click();
    await page.getByTestId('add-entity-kind').selectOption('m3-table');
    await page.getByTestId('add-entity-search').fill('NOSUCH');
    await expect.poll(() => page.getByTestId('add-entity-error').textContent(), patient).toContain('NOSUCH');
    expect(problems).toEqual([]);
  });
});
