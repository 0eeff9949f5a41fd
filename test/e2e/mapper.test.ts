import { describe, expect, it } from 'vitest';
import { screenshotPath } from './support/browser';
import { studioInBrowser } from './support/session';
import type { Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { MapperPage } from './pages/mapper.page';

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

describe('the mapper in Chromium', () => {
  const session = studioInBrowser();

  it('maps Infor M3 customers to Zoho accounts end to end', async () => {
    const { page, problems, studio } = session;
    const app = new StudioPage(page);
    const mapper = new MapperPage(page);
    await app.open(studio.url);

    // Sandbox connections through the Connections page's own button.
    await app.openSandbox(['zoho', 'infor']);

    await app.nav('mapper').click();
    await mapper.chooser().waitFor();
    await page.screenshot({ path: screenshotPath('mapper-01-choose') });
    await mapper.choose({
      source: 'Infor',
      sourceEntity: 'customers',
      target: 'Zoho',
      targetEntity: 'Accounts',
      name: 'M3 customers → Zoho accounts',
    });
    await expect
      .poll(() => page.getByTestId('preview-status').or(page.getByTestId('jsonata-status')).first().isVisible())
      .toBe(true);
    await page.screenshot({ path: screenshotPath('mapper-02-empty-canvas') });

    // Auto-map: accept what it suggests.
    await page.getByTestId('automap').click();
    await page.getByTestId('suggestion-Account_Name').waitFor();
    await page.screenshot({ path: screenshotPath('mapper-03-suggestions') });
    // No guess for Customer_Since: nothing in OCUSMA is described as a "since" date, so it is drawn by hand below.
    expect(await page.getByTestId('suggestion-Customer_Since').count()).toBe(0);
    // CUTP is M3's customer type code (0, 1…), not one of Zoho's account types: auto-map no longer guesses it.
    expect(await page.getByTestId('suggestion-Account_Type').count()).toBe(0);
    await page.getByTestId('automap-accept-all').click();
    await expect.poll(() => page.getByTestId('suggestion-Account_Name').getAttribute('data-status')).toBe('accepted');
    const afterAutoMap = await mapper.edges().count();
    expect(afterAutoMap).toBeGreaterThanOrEqual(10);
    await page.screenshot({ path: screenshotPath('mapper-04-auto-mapped') });

    // One edge by hand: the change date feeds Customer_Since.
    await mapper.reveal('source', 'LMDT');
    await mapper.reveal('target', 'Customer_Since');
    await mapper.dragEdge('LMDT', 'Customer_Since');
    await expect.poll(() => mapper.edges().count()).toBe(afterAutoMap + 1);
    await mapper.tab('jsonata').click();
    await expect.poll(() => mapper.jsonata().inputValue()).toContain('"Customer_Since": LMDT');
    await page.screenshot({ path: screenshotPath('mapper-05-hand-drawn-edge') });

    // Preview of live sample records.
    await mapper.tab('preview').click();
    await expect.poll(() => page.getByTestId('preview-output').textContent()).toContain('Account_Name');
    await page.screenshot({ path: screenshotPath('mapper-06-preview') });

    // The Infor payment terms codes are not Zoho picklist values: a validation finding.
    await mapper.tab('issues').click();
    await mapper.issue('picklist-value').first().waitFor();
    expect(await mapper.issue('picklist-value').first().textContent()).toContain('Payment_Terms');
    await page.screenshot({ path: screenshotPath('mapper-07-validation') });

    // Fix it with a value map seeded from the samples' distinct codes.
    await page.getByTestId('fix-value-map-Payment_Terms').click();
    const editor = page.getByTestId('value-map-editor');
    await editor.waitFor();
    const targets = editor.locator('select[data-testid^="value-map-to-"]');
    const count = await targets.count();
    expect(count).toBeGreaterThan(0);
    const terms = ['Net 15', 'Net 30', 'Net 45', 'Net 60', 'Due on Receipt'];
    for (let index = 0; index < count; index += 1)
      await targets.nth(index).selectOption({ label: terms[index % terms.length] as string });
    await mapper.tab('issues').click();
    await expect.poll(() => mapper.issue('picklist-value').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('mapper-08-value-map-fixed') });

    // Edit the JSONata text: the graph follows.
    await mapper.tab('jsonata').click();
    const functionsBefore = await page.locator('[data-kind="function"]').count();
    const text = await mapper.jsonata().inputValue();
    expect(text).toContain('"Billing_City": TOWN');
    await mapper.jsonata().fill(text.replace('"Billing_City": TOWN', '"Billing_City": $uppercase(TOWN)'));
    await expect.poll(() => page.locator('[data-kind="function"]').count()).toBe(functionsBefore + 1);
    await page.screenshot({ path: screenshotPath('mapper-09-jsonata-edited') });

    // Undo (keyboard, outside the text field) takes the text edit back.
    await page.getByTestId('mapper-canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.locator('[data-kind="function"]').count()).toBe(functionsBefore);
    await expect.poll(() => mapper.jsonata().inputValue()).toContain('"Billing_City": TOWN');
    await page.screenshot({ path: screenshotPath('mapper-10-undone') });

    // Save, then find it through the contract with its graph and compiled JSONata.
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('save').getAttribute('data-dirty')).toBe('false');
    const saved = await contract<{ name: string; expression: string; graph: { edges: unknown[] } }[]>(
      studio,
      'mappings.list',
      {},
    );
    expect(saved.map((mapping) => mapping.name)).toContain('M3 customers → Zoho accounts');
    expect(saved[0]?.expression).toContain('$lookup(');
    expect(saved[0]?.graph.edges.length).toBe(afterAutoMap + 1 + 1);
    await page.screenshot({ path: screenshotPath('mapper-11-saved') });
    expect(problems).toEqual([]);
  });

  it('reopens the saved mapping, traces a field, adds a node from the palette, in the dark theme', async () => {
    const { page, problems } = session;
    const mapper = new MapperPage(page);
    await page.getByRole('button', { name: 'Back to all mappings' }).click();
    await page.getByTestId('mapping-list').waitFor();
    await page.getByTestId('open-mapping-M3 customers → Zoho accounts').click();
    await mapper.tree('target').waitFor();
    await expect.poll(() => mapper.edges().count()).toBeGreaterThanOrEqual(13);
    expect(await page.getByTestId('save').getAttribute('data-dirty')).toBe('false');

    // Lineage: pick the target field, its source field and the value map light up.
    await mapper.reveal('target', 'Payment_Terms');
    await mapper.row('target', 'Payment_Terms').locator('.field-main').click();
    // OCUSMA has 176 columns: the virtualised source tree renders TEPY only once scrolled to.
    await mapper.reveal('source', 'TEPY');
    await expect.poll(() => mapper.row('source', 'TEPY').getAttribute('class')).toContain('lit');
    await expect.poll(() => page.locator('.react-flow__node.lit').count()).toBe(1);
    await expect.poll(() => page.locator('.react-flow__edge.lit').count()).toBe(2);
    await mapper.tab('jsonata').click();
    expect(await page.locator('.code-backdrop mark').textContent()).toContain('$lookup(');
    await page.screenshot({ path: screenshotPath('mapper-12-lineage') });

    // Palette: drag a function onto the canvas, then switch to the dark theme.
    const functions = await page.locator('[data-kind="function"]').count();
    await mapper.showPalette();
    await page
      .getByTestId('palette-trim')
      .dragTo(page.getByTestId('mapper-canvas'), { targetPosition: { x: 300, y: 120 } });
    await expect.poll(() => page.locator('[data-kind="function"]').count()).toBe(functions + 1);
    const valueMap = page.locator('.react-flow__node-valueMap');
    const before = await valueMap.getAttribute('style');
    await page.getByTestId('layout').click();
    await expect.poll(() => valueMap.getAttribute('style')).not.toBe(before);
    // The dropped node is selected: the Delete key removes it (one undoable step).
    await page.locator('.react-flow__node-function').last().click();
    await page.keyboard.press('Delete');
    await expect.poll(() => page.locator('[data-kind="function"]').count()).toBe(functions);
    await page.getByTestId('theme-toggle').click();
    await page.getByTestId('theme-toggle').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await expect.poll(() => page.locator('.react-flow.dark').count()).toBe(1);
    await mapper.tab('preview').click();
    await page.screenshot({ path: screenshotPath('mapper-13-dark') });
    expect(problems).toEqual([]);
  });
});
