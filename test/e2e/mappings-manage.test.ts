import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph, type MappingGraph } from '../../shared/mapping/index';
import { customerGraph } from '../bundle/support/infor-to-zoho';
import { screenshotPath } from './support/browser';
import { invokeFromPage, studioInBrowser } from './support/session';
import { StudioPage } from './pages/studio.page';
import { ConnectionsPage } from './pages/connections.page';
import { FlowsPage } from './pages/flows.page';
import { MapperPage } from './pages/mapper.page';
import { TestGraph } from '../mapping/support/graph-builder';

/** Two shared cores: give the UI time to answer. */
const patient = { timeout: 20_000, interval: 100 };

const v1: MappingGraph = customerGraph();
/** The next version drops the Phone line. */
const v2: MappingGraph = { ...v1, edges: v1.edges.filter((edge) => edge.targetHandle !== 'Phone') };

/** Issue 19: saved mappings you can manage, schedules that say what is wrong, one date format. */
describe('Managing saved mappings, schedule errors and dates in Chromium', () => {
  // The small laptop size the issue was measured at: long pages scroll here.
  const session = studioInBrowser({ viewport: { width: 1280, height: 720 } });
  let app: StudioPage;
  const invoke = <T>(method: string, input: unknown) => invokeFromPage<T>(session.page, method, input);
  const row = (name: string) => session.page.locator(`[data-testid="mapping-row"][data-name="${name}"]`);
  const names = () =>
    session.page.getByTestId('mapping-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));

  beforeAll(async () => {
    app = new StudioPage(session.page);
    await app.open(session.studio.url);
  });

  it('renames, duplicates and deletes mappings, saying which flows use one before it is deleted', async () => {
    const { page } = session;
    await app.nav('connections').click();
    const connections = new ConnectionsPage(page);
    await connections.openSandbox().click();
    await connections.cards().nth(5).waitFor();
    const all = await invoke<Array<{ id: string; system: string }>>('connections.list', {});
    const infor = all.find((connection) => connection.system === 'infor')!.id;
    const zoho = all.find((connection) => connection.system === 'zoho')!.id;

    // Arranged through the contract: two saves of one mapping (two versions) and a spare one.
    const design = (graph: MappingGraph) => ({
      name: 'Customers',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      sourceConnectionId: infor,
      targetConnectionId: zoho,
      graph,
      expression: compileGraph(graph).expression,
    });
    const customers = await invoke<{ id: string }>('mappings.save', design(v1));
    await invoke('mappings.save', { ...design(v2), id: customers.id });
    await invoke('mappings.save', { ...design(v1), name: 'Spare' });
    await invoke('flows.save', {
      name: 'Customers nightly',
      source: { connectionId: infor, entity: 'customers', lookbackSeconds: 0 },
      mappingId: customers.id,
      target: { connectionId: zoho, entity: 'Accounts', matchKey: ['Infor_Customer_No'] },
      schedule: { kind: 'manual' },
    });

    await app.nav('mapper').click();
    await page.getByTestId('mapping-list').waitFor();
    expect(await names()).toEqual(['Customers', 'Spare']);
    // One date format: "4 Dec, 09:05:12" (the year only for another year).
    expect(await row('Customers').getByTestId('mapping-updated').textContent()).toMatch(
      /^\d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2}:\d{2}$/,
    );

    await row('Spare').getByTestId('mapping-rename').click();
    await page.getByTestId('rename-input').fill('Customers (spare)');
    await page.getByTestId('rename-input').press('Enter');
    await expect.poll(names, patient).toEqual(['Customers', 'Customers (spare)']);
    expect(await page.getByTestId('mapping-notice').textContent()).toBe('Renamed to “Customers (spare)”.');

    await row('Customers').getByTestId('mapping-duplicate').click();
    await expect.poll(names, patient).toEqual(['Customers', 'Customers (copy)', 'Customers (spare)']);

    // In use: the dialog names the flow and offers no Delete.
    await row('Customers').getByTestId('mapping-delete').click();
    const dialog = page.getByTestId('delete-mapping-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('delete-mapping-users').textContent()).toBe('Customers nightly');
    expect(await dialog.getByTestId('delete-mapping-confirm').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('mappings-01-delete-in-use') });
    await dialog.getByTestId('delete-mapping-close').click();

    await row('Customers (spare)').getByTestId('mapping-delete').click();
    await dialog.getByTestId('delete-mapping-confirm').click();
    await expect.poll(names, patient).toEqual(['Customers', 'Customers (copy)']);
    expect(await page.getByTestId('mapping-notice').textContent()).toBe('Deleted “Customers (spare)”.');
  });

  it('shows History with a field-by-field diff, and Restore makes a new version', async () => {
    const { page } = session;
    await row('Customers').getByTestId('mapping-history').click();
    const history = page.getByTestId('history');
    await history.getByTestId('history-version').nth(1).waitFor();
    expect(
      await history.getByTestId('history-version').evaluateAll((items) => items.map((i) => i.dataset.version)),
    ).toEqual(['2', '1']);
    await history.locator('[data-version="1"]').getByTestId('history-compare').click();
    await history.getByTestId('history-diff').waitFor();
    expect(await history.getByTestId('history-change').allTextContents()).toEqual([
      'removed Phone: no longer mapped (was PHNO)',
    ]);
    // It opened below the list at 1280x720: it was brought into view.
    expect(await history.getByTestId('history-diff').isVisible()).toBe(true);
    const box = await history.getByTestId('history-diff').boundingBox();
    const statusBar = await page.locator('.statusbar').boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(statusBar!.y);
    await page.screenshot({ path: screenshotPath('mappings-02-history-diff') });

    await history.locator('[data-version="1"]').getByTestId('history-restore').click();
    await expect
      .poll(() => page.getByTestId('mapping-notice').textContent(), patient)
      .toBe('Restored version 1 of “Customers” as a new version.');
    await history.locator('[data-version="3"]').waitFor();
    expect(await history.locator('[data-version="3"]').textContent()).toContain('restored from version 1');
    expect(await history.locator('[data-version="3"]').textContent()).toContain('current');
    const restored = await invoke<Array<{ version: number; restoredFrom: number | null }>>('mappings.versions', {
      id: (await invoke<Array<{ id: string; name: string }>>('mappings.list', {})).find((m) => m.name === 'Customers')!
        .id,
    });
    expect(restored.map((version) => [version.version, version.restoredFrom])).toEqual([
      [3, 1],
      [2, null],
      [1, null],
    ]);

    // The window itself never scrolls: long pages scroll in the content and the sidebar stays put.
    await page.getByTestId('history').scrollIntoViewIfNeeded();
    expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBe(0);
    expect((await app.nav('connections').boundingBox())!.y).toBeGreaterThanOrEqual(0);
    await page.screenshot({ path: screenshotPath('mappings-03-restored') });
  });

  it('joins any number of texts with a separator in one Concatenate node', async () => {
    const { page } = session;
    const all = await invoke<Array<{ id: string; system: string }>>('connections.list', {});
    const b = new TestGraph(
      { CUNO: 'string', CUNM: 'string', CUA1: 'string', TOWN: 'string', PONO: 'string' },
      { Infor_Customer_No: 'string', Account_Name: 'string', Billing_Street: 'string' },
    );
    b.to('Infor_Customer_No', b.src('CUNO'))
      .to('Account_Name', b.src('CUNM'))
      .to('Billing_Street', b.fn('concat', b.src('CUA1'), b.src('TOWN')));
    const concat = b.graph.nodes.find((node) => node.kind === 'function')!;
    await invoke('mappings.save', {
      name: 'Address line',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      sourceConnectionId: all.find((connection) => connection.system === 'infor')!.id,
      targetConnectionId: all.find((connection) => connection.system === 'zoho')!.id,
      graph: b.graph,
      expression: compileGraph(b.graph).expression,
    });
    await app.nav('connections').click();
    await app.nav('mapper').click();
    const mapper = new MapperPage(page);
    await mapper.openSaved('Address line').click();
    await page.getByTestId(`node-${concat.id}-more`).click();
    await expect.poll(() => page.getByTestId(`node-${concat.id}-more`).isEnabled(), patient).toBe(true);
    const separator = page.getByTestId(`node-${concat.id}-separator`);
    await separator.fill(', ');
    await separator.press('Enter');
    await mapper.tab('jsonata').click();
    await expect.poll(() => mapper.jsonata().inputValue(), patient).toContain('CUA1 & ", " & TOWN');
    expect(await page.locator(`[data-id="${concat.id}"] .react-flow__handle[data-handleid="in2"]`).count()).toBe(1);
    await page.screenshot({ path: screenshotPath('mappings-05-concatenate') });
    await mapper.backToList().click();
    const leave = page.getByTestId('leave-dialog');
    if (await leave.isVisible()) await leave.getByTestId('leave-discard').click();
    await page.getByTestId('mapping-list').waitFor();
  });

  it('asks before saving a mapping that Issues lists errors for', async () => {
    const { page } = session;
    // Arranged through the contract: the Customers design without Account_Name (required in Zoho).
    const all = await invoke<Array<{ id: string; system: string }>>('connections.list', {});
    const noName: MappingGraph = { ...v1, edges: v1.edges.filter((edge) => edge.targetHandle !== 'Account_Name') };
    await invoke('mappings.save', {
      name: 'Without a name',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      sourceConnectionId: all.find((connection) => connection.system === 'infor')!.id,
      targetConnectionId: all.find((connection) => connection.system === 'zoho')!.id,
      graph: noName,
      expression: compileGraph(noName).expression,
    });
    await app.nav('connections').click();
    await app.nav('mapper').click();
    const mapper = new MapperPage(page);
    await mapper.openSaved('Without a name').click();
    await mapper.tab('issues').click();
    await mapper.issue('unmapped-required').first().waitFor({ timeout: 60_000 });
    await mapper.tab('preview').click();
    await mapper.save().click();
    const dialog = page.getByTestId('save-issues-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('save-issues-list').textContent()).toContain(
      'Account Name is required but not mapped.',
    );
    await page.screenshot({ path: screenshotPath('mappings-04-save-with-issues') });
    await dialog.getByTestId('save-issues-show').click();
    await expect.poll(() => mapper.tab('issues').getAttribute('aria-selected'), patient).toBe('true');
    // Saving anyway (the page object's saveAnyway answers the question the same way).
    await mapper.saveAnyway();
    await mapper.backToList().click();
    await page.getByTestId('mapping-list').waitFor();
  });

  it('says at once when a cron has the wrong field count or the zone is not one, and names the zone of the next runs', async () => {
    const { page, problems } = session;
    await app.nav('flows').click();
    const flows = new FlowsPage(page);
    await flows.newFlow().click();
    await flows.editor().waitFor();
    await page.getByTestId('schedule-kind-cron').click();
    await page.getByTestId('schedule-cron').fill('0 6 * *');
    const error = page.getByTestId('schedule-preview-error');
    await expect
      .poll(() => error.textContent(), patient)
      .toBe(
        'A cron expression has five fields (minute hour day-of-month month day-of-week), e.g. */15 * * * *; this one has 4.',
      );
    await page.screenshot({ path: screenshotPath('schedules-02-cron-field-count') });

    await page.getByTestId('schedule-cron').fill('0 6 * * 1-5');
    await page.getByTestId('schedule-timezone').fill('Europe/Pariss');
    await expect
      .poll(() => error.textContent(), patient)
      .toBe(
        '“Europe/Pariss” is not a time zone. Pick one from the list, e.g. Europe/Amsterdam, America/New_York or UTC.',
      );
    expect(await page.getByTestId('schedule-timezone').getAttribute('aria-invalid')).toBe('true');

    await page.getByTestId('schedule-timezone').fill('America/New_York');
    await expect
      .poll(() => page.getByTestId('schedule-next-zone').textContent(), patient)
      .toBe('Next runs, in America/New_York time:');
    // 06:00 in New York, whatever zone the browser is in.
    const next = await page.getByTestId('schedule-next').locator('li').allTextContents();
    expect(next).toHaveLength(5);
    for (const stamp of next) expect(stamp).toMatch(/^\d{1,2} [A-Z][a-z]{2}( \d{4})?, 06:00$/);
    await page.getByTestId('schedule-editor').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('schedules-03-next-runs-zone') });
    expect(problems).toEqual([]);
  });
});
