import type { Locator, Page } from 'playwright-core';

/** Locators and user steps of the Mapper section. */
export class MapperPage {
  constructor(readonly page: Page) {}

  chooser() {
    return this.page.getByTestId('mapping-chooser');
  }

  editor() {
    return this.page.getByTestId('mapper-editor');
  }

  tree(side: 'source' | 'target'): Locator {
    return this.page.getByTestId(`schema-node-${side}`);
  }

  row(side: 'source' | 'target', path: string): Locator {
    return this.tree(side).locator(`.field-row[data-field="${path}"]`);
  }

  handle(side: 'source' | 'target', path: string): Locator {
    return this.row(side, path).locator(`.react-flow__handle[data-handleid="${path}"]`);
  }

  edges(): Locator {
    return this.page.locator('.react-flow__edge');
  }

  tab(id: 'jsonata' | 'preview' | 'issues' | 'automap' | 'inspect'): Locator {
    return this.page.getByTestId(`tab-${id}`);
  }

  jsonata(): Locator {
    return this.page.getByTestId('jsonata-text');
  }

  issues(): Locator {
    return this.page.getByTestId('issue');
  }

  issue(code: string): Locator {
    return this.page.locator(`[data-testid="issue"][data-code="${code}"]`);
  }

  async choose(options: { source: string; sourceEntity: string; target: string; targetEntity: string; name: string }) {
    const chooser = this.chooser();
    await chooser.waitFor();
    await this.selectByText(chooser.getByTestId('choose-source-connection'), options.source);
    await this.waitForOption(chooser.getByTestId('choose-source-entity'), options.sourceEntity);
    await chooser.getByTestId('choose-source-entity').selectOption(options.sourceEntity);
    await this.selectByText(chooser.getByTestId('choose-target-connection'), options.target);
    await this.waitForOption(chooser.getByTestId('choose-target-entity'), options.targetEntity);
    await chooser.getByTestId('choose-target-entity').selectOption(options.targetEntity);
    await chooser.getByTestId('choose-name').fill(options.name);
    await chooser.getByTestId('open-mapper').click();
    await this.editor().waitFor();
    await this.tree('target').waitFor();
  }

  /** Scrolls a tree until the field's row is rendered (the trees are virtualised). */
  async reveal(side: 'source' | 'target', path: string) {
    const scroller = this.tree(side).locator('.schema-node-scroll');
    for (let attempt = 0; attempt < 40 && (await this.row(side, path).count()) === 0; attempt += 1) {
      await scroller.evaluate((element) => element.scrollBy(0, 120));
      await this.nextFrames();
    }
    await this.row(side, path).waitFor();
  }

  /** Drags an edge by hand: mouse down on a source field's handle, up on a target field's handle. */
  async dragEdge(sourcePath: string, targetPath: string) {
    const from = await this.handle('source', sourcePath).boundingBox();
    const to = await this.handle('target', targetPath).boundingBox();
    if (!from || !to) throw new Error(`Handles ${sourcePath} / ${targetPath} are not on screen.`);
    await this.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await this.page.mouse.down();
    const steps = 12;
    for (let step = 1; step <= steps; step += 1) {
      const x = from.x + ((to.x - from.x) * step) / steps + to.width / 2;
      const y = from.y + ((to.y - from.y) * step) / steps + to.height / 2;
      await this.page.mouse.move(x, y);
    }
    await this.page.mouse.up();
  }

  /** Lets the virtualised tree render what the scroll revealed (two animation frames, no sleeping). */
  async nextFrames() {
    await this.page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  }

  private async selectByText(select: Locator, text: string) {
    await select.waitFor();
    const value = await select.evaluate((element, wanted) => {
      const option = [...(element as HTMLSelectElement).options].find((candidate) => candidate.text.includes(wanted));
      return option?.value;
    }, text);
    if (!value) throw new Error(`No option containing "${text}".`);
    await select.selectOption(value);
  }

  private async waitForOption(select: Locator, value: string) {
    await select.locator(`option[value="${value}"]`).waitFor({ state: 'attached' });
  }

  /** Journey additions: auto-map, value maps, preview, save, the saved list. */
  automap(): Locator {
    return this.page.getByTestId('automap');
  }
  suggestion(field: string): Locator {
    return this.page.getByTestId(`suggestion-${field}`);
  }
  rejectSuggestion(field: string): Locator {
    return this.page.getByTestId(`reject-${field}`);
  }
  acceptAll(): Locator {
    return this.page.getByTestId('automap-accept-all');
  }
  previewOutput(): Locator {
    return this.page.getByTestId('preview-output');
  }
  fixValueMap(field: string): Locator {
    return this.page.getByTestId(`fix-value-map-${field}`);
  }
  valueMapEditor(): Locator {
    return this.page.getByTestId('value-map-editor');
  }
  valueMapTargets(): Locator {
    return this.valueMapEditor().locator('select[data-testid^="value-map-to-"]');
  }
  save(): Locator {
    return this.page.getByTestId('save');
  }
  backToList(): Locator {
    return this.page.getByRole('button', { name: 'Back to all mappings' });
  }
  mappingList(): Locator {
    return this.page.getByTestId('mapping-list');
  }
  openSaved(name: string): Locator {
    return this.page.getByTestId(`open-mapping-${name}`);
  }
}
