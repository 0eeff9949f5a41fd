import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { invokeFromPage } from './support/session';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';
import { FlowsPage } from './pages/flows.page';

/** Two shared cores and a 10 s schedule: wait for conditions, generously. */
const patient = { timeout: 60_000, interval: 250 };
const flowName = 'Customers every ten seconds';

describe('Schedules fire in mlc studio and the Flows screen follows them', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let app: StudioPage;
  let flows: FlowsPage;
  let flowId = '';
  const problems: string[] = [];

  /** A contract call from the page, with the page's own bridge token. */
  const invoke = <T>(method: string, input: unknown) => invokeFromPage<T>(page, method, input);
  const card = () => flows.card(flowName);
  const lastRun = () => card().getByTestId('flow-last-run');
  const scheduledRuns = async () =>
    (await invoke<Array<{ trigger: string }>>('runs.list', { flowId })).filter((run) => run.trigger === 'schedule')
      .length;

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

  it('shows a flow created elsewhere with its live next run, and its scheduled runs as they happen, without a click', async () => {
    await app.nav('connections').click();
    const connections = new ConnectionsPage(page);
    await connections.openSandbox().click();
    await connections.cards().nth(5).waitFor();
    await app.nav('flows').click();
    await flows.empty().waitFor();

    // Arranged through the contract: the product's smallest interval is 10 s
    // (shared/domain/flow.ts); the editor offers minutes only.
    const all = await invoke<Array<{ id: string; system: string }>>('connections.list', {});
    const mapping = await invoke<{ id: string }>('mappings.save', {
      name: flowName,
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      expression: '{ "Infor_Customer_No": CUNO, "Account_Name": CUNM, "Account_Number": CUNO, "Billing_City": TOWN }',
    });
    const flow = await invoke<{ id: string }>('flows.save', {
      name: flowName,
      source: {
        connectionId: all.find((connection) => connection.system === 'infor')!.id,
        entity: 'customers',
        lookbackSeconds: 0,
      },
      mappingId: mapping.id,
      target: {
        connectionId: all.find((connection) => connection.system === 'zoho')!.id,
        entity: 'Accounts',
        matchKey: ['Infor_Customer_No'],
      },
      schedule: { kind: 'interval', everySeconds: 10, timeZone: 'UTC' },
    });
    flowId = flow.id;

    // The screen learns of the new flow from the backend's push.
    await card().waitFor({ timeout: patient.timeout });
    await expect.poll(() => card().getByTestId('flow-schedule').getAttribute('data-state'), patient).toBe('active');
    await expect.poll(() => card().getByTestId('flow-schedule').textContent(), patient).toContain('Every 10 seconds');
    const nextRun = await card().getByTestId('flow-next-run').getAttribute('data-next-run');
    expect(Date.parse(nextRun!)).toBeGreaterThan(Date.now() - 2_000);
    expect(await card().getByTestId('flow-next-run').textContent()).toMatch(/^(in \d+ s|due now)$/);
    expect(await lastRun().textContent()).toBe('never');

    await expect.poll(() => lastRun().getAttribute('data-status'), patient).toBe('succeeded');
    expect(await lastRun().getAttribute('data-trigger')).toBe('schedule');
    expect(await lastRun().textContent()).toMatch(/^succeeded .* \(on schedule\) · 1,000 read, 0 failed/);
    const first = await lastRun().getAttribute('data-run-id');
    await page.screenshot({ path: screenshotPath('schedules-01-ran-on-schedule') });

    // And again, one interval later.
    await expect
      .poll(
        async () =>
          (await lastRun().getAttribute('data-run-id')) !== first &&
          (await lastRun().getAttribute('data-status')) === 'succeeded',
        patient,
      )
      .toBe(true);
    expect(await scheduledRuns()).toBeGreaterThanOrEqual(2);
    await expect
      .poll(() => card().getByTestId('flow-next-run').getAttribute('data-next-run'), patient)
      .not.toBe(nextRun);
  });

  it('shows a paused flow as paused and starts no runs until it is resumed', async () => {
    const due = Date.parse((await card().getByTestId('flow-next-run').getAttribute('data-next-run'))!);
    await card().getByTestId('pause-flow').click();
    await card().getByTestId('flow-paused').waitFor();
    await expect.poll(() => card().getByTestId('flow-schedule').getAttribute('data-state'), patient).toBe('paused');
    expect(await card().getByTestId('flow-schedule').getAttribute('class')).toContain('schedule-paused');
    expect(await card().getByTestId('pause-flow').textContent()).toBe('Resume');
    expect(await card().getByTestId('flow-next-run').textContent()).toContain('none while paused');
    // A tick may have started a run just before the pause: let it end, then count.
    await expect.poll(() => lastRun().getAttribute('data-status'), patient).not.toBe('running');
    const runs = await scheduledRuns();
    const shown = await lastRun().getAttribute('data-run-id');
    await page.screenshot({ path: screenshotPath('schedules-02-paused') });

    // Not firing can only be seen by waiting past the moment it was due.
    await page.waitForTimeout(Math.max(0, due - Date.now()) + 12_000);
    expect(await scheduledRuns()).toBe(runs);
    expect(await lastRun().getAttribute('data-run-id')).toBe(shown);

    await card().getByTestId('pause-flow').click();
    await expect.poll(() => card().getByTestId('flow-schedule').getAttribute('data-state'), patient).toBe('active');
    expect(await card().getByTestId('flow-paused').count()).toBe(0);
    await expect.poll(() => card().getByTestId('flow-next-run').getAttribute('data-next-run'), patient).not.toBe('');
    // Resumed after more than an interval: the missed run happens now, and the screen shows it.
    await expect.poll(() => lastRun().getAttribute('data-run-id'), patient).not.toBe(shown);
    await page.screenshot({ path: screenshotPath('schedules-03-resumed') });
    expect(problems).toEqual([]);
  });
});
