import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Connection } from '../../shared/domain/connection';
import type { RecordAudit, Run } from '../../shared/domain/run';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { FlowsPage } from './pages/flows.page';
import { RunsPage } from './pages/runs.page';
import { runOutcomeCounts } from '../../renderer/src/features/flows/run-progress-text';

/**
 * Issue 16 in the UI: M3 customers → Dynamics contacts and back, two flows over the studio's own
 * sandbox. The second flow skips what the first wrote (echoes), and a customer changed on both sides
 * is settled by the forward flow's conflict rules, set and reopened in the flow form. Mappings are
 * arranged through the contract (the Mapper and the reverse-flow button have their own tests);
 * changes "made by users" go to the simulators' own APIs with the sandbox's credential files.
 */

/** Two shared cores: give the UI time to answer (the default poll gives up after a second). */
const patient = { timeout: 30_000, interval: 100 };
const runTimeout = { timeout: 120_000 };
const forwardName = 'Customers to contacts';
const reverseName = 'Contacts back to customers';
/** The customer both sides change before the conflict run. */
const customerNumber = 'C0000004';

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

/** What a user changes in M3: CRS610MI ChgBasicData with the sandbox's backend-service `.ionapi` file. */
async function changeInM3(studio: Studio, company: string | undefined, fields: Record<string, string>) {
  const file = JSON.parse(
    fs.readFileSync(path.join(studio.dataDir, 'sandbox', 'infor-backend-service.ionapi'), 'utf8'),
  ) as Record<string, string>;
  const grant = await fetch(`${file.pu}${file.ot}`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      username: file.saak!,
      password: file.sask!,
      client_id: file.ci!,
      client_secret: file.cs!,
    }),
  });
  expect(grant.status).toBe(200);
  const { access_token: token } = (await grant.json()) as { access_token: string };
  const matrix = company ? `;cono=${company}` : '';
  const query = new URLSearchParams({ CUNO: customerNumber, ...fields });
  const answer = await fetch(`${file.iu}/${file.ti}/M3/m3api-rest/v2/execute/CRS610MI/ChgBasicData${matrix}?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { results: Array<{ errorMessage?: string }> };
  expect(body.results[0]?.errorMessage).toBeUndefined();
}

/** What a user changes in Dynamics: a Web API PATCH of the contact with the sandbox's app registration. */
async function changeInDynamics(studio: Studio, fields: Record<string, string>) {
  const file = JSON.parse(
    fs.readFileSync(path.join(studio.dataDir, 'sandbox', 'dynamics-sandbox.connection.json'), 'utf8'),
  ) as { settings: Record<string, string>; secrets: Record<string, string> };
  const { orgUrl, authorityUrl, tenant, clientId } = file.settings;
  const grant = await fetch(`${authorityUrl}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId!,
      client_secret: file.secrets.client_secret!,
      scope: `${orgUrl}/.default`,
    }),
  });
  expect(grant.status).toBe(200);
  const { access_token: token } = (await grant.json()) as { access_token: string };
  // The contact the forward flow made for the customer (its alternate key is the Infor id).
  const answer = await fetch(`${orgUrl}/api/data/v9.2/contacts(mlc_inforcontactid='${customerNumber}')`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': '*' },
    body: JSON.stringify(fields),
  });
  expect(answer.status, await answer.clone().text()).toBe(204);
}

