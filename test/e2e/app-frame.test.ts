import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { openDatabase } from '../../electron/backend/store/database';
import { SqliteConnectionsRepository } from '../../electron/backend/connections/connections.repository';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { sectionIds, StudioPage } from './pages/studio.page';
import path from 'node:path';

describe('mlc studio in Chromium', () => {
  let studio: Studio;
  let browser: { context: BrowserContext; close(): Promise<void> };
  const problems: string[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
  });

  it('opens the app frame and navigates every section', async () => {
    const page = await browser.context.newPage();
    watchProblems(page, problems);
    const app = new StudioPage(page);
    await app.open(studio.url);

    // The token left the address bar once it was taken.
    expect(page.url()).not.toContain('token=');
    await expect.poll(() => page.getByTestId('connections-empty').isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('01-app-frame-connections') });

    for (const id of sectionIds) {
      await app.nav(id).click();
      await app.section(id).waitFor();
      expect(await app.nav(id).getAttribute('aria-current')).toBe('page');
      await page.screenshot({ path: screenshotPath(`02-section-${id}`) });
    }
    expect(problems).toEqual([]);
  });

  it('switches theme and remembers it across reloads', async () => {
    const page = await browser.context.newPage();
    const app = new StudioPage(page);
    await app.open(studio.url);
    await app.themeToggle().click(); // system → light
    await app.themeToggle().click(); // light → dark
    await expect.poll(() => app.theme()).toBe('dark');
    await page.reload();
    await page.locator('[data-testid="app"][data-ready="true"]').waitFor();
    await expect.poll(() => app.theme()).toBe('dark');
    await page.screenshot({ path: screenshotPath('03-dark-theme') });
  });

  it('lists a saved connection and removes it', async () => {
    const db = openDatabase({ file: path.join(studio.dataDir, 'mlc.sqlite') });
    new SqliteConnectionsRepository(db).create({
      system: 'infor',
      name: 'ACME M3 production',
      settings: { tenant: 'ACME_PRD' },
      sandbox: false,
    });
    db.close();

    const page = await browser.context.newPage();
    const app = new StudioPage(page);
    await app.open(studio.url);
    const table = page.getByTestId('connections-table');
    await table.waitFor();
    expect(await table.textContent()).toContain('ACME M3 production');
    await page.screenshot({ path: screenshotPath('04-connections-list') });
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.getByTestId('connections-empty').waitFor();
  });

  it('shows a clear error, not a blank page, without the token', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${studio.origin}/`);
    await page.locator('[data-testid="app"][data-ready="true"]').waitFor();
    const error = page.getByTestId('startup-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('token');
    await page.screenshot({ path: screenshotPath('05-no-token') });
  });
});
