import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';

/** Two shared cores: give the UI time to answer (the default poll gives up after a second). */
const patient = { timeout: 20_000, interval: 100 };
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';

describe('Connections and the schema browser in Chromium', () => {
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
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
  });

  it('explains a broken .ionapi file dropped on the window, naming the missing keys', async () => {
    await connections.empty().waitFor();
    await page.screenshot({ path: screenshotPath('connections-01-empty') });
    const broken = JSON.stringify({
      ti: 'ACME_PRD',
      cn: 'ACME',
      ci: 'ACME_PRD~abc',
      iu: 'https://mingle-ionapi.eu1.inforcloudsuite.com',
    });
    await connections.dropFile('ACME_PRD.ionapi', broken, {
      screenshot: screenshotPath('connections-02-drop-overlay'),
    });
    const banner = page.locator('[data-testid="import-banner"][data-state="error"]');
    await banner.waitFor();
    expect(await page.getByTestId('import-error').textContent()).toBe(
      'ACME_PRD.ionapi is missing keys "cs", "pu", "ot". Download the credentials again from ION API Gateway.',
    );
    expect(await banner.textContent()).toContain('E_IONAPI_MISSING_KEY');
    await page.screenshot({ path: screenshotPath('connections-03-broken-ionapi') });

    // The file picker reports the same way, here for a file that is not JSON at all.
    await page
      .getByTestId('ionapi-input')
      .first()
      .setInputFiles({ name: 'notes.ionapi', mimeType: 'application/json', buffer: Buffer.from('ti = ACME') });
    await expect
      .poll(() => page.getByTestId('import-error').textContent(), patient)
      .toContain('notes.ionapi is not valid JSON');
  });

  it('opens the sandbox workspace once, and tests every connection', async () => {
    await connections.openSandbox().click();
    await connections.cards().nth(5).waitFor();
    await page.getByTestId('sandbox-panel').waitFor();
    // A second click refreshes, it does not duplicate.
    await connections.openSandbox().click();
    await expect
      .poll(() => page.getByTestId('sandbox-panel').textContent(), patient)
      .toContain('0 connections created, 6 reused');
    expect(await connections.cards().count()).toBe(6);

    await page.getByTestId('test-all').click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="test-outcome"][data-state="ok"]').length === 6,
      null,
      { timeout: 30_000 },
    );
    const infor = await connections.testOutcome('infor').textContent();
    expect(infor).toContain('Tenant MLC_SANDBOX');
    expect(infor).toMatch(/Token valid 2 h/);
    expect(infor).toMatch(/Read \d+ sample customers/);
    // Secrets appear only as "set".
    expect(await connections.card('zoho').getByTestId('connection-secrets').textContent()).toBe(
      'client_secret setrefresh_token set',
    );
    await page.getByTestId('sandbox-panel').locator('summary').click();
    await page.screenshot({ path: screenshotPath('connections-04-sandbox-tested'), fullPage: true });
  });

  it('imports a valid .ionapi file dropped on any screen and detects its product line', async () => {
    const file = path.join(studio.dataDir, 'sandbox', 'infor-client-credentials.ionapi');
    // Dropped while the Flows screen is open: the app switches to Connections to show it.
    await page.getByTestId('nav-flows').click();
    await page.getByTestId('section-flows').waitFor();
    await connections.dropFile('infor-client-credentials.ionapi', fs.readFileSync(file, 'utf8'));
    await page.getByTestId('section-connections').waitFor();
    const banner = page.locator('[data-testid="import-banner"][data-state="done"]');
    await banner.waitFor({ timeout: 30_000 });
    // Import saves the file without the network; the test that follows at once detects the product line.
    await expect
      .poll(() => banner.textContent(), { timeout: 30_000, interval: 100 })
      .toMatch(/detected (M3|CSI|LN|FSM)/);
    await expect.poll(() => connections.cards().count(), patient).toBe(7);
    await expect.poll(() => connections.okOutcomes().count(), patient).toBe(7);
  });

  it('validates a new Zoho connection inline with the connector’s own rules', async () => {
    await page.getByTestId('add-connection').selectOption('zoho');
    const form = page.getByTestId('connection-form');
    await form.waitFor();
    await page.getByTestId('field-clientId').fill('abc');
    await page.getByTestId('field-refresh_token').fill('not-a-token');
    await page.getByTestId('connection-save').click();
    expect(await page.getByTestId('field-clientId-error').textContent()).toBe(
      'A Zoho Client ID looks like 1000.XXXXXXXX.',
    );
    expect(await page.getByTestId('field-refresh_token-error').textContent()).toBe(
      'A Zoho refresh token looks like 1000.<hex>.<hex>.',
    );
    expect(await page.getByTestId('field-client_secret-error').textContent()).toBe(
      'Paste the Client Secret from the Zoho API console.',
    );
    await page.screenshot({ path: screenshotPath('connections-05-zoho-form-errors') });
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });
  });

  it('browses the Infor customer schema next to the Zoho account schema', async () => {
    await connections.card('zoho').getByTestId('browse-schema').click();
    await connections.tree('source').waitFor();
    await connections.tree('target').waitFor();
    expect(await connections.pane('source').getByTestId('schema-pane-source-entity').inputValue()).toBe('customers');
    expect(await connections.pane('target').getByTestId('schema-pane-target-entity').inputValue()).toBe('Accounts');
    const cuno = connections.field('source', 'CUNO');
    expect(await cuno.textContent()).toContain('key');
    expect(await cuno.textContent()).toContain('required');
    await page.screenshot({ path: screenshotPath('connections-06-schema-browser') });

    // Search across the target's fields; the external id carries its badge.
    await page.getByTestId('schema-pane-target-search').fill('infor');
    const external = connections.field('target', 'Infor_Customer_No');
    await external.waitFor();
    expect(await external.getByTestId('badge-external-id').count()).toBe(1);
    await page.getByTestId('schema-pane-target-search').fill('');
    // Picklist values open inline.
    await connections.field('target', 'Account_Type').getByTestId('badge-picklist').click();
    await connections.tree('target').getByTestId('picklist-values').waitFor();
    expect(await connections.tree('target').getByTestId('picklist-values').textContent()).not.toBe('');
    await page.getByTestId('schema-pane-source-search').fill('name');
    await page.screenshot({ path: screenshotPath('connections-07-schema-search-picklist') });

    // Refresh reads the metadata again from the live system.
    await page.getByTestId('schema-pane-target-refresh').click();
    await expect.poll(() => page.getByTestId('schema-pane-target-refresh').isEnabled(), patient).toBe(true);
  });

  it('offers the M3 company and division on the Infor card and keeps them', async () => {
    await page.getByTestId('connections-view-list').click();
    const card = connections.card('infor');
    const company = card.getByTestId('m3-company');
    const division = card.getByTestId('m3-division');
    await company.waitFor();
    // A division goes only with a company (m3-odin sends divi only with cono).
    expect(await division.isDisabled()).toBe(true);
    await company.fill('200');
    await division.fill('bbb');
    await division.blur();
    await page.reload();
    await expect.poll(() => connections.card('infor').getByTestId('m3-company').inputValue(), patient).toBe('200');
    expect(await connections.card('infor').getByTestId('m3-division').inputValue()).toBe('BBB');
    await page.screenshot({ path: screenshotPath('connections-08a-m3-company') });
  });

  it('picks the site of a multi-site CSI tenant on the card', async () => {
    await page.getByTestId('connections-view-list').click();
    // The imported client-credentials connection (the sandbox one stays M3 for the other screens).
    const card = page.locator('[data-testid="connection-card"][data-system="infor"]').nth(1);
    await card.getByTestId('product-line').selectOption('csi');
    await card.getByTestId('csi-configuration').waitFor();
    await card.getByTestId('test-connection').click();
    await expect
      .poll(() => card.getByTestId('test-outcome').textContent(), patient)
      .toContain('E_INFOR_CSI_CONFIG_REQUIRED');
    await card.getByTestId('list-csi-configurations').click();
    await expect
      .poll(() => card.getByTestId('csi-configuration').locator('option').allTextContents(), patient)
      .toEqual(['Not chosen — list the sites', 'MLC_SANDBOX_DALS', 'MLC_SANDBOX_EMEA', 'MLC_SANDBOX_LA']);
    await card.getByTestId('csi-configuration').selectOption('MLC_SANDBOX_EMEA');
    await expect.poll(() => card.getByTestId('csi-configuration').inputValue(), patient).toBe('MLC_SANDBOX_EMEA');
    await card.getByTestId('test-connection').click();
    await expect.poll(() => card.getByTestId('test-outcome').getAttribute('data-state'), patient).toBe('ok');
    expect(await card.getByTestId('test-outcome').textContent()).toContain('Product line CSI');
    await page.screenshot({ path: screenshotPath('connections-075-csi-site') });
  });

  it('checks the CSI tenant from the card and keeps the report across a reload', async () => {
    await page.getByTestId('connections-view-list').click();
    const card = () => page.locator('[data-testid="connection-card"][data-system="infor"]').nth(1);
    await card().getByTestId('check-tenant').click();
    await expect.poll(() => card().getByTestId('tenant-check-probe').count(), patient).toBe(4);
    const statuses = () =>
      card()
        .getByTestId('tenant-check-probe')
        .evaluateAll((items) =>
          items.map((item) => `${item.getAttribute('data-probe')} ${item.getAttribute('data-status')}`),
        );
    expect(await statuses()).toEqual([
      'csi.sites confirmed',
      'csi.siteHeader confirmed',
      'csi.dateLiteral confirmed',
      'csi.unknownProperty confirmed',
    ]);
    expect(await card().getByTestId('tenant-check-settings').textContent()).toContain(
      'mongooseConfig = MLC_SANDBOX_EMEA',
    );
    await page.reload();
    await expect.poll(() => card().getByTestId('tenant-check-probe').count(), patient).toBe(4);
    expect(await statuses()).toContain('csi.sites confirmed');
    await card().screenshot({ path: screenshotPath('connections-076-tenant-check') });
  });

  it('removes a connection after confirmation, in the dark theme', async () => {
    await new StudioPage(page).themeToggle().click();
    await new StudioPage(page).themeToggle().click();
    await page.getByTestId('connections-view-list').click();
    await connections.cards().first().waitFor();
    await page.screenshot({ path: screenshotPath('connections-08-dark') });
    const before = await connections.cards().count();
    page.once('dialog', (dialog) => void dialog.accept());
    await connections.card('cin7').getByTestId('remove-connection').click();
    await expect.poll(() => connections.cards().count(), patient).toBe(before - 1);
    expect(problems).toEqual([]);
  });
});
