import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Connection } from '../../shared/domain/connection';
import { compileGraph } from '../../shared/mapping';
import { TestGraph } from '../mapping/support/graph-builder';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';
import { MapperPage } from './pages/mapper.page';

/** Two shared cores: give the UI time to answer (the default poll gives up after a second). */
const patient = { timeout: 20_000, interval: 100 };

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

/** M3 customers → Zoho accounts, drawn: Credit_Limit and Customer_Since are custom fields an admin can change. */
function customersToAccounts() {
  const b = new TestGraph(
    { CUNO: 'string', CUNM: 'string', CRL2: 'number', RGDT: 'date' },
    { Infor_Customer_No: 'string', Account_Name: 'string', Credit_Limit: 'number', Customer_Since: 'date' },
  );
  b.to('Infor_Customer_No', b.src('CUNO'));
  b.to('Account_Name', b.src('CUNM'));
  b.to('Credit_Limit', b.src('CRL2'));
  b.to('Customer_Since', b.src('RGDT'));
  b.graph.matchKey = ['Infor_Customer_No'];
  return b.graph;
}

/** Issue 18: a schema refresh that changes a mapped entity shows what it breaks, as `mlc validate --live-schemas` does. */
describe('Schema drift report in the schema browser, in Chromium', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let connections: ConnectionsPage;
  let zoho: Connection;
  const problems: string[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
    watchProblems(page, problems);
    await new StudioPage(page).open(studio.url);
    connections = new ConnectionsPage(page);
    await connections.openSandbox().click();
    await connections.cards().nth(5).waitFor();
    const all = await contract<Connection[]>(studio, 'connections.list', {});
    const infor = all.find((connection) => connection.system === 'infor')!;
    zoho = all.find((connection) => connection.system === 'zoho')!;
    // The mapping and its flow are arranged through the contract (drawing them is other tests' job).
    const graph = customersToAccounts();
    const mapping = await contract<{ id: string }>(studio, 'mappings.save', {
      name: 'Customers → accounts',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      sourceConnectionId: infor.id,
      targetConnectionId: zoho.id,
      graph,
      expression: compileGraph(graph).expression,
    });
    await contract(studio, 'flows.save', {
      name: 'Customers to accounts',
      source: { connectionId: infor.id, entity: 'customers', lookbackSeconds: 0 },
      mappingId: mapping.id,
      target: { connectionId: zoho.id, entity: 'Accounts', matchKey: ['Infor_Customer_No'] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false },
      paused: false,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
  });

  /** What a Zoho admin does in Setup, through the sandbox's control API over HTTP. */
  async function changeField(args: Record<string, unknown>) {
    const response = await fetch(`${String(zoho.settings.apiDomain)}/__sandbox/actions/changeField`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    expect(response.status, await response.clone().text()).toBe(200);
  }

  it('shows nothing on a refresh that changes nothing', async () => {
    await connections.browseSchema('zoho').click();
    await connections.entity('target').selectOption('Accounts');
    // The tree draws only the rows in view: search brings the field into it.
    await connections.search('target').fill('Customer_Since');
    await connections.field('target', 'Customer_Since').waitFor(patient);
    // Waits on the refresh's own answer: the button's label alone could be read before it changed.
    const answered = page.waitForResponse(
      (response) =>
        response.url().endsWith('/api/invoke') && /"schemas\.refresh"/.test(response.request().postData() ?? ''),
    );
    await page.getByTestId('schema-pane-target-refresh').click();
    await answered;
    await expect.poll(() => page.getByTestId('schema-pane-target-refresh').textContent(), patient).toBe('Refresh');
    expect(await page.getByTestId('schema-pane-target-drift').count()).toBe(0);
  });

  it('names the removed and retyped mapped fields, the mapping and its flow, after a refresh', async () => {
    await changeField({ module: 'Accounts', field: 'Customer_Since', remove: true });
    await changeField({ module: 'Accounts', field: 'Credit_Limit', type: 'text' });
    await page.getByTestId('schema-pane-target-refresh').click();
    const report = page.getByTestId('schema-pane-target-drift');
    await report.waitFor(patient);
    // The tree shows the schema as it is now.
    await connections.field('target', 'Customer_Since').waitFor({ state: 'detached', ...patient });
    const mapping = report.locator('[data-testid="drift-mapping"][data-mapping="Customers → accounts"]');
    expect(await mapping.getByTestId('drift-flows').textContent()).toContain('flow “Customers to accounts”');
    const fields = mapping.getByTestId('drift-field');
    expect(
      await fields.evaluateAll((items) =>
        items.map((item) => [item.getAttribute('data-field'), item.getAttribute('data-code')]),
      ),
    ).toEqual([
      ['Credit_Limit', 'type-changed'],
      ['Customer_Since', 'removed-field'],
    ]);
    expect(await fields.nth(0).textContent()).toMatch(/^Credit_Limit \(target\) changed type from number to string\.$/);
    await page.screenshot({ path: screenshotPath('schema-drift-01-report') });
  });

  it('opens the broken mapping from the report', async () => {
    await page.getByTestId('drift-open-mapping').click();
    const mapper = new MapperPage(page);
    await mapper.editor().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('mapping-name').inputValue()).toBe('Customers → accounts');
    // The Mapper reads the refreshed schema: its own check names the field that is gone.
    await mapper.tab('issues').click();
    await expect
      .poll(() => page.getByTestId('issues-panel').getByTestId('issue').allTextContents(), patient)
      .toEqual(expect.arrayContaining([expect.stringContaining('Customer_Since')]));
    await page.screenshot({ path: screenshotPath('schema-drift-02-mapping') });
    expect(problems).toEqual([]);
  });
});
