import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';

/** Two shared cores: give the UI time to answer. */
const patient = { timeout: 20_000, interval: 100 };

/**
 * “Sign in with Zoho” in Chromium against the sandbox: the sign-in page opens in a new
 * window (the system browser's stand-in), Zoho's simulator consents and redirects to the
 * app's loopback port, and the card says it is signed in.
 */
describe('Browser sign-in in Chromium', () => {
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

  it('signs in to Zoho: the popup follows the redirect to the loopback and the card shows signed in', async () => {
    await connections.openSandbox().click();
    await connections.cards().nth(5).waitFor();
    const card = connections.card('zoho');
    const popupOpened = browser.context.waitForEvent('page');
    await card.getByTestId('sign-in-button').click();
    const popup = await popupOpened;
    await popup.waitForLoadState();
    await expect.poll(() => popup.url(), patient).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
    expect(await popup.locator('h1').textContent()).toBe('Signed in');
    await popup.screenshot({ path: screenshotPath('sign-in-01-zoho-loopback-page') });
    await expect.poll(() => card.getByTestId('sign-in').getAttribute('data-state'), patient).toBe('signedIn');
    expect(await card.getByTestId('sign-in-outcome').textContent()).toMatch(/Signed in .*refresh token is stored/);
    await popup.close();

    // The stored token works.
    await card.getByTestId('test-connection').click();
    await expect.poll(() => connections.testOutcome('zoho').getAttribute('data-state'), patient).toBe('ok');
    await card.screenshot({ path: screenshotPath('sign-in-02-zoho-card-signed-in') });
    expect(problems).toEqual([]);
  });

  it('switches a Salesforce connection to the browser sign-in and signs in', async () => {
    const card = connections.card('salesforce');
    // Client credentials: no browser sign-in to offer.
    expect(await card.getByTestId('sign-in-button').count()).toBe(0);
    await card.getByTestId('edit-connection').click();
    const form = page.getByTestId('connection-form');
    await form.waitFor();
    await page.getByTestId('field-authFlow').selectOption('web_server');
    await page.screenshot({ path: screenshotPath('sign-in-03-salesforce-form') });
    await page.getByTestId('connection-save').click();
    await form.waitFor({ state: 'detached' });

    const popupOpened = browser.context.waitForEvent('page');
    await card.getByTestId('sign-in-button').click();
    const popup = await popupOpened;
    await popup.waitForLoadState();
    await expect.poll(() => popup.url(), patient).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
    await popup.close();
    await expect.poll(() => card.getByTestId('sign-in').getAttribute('data-state'), patient).toBe('signedIn');
    await expect
      .poll(() => card.getByTestId('connection-secrets').textContent(), patient)
      .toContain('refresh_token set');
    await card.getByTestId('test-connection').click();
    await expect.poll(() => connections.testOutcome('salesforce').getAttribute('data-state'), patient).toBe('ok');
    await card.screenshot({ path: screenshotPath('sign-in-04-salesforce-card-signed-in') });
    expect(problems).toEqual([]);
  });
});
