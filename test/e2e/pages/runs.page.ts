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
    return outcome
      ? this.page.locator(`[data-testid="audit-row"][data-outcome="${outcome}"]`)
      : this.page.getByTestId('audit-row');
  }
  recordDetail() {
    return this.page.getByTestId('record-detail');
  }
  async filterOutcome(outcome: string) {
    await this.page.getByTestId('audit-outcome').selectOption(outcome);
  }

  /** Journey additions: counters, the failed record, replays. */
  counters() {
    return this.page.getByTestId('run-counters');
  }
  auditTotal() {
    return this.page.getByTestId('audit-total');
  }
  recordError() {
    return this.recordDetail().getByTestId('record-error');
  }
  replayMapping(which: 'current' | 'original') {
    return this.page.getByTestId(`replay-mapping-${which}`);
  }
  replayAll() {
    return this.page.getByTestId('replay-all');
  }
  replayResult() {
    return this.page.getByTestId('replay-result');
  }
  openReplayRun() {
    return this.page.getByTestId('open-replay-run');
  }
  backToRuns() {
    return this.page.getByTestId('back-to-runs');
  }
  rows() {
    return this.page.getByTestId('run-row');
  }

  /** Issue 7–9 additions: what a run covered (a window, or what a replay replayed), and target keys. */
  runScope() {
    return this.page.getByTestId('run-scope');
  }
  replayOrigin() {
    return this.page.getByTestId('replay-origin');
  }
  auditTargetKey(outcome: string) {
    return this.auditRows(outcome).first().getByTestId('audit-target-key');
  }
  recordTargetKey() {
    return this.recordDetail().getByTestId('record-target-key');
  }
}
