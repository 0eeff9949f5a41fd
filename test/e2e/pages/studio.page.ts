import type { Page } from 'playwright-core';

export const sectionIds = ['connections', 'mapper', 'flows', 'runs', 'bundles'] as const;

/** Locators for the app frame, in one place (tests read as user steps). */
export class StudioPage {
  constructor(readonly page: Page) {}

  async open(url: string) {
    await this.page.goto(url);
    await this.page.locator('[data-testid="app"][data-ready="true"]').waitFor();
  }

  /** Connections → Open sandbox workspace, then waits until a card of each named system shows. */
  async openSandbox(systems: string[], wait: { timeout?: number } = {}) {
    await this.page.getByTestId('open-sandbox').first().click();
    for (const system of systems)
      await this.page.locator(`[data-testid="connection-card"][data-system="${system}"]`).first().waitFor(wait);
  }

  nav(section: (typeof sectionIds)[number]) {
    return this.page.getByTestId(`nav-${section}`);
  }

  title() {
    return this.page.getByTestId('section-title');
  }

  section(section: (typeof sectionIds)[number]) {
    return this.page.getByTestId(`section-${section}`);
  }

  themeToggle() {
    return this.page.getByTestId('theme-toggle');
  }

  async theme(): Promise<string | undefined> {
    return this.page.evaluate(() => document.documentElement.dataset.theme);
  }
}
