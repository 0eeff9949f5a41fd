import { beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, watchProblems } from './support/browser';
import { studioInBrowser } from './support/session';
import { StudioPage } from './pages/studio.page';
import { MapperPage } from './pages/mapper.page';

/** Two shared cores: give the UI time to answer. */
const patient = { timeout: 30_000, interval: 100 };

/**
 * Issue 19: auto-map suggestions are previewed on the canvas (dashed edges) before they become part
 * of the mapping; each is accepted or rejected there or in the panel, and the panel says which pairs
 * need a value map rather than a copy. M3 customers → Salesforce Account, the sandbox's own schemas.
 */
describe('auto-map previewed on the canvas', () => {
  const session = studioInBrowser({ viewport: { width: 1440, height: 900 } });
  let mapper: MapperPage;

  beforeAll(async () => {
    const app = new StudioPage(session.page);
    mapper = new MapperPage(session.page);
    await app.open(session.studio.url);
    await app.openSandbox(['salesforce', 'infor'], patient);
    await app.nav('mapper').click();
    await mapper.chooser().waitFor(patient);
    await mapper.choose({
      source: 'Infor',
      sourceEntity: 'customers',
      target: 'Salesforce',
      targetEntity: 'Account',
      name: 'M3 customers → Salesforce accounts (auto-map)',
    });
  }, 120_000);

  it('shows each suggestion as a dashed edge, the match key first, and marks coded pairs', async () => {
    const { page } = session;
    await mapper.automap().click();
    await mapper.suggestion('Infor_Customer_Number__c').waitFor(patient);
    const rows = page.locator('[data-testid^="suggestion-"][data-status]');
    // The upsert key leads the list, from the customer number.
    expect(await rows.first().getAttribute('data-testid')).toBe('suggestion-Infor_Customer_Number__c');
    expect(await rows.first().textContent()).toContain('CUNO');
    expect(await rows.first().textContent()).toContain('match key');
    // Nothing fills the shipping address from the billing one, and text is no date.
    for (const field of ['ShippingCity', 'ShippingStreet', 'ShippingPostalCode', 'ShippingCountry'])
      expect(await mapper.suggestion(field).count(), field).toBe(0);
    expect(await page.getByTestId('needs-Payment_Terms__c').textContent()).toBe('needs a value map');

    const pending = await page.locator('[data-testid^="suggestion-"][data-status="pending"]').count();
    expect(pending).toBeGreaterThanOrEqual(10);
    // Previews only: the mapping itself has no edge yet.
    await expect.poll(() => mapper.suggestedEdges().count(), patient).toBe(pending);
    expect(await mapper.edges().count()).toBe(0);
    // A field scrolled out of view gets its line to the tree's edge, but no buttons piled up there.
    expect(await page.getByTestId('suggested-edge-Payment_Terms__c').count()).toBe(0);
    expect(await page.locator('[data-testid^="suggested-edge-"]').count()).toBeLessThan(pending);
    await page.screenshot({ path: screenshotPath('automap-01-preview') });
  });

  it('accepts and rejects single suggestions on the canvas', async () => {
    const { page } = session;
    const before = await mapper.suggestedEdges().count();
    await page.getByTestId('suggested-edge-Name').getByRole('button', { name: 'Accept CUNM → Name' }).click();
    await expect.poll(() => mapper.suggestion('Name').getAttribute('data-status'), patient).toBe('accepted');
    await expect.poll(() => mapper.edges().count(), patient).toBe(1);
    await page.getByTestId('suggested-edge-Phone').getByRole('button', { name: 'Reject PHNO → Phone' }).click();
    await expect.poll(() => mapper.suggestion('Phone').getAttribute('data-status'), patient).toBe('rejected');
    await expect.poll(() => mapper.suggestedEdges().count(), patient).toBe(before - 2);
    expect(await mapper.edges().count()).toBe(1);
    await page.screenshot({ path: screenshotPath('automap-02-one-accepted') });
  });

  it('accepts the rest at once, then puts a value map on a coded pair', async () => {
    const { page, problems } = session;
    const pending = await page.locator('[data-testid^="suggestion-"][data-status="pending"]').count();
    await mapper.acceptAll().click();
    await expect.poll(() => mapper.suggestedEdges().count(), patient).toBe(0);
    await expect.poll(() => mapper.edges().count(), patient).toBeGreaterThanOrEqual(1 + pending);
    const add = page.getByTestId('valuemap-Payment_Terms__c');
    await add.click();
    await mapper.valueMapEditor().waitFor(patient);
    await page.screenshot({ path: screenshotPath('automap-03-accepted-value-map') });
    expect(problems).toEqual([]);
  });

  it('lists the order’s reference fields as needing a lookup, named without escapes', async () => {
    const { page, problems, studio } = session;
    // A second tab: the first keeps its unsaved mapping.
    const tab = await page.context().newPage();
    await tab.setViewportSize({ width: 1440, height: 900 });
    watchProblems(tab, problems);
    const app = new StudioPage(tab);
    const orders = new MapperPage(tab);
    await app.open(studio.url);
    await app.nav('mapper').click();
    await orders.choose({
      source: 'Infor',
      sourceEntity: 'salesOrders',
      target: 'Dynamics',
      targetEntity: 'salesorder',
      name: 'M3 orders → Dataverse orders (auto-map)',
    });
    await orders.automap().click();
    await orders.suggestion('mlc_inforordernumber').waitFor(patient);
    // ORNO goes to the order key; Dataverse numbers its orders itself, so nothing (not ORDT, a date) fills ordernumber.
    expect(await orders.suggestion('mlc_inforordernumber').textContent()).toContain('ORNO');
    expect(await orders.suggestion('mlc_inforordernumber').textContent()).toContain('match key');
    expect(await orders.suggestion('ordernumber').count()).toBe(0);
    expect(await orders.suggestion('statecode').textContent()).toContain('needs a value map');
    const hints = tab.getByTestId('lookup-hints');
    await hints.waitFor(patient);
    const text = (await hints.textContent()) ?? '';
    expect(text).toContain('transactioncurrencyid@odata.bind');
    expect(text).toContain('customerid_account@odata.bind');
    expect(text).not.toContain('\\');
    await hints.scrollIntoViewIfNeeded();
    await tab.screenshot({ path: screenshotPath('automap-04-lookup-hints') });
    expect(problems).toEqual([]);
    await tab.close();
  });
});
