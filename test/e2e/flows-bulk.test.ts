import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { invokeFromPage } from './support/session';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';
import { FlowsPage } from './pages/flows.page';

/** Two shared cores: give the UI time to answer (the default poll gives up after a second). */
const patient = { timeout: 20_000, interval: 100 };

// The flow form shows the target's bulk path (issue 15): its default threshold, editable, 0 = never,
// and nothing at all for a target entity without one.
describe('The bulk threshold in the flow form, in Chromium', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let app: StudioPage;
  let flows: FlowsPage;
  const problems: string[] = [];
  const mappingIds: Record<string, string> = {};

  /** A contract call from the page, with the page's own bridge token. */
  const invoke = <T>(method: string, input: unknown) => invokeFromPage<T>(page, method, input);

  /** The mappings were saved without connections: choose the target system's sandbox connection. */
  async function pickTarget(system: string) {
    const select = page.getByTestId('flow-target-connection');
    const value = await select.evaluate(
      (element, wanted) =>
        [...(element as HTMLSelectElement).options].find((option) => option.text.includes(wanted))?.value ?? '',
      system,
    );
    expect(value, system).not.toBe('');
    await select.selectOption(value);
  }

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

  it('shows Bulk API 2.0 from 2,000 records for Salesforce Accounts, and saves the edited threshold', async () => {
    await app.nav('connections').click();
    const connections = new ConnectionsPage(page);
    await connections.openSandbox().click();
    await connections.cards().nth(5).waitFor();
    // Mappings are drawn in the Mapper (another screen): arranged through the contract.
    for (const [key, targetEntity, expression] of [
      ['salesforce', 'Account', '{ "Infor_Customer_Number__c": CUNO, "Name": CUNM }'],
      ['zendesk', 'organizations', '{ "external_id": CUNO, "name": CUNM }'],
    ] as const) {
      const saved = await invoke<{ id: string }>('mappings.save', {
        name: `Customers to ${key}`,
        sourceEntity: 'customers',
        targetEntity,
        expression,
      });
      mappingIds[key] = saved.id;
    }

    await app.nav('flows').click();
    await flows.newFlow().click();
    await flows.editor().waitFor();
    await flows.mapping().selectOption(mappingIds.salesforce!);
    await pickTarget('Salesforce');
    await expect.poll(() => page.getByTestId('flow-target-entity').inputValue(), patient).toBe('Account');
    const threshold = page.getByTestId('flow-bulk-threshold');
    const hint = () => page.locator('label.form-field', { has: threshold }).locator('small').textContent();
    await threshold.waitFor(patient);
    expect(await threshold.getAttribute('placeholder')).toBe('2000');
    await expect.poll(hint, patient).toContain('Bulk API 2.0 from 2,000 records.');

    await threshold.fill('0');
    await expect.poll(hint, patient).toContain('Bulk API 2.0: never for this flow.');
    await threshold.fill('-3');
    await flows.waitForMatchKey();
    await flows.save().click();
    await expect.poll(hint, patient).toContain('Bulk threshold is a whole number');

    await threshold.fill('5000');
    await expect.poll(hint, patient).toContain('Bulk API 2.0 from 5,000 records.');
    await page.screenshot({ path: screenshotPath('flows-bulk-01-threshold'), fullPage: true });
    await flows.manualSchedule().click();
    await flows.save().click();
    await flows.card('Customers to salesforce').waitFor(patient);
    const saved = await invoke<Array<{ name: string; options: { bulkThreshold?: number } }>>('flows.list', {});
    expect(saved.find((flow) => flow.name === 'Customers to salesforce')?.options.bulkThreshold).toBe(5000);
  }, 120_000);

  it('hides the field for a target entity with no bulk path', async () => {
    await flows.newFlow().click();
    await flows.editor().waitFor();
    await flows.mapping().selectOption(mappingIds.zendesk!);
    await pickTarget('Zendesk');
    await expect.poll(() => page.getByTestId('flow-target-entity').inputValue(), patient).toBe('organizations');
    await flows.waitForMatchKey();
    expect(await page.getByTestId('flow-bulk-threshold').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 60_000);
});
