import type { Page } from 'playwright-core';
import { dropFile } from '../support/drop';

/** Locators of the Connections screen and its schema browser. */
export class ConnectionsPage {
  constructor(readonly page: Page) {}

  openSandbox() {
    return this.page.getByTestId('open-sandbox').first();
  }
  cards() {
    return this.page.getByTestId('connection-card');
  }
  card(system: string) {
    return this.page.locator(`[data-testid="connection-card"][data-system="${system}"]`).first();
  }
  testOutcome(system: string) {
    return this.card(system).getByTestId('test-outcome');
  }
  sandboxUrl(system: string) {
    return this.page.getByTestId(`sandbox-url-${system}`);
  }
  importBanner() {
    return this.page.getByTestId('import-banner');
  }
  empty() {
    return this.page.getByTestId('connections-empty');
  }

  /** Drops a file on the window, optionally photographing the drop overlay on the way. */
  async dropFile(name: string, content: string, options: { screenshot?: string } = {}) {
    await dropFile(this.page, name, content, async () => {
      if (!options.screenshot) return;
      await this.page.getByTestId('drop-overlay').waitFor();
      await this.page.screenshot({ path: options.screenshot });
    });
  }

  async showSchemas() {
    await this.page.getByTestId('connections-view-schemas').click();
    await this.page.getByTestId('schema-browser').waitFor();
  }
  pane(side: 'source' | 'target') {
    return this.page.getByTestId(`schema-pane-${side}`);
  }
  tree(side: 'source' | 'target') {
    return this.page.getByTestId(`schema-pane-${side}-tree`);
  }
  field(side: 'source' | 'target', path: string) {
    return this.tree(side).locator(`[data-testid="schema-field"][data-path="${path}"]`);
  }

  /** Journey additions: test every connection, open the schema browser from a card. */
  sandboxPanel() {
    return this.page.getByTestId('sandbox-panel');
  }
  testAll() {
    return this.page.getByTestId('test-all');
  }
  okOutcomes() {
    return this.page.locator('[data-testid="test-outcome"][data-state="ok"]');
  }
  browseSchema(system: string) {
    return this.card(system).getByTestId('browse-schema');
  }
  entity(side: 'source' | 'target') {
    return this.pane(side).getByTestId(`schema-pane-${side}-entity`);
  }
  search(side: 'source' | 'target') {
    return this.page.getByTestId(`schema-pane-${side}-search`);
  }
  badge(side: 'source' | 'target', path: string, kind: 'external-id' | 'picklist') {
    return this.field(side, path).getByTestId(`badge-${kind}`);
  }
}
