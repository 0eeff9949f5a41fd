import type { Page } from 'playwright-core';

/** Locators of the Runs screen: history, one run, its audit rows. */
export class RunsPage {
  constructor(readonly page: Page) {}

  chart() {
    return this.page.getByTestId('run-chart');
  }
  table() {
    return this.page.getByTestId('runs-table');
  }
  detail() {
    return this.page.getByTestId('run-detail');
  }
  auditRows(outcome?: string) {
    return outcome ? this.page.locator(`[data-testid="audit-row"][data-outcome="${outcome}"]`) : this.page.getByTestId('audit-row');
  }
  recordDetail() {
    return this.page.getByTestId('record-detail');
  }
  async filterOutcome(outcome: string) {
    await this.page.getByTestId('audit-outcome').selectOption(outcome);
  }
}