describe('Two flows in opposite directions in Chromium', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let app: StudioPage;
  let flows: FlowsPage;
  let runs: RunsPage;
  let infor: Connection;
  const problems: string[] = [];

  /** Runs a flow from its card and waits for that run (not an earlier one) to end. */
  const runFromCard = async (name: string): Promise<Run> => {
    await app.nav('flows').click();
    const flowId = await flows.card(name).getAttribute('data-flow-id');
    const before = (await contract<Run[]>(studio, 'runs.list', { flowId, limit: 1 }))[0]?.id;
    await flows.runNow(name).click();
    let latest: Run | undefined;
    await expect
      .poll(async () => {
        latest = (await contract<Run[]>(studio, 'runs.list', { flowId, limit: 1 }))[0];
        return latest && latest.id !== before && latest.finishedAt !== null;
      }, runTimeout)
      .toBe(true);
    expect(latest!.error).toBeNull();
    expect(latest!.counters.failed).toBe(0);
    await flows.finished(name, false).waitFor(patient);
    return latest!;
  };
  /** Opens a flow's latest run on the Runs screen, once its card shows that run's whole summary. */
  const openLatestRun = async (name: string, run: Run) => {
    await app.nav('flows').click();
    await expect
      .poll(() => flows.outcome(name).textContent(), patient)
      .toContain(runOutcomeCounts(run.counters, false));
    await flows.openRun(name).click();
    await runs.detail().waitFor();
  };

  beforeAll(async () => {
    studio = await startStudio();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1440, height: 900 });
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

  it('creates both flows in the flow form, the forward one with conflict rules that are still there reopened', async () => {
    await page.getByTestId('open-sandbox').first().click();
    await page.locator('[data-testid="connection-card"][data-system="dynamics"]').waitFor();
    const connections = await contract<Connection[]>(studio, 'connections.list', {});
    infor = connections.find((connection) => connection.system === 'infor')!;
    const dynamics = connections.find((connection) => connection.system === 'dynamics')!;
    // Both mappings through the contract: four fields each way, copies so every one goes round.
    await contract(studio, 'mappings.save', {
      name: 'M3 customers → contacts',
      sourceEntity: 'customers',
      targetEntity: 'contact',
      sourceConnectionId: infor.id,
      targetConnectionId: dynamics.id,
      expression: '{ "mlc_inforcontactid": CUNO, "lastname": $trim(CUNM), "address1_city": TOWN, "telephone1": PHNO }',
    });
    // Back to M3 only contacts that came from M3: Dynamics' own contacts (CT-…) are not customers.
    await contract(studio, 'mappings.save', {
      name: 'Contacts → M3 customers',
      sourceEntity: 'contact',
      targetEntity: 'customers',
      sourceConnectionId: dynamics.id,
      targetConnectionId: infor.id,
      expression:
        '$substring(mlc_inforcontactid, 0, 3) != "CT-" ? { "CUNO": mlc_inforcontactid, "CUNM": lastname, "TOWN": address1_city, "PHNO": telephone1 }',
    });

    await app.nav('flows').click();
    const create = async (name: string, mapping: string, matchKey: string) => {
      await flows.newFlow().click();
      await flows.editor().waitFor();
      const value = await flows
        .mapping()
        .evaluate(
          (element, wanted) =>
            [...(element as HTMLSelectElement).options].find((option) => option.text.includes(wanted))?.value,
          mapping,
        );
      await flows.mapping().selectOption(value!);
      await flows.name().fill(name);
      await flows
        .matchKey()
        .locator(`option[value="${matchKey}"]`)
        .waitFor({ state: 'attached', ...patient });
      await flows.matchKey().selectOption(matchKey);
    };

    await create(forwardName, 'M3 customers → contacts', 'mlc_inforcontactid');
    const conflicts = page.getByTestId('flow-conflicts');
    await conflicts.scrollIntoViewIfNeeded();
    await page.getByTestId('flow-conflict-default').selectOption('source');
    await page.getByTestId('flow-conflict-add').click();
    await page.getByTestId('flow-conflict-field').fill('telephone1');
    await page.getByTestId('flow-conflict-winner').selectOption('target');
    await conflicts.screenshot({ path: screenshotPath('two-way-01-conflict-rules') });
    await flows.save().click();
    await flows.card(forwardName).waitFor(patient);

    // Reopened: the default and the per-field rule are what was saved.
    await flows.card(forwardName).getByTestId('edit-flow').click();
    await flows.editor().waitFor();
    expect(await page.getByTestId('flow-conflict-default').inputValue()).toBe('source');
    expect(await page.getByTestId('flow-conflict-rule').count()).toBe(1);
    expect(await page.getByTestId('flow-conflict-field').inputValue()).toBe('telephone1');
    expect(await page.getByTestId('flow-conflict-winner').inputValue()).toBe('target');
    await page.getByTestId('flow-conflicts').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('two-way-02-flow-form') });
    await flows.editor().getByRole('button', { name: 'Cancel' }).click();
    await flows.editor().waitFor({ state: 'detached' });

    await create(reverseName, 'Contacts → M3 customers', 'CUNO');
    await flows.save().click();
    await flows.card(reverseName).waitFor(patient);
    const saved = await contract<Array<{ id: string; name: string; options: { conflicts?: unknown } }>>(
      studio,
      'flows.list',
      {},
    );
    expect(saved.find((flow) => flow.name === forwardName)?.options.conflicts).toEqual({
      default: 'source',
      fields: { telephone1: 'target' },
    });
  });

  it('runs both: the reverse flow skips the forward flow’s writes as echoes, and a second pass moves nothing', async () => {
    const forward = await runFromCard(forwardName);
    expect(forward.counters.created).toBeGreaterThan(0);
    const reverse = await runFromCard(reverseName);
    expect(reverse.counters.created + reverse.counters.updated).toBe(0);
    expect(reverse.counters.echoes).toBe(forward.counters.created);

    // The card adds up: everything read was skipped, most of it as echoes.
    await app.nav('flows').click();
    await expect
      .poll(() => flows.outcome(reverseName).textContent(), patient)
      .toContain(
        `${reverse.counters.skipped.toLocaleString('en-US')} skipped (${reverse.counters.echoes!.toLocaleString('en-US')} echoes)`,
      );
    await flows.card(reverseName).screenshot({ path: screenshotPath('two-way-03-reverse-card') });
    await openLatestRun(reverseName, reverse);
    const echoes = page.getByTestId('counter-echoes');
    await echoes.waitFor(patient);
    expect(await echoes.textContent()).toBe(`${reverse.counters.echoes!.toLocaleString('en-US')}echoes skipped`);
    expect(await page.getByTestId('counter-conflicts').count()).toBe(0);
    await runs.filterOutcome('skipped');
    // "Key or error" searches the messages: an echo's names the flow that wrote the record.
    await page.getByTestId('audit-key').fill(forwardName);
    await expect
      .poll(() => runs.auditTotal().textContent(), patient)
      .toBe(`${reverse.counters.echoes!.toLocaleString('en-US')} rows`);
    expect(await runs.auditRows('skipped').first().textContent()).toContain(`ECHO`);
    expect(await runs.auditRows('skipped').first().textContent()).toContain(forwardName);
    await page.screenshot({ path: screenshotPath('two-way-04-echoes') });

    expect((await runFromCard(forwardName)).counters).toMatchObject({ created: 0, updated: 0 });
    expect((await runFromCard(reverseName)).counters).toMatchObject({ created: 0, updated: 0 });
  });

  it('settles a customer changed on both sides by the rules and shows the conflict with its diff', async () => {
    await changeInM3(studio, infor.settings.m3Company as string | undefined, {
      PHNO: '+46 8 555 0104',
      TOWN: 'Uppsala',
    });
    await changeInDynamics(studio, { telephone1: '+46 70 555 0104', address1_city: 'Malmö' });

    const ruled = await runFromCard(forwardName);
    expect(ruled.counters).toMatchObject({ updated: 1, created: 0, conflicts: 1 });
    await app.nav('flows').click();
    await expect.poll(() => flows.outcome(forwardName).textContent(), patient).toContain('1 updated');
    expect(await flows.outcome(forwardName).textContent()).toContain('1 conflict resolved');
    await openLatestRun(forwardName, ruled);
    const resolved = page.getByTestId('counter-conflicts');
    await resolved.waitFor(patient);
    expect(await resolved.textContent()).toBe('1conflicts resolved');
    await page.screenshot({ path: screenshotPath('two-way-05-run-conflicts') });

    await runs.filterOutcome('updated');
    const row = runs.auditRows('updated').first();
    await row.waitFor(patient);
    expect(await row.textContent()).toContain('CONFLICT');
    await row.click();
    const diff = runs.recordDetail().getByTestId('record-diff');
    await diff.waitFor(patient);
    expect(await runs.recordDetail().textContent()).toContain('Conflicts resolved');
    const cells = await diff
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    // telephone1: Dynamics keeps its own (the field rule); address1_city: M3's value is written (the default).
    expect(cells).toEqual(
      expect.arrayContaining([
        ['telephone1', '+46 70 555 0104', '+46 70 555 0104 (kept)'],
        ['address1_city', 'Malmö', 'Uppsala'],
      ]),
    );
    const note = await runs.recordDetail().getByTestId('record-note').textContent();
    expect(note).toContain('CONFLICT');
    expect(note).toMatch(
      /telephone1 \(.+ value kept, rule “target”\); address1_city \(source value written, rule “source”\)|address1_city \(source value written, rule “source”\); telephone1 \(.+ value kept, rule “target”\)/,
    );
    await page.screenshot({ path: screenshotPath('two-way-06-conflict-record') });

    const [audit] = (
      await contract<{ items: RecordAudit[] }>(studio, 'audit.list', { runId: ruled.id, outcome: 'updated', limit: 1 })
    ).items;
    expect(audit?.errorCode).toBe('CONFLICT');
    expect(problems).toEqual([]);
  });
});
