import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshotPath } from './support/browser';
import { studioInBrowser } from './support/session';
import { StudioPage } from './pages/studio.page';
import { MapperPage } from './pages/mapper.page';

/**
 * Issue 19, "a canvas you can read on a laptop": the README tour's mapping (Infor customers →
 * Zoho accounts, auto-mapped) at 1280x720 and 1440x900, measured the way a reader sees it: the
 * rendered size of field names is their computed font size × the canvas zoom.
 */
const sizes = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

/** Rendered px of field names in view, the canvas zoom and its box. */
async function measure(page: Page) {
  return page.evaluate(() => {
    const viewport = document.querySelector('.mapper-canvas .react-flow__viewport') as HTMLElement;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    const canvas = (document.querySelector('.mapper-canvas') as HTMLElement).getBoundingClientRect();
    const names = [...document.querySelectorAll('.schema-node .field-name')].map((element) => ({
      font: parseFloat(getComputedStyle(element).fontSize) * zoom,
      height: element.getBoundingClientRect().height,
    }));
    const minimap = document.querySelector('.mapper-canvas .react-flow__minimap')?.getBoundingClientRect();
    // Cut-off text: the toolbar's entity chips and the trees' titles must show whole (or carry a title to hover).
    const cut = [...document.querySelectorAll('.route-part, .schema-node-header strong')]
      .filter((element) => element.scrollWidth > element.clientWidth + 1)
      .map((element) => `${element.textContent ?? ''} (title: ${element.getAttribute('title') ?? 'none'})`);
    return {
      zoom,
      canvas: { width: canvas.width, height: canvas.height },
      smallest: Math.min(...names.map((name) => name.font)),
      names: names.length,
      minimapShare:
        minimap && minimap.width > 0 ? (minimap.width * minimap.height) / (canvas.width * canvas.height) : 0,
      cut,
    };
  });
}

/** Pairs of canvas nodes whose boxes overlap on screen. */
async function overlaps(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll<HTMLElement>('.mapper-canvas .react-flow__node')].map((element) => ({
      id: element.getAttribute('data-id') ?? '?',
      rect: element.getBoundingClientRect(),
    }));
    const found: string[] = [];
    for (const [index, a] of boxes.entries())
      for (const b of boxes.slice(index + 1))
        if (
          a.rect.left < b.rect.right &&
          b.rect.left < a.rect.right &&
          a.rect.top < b.rect.bottom &&
          b.rect.top < a.rect.bottom
        )
          found.push(`${a.id} × ${b.id}`);
    return found;
  });
}

