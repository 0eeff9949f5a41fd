import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { repoRoot, tempDir } from '../support/paths';
import { launchBrowser, screenshotPath, watchProblems } from './support/browser';
import { startStudio, type Studio } from './support/studio';
import { StudioPage } from './pages/studio.page';

/** Calls the studio's API the way the renderer does: bearer token from the printed URL. */
async function invoke(
  studio: Studio,
  method: string,
  input: unknown,
): Promise<{ ok: boolean; value?: unknown; error?: { message: string } }> {
  const token = new URL(studio.url).hash.replace('#token=', '');
  const response = await fetch(`${studio.origin}/api/invoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ method, input }),
  });
  return (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
}

describe('a data folder whose database was replaced', () => {
  const folder = tempDir('mlc-store-replaced-');
  let studio: Studio | undefined;
  let browser: { context: BrowserContext; close(): Promise<void> };

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.stop();
    folder.remove();
  });

  it('warns in the app before any run would resync everything, naming the flows', async () => {
    // The folder's first store, then the database deleted while the app was closed (a restore gone wrong).
    studio = await startStudio({ dataDir: folder.dir });
    await studio.stop();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(folder.dir, `mlc.sqlite${suffix}`), { force: true });

    studio = await startStudio({ dataDir: folder.dir });
    const bundle = fs.readFileSync(path.join(repoRoot, 'examples', 'infor-to-zoho.mlcbundle.json'), 'utf8');
    const imported = await invoke(studio, 'bundles.import', { content: bundle });
    expect(imported.ok, imported.error?.message).toBe(true);

    const page = await browser.context.newPage();
    const problems = watchProblems(page, []);
    await new StudioPage(page).open(studio.url);
    const banner = page.getByTestId('store-replaced');
    await banner.waitFor();
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('not the one it used before');
    // Every flow of the bundle is named: none has run on this store yet.
    const flows = (JSON.parse(bundle) as { flows: Array<{ name: string }> }).flows.map((flow) => flow.name);
    for (const name of flows) expect(text).toContain(name);
    expect(text).toContain(folder.dir);
    await page.screenshot({ path: screenshotPath('store-replaced-01-banner') });
    expect(problems).toEqual([]);
  });

  it('says nothing on a fresh data folder', async () => {
    const fresh = await startStudio();
    try {
      const info = await invoke(fresh, 'app.info', {});
      expect(info.ok).toBe(true);
      expect((info.value as { storeReplaced: unknown }).storeReplaced).toBeNull();
    } finally {
      await fresh.stop();
    }
  });
});
