import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { closedPort, listenRaw } from '../support/raw-sockets';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';

/** Two shared cores: give the UI time to answer. */
const patient = { timeout: 20_000, interval: 100 };

/** A well-formed cloud Backend Service file whose gateway is `base` (https, not a sandbox). */
function ionapi(base: string, tenant: string): string {
  return JSON.stringify({
    ti: tenant,
    cn: `${tenant} integration`,
    ci: `${tenant}~Xb12Cd34Ef56`,
    cs: 'q8Fz2LmN7pR4sT9vWx1YcB6dE3gH5jK0',
    iu: base,
    pu: `${base}/${tenant}/as/`,
    oa: 'authorization.oauth2',
    ot: 'token.oauth2',
    or: 'revoke_token.oauth2',
    saak: `${tenant}#Aa11Bb22Cc33Dd44`,
    sask: 'Zz99Yy88Xx77Ww66Vv55Uu44',
  });
}

describe('Connections when the network is not there, in Chromium', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let connections: ConnectionsPage;
  let silent: Awaited<ReturnType<typeof listenRaw>>;
  const held: unknown[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    silent = await listenRaw((socket) => void held.push(socket));
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
    await silent?.close();
  });

  const card = (tenant: string) => page.locator(`[data-testid="connection-card"][aria-label="${tenant} integration"]`);

  it('imports a file whose gateway refuses connections and shows the network message, not a credentials error', async () => {
    const port = await closedPort();
    const file = ionapi(`https://127.0.0.1:${port}`, 'ACME_PRD');
    await connections.dropFile('ACME_PRD.ionapi', file);
    await page.locator('[data-testid="import-banner"][data-state="done"]').waitFor({ timeout: 20_000 });
    const outcome = card('ACME_PRD').getByTestId('test-outcome');
    await outcome.and(page.locator('[data-state="failed"]')).waitFor({ timeout: 20_000 });
    const text = await outcome.textContent();
    expect(text).toContain('E_NET_REFUSED');
    expect(text).toContain(`Cannot reach 127.0.0.1 — nothing accepts connections on port ${port}`);
    expect(text).not.toContain('E_AUTH');
    await page.screenshot({ path: screenshotPath('connections-net-01-refused') });

    // The same file again: the app asks instead of silently making a duplicate.
    await connections.dropFile('ACME_PRD.ionapi', file);
    const ask = page.locator('[data-testid="import-banner"][data-state="duplicate"]');
    await ask.waitFor();
    expect(await page.getByTestId('import-duplicate').textContent()).toContain('“ACME_PRD integration”');
    expect(await page.getByTestId('import-update-existing').textContent()).toBe('Update “ACME_PRD integration”');
    await expect.poll(() => page.getByTestId('import-create-new').textContent(), patient).toBe('Create a new one');
    await page.screenshot({ path: screenshotPath('connections-net-02-already-imported') });
    await page.getByTestId('import-update-existing').click();
    await expect
      .poll(() => connections.importBanner().textContent(), patient)
      .toContain('Updated ACME_PRD integration');
    expect(await connections.cards().count()).toBe(1);
  });

  it('names a gateway host that does not resolve', async () => {
    await connections.dropFile('ACME_TST.ionapi', ionapi('https://mingle-sso.invalid', 'ACME_TST'));
    const outcome = card('ACME_TST').getByTestId('test-outcome');
    await outcome.and(page.locator('[data-state="failed"]')).waitFor({ timeout: 20_000 });
    expect(await outcome.textContent()).toContain(
      'E_NET_DNSCannot reach mingle-sso.invalid — the name does not resolve',
    );
  });

  it('cancels a test of a gateway that never answers', async () => {
    await connections.dropFile('ACME_DEV.ionapi', ionapi(`https://${silent.host}`, 'ACME_DEV'));
    const outcome = card('ACME_DEV').getByTestId('test-outcome');
    await outcome.and(page.locator('[data-state="running"]')).waitFor({ timeout: 20_000 });
    expect(await outcome.textContent()).toContain('gives up after 10 s');
    await expect.poll(() => held.length, patient).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('connections-net-03-testing') });
    await card('ACME_DEV').getByTestId('cancel-test').click();
    await outcome.and(page.locator('[data-state="cancelled"]')).waitFor({ timeout: 5_000 });
    expect(await outcome.textContent()).toContain('Test cancelled');
    // The button is usable again straight away.
    expect(await card('ACME_DEV').getByTestId('test-connection').isEnabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('connections-net-04-cancelled') });
    expect(problems).toEqual([]);
  });
});
