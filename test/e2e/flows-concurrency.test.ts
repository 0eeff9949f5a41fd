import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';
import { FlowsPage } from './pages/flows.page';

/** Two shared cores: give the UI time to answer (the default poll gives up after a second). */
const patient = { timeout: 20_000, interval: 100 };

// The flow form's "Writes in flight" (issue 17): empty uses the target's documented concurrency
// (shown as the placeholder and in the hint), a number caps it, and a wrong value is refused.
describe('Writes in flight in the flow form, in Chromium', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let app: StudioPage;
  let flows: FlowsPage;
  const problems: string[] = [];

  /** A contract call from the page, with the page's own bridge token. */
  async function invoke<T>(method: string, input: unknown): Promise<T> {
    const result = await page.evaluate(
      async ([name, body]) => {
        const response = await fetch('/api/invoke', {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${sessionStorage.getItem('mlc.bridge.token')}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ method: name, input: body }),
        });
        return (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
      },
      [method, input] as const,
    );
    expect(result, method).toMatchObject({ ok: true });
    return result.value as T;
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

  it('hints the documented limit, refuses 0, saves 3 and shows it again when the flow is reopened', async () => {
    await app.nav('connections').click();
    const connections = new ConnectionsPage(page);
    await connections.openSandbox().click();
    await connections.cards().nth(5).waitFor();
    // The mapping is drawn in the Mapper (another screen): arranged through the contract.
    const mapping = await invoke<{ id: string }>('mappings.save', {
      name: 'Customers to Zoho',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      expression: '{ "Infor_Customer_No": CUNO, "Account_Name": CUNM }',
    });
    // What the connection documents for Zoho Accounts: the field's default.
    const zoho = (await invoke<Array<{ id: string; system: string }>>('connections.list', {})).find(
      (connection) => connection.system === 'zoho',
    )!;
    const entities = await invoke<Array<{ id: string; writeConcurrency?: number }>>('schemas.entities', {
      connectionId: zoho.id,
    });
    const limit = entities.find((entity) => entity.id === 'Accounts')?.writeConcurrency;
    expect(limit).toBeGreaterThan(1);

    await app.nav('flows').click();
    await flows.newFlow().click();
    await flows.editor().waitFor();
    await flows.mapping().selectOption(mapping.id);
    // The mapping brings its target connection along, and the editor proposes a match key once the
    // schema arrives. Picking the same connection again changes nothing: it must not clear the
    // proposal (the schema is already there, so nothing would propose it again).
    await flows.waitForMatchKey();
    await page.getByTestId('flow-target-connection').selectOption(zoho.id);
    await expect.poll(() => page.getByTestId('flow-target-entity').inputValue(), patient).toBe('Accounts');
    const field = page.getByTestId('flow-concurrency');
    const hint = () => page.locator('label.form-field', { has: field }).locator('small').textContent();
    await expect.poll(() => field.getAttribute('placeholder'), patient).toBe(String(limit));
    await expect
      .poll(hint, patient)
      .toBe(`Batches written at once; empty uses the target’s documented ${limit}. 1 = one at a time.`);

    await field.fill('0');
    await flows.waitForMatchKey();
    await flows.manualSchedule().click();
    await flows.save().click();
    await expect
      .poll(hint, patient)
      .toBe(
        'Writes in flight is a whole number from 1 (one batch at a time) to 100, or empty for the target’s documented limit.',
      );
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await field.fill('1');
    await expect.poll(hint, patient).toBe('One batch at a time (serial writes).');
    await field.fill('3');
    await expect.poll(hint, patient).toBe('Up to 3 batches at once, fewer while the target throttles.');
    await page.screenshot({ path: screenshotPath('flows-concurrency-01-field'), fullPage: true });
    await flows.save().click();
    await flows.card('Customers to Zoho').waitFor(patient);
    const saved = await invoke<Array<{ name: string; options: { concurrency?: number } }>>('flows.list', {});
    expect(saved.find((flow) => flow.name === 'Customers to Zoho')?.options.concurrency).toBe(3);

    // Reopened: the saved value is in the field.
    await flows.card('Customers to Zoho').getByTestId('edit-flow').click();
    await flows.editor().waitFor();
    await expect.poll(() => field.inputValue(), patient).toBe('3');
    await expect.poll(hint, patient).toBe('Up to 3 batches at once, fewer while the target throttles.');
    await page.screenshot({ path: screenshotPath('flows-concurrency-02-reopened'), fullPage: true });
    expect(problems).toEqual([]);
  }, 120_000);
});
