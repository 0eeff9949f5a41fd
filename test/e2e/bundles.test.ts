import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { findSecrets } from '../../shared/bundle/bundle-secrets';
import { bundleSchema, type Bundle } from '../../shared/bundle/bundle.schema';
import { contentHashOf } from '../../electron/backend/bundle/bundle-hash';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { MapperPage } from './pages/mapper.page';
import { FlowsPage } from './pages/flows.page';
import { BundlesPage } from './pages/bundles.page';

/** Two shared cores: give the UI time to answer (the default poll gives up after a second). */
const patient = { timeout: 20_000, interval: 100 };
const mappingName = 'M3 customers → Zoho accounts';
const bundleName = 'Infor to Zoho from the designer';

/** Every secret value the sandbox workspace gave this studio's connections (from the files it wrote into the data folder). */
function sandboxSecrets(dataDir: string): string[] {
  const directory = path.join(dataDir, 'sandbox');
  const values: string[] = [];
  for (const file of fs.readdirSync(directory)) {
    const json = JSON.parse(fs.readFileSync(path.join(directory, file), 'utf8')) as Record<string, unknown> & {
      secrets?: Record<string, string>;
    };
    if (file.endsWith('.ionapi')) values.push(...['cs', 'saak', 'sask'].map((key) => String(json[key] ?? '')));
    else values.push(...Object.values(json.secrets ?? {}));
  }
  return values.filter((value) => value.length >= 6);
}

