import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Connection } from '../../shared/domain/connection';
import { compileGraph } from '../../shared/mapping';
import { TestGraph } from '../mapping/support/graph-builder';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { FlowsPage } from './pages/flows.page';
import { MapperPage } from './pages/mapper.page';

/** Two shared cores: give the UI time to answer (the default poll gives up after a second). */
const patient = { timeout: 20_000, interval: 100 };
const forwardName = 'Customers to contacts';
const reverseName = `${forwardName} (reverse)`;

/** Calls the running studio's contract the way the web transport does (token from the printed URL). */
async function contract<T>(studio: Studio, method: string, input: unknown): Promise<T> {
  const token = new URL(studio.url).hash.replace('#token=', '');
  const response = await fetch(`${studio.origin}/api/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ method, input }),
  });
  const result = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!result.ok) throw new Error(`${method}: ${result.error?.message}`);
  return result.value as T;
}

/** M3 customers → Dynamics contacts as drawn in the Mapper: five fields go back, three are one-way. */
function customersToContacts() {
  const b = new TestGraph(
    { CUNO: 'string', CUNM: 'string', CUA1: 'string', TOWN: 'string', CSCD: 'string', PHNO: 'string' },
    {
      mlc_inforcontactid: 'string',
      lastname: 'string',
      firstname: 'string',
      address1_line1: 'string',
      address1_city: 'string',
      address1_country: 'string',
      telephone1: 'string',
      preferredcontactmethodcode: 'picklist',
    },
  );
  b.to('mlc_inforcontactid', b.src('CUNO'));
  b.to('lastname', b.fn('trim', b.src('CUNM')));
  b.to('firstname', b.fn('concat', b.src('CUNO'), b.src('TOWN')));
  b.to('address1_line1', b.fn('uppercase', b.src('CUA1')));
  b.to('address1_city', b.src('TOWN'));
  b.to(
    'address1_country',
    b.valueMap(b.src('CSCD'), { GB: 'United Kingdom', SE: 'Sweden', US: 'United States' }, { kind: 'input' }),
  );
  b.to('telephone1', b.src('PHNO'));
  b.to('preferredcontactmethodcode', b.constant(3));
  b.graph.matchKey = ['mlc_inforcontactid'];
  return b.graph;
}

describe('Reverse flow in Chromium', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let app: StudioPage;
  let flows: FlowsPage;
  let mapper: MapperPage;
  const problems: string[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    watchProblems(page, problems);
    app = new StudioPage(page);
    flows = new FlowsPage(page);
    mapper = new MapperPage(page);
    await app.open(studio.url);
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
  });

  it('creates a forward flow M3 customers → Dynamics contacts in the flow form', async () => {
    await page.getByTestId('open-sandbox').first().click();
    await page.locator('[data-testid="connection-card"][data-system="dynamics"]').waitFor();
    const connections = await contract<Connection[]>(studio, 'connections.list', {});
    const infor = connections.find((connection) => connection.system === 'infor')!;
    const dynamics = connections.find((connection) => connection.system === 'dynamics')!;
    // The forward mapping is arranged through the contract (drawing it is mapper.test.ts's job).
    const graph = customersToContacts();
    await contract(studio, 'mappings.save', {
      name: 'M3 customers → contacts',
      sourceEntity: 'customers',
      targetEntity: 'contact',
      sourceConnectionId: infor.id,
      targetConnectionId: dynamics.id,
      graph,
      expression: compileGraph(graph).expression,
    });

    await app.nav('flows').click();
    await flows.newFlow().click();
    await flows.editor().waitFor();
    await flows.name().fill(forwardName);
    await flows.waitForMatchKey();
    await page.getByTestId('flow-match-key').selectOption('mlc_inforcontactid');
    await page.getByTestId('flow-save').click();
    await flows.card(forwardName).waitFor();
  });

  it('reverses it in one click and opens the inverted mapping with what was not turned round', async () => {
    const reverse = flows.card(forwardName).getByTestId('reverse-flow');
    // Enabled once both entity lists say contacts are readable and M3 customers writable.
    await expect.poll(() => reverse.isEnabled(), patient).toBe(true);
    expect(await reverse.getAttribute('data-reason')).toBe('');
    await reverse.click();

    await mapper.editor().waitFor({ timeout: 30_000 });
    const report = page.getByTestId('reverse-report');
    await report.waitFor();
    expect(await report.getAttribute('data-inverted')).toBe('5');
    expect(await report.getAttribute('data-not-inverted')).toBe('3');
    expect(await report.textContent()).toContain('3 of 8 fields could not be inverted');
    expect(await report.textContent()).toContain('matches on CUNO');
    const missed = page.getByTestId('not-inverted-field');
    expect(await missed.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-field')))).toEqual([
      'firstname',
      'address1_line1',
      'preferredcontactmethodcode',
    ]);
    expect(await missed.nth(0).textContent()).toContain('concatenation');
    expect(await missed.nth(1).textContent()).toContain('upper case');
    expect(await missed.nth(2).textContent()).toContain('constant');

    // The source tree is Dynamics' contact, the target tree M3's customer.
    await mapper.tree('source').waitFor();
    expect(await mapper.tree('source').textContent()).toMatch(/contact/i);
    await mapper.reveal('source', 'mlc_inforcontactid');
    await mapper.reveal('target', 'CUNO');
    expect(await page.getByTestId('mapping-name').inputValue()).toBe('M3 customers → contacts (reverse)');
    // Three copies, a trim and a value map (two edges each).
    await expect.poll(() => mapper.edges().count(), patient).toBe(7);

    // Preview samples come from Dynamics and map onto M3 fields.
    await mapper.tab('preview').click();
    await expect.poll(() => page.getByTestId('preview-status').textContent(), patient).toMatch(/\d+ records/);
    await expect.poll(() => page.getByTestId('preview-input').textContent(), patient).toContain('mlc_inforcontactid');
    await expect.poll(() => page.getByTestId('preview-output').textContent(), patient).toContain('"CUNO"');
    await page.screenshot({ path: screenshotPath('reverse-01-mapper') });

    await new MapperPage(page).saveAnyway();
    await expect.poll(() => page.getByTestId('save').getAttribute('data-dirty'), patient).toBe('false');
    await expect.poll(() => page.getByTestId('mapper-notice').textContent(), patient).toContain('Saved');
  });

  it('lists the reverse flow: Dynamics contacts → M3 customers by CUNO, started by hand', async () => {
    await app.nav('flows').click();
    const card = page.getByTestId('flow-card').filter({ hasText: reverseName });
    await card.waitFor();
    const route = await card.locator('.flow-route').textContent();
    expect(route).toMatch(/Dynamics.*contact.*customers by CUNO/s);
    expect(await card.getByTestId('flow-schedule').getAttribute('data-state')).toBe('manual');
    // Each now goes the other way of the other: Reverse flow says so instead of making a third.
    await expect
      .poll(() => flows.card(forwardName).getByTestId('reverse-flow').getAttribute('data-reason'), patient)
      .toBe(`“${reverseName}” already goes the other way.`);
    expect(await flows.card(forwardName).getByTestId('reverse-flow').isDisabled()).toBe(true);
    expect(await card.getByTestId('reverse-flow').getAttribute('data-reason')).toBe(
      `“${forwardName}” already goes the other way.`,
    );
    await page.screenshot({ path: screenshotPath('reverse-02-flows') });
  });

  it('creates a flow from Dynamics into M3 in the flow form too', async () => {
    const connections = await contract<Connection[]>(studio, 'connections.list', {});
    const infor = connections.find((connection) => connection.system === 'infor')!;
    const dynamics = connections.find((connection) => connection.system === 'dynamics')!;
    await flows.newFlow().click();
    await flows.editor().waitFor();
    const reverseMapping = await flows
      .mapping()
      .evaluate(
        (element) =>
          [...(element as HTMLSelectElement).options].find((option) => option.text.includes('(reverse)'))?.value,
      );
    await flows.mapping().selectOption(reverseMapping!);
    // The mapping's own connections: Dynamics is the source, Infor the target.
    expect(await page.getByTestId('flow-source-connection').inputValue()).toBe(dynamics.id);
    expect(await page.getByTestId('flow-source-entity').inputValue()).toBe('contact');
    expect(await page.getByTestId('flow-target-connection').inputValue()).toBe(infor.id);
    expect(await page.getByTestId('flow-target-entity').inputValue()).toBe('customers');
    await flows.name().fill('Contacts back to M3');
    // M3 has no external-id field to propose: the analyst picks the key, once the schema is read.
    await page.getByTestId('flow-match-key').locator('option[value="CUNO"]').waitFor({ state: 'attached' });
    await page.getByTestId('flow-match-key').selectOption('CUNO');
    await page.getByTestId('flow-save').click();
    const card = page.getByTestId('flow-card').filter({ hasText: 'Contacts back to M3' });
    await card.waitFor();
    expect(await card.locator('.flow-route').textContent()).toMatch(/Dynamics.*contact.*customers by CUNO/s);
  });

  it('draws a new mapping from Dynamics contacts to M3 customers: the target system is the source tree', async () => {
    await app.nav('mapper').click();
    await mapper.choose({
      source: 'Dynamics',
      sourceEntity: 'contact',
      target: 'Infor',
      targetEntity: 'customers',
      name: 'Contacts → M3 customers',
    });
    await mapper.reveal('source', 'telephone1');
    await mapper.reveal('target', 'PHNO');
    // Auto-map meets on the dictionary in this direction too.
    await page.getByTestId('automap').click();
    await page.getByTestId('suggestion-PHNO').waitFor();
    expect(await page.getByTestId('suggestion-PHNO').textContent()).toContain('telephone1');
    expect(await page.getByTestId('suggestion-TOWN').textContent()).toContain('address1_city');
    await mapper.tab('preview').click();
    await expect.poll(() => page.getByTestId('preview-status').textContent(), patient).toMatch(/\d+ records/);
    await expect.poll(() => page.getByTestId('preview-input').textContent(), patient).toContain('contactid');
  });

  it('browses Dynamics contacts in the schema browser’s source pane', async () => {
    await page.getByTestId('mapper-back').click();
    await app.nav('connections').click();
    await page.locator('[data-testid="connection-card"][data-system="dynamics"]').getByTestId('browse-schema').click();
    const source = page.getByTestId('schema-pane-source');
    const dynamics = await page
      .getByTestId('schema-pane-source-connection')
      .evaluate(
        (element) =>
          [...(element as HTMLSelectElement).options].find((option) => option.text.includes('Dynamics'))?.value,
      );
    await page.getByTestId('schema-pane-source-connection').selectOption(dynamics!);
    await page.getByTestId('schema-pane-source-entity').selectOption('contact');
    await expect
      .poll(() => source.getByTestId('schema-pane-source-tree').textContent(), patient)
      .toContain('mlc_inforcontactid');
    expect(problems).toEqual([]);
  });
});
