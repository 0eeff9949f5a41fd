import type { Page } from 'playwright-core';

/** Locators of the Flows screen and the flow editor. */
export class FlowsPage {
  constructor(readonly page: Page) {}

  newFlow() {
    return this.page.getByTestId('new-flow');
  }
  editor() {
    return this.page.getByTestId('flow-editor');
  }
  card(name: string) {
    return this.page.getByTestId('flow-card').filter({ hasText: name }).first();
  }
  progress(name: string) {
    return this.card(name).getByTestId('run-progress');
  }
  outcome(name: string) {
    return this.card(name).getByTestId('run-outcome');
  }

  /** Waits until the editor proposed a match key from the live target schema. */
  async waitForMatchKey() {
    await this.page.waitForFunction(() => {
      const select = document.querySelector<HTMLSelectElement>('[data-testid="flow-match-key"]');
      return select !== null && select.value !== '';
    });
  }
}
