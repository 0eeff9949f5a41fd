import type { Locator, Page } from 'playwright-core';
import { dropFile } from '../support/drop';

/** Locators and user steps of the Bundles screen (export and import). */
export class BundlesPage {
  constructor(readonly page: Page) {}

  tab(which: 'export' | 'import'): Locator {
    return this.page.getByTestId(`bundles-tab-${which}`);
  }
  exportEmpty(): Locator {
    return this.page.getByTestId('export-empty');
  }
  exportChoices(): Locator {
    return this.page.getByTestId('export-choices');
  }
  flowChoice(name: string): Locator {
    return this.page.getByTestId(`export-flow-${name}`);
  }
  exportButton(): Locator {
    return this.page.getByTestId('export-bundle');
  }
  exportResult(): Locator {
    return this.page.getByTestId('export-result');
  }
  summary(prefix: 'export' | 'import'): Locator {
    return this.page.getByTestId(`${prefix}-summary`);
  }
  secretSlots(prefix: 'export' | 'import'): Locator {
    return this.summary(prefix).getByTestId('secret-slot');
  }
  downloadButton(): Locator {
    return this.page.getByTestId('download-bundle');
  }
  importEmpty(): Locator {
    return this.page.getByTestId('import-empty');
  }
  refusal(): Locator {
    return this.page.getByTestId('import-refused');
  }
  problemGroup(code: string): Locator {
    return this.page.locator(`[data-testid="problem-group"][data-code="${code}"]`);
  }
  valid(): Locator {
    return this.page.getByTestId('import-valid');
  }
  confirm(): Locator {
    return this.page.getByTestId('import-confirm-button');
  }
  done(): Locator {
    return this.page.getByTestId('import-done');
  }
  imported(list: 'connections' | 'mappings' | 'flows'): Locator {
    return this.page.getByTestId(`import-${list}`).getByTestId('import-item');
  }

  /** Picks a file through the (hidden) file input behind the "Choose a bundle file…" button. */
  async pick(name: string, content: string) {
    await this.page
      .getByTestId('bundle-input')
      .first()
      .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
  }

  /** Drops a file on the window, optionally photographing the drop overlay on the way. */
  async drop(name: string, content: string, options: { screenshot?: string } = {}) {
    await dropFile(this.page, name, content, async () => {
      if (!options.screenshot) return;
      await this.page.getByTestId('bundle-drop-overlay').waitFor();
      await this.page.screenshot({ path: options.screenshot });
    });
  }

  /** Journey addition: the bundle's name (it also names the file). */
  includeSamples(): Locator {
    return this.page.getByTestId('export-include-samples');
  }
  exportName(): Locator {
    return this.page.getByTestId('export-name');
  }
  summaryItems(prefix: 'export' | 'import', kind: 'connection' | 'mapping' | 'flow'): Locator {
    return this.summary(prefix).getByTestId(`summary-${kind}`);
  }

  /** Issue 7–9 addition: the one-line count of what the import created, updated and kept. */
  tally(): Locator {
    return this.page.getByTestId('import-tally');
  }
}
