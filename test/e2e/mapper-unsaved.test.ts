import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { MapperPage } from './pages/mapper.page';

const mappingName = 'Unsaved work test';

describe('unsaved mapping work is never lost', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let app: StudioPage;
  let mapper: MapperPage;
  const problems: string[] = [];
  const functionNodes = () => page.locator('[data-kind="function"]');
  const leaveDialog = () => page.getByTestId('leave-dialog');
  const draftDialog = () => page.getByTestId('draft-dialog');

  beforeAll(async () => {
    studio = await startStudio();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    watchProblems(page, problems);
    app = new StudioPage(page);
    mapper = new MapperPage(page);
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
  });

  it('saves a mapping; with nothing changed, other screens open without a question', async () => {
    await app.open(studio.url);
    await page.getByTestId('open-sandbox').first().click();
    await page.locator('[data-testid="connection-card"][data-system="zoho"]').waitFor();
    await app.nav('mapper').click();
    await mapper.choose({
      source: 'Infor',
      sourceEntity: 'customers',
      target: 'Zoho',
      targetEntity: 'Accounts',
      name: mappingName,
    });
    await mapper.automap().click();
    await mapper.suggestion('Account_Name').waitFor();
    await mapper.acceptAll().click();
    await expect.poll(() => mapper.suggestion('Account_Name').getAttribute('data-status')).toBe('accepted');
    await mapper.saveAnyway();
    await expect.poll(() => mapper.save().getAttribute('data-dirty')).toBe('false');

    await app.nav('flows').click();
    await app.section('flows').waitFor();
    expect(await leaveDialog().count()).toBe(0);
  });

  it('asks before leaving an edited mapping; Keep editing (click or Escape) keeps the edit', async () => {
    await app.nav('mapper').click();
    await mapper.openSaved(mappingName).click();
    await mapper.tree('target').waitFor();
    const before = await functionNodes().count();
    await mapper.showPalette();
    await page
      .getByTestId('palette-trim')
      .dragTo(page.getByTestId('mapper-canvas'), { targetPosition: { x: 300, y: 120 } });
    await expect.poll(() => functionNodes().count()).toBe(before + 1);
    await expect.poll(() => mapper.save().getAttribute('data-dirty')).toBe('true');

    // Another screen: the dialog, modal, with the safe answer focused.
    await app.nav('flows').click();
    await leaveDialog().waitFor();
    expect(await leaveDialog().getAttribute('role')).toBe('alertdialog');
    expect(
      await leaveDialog().evaluate((dialog) => (dialog as HTMLDialogElement).open && dialog.matches(':modal')),
    ).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('leave-keep');
    await page.screenshot({ path: screenshotPath('mapper-unsaved-01-leave-dialog') });
    await page.getByTestId('leave-keep').click();
    await expect.poll(() => leaveDialog().count()).toBe(0);
    expect(await app.title().textContent()).toBe('Mapper');
    expect(await functionNodes().count()).toBe(before + 1);

    // The ← button asks too; the keyboard answers: Escape keeps editing.
    await mapper.backToList().click();
    await leaveDialog().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => leaveDialog().count()).toBe(0);
    expect(await mapper.editor().count()).toBe(1);
    expect(await functionNodes().count()).toBe(before + 1);
  });

  it('reload: the browser asks, and the reopened mapping offers the draft back', async () => {
    const before = await functionNodes().count();
    // Chromium only prompts on beforeunload for a page the user interacted with, which we did.
    const prompted = new Promise<string>((resolve) => {
      page.once('dialog', (dialog) => {
        resolve(dialog.type());
        void dialog.accept();
      });
    });
    await page.reload();
    expect(await prompted).toBe('beforeunload');
    await page.locator('[data-testid="app"][data-ready="true"]').waitFor();

    await app.nav('mapper').click();
    await mapper.openSaved(mappingName).click();
    await draftDialog().waitFor();
    expect(await draftDialog().getByTestId('draft-restore').textContent()).toMatch(/^Restore unsaved changes from /);
    await page.screenshot({ path: screenshotPath('mapper-unsaved-02-restore-offer') });
    await page.getByTestId('draft-restore').click();
    await expect.poll(() => draftDialog().count()).toBe(0);
    await expect.poll(() => functionNodes().count()).toBe(before);
    expect(await mapper.save().getAttribute('data-dirty')).toBe('true');
    await page.screenshot({ path: screenshotPath('mapper-unsaved-03-restored') });
  });

  it('Discard leaves without the edit and drops the draft; Save keeps it', async () => {
    const edited = await functionNodes().count();
    await app.nav('runs').click();
    await leaveDialog().waitFor();
    await page.getByTestId('leave-discard').click();
    await app.section('runs').waitFor();

    await app.nav('mapper').click();
    await mapper.openSaved(mappingName).click();
    await mapper.tree('target').waitFor();
    await expect.poll(() => functionNodes().count()).toBe(edited - 1);
    expect(await draftDialog().count()).toBe(0);

    // Edit again and leave with Save: the next screen opens and the saved mapping has the edit.
    await mapper.showPalette();
    await page
      .getByTestId('palette-trim')
      .dragTo(page.getByTestId('mapper-canvas'), { targetPosition: { x: 300, y: 120 } });
    await expect.poll(() => functionNodes().count()).toBe(edited);
    await mapper.backToList().click();
    await leaveDialog().waitFor();
    await page.getByTestId('leave-save').click();
    await mapper.mappingList().waitFor();
    await mapper.openSaved(mappingName).click();
    await mapper.tree('target').waitFor();
    await expect.poll(() => functionNodes().count()).toBe(edited);
    expect(await draftDialog().count()).toBe(0);
    expect(await mapper.save().getAttribute('data-dirty')).toBe('false');
    expect(problems).toEqual([]);
  });
});