describe('Bundles in Chromium: export from one workspace, import into another', () => {
  let designer: Studio;
  let server: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let app: StudioPage;
  let bundles: BundlesPage;
  let exported: { name: string; content: string };
  const problems: string[] = [];

  beforeAll(async () => {
    designer = await startStudio();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    watchProblems(page, problems);
    app = new StudioPage(page);
    bundles = new BundlesPage(page);
    await app.open(designer.url);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([designer?.stop(), server?.stop()]);
  });

  it('says what to do when there is nothing to export', async () => {
    await app.nav('bundles').click();
    await bundles.exportEmpty().waitFor();
    expect(await bundles.exportEmpty().textContent()).toContain('Draw a mapping');
    await page.screenshot({ path: screenshotPath('bundles-01-empty') });
  });

  it('designs a mapping and a flow through the Mapper and Flows screens, and runs it once', async () => {
    await app.nav('connections').click();
    await page.getByTestId('open-sandbox').first().click();
    await page.locator('[data-testid="connection-card"][data-system="zoho"]').waitFor();

    const mapper = new MapperPage(page);
    await app.nav('mapper').click();
    await mapper.choose({
      source: 'Infor',
      sourceEntity: 'customers',
      target: 'Zoho',
      targetEntity: 'Accounts',
      name: mappingName,
    });
    await page.getByTestId('automap').click();
    await page.getByTestId('suggestion-Account_Name').waitFor();
    // Payment terms and customer type codes are no Zoho picklist values: leave them out rather than fail records.
    for (const field of ['Payment_Terms', 'Account_Type', 'Customer_Since']) {
      if ((await page.getByTestId(`reject-${field}`).count()) > 0) await page.getByTestId(`reject-${field}`).click();
    }
    await page.getByTestId('automap-accept-all').click();
    await expect
      .poll(() => page.getByTestId('suggestion-Account_Name').getAttribute('data-status'), patient)
      .toBe('accepted');
    await new MapperPage(page).saveAnyway();
    await expect.poll(() => page.getByTestId('save').getAttribute('data-dirty'), patient).toBe('false');

    const flows = new FlowsPage(page);
    await app.nav('flows').click();
    await flows.newFlow().click();
    await flows.editor().waitFor();
    // The Mapper saved the two connections it drew against: the new flow starts on them and says so.
    for (const side of ['source', 'target']) {
      expect(
        await page.getByTestId(`flow-${side}-connection`).locator('xpath=following-sibling::small').textContent(),
      ).toContain('drawn against');
    }
    await flows.waitForMatchKey();
    await page.getByTestId('schedule-kind-manual').click();
    await page.getByTestId('flow-save').click();
    const card = page.getByTestId('flow-card').first();
    await card.waitFor();
    // A run fills the audit log: the export takes its sample records from there.
    await card.getByTestId('run-now').click();
    await page.locator('[data-testid="run-outcome"][data-dry-run="false"]').waitFor({ timeout: 60_000 });
    expect(['succeeded', 'partial']).toContain(await card.getByTestId('run-outcome').getAttribute('data-state'));
  });

  it('exports the flow with its mapping and connections, and downloads a file without secrets', async () => {
    await app.nav('bundles').click();
    await bundles.exportChoices().waitFor();
    // Everything is chosen by default.
    expect(await bundles.exportChoices().locator('input[type="checkbox"]:checked').count()).toBe(2);
    await bundles.exportName().fill(bundleName);
    // Real records are customer data: only when ticked (this bundle is checked by its samples on import below).
    expect(await bundles.includeSamples().isChecked()).toBe(false);
    await bundles.includeSamples().check();
    await page.screenshot({ path: screenshotPath('bundles-02-choose') });

    await bundles.exportButton().click();
    await bundles.exportResult().waitFor();
    expect(await page.getByTestId('export-result-name').textContent()).toBe(bundleName);
    expect(await bundles.summaryItems('export', 'connection').count()).toBe(2);
    expect(await bundles.summaryItems('export', 'mapping').textContent()).toContain(mappingName);
    expect(await bundles.summaryItems('export', 'flow').count()).toBe(1);
    const slots = await bundles.secretSlots('export').allTextContents();
    expect(slots).toEqual(expect.arrayContaining(['zoho.refresh_token', 'zoho.client_secret', 'infor.client_secret']));
    expect(await bundles.summary('export').getByTestId('export-summary-hash').getAttribute('data-hash')).toMatch(
      /^sha256:[0-9a-f]{64}$/,
    );
    await page.screenshot({ path: screenshotPath('bundles-03-exported'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), bundles.downloadButton().click()]);
    expect(download.suggestedFilename()).toBe('infor-to-zoho-from-the-designer.mlcbundle');
    const content = fs.readFileSync((await download.path())!, 'utf8');
    const bundle = bundleSchema.parse(JSON.parse(content)) as Bundle;
    expect(bundle.name).toBe(bundleName);
    expect(bundle.contentHash).toBe(
      await bundles.summary('export').getByTestId('export-summary-hash').getAttribute('data-hash'),
    );
    expect(bundle.mappings.map((mapping) => mapping.name)).toEqual([mappingName]);
    expect(bundle.samples.length).toBeGreaterThan(0);
    expect(findSecrets(bundle)).toEqual([]);
    const secrets = sandboxSecrets(designer.dataDir);
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) expect(content).not.toContain(secret);
    exported = { name: download.suggestedFilename(), content };
  });

  it('refuses a tampered copy and a copy carrying a secret, saying what to do', async () => {
    // Another machine: a fresh workspace with nothing in it.
    server = await startStudio();
    await app.open(server.url);
    await app.nav('bundles').click();
    await bundles.tab('import').click();
    await bundles.importEmpty().waitFor();
    await page.screenshot({ path: screenshotPath('bundles-04-import-empty') });

    const tampered = JSON.parse(exported.content) as Bundle;
    tampered.flows[0]!.target.matchKey = ['Account_Number'];
    await bundles.drop('tampered.mlcbundle.json', JSON.stringify(tampered, null, 2), {
      screenshot: screenshotPath('bundles-05-drop'),
    });
    await bundles.refusal().waitFor();
    expect(await bundles.problemGroup('E_BUNDLE_HASH').count()).toBe(1);
    expect(await bundles.problemGroup('E_BUNDLE_HASH').getByTestId('problem-action').textContent()).toMatch(
      /Export it again/,
    );
    expect(await bundles.confirm().count()).toBe(0);
    await page.screenshot({ path: screenshotPath('bundles-06-tampered'), fullPage: true });

    // A secret pasted into the settings, with a hash stamped to match: still refused, and never shown.
    const leaked = JSON.parse(exported.content) as Bundle & Record<string, unknown>;
    const secret = 'a-pasted-client-secret-0123456789';
    leaked.connections.find((connection) => connection.system === 'zoho')!.settings.client_secret = secret;
    const { contentHash: _old, ...body } = leaked;
    await bundles.pick('leaked.mlcbundle.json', JSON.stringify({ ...body, contentHash: contentHashOf(body) }));
    await bundles.problemGroup('E_BUNDLE_SECRET').waitFor();
    expect(await bundles.problemGroup('E_BUNDLE_SECRET').getByTestId('problem').textContent()).toContain(
      'settings.client_secret',
    );
    expect(await page.content()).not.toContain(secret);
    await page.screenshot({ path: screenshotPath('bundles-07-secret'), fullPage: true });
  });

  it('imports the good file after checking it, and shows what was created', async () => {
    await bundles.pick(exported.name, exported.content);
    await bundles.valid().waitFor();
    expect(await bundles.valid().textContent()).toMatch(/samples give their expected output/);
    await page.screenshot({ path: screenshotPath('bundles-08-checked'), fullPage: true });

    await bundles.confirm().click();
    await bundles.done().waitFor();
    expect(
      await bundles
        .imported('connections')
        .evaluateAll((items) => items.map((item) => item.getAttribute('data-status'))),
    ).toEqual(['created', 'created']);
    expect(await bundles.imported('mappings').textContent()).toContain(mappingName);
    expect(await bundles.imported('mappings').getAttribute('data-status')).toBe('created');
    expect(await bundles.imported('flows').getAttribute('data-status')).toBe('created');
    expect(await bundles.tally().textContent()).toBe('4 created');
    // Secrets stay behind: the new workspace is told which ones to set.
    expect(await page.getByTestId('import-missing-secrets').textContent()).toContain('refresh_token');
    await page.screenshot({ path: screenshotPath('bundles-09-imported'), fullPage: true });

    // The same file again: the backend says every item was already here, identical, and left alone.
    await page.getByTestId('import-reset').click();
    await bundles.pick(exported.name, exported.content);
    await bundles.valid().waitFor();
    await bundles.confirm().click();
    await bundles.done().waitFor();
    for (const list of ['connections', 'mappings', 'flows'] as const) {
      expect(
        await bundles.imported(list).evaluateAll((items) => items.map((item) => item.getAttribute('data-status'))),
      ).toEqual(list === 'connections' ? ['kept', 'kept'] : ['kept']);
    }
    expect(await bundles.tally().textContent()).toBe('4 kept unchanged');
    await page.screenshot({ path: screenshotPath('bundles-09b-reimported'), fullPage: true });

    // The flow is there, ready to be given its secrets.
    await page.getByTestId('import-open-flows').click();
    await expect.poll(() => page.getByTestId('flow-card').count(), patient).toBe(1);

    await app.nav('bundles').click();
    await app.themeToggle().click();
    await app.themeToggle().click();
    await expect.poll(() => app.theme(), patient).toBe('dark');
    await bundles.tab('export').click();
    await bundles.exportChoices().waitFor();
    await bundles.exportButton().click();
    await bundles.exportResult().waitFor();
    await page.screenshot({ path: screenshotPath('bundles-10-dark'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
