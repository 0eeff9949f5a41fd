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

  /** Journey additions: the editor's fields and a card's buttons. */
  empty() {
    return this.page.getByTestId('flows-empty');
  }
  mapping() {
    return this.page.getByTestId('flow-mapping');
  }
  name() {
    return this.page.getByTestId('flow-name');
  }
  batchSize() {
    return this.page.getByTestId('flow-batch-size');
  }
  matchKey() {
    return this.page.getByTestId('flow-match-key');
  }
  manualSchedule() {
    return this.page.getByTestId('schedule-kind-manual');
  }
  save() {
    return this.page.getByTestId('flow-save');
  }
  runNow(name: string) {
    return this.card(name).getByTestId('run-now');
  }
  dryRun(name: string) {
    return this.card(name).getByTestId('dry-run');
  }
  openRun(name: string) {
    return this.card(name).getByTestId('open-run');
  }
  progressText(name: string) {
    return this.progress(name).getByTestId('run-progress-text');
  }
  /** The card's outcome banner once a run of the given kind has ended. */
  finished(name: string, dryRun: boolean) {
    return this.card(name).locator(`[data-testid="run-outcome"][data-dry-run="${dryRun}"]`);
  }
  progressBar(name: string) {
    return this.progress(name).getByTestId('run-progress-bar');
  }
  /** Waits for the bar's width transition to end, so a screenshot shows the figure the text gives. */
  async settleProgressBar(name: string) {
    await this.progressBar(name).evaluate((element) =>
      Promise.all(
        element
          .getAnimations({ subtree: true })
          .filter((animation) => animation instanceof CSSTransition)
          .map((animation) => animation.finished),
      ),
    );
  }
}
