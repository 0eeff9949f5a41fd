import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';
import { FlowsPage } from './pages/flows.page';

/** Two shared cores: give the UI time to answer (the default poll gives up after a second). */
const patient = { timeout: 20_000, interval: 100 };

// A save answers after the backend's "flows changed" event already put the new card on the list.
// An Edit clicked in between opens that flow's editor; the save's late end must not close it (it
// did, and the two-way e2e met it under load: the reopened editor vanished under the test).
describe('editing a flow while its save is still answering, in Chromium', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let app: StudioPage;
  let flows: FlowsPage;
  const problems: string[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    watchProblems(page, problems);
    app = new StudioPage(page);
    flows = new FlowsPage(page);
    await app.open(studio.url);
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
  });

  it('keeps the editor opened from the new card while the save that made it is still answering', async () => {
    await app.nav('connections').click();
    const connections = new ConnectionsPage(page);
    await connections.openSandbox().click();
    await connections.cards().nth(5).waitFor();
    await page.evaluate(async () => {
      const response = await fetch('/api/invoke', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${sessionStorage.getItem('mlc.bridge.token')}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          method: 'mappings.save',
          input: {
            name: 'Held save',
            sourceEntity: 'customers',
            targetEntity: 'Accounts',
            expression: '{ "Infor_Customer_No": CUNO, "Account_Name": CUNM }',
          },
        }),
      });
      if (!response.ok) throw new Error(`mappings.save answered ${response.status}`);
    });

    await app.nav('flows').click();
    await flows.newFlow().click();
    await flows.editor().waitFor();
    const mapping = await flows
      .mapping()
      .evaluate(
        (element) =>
          [...(element as HTMLSelectElement).options].find((option) => option.text.includes('Held save'))!.value,
      );
    await flows.mapping().selectOption(mapping);
    await flows.waitForMatchKey();
    await flows.manualSchedule().click();

    // The backend saves at once (and says so to the page); its answer to the save is held back.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let answered: () => void = () => undefined;
    const fulfilled = new Promise<void>((resolve) => (answered = resolve));
    await page.route('**/api/invoke', async (route) => {
      const body = route.request().postData() ?? '';
      if (!body.includes('"flows.save"')) return route.continue();
      const response = await route.fetch();
      await held;
      await route.fulfill({ response });
      answered();
    });
    await flows.save().click();
    await flows.card('Held save').waitFor(patient);
    await flows.card('Held save').getByTestId('edit-flow').click();
    await expect.poll(() => flows.name().inputValue(), patient).toBe('Held save');
    await expect
      .poll(() => page.getByTestId('flow-editor').locator('h2').textContent(), patient)
      .toBe('Edit Held save');

    // The save answers now: the editor opened meanwhile stays, with what the user sees in it.
    release();
    await fulfilled;
    await page.unroute('**/api/invoke');
    // Whatever the save's end does, it does now: its promise settles right after the answer.
    await page.waitForTimeout(500);
    expect(await flows.editor().count()).toBe(1);
    await flows.name().fill('Held save, renamed');
    await page.screenshot({ path: screenshotPath('flows-edit-while-saving-01'), fullPage: true });
    await flows.save().click();
    await flows.card('Held save, renamed').waitFor(patient);
    expect(await flows.editor().count()).toBe(0);
    expect(problems).toEqual([]);
  }, 120_000);
});