describe('the mapper canvas on a laptop screen', () => {
  const session = studioInBrowser();

  it('opens the README tour mapping with readable field names at 1280x720 and 1440x900', async () => {
    const { page, studio, problems } = session;
    const app = new StudioPage(page);
    const mapper = new MapperPage(page);
    await page.setViewportSize(sizes[0]);
    await app.open(studio.url);
    await app.openSandbox(['zoho', 'infor']);
    await app.nav('mapper').click();
    await mapper.choose({
      source: 'Infor',
      sourceEntity: 'customers',
      target: 'Zoho',
      targetEntity: 'Accounts',
      name: 'Tour: customers → accounts',
    });
    await mapper.automap().click();
    await mapper.acceptAll().click();
    await expect.poll(() => mapper.edges().count()).toBeGreaterThanOrEqual(10);
    await mapper.saveAnyway();
    await expect.poll(() => mapper.save().getAttribute('data-dirty')).toBe('false');
    await mapper.backToList().click();

    for (const size of sizes) {
      await page.setViewportSize(size);
      await mapper.openSaved('Tour: customers → accounts').click();
      await mapper.tree('target').waitFor();
      await mapper.settle();
      const label = `${size.width}x${size.height}`;
      await page.screenshot({ path: screenshotPath(`mapper-canvas-${label}-opened`) });
      const opened = await measure(page);
      console.log(label, 'opened', JSON.stringify(opened));
      await mapper.fit();
      const fitted = await measure(page);
      console.log(label, 'fitted', JSON.stringify(fitted));
      await page.screenshot({ path: screenshotPath(`mapper-canvas-${label}-fitted`) });
      for (const measured of [opened, fitted]) {
        expect(measured.names).toBeGreaterThan(10);
        expect(measured.smallest, `field names at ${label}`).toBeGreaterThanOrEqual(11);
        expect(measured.minimapShare).toBeLessThan(0.1);
        expect(measured.cut, `cut-off chips and titles at ${label}`).toEqual([]);
      }
      await mapper.backToList().click();
      await mapper.mappingList().waitFor();
    }
    expect(problems).toEqual([]);
  });

  it('collapses the palette and the side panel (remembered), and focus mode gives the canvas the window', async () => {
    const { page, problems } = session;
    const mapper = new MapperPage(page);
    await page.setViewportSize(sizes[0]);
    await mapper.openSaved('Tour: customers → accounts').click();
    await mapper.tree('target').waitFor();
    await mapper.settle();
    const canvasWidth = () => mapper.canvas().evaluate((element) => element.getBoundingClientRect().width);
    // A laptop screen starts with the palette folded away; the button brings it back.
    await page.screenshot({ path: screenshotPath('mapper-canvas-1280x720-reopened') });
    await expect.poll(() => page.getByTestId('toggle-palette').getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => page.locator('aside.palette').count()).toBe(0);
    const before = await canvasWidth();
    await page.getByTestId('toggle-side').click();
    await expect.poll(() => page.getByTestId('toggle-side').getAttribute('aria-pressed')).toBe('false');
    await expect.poll(canvasWidth).toBeGreaterThan(before + 250);
    await mapper.settle();
    await page.screenshot({ path: screenshotPath('mapper-canvas-1280x720-side-collapsed') });
    // Remembered: the next mapping opens with the side panel still folded.
    await mapper.backToList().click();
    await mapper.openSaved('Tour: customers → accounts').click();
    await mapper.tree('target').waitFor();
    await expect.poll(() => page.getByTestId('toggle-side').getAttribute('aria-pressed')).toBe('false');
    await page.getByTestId('toggle-side').click();
    await expect.poll(() => page.getByTestId('toggle-side').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('toggle-palette').click();
    await page.locator('aside.palette').waitFor();
    await page.getByTestId('toggle-palette').click();
    await expect.poll(() => page.locator('aside.palette').count()).toBe(0);

    // Focus mode: the editor covers the window; Escape gives the panels back.
    await page.getByTestId('focus-mode').click();
    await expect.poll(() => mapper.editor().getAttribute('data-focus-mode')).toBe('true');
    const box = await mapper.editor().boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: sizes[0].width, height: sizes[0].height });
    await expect.poll(() => page.getByTestId('toggle-side').getAttribute('aria-pressed')).toBe('false');
    await mapper.settle();
    const focused = await measure(page);
    expect(focused.smallest).toBeGreaterThanOrEqual(11);
    await page.screenshot({ path: screenshotPath('mapper-canvas-1280x720-focus-mode') });
    await page.keyboard.press('Escape');
    await expect.poll(() => mapper.editor().getAttribute('data-focus-mode')).toBe('false');
    await expect.poll(() => page.getByTestId('toggle-side').getAttribute('aria-pressed')).toBe('true');
    // Shift+F enters it too.
    await mapper
      .canvas()
      .locator('.react-flow__pane')
      .click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Shift+F');
    await expect.poll(() => mapper.editor().getAttribute('data-focus-mode')).toBe('true');
    await page.keyboard.press('Escape');
    await expect.poll(() => mapper.editor().getAttribute('data-focus-mode')).toBe('false');
    expect(problems).toEqual([]);
  });

  it('places nodes from JSONata text and Layout between the trees without overlaps', async () => {
    const { page, problems } = session;
    const mapper = new MapperPage(page);
    await mapper.tab('jsonata').click();
    const text = await mapper.jsonata().inputValue();
    expect(text).toContain('"Phone": PHNO,');
    const nodesBefore = await page.locator('.react-flow__node [data-kind]').count();
    await mapper
      .jsonata()
      .fill(
        text.replace(
          '"Phone": PHNO,',
          '"Phone": $trim(PHNO), "Website": $lowercase($trim(MAIL)), "Industry": $uppercase($substring(CUNM, 0, 3)),',
        ),
      );
    await expect
      .poll(() => page.locator('.react-flow__node [data-kind]').count())
      .toBeGreaterThanOrEqual(nodesBefore + 4);
    await mapper.fit();
    await page.screenshot({ path: screenshotPath('mapper-canvas-1280x720-from-text') });
    expect(await overlaps(page)).toEqual([]);
    await mapper.fit('layout');
    await page.screenshot({ path: screenshotPath('mapper-canvas-1280x720-after-layout') });
    expect(await overlaps(page)).toEqual([]);
    const afterLayout = await measure(page);
    expect(afterLayout.smallest, 'field names after Layout').toBeGreaterThanOrEqual(11);
    expect(problems).toEqual([]);
  });

  it('asks before replacing a connection, and connects by keyboard', async () => {
    const { page, problems } = session;
    const mapper = new MapperPage(page);
    // Back to the tour mapping as saved (undo Layout and the text edit) so both trees fit the view.
    await page.getByTestId('undo').click();
    await page.getByTestId('undo').click();
    await expect.poll(() => mapper.save().getAttribute('data-dirty')).toBe('false');
    await mapper.fit();
    // Account_Number is fed by CUNO: dropping CUNM there asks; Escape keeps the old edge.
    const edges = await mapper.edges().count();
    await mapper.fieldToField('CUNM', 'Account_Number');
    const dialog = page.getByTestId('replace-edge');
    try {
      await dialog.waitFor({ timeout: 10_000 });
    } catch (error) {
      await page.screenshot({ path: screenshotPath('mapper-canvas-replace-edge-failed') });
      throw error;
    }
    await page.screenshot({ path: screenshotPath('mapper-canvas-replace-edge') });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await mapper.edges().count()).toBe(edges);
    await mapper.tab('jsonata').click();
    await expect.poll(() => mapper.jsonata().inputValue()).toContain('"Account_Number": CUNO');
    // Again, and this time Enter on the focused "Replace".
    await mapper.fieldToField('CUNM', 'Account_Number');
    await dialog.waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => mapper.jsonata().inputValue()).toContain('"Account_Number": CUNM');
    expect(await mapper.edges().count()).toBe(edges);

    // Keyboard only: focus a source field, C; arrow to a neighbour; focus a target field, C.
    await mapper.showField('source', 'PHN2');
    await page.getByTestId('field-source-PHN2').focus();
    await page.keyboard.press('ArrowUp');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('field-source-PHNO');
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('field-source-PHN2');
    await page.keyboard.press('c');
    await expect.poll(() => page.getByTestId('canvas-announcer').textContent()).toContain('Picked source field PHN2');
    await mapper.showField('target', 'Account_Site');
    await page.getByTestId('field-target-Account_Site').focus();
    await page.keyboard.press('c');
    await expect
      .poll(() => page.getByTestId('canvas-announcer').textContent())
      .toContain('Connected PHN2 to Account_Site');
    await expect.poll(() => mapper.jsonata().inputValue()).toContain('"Account_Site": PHN2');
    await page.screenshot({ path: screenshotPath('mapper-canvas-keyboard-edge') });

    // Through a function node, still by keyboard: field → input port, output port → field.
    const trim = await mapper.addNode('trim');
    await mapper.showField('source', 'ALCU');
    await page.getByTestId('field-source-ALCU').focus();
    await page.keyboard.press('c');
    await page.getByTestId(`port-${trim}-in0`).focus();
    await page.keyboard.press('c');
    await page.getByTestId(`port-${trim}-out`).focus();
    await page.keyboard.press('c');
    await mapper.showField('target', 'Website');
    await page.getByTestId('field-target-Website').focus();
    await page.keyboard.press('c');
    await expect.poll(() => mapper.jsonata().inputValue()).toContain('"Website": $trim(ALCU)');

    // Edges to fields scrolled out of view end at a "n mapped below" marker, which scrolls to them.
    await mapper
      .tree('source')
      .locator('.schema-node-scroll')
      .evaluate((element) => element.scrollTo(0, 0));
    await mapper.nextFrames();
    const below = page.getByTestId('more-below-source');
    await expect.poll(() => below.textContent()).toMatch(/\d+ mapped below/);
    await below.click();
    await expect
      .poll(() =>
        mapper
          .tree('source')
          .locator('.schema-node-scroll')
          .evaluate((element) => element.scrollTop),
      )
      .toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
