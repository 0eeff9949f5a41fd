import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';

/** Two shared cores: give the UI time to answer (the default poll gives up after a second). */
const patient = { timeout: 20_000, interval: 100 };
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';
import { FlowsPage } from './pages/flows.page';
import { RunsPage } from './pages/runs.page';

const flowName = 'Customers to Zoho accounts';

/** POSTs to a simulator's control API (`/__sandbox/…`): how the test forces slow pages and failures. */
async function control(url: string, route: string, body?: unknown, method = 'POST') {
  const response = await fetch(`${url}/__sandbox/${route}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, `${method} ${route}`).toBe(200);
}

describe('Flows, runs and the audit log in Chromium', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let app: StudioPage;
  let flows: FlowsPage;
  let runs: RunsPage;
  const urls: Record<string, string> = {};
  const problems: string[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    watchProblems(page, problems);
    app = new StudioPage(page);
    flows = new FlowsPage(page);
    runs = new RunsPage(page);
    await app.open(studio.url);
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
  });

  it('starts from the sandbox workspace and a saved mapping', async () => {
    await app.nav('flows').click();
    await page.getByTestId('flows-empty').waitFor();
    await page.screenshot({ path: screenshotPath('flows-01-no-mappings') });

    await app.nav('connections').click();
    const connections = new ConnectionsPage(page);
    await connections.openSandbox().click();
    await connections.cards().nth(5).waitFor();
    for (const system of ['infor', 'zoho']) urls[system] = (await connections.sandboxUrl(system).textContent())!;

    // Arranged through the contract: mappings are drawn in the Mapper, another engineer's screen.
    const saved = await page.evaluate(async () => {
      const response = await fetch('/api/invoke', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${sessionStorage.getItem('mlc.bridge.token')}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          method: 'mappings.save',
          input: {
            name: 'Customers to Zoho accounts',
            sourceEntity: 'customers',
            targetEntity: 'Accounts',
            expression:
              '{ "Infor_Customer_No": CUNO, "Account_Name": CUNM, "Account_Number": CUNO, "Billing_City": TOWN, "Billing_Country": CSCD, "Phone": PHNO }',
          },
        }),
      });
      return (await response.json()) as { ok: boolean };
    });
    expect(saved.ok).toBe(true);
  });

  it('creates a flow from the mapping with a match key from the target schema and a schedule', async () => {
    await app.nav('flows').click();
    await page.getByTestId('flows-empty').waitFor();
    await flows.newFlow().click();
    await flows.editor().waitFor();
    await flows.waitForMatchKey();
    expect(await page.getByTestId('flow-match-key').inputValue()).toBe('Infor_Customer_No');
    expect(await page.getByTestId('flow-source-entity').inputValue()).toBe('customers');
    expect(await page.getByTestId('flow-target-entity').inputValue()).toBe('Accounts');

    await page.getByTestId('schedule-kind-cron').click();
    await page.getByTestId('schedule-cron').fill('0 6 * * 1-5');
    await page.getByTestId('schedule-timezone').fill('Europe/Berlin');
    await expect.poll(() => page.getByTestId('schedule-words').textContent(), patient).toContain('06:00');
    expect(await page.getByTestId('schedule-next').locator('li').count()).toBe(5);
    await page.screenshot({ path: screenshotPath('flows-02-editor'), fullPage: true });
    // Manual for the test: runs start from the buttons, not the clock.
    await page.getByTestId('schedule-kind-manual').click();
    await page.getByTestId('flow-save').click();
    await flows.card(flowName).waitFor();
    await expect
      .poll(() => flows.card(flowName).getByTestId('flow-schedule').textContent(), patient)
      .toContain('Only when started by hand');
  });

  it('dry-runs, then runs with a live progress bar', async () => {
    await flows.card(flowName).getByTestId('dry-run').click();
    await flows.outcome(flowName).waitFor({ timeout: 60_000 });
    expect(await flows.outcome(flowName).getAttribute('data-dry-run')).toBe('true');
    expect(await flows.outcome(flowName).textContent()).toMatch(/1,000 would be created/);
    await page.screenshot({ path: screenshotPath('flows-03-dry-run') });

    // Slow the Infor pages down so the bar has time to move.
    await control(urls.infor!, 'faults', { path: '/MLC_SANDBOX/M3/', latencyMs: 150 });
    await flows.card(flowName).getByTestId('run-now').click();
    await page
      .locator('[data-testid="run-progress"][data-phase="writing"], [data-testid="run-progress"][data-phase="reading"]')
      .first()
      .waitFor();
    await expect
      .poll(() => flows.progress(flowName).getByTestId('run-progress-text').textContent(), patient)
      .toMatch(/^[1-9][\d,]*(\sof\s~[\d,]+)?\sread/);
    await page.screenshot({ path: screenshotPath('flows-04-progress') });
    await page.locator('[data-testid="run-outcome"][data-dry-run="false"]').waitFor({ timeout: 60_000 });
    expect(await flows.outcome(flowName).getAttribute('data-state')).toBe('succeeded');
    expect(await flows.outcome(flowName).textContent()).toMatch(/1,000 created/);
    await control(urls.infor!, 'faults', undefined, 'DELETE');
    await page.screenshot({ path: screenshotPath('flows-05-run-done') });
    // Before the next Run now: the Zoho credits it will spend, from this run's 1,000 records.
    await expect
      .poll(() => flows.card(flowName).getByTestId('flow-credits').textContent(), patient)
      .toMatch(/about 10–100 for 1,000 records \(10 upsert calls\) of 50,250 a day \(Standard\)\.$/);
    expect(await flows.card(flowName).getByTestId('flow-credits').getAttribute('data-verdict')).toBe('fits');
  });

  it('shows the failures the sandbox forced, and replays them', async () => {
    // The next Zoho upsert is refused; five customers change in Infor.
    await control(urls.zoho!, 'faults', {
      path: '/crm/v8/Accounts/upsert',
      method: 'POST',
      times: 1,
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({
        data: [{ code: 'INVALID_DATA', details: { api_name: 'Phone' }, message: 'invalid data', status: 'error' }],
      }),
    });
    await control(urls.infor!, 'actions/modify', { entity: 'customers', count: 5 });
    await flows.card(flowName).getByTestId('run-now').click();
    await page.locator('[data-testid="run-outcome"][data-state="partial"]').waitFor({ timeout: 60_000 });
    await flows.card(flowName).getByTestId('open-run').click();

    await runs.detail().waitFor();
    await runs.chart().waitFor();
    await runs.auditRows().first().waitFor();
    await runs.filterOutcome('failed');
    // The unfiltered page also holds the unchanged record: wait for the filter to land.
    await expect.poll(() => page.getByTestId('audit-total').textContent(), patient).toBe('5 rows');
    expect(await runs.auditRows('failed').count()).toBe(5);
    expect(await runs.auditRows().count()).toBe(5);
    await runs.auditRows('failed').first().click();
    const detail = runs.recordDetail();
    await detail.waitFor();
    // It opened below the audit table: scrolled into view (issue 19).
    await expect
      .poll(() => detail.evaluate((element) => element.getBoundingClientRect().top < window.innerHeight), patient)
      .toBe(true);
    // The target's own code and words.
    expect(await detail.getByTestId('record-error').textContent()).toContain('INVALID_DATA');
    expect(await detail.getByTestId('record-transformed').textContent()).toContain('Infor_Customer_No');
    // Nothing was written in this run: the id is the record that already exists, and says so.
    expect(await runs.auditTargetKey('failed').getAttribute('data-kind')).toBe('existing');
    expect(await runs.auditTargetKey('failed').textContent()).toMatch(/^existing …\d{6}$/);
    expect(await runs.recordTargetKey().getAttribute('data-kind')).toBe('existing');
    expect(await runs.recordTargetKey().textContent()).toMatch(/not written in this run/);
    await page.screenshot({ path: screenshotPath('runs-01-failed-record'), fullPage: true });

    // One record first, with the original mapping.
    await page.getByTestId('replay-mapping-original').click();
    await detail.getByTestId('replay-one').click();
    await expect
      .poll(() => page.getByTestId('replay-result').textContent(), patient)
      .toContain('1 written, 0 still failing');
    // Then the rest.
    await page.getByTestId('replay-mapping-current').click();
    await page.getByTestId('replay-all').click();
    await expect
      .poll(() => page.getByTestId('replay-result').textContent(), patient)
      .toContain('4 written, 0 still failing');
    // The run's failed rows say they were replayed since, and nothing is left to replay (issue 19).
    await expect
      .poll(
        () =>
          page
            .locator(
              '[data-testid="audit-later"][data-outcome="created"], [data-testid="audit-later"][data-outcome="updated"]',
            )
            .count(),
        patient,
      )
      .toBe(5);
    await expect.poll(() => page.getByTestId('replay-all').getAttribute('data-waiting'), patient).toBe('0');
    expect(await page.getByTestId('replay-all').isDisabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('runs-02-replayed'), fullPage: true });

    // The replay is a run of its own that says what it replayed, not a watermark window.
    const partialRunId = await runs.detail().getAttribute('data-run-id');
    await runs.openReplayRun().click();
    await expect.poll(() => runs.runScope().getAttribute('data-kind'), patient).toBe('replay');
    expect(await runs.runScope().textContent()).toMatch(/Replay of run of .+ · 4 records · current mapping/);
    expect(await runs.runScope().textContent()).not.toContain('window');
    await page.screenshot({ path: screenshotPath('runs-02-replay-run'), fullPage: true });
    // …and leads back to the run it replayed.
    await runs.replayOrigin().click();
    await expect.poll(() => runs.detail().getAttribute('data-run-id'), patient).toBe(partialRunId);
    expect(await runs.runScope().getAttribute('data-kind')).toBe('window');
  });

  it('exports the run’s audit rows and lists the history with its chart', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^run-.*\.csv$/);
    const content = fs.readFileSync((await download.path())!, 'utf8');
    expect(content.split('\r\n')[0]).toMatch(/^id,runId,sourceKey/);

    await page.getByTestId('back-to-runs').click();
    await runs.table().waitFor();
    // Dry run, run, partial run and two replays.
    await expect.poll(() => page.getByTestId('run-row').count(), patient).toBe(5);
    expect(await runs.chart().getByTestId('chart-bar').count()).toBe(5);
    await page.screenshot({ path: screenshotPath('runs-03-history'), fullPage: true });
    await app.themeToggle().click();
    await app.themeToggle().click();
    await page.screenshot({ path: screenshotPath('runs-04-history-dark'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
