// Files the desktop shell hands to the window (double-click, "Open with", a second launch),
// through the real renderer in Chromium. Electron cannot be downloaded here, so the preload's
// bridge is stood in for by a page script with the same shape (`window.mlc`: invoke + on) that
// forwards calls to `mlc studio`'s API, and the files come from the main process's own reader
// (electron/main/open-files.ts) and are sent when the page has loaded, as main.ts does on
// did-finish-load.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { nodeFileAccess, readOpenedFile, type OpenFileEvent } from '../../electron/main/open-files';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { repoRoot, tempDir } from '../support/paths';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';
import { BundlesPage } from './pages/bundles.page';

declare global {
  interface Window {
    /** Test only: the shell sending app.openFile to the window. */
    handOver?: (event: OpenFileEvent) => void;
    /** Test only: files sent before the page listened (the shell would have lost them). */
    lostFiles?: string[];
    /** Test only: any event the shell sends (`webContents.send('mlc:event', name, payload)`). */
    shellSend?: (event: string, payload: unknown) => void;
  }
}

/** The preload's bridge over the web API, plus the shell's did-finish-load hand-over of `pending`. */
function desktopShell({ pending }: { pending: OpenFileEvent[] }) {
  const token = /token=([^&]+)/.exec(window.location.hash)?.[1];
  if (!token) return;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  window.lostFiles = [];
  window.shellSend = (event, payload) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  window.handOver = (event) => {
    const heard = listeners.get('app.openFile');
    if (!heard || heard.size === 0) window.lostFiles!.push(event.fileName);
    for (const listener of heard ?? []) listener(event);
  };
  Object.defineProperty(window, 'mlc', {
    value: {
      async invoke(method: string, input: unknown) {
        const response = await fetch('/api/invoke', {
          method: 'POST',
          headers: { Authorization: `Bearer ${decodeURIComponent(token)}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ method, input }),
        });
        return response.json();
      },
      on(event: string, listener: (payload: unknown) => void) {
        const set = listeners.get(event) ?? new Set();
        set.add(listener);
        listeners.set(event, set);
        return () => set.delete(listener);
      },
    },
  });
  window.addEventListener('load', () => {
    for (const event of pending) window.handOver!(event);
  });
}

describe('files handed over by the desktop shell, in Chromium', () => {
  let studio: Studio;
  let sandbox: InforSandbox;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const folder = tempDir('mlc-handover-');
  const problems: string[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    sandbox = await startInforSandbox({ counts: { customers: 5 } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([studio?.stop(), sandbox?.close()]);
    folder.remove();
  });

  it('imports the .ionapi that launched the app as a connection', async () => {
    const file = path.join(folder.dir, 'Sandbox_TST.ionapi');
    fs.writeFileSync(file, JSON.stringify(sandbox.ionapi()));
    const launching = await readOpenedFile(file, nodeFileAccess);
    page = await browser.context.newPage();
    watchProblems(page, problems);
    await page.addInitScript(desktopShell, { pending: [launching!] });
    await new StudioPage(page).open(studio.url);
    expect(await page.getByTestId('app').textContent()).toContain('Desktop');
    const banner = page.locator('[data-testid="import-banner"][data-state="done"]');
    await banner.waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => window.lostFiles)).toEqual([]);
    await page.getByTestId('section-connections').waitFor();
    await page.screenshot({ path: screenshotPath('desktop-01-ionapi-opened') });
  });

  it('opens a bundle handed over while the app runs in the import preview, checked, nothing imported yet', async () => {
    const file = path.join(folder.dir, 'infor-to-zoho.mlcbundle');
    fs.copyFileSync(path.join(repoRoot, 'examples', 'infor-to-zoho.mlcbundle.json'), file);
    const event = await readOpenedFile(file, nodeFileAccess);
    await page.evaluate((payload) => window.handOver!(payload), event!);
    await page.getByTestId('section-bundles').waitFor();
    const bundles = new BundlesPage(page);
    await bundles.valid().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-file-name').textContent()).toContain('infor-to-zoho.mlcbundle');
    await expect.poll(() => bundles.confirm().isEnabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('desktop-02-bundle-opened'), fullPage: true });
  });

  it('shows why a handed-over file could not be read, where a picked file’s error would be', async () => {
    const event = await readOpenedFile(path.join(folder.dir, 'moved.mlcbundle'), nodeFileAccess);
    await page.evaluate((payload) => window.handOver!(payload), event!);
    const shown = page.getByTestId('import-error');
    await shown.waitFor();
    expect(await page.getByTestId('import-file-name').textContent()).toContain('moved.mlcbundle');
    expect(await shown.textContent()).toMatch(
      /Could not open .*moved\.mlcbundle: it is not there any more \(moved or deleted\?\)/,
    );
    await page.screenshot({ path: screenshotPath('desktop-03-bundle-unreadable') });
    expect(problems).toEqual([]);
  });

  it('shows what the shell says (an update downloaded, the backend restarting) until dismissed', async () => {
    await page.evaluate(() => {
      window.shellSend!('app.notice', {
        level: 'info',
        message: 'Version 0.2.0 is downloaded; it is installed when you quit the app.',
      });
      window.shellSend!('app.notice', {
        level: 'warning',
        message: 'The backend stopped unexpectedly; restarting it in 1 s.',
      });
    });
    const notices = page.getByTestId('notice');
    await expect.poll(() => notices.count()).toBe(2);
    expect(await notices.first().getAttribute('data-level')).toBe('info');
    expect(await notices.first().textContent()).toContain('Version 0.2.0 is downloaded');
    await page.screenshot({ path: screenshotPath('desktop-04-notices') });
    await notices.first().getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => notices.count()).toBe(1);
    expect(await notices.first().getAttribute('data-level')).toBe('warning');
    expect(problems).toEqual([]);
  });
});
