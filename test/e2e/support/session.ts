import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser, watchProblems } from './browser';
import { startStudio, type Studio } from './studio';

/** One suite's studio and browser page; the fields are set once the suite's beforeAll has run. */
export interface StudioInBrowser {
  studio: Studio;
  page: Page;
  /** The page's console errors and uncaught exceptions (`watchProblems`); tests expect none. */
  problems: string[];
}

/**
 * Registers the suite's beforeAll/afterAll that nearly every e2e suite wrote out: a fresh `mlc studio`,
 * Debian's Chromium with one page (at `viewport` when given) watched for problems; both closed after.
 * A suite's own beforeAll registered after this one runs after it (vitest runs them in order).
 */
export function studioInBrowser(options: { viewport?: { width: number; height: number } } = {}): StudioInBrowser {
  const session = { problems: [] as string[] } as StudioInBrowser;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  beforeAll(async () => {
    session.studio = await startStudio();
    browser = await launchBrowser();
    session.page = await browser.context.newPage();
    if (options.viewport) await session.page.setViewportSize(options.viewport);
    watchProblems(session.page, session.problems);
  });
  afterAll(async () => {
    await browser?.close();
    await session.studio?.stop();
  });
  return session;
}

/** A contract call from the page, with the page's own bridge token (as the web transport sends it). */
export async function invokeFromPage<T>(page: Page, method: string, input: unknown): Promise<T> {
  const result = await page.evaluate(
    async ([name, body]) => {
      const response = await fetch('/api/invoke', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${sessionStorage.getItem('mlc.bridge.token')}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ method: name, input: body }),
      });
      return (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
    },
    [method, input] as const,
  );
  expect(result, method).toMatchObject({ ok: true });
  return result.value as T;
}
