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

  canvas(): Locator {
    return this.page.getByTestId('mapper-canvas');
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

  /** The mapping's edges (not the dashed previews of pending auto-map suggestions). */
  edges(): Locator {
    return this.page.locator('.react-flow__edge:not(.suggested)');
  }
  suggestedEdges(): Locator {
    return this.page.locator('.react-flow__edge.suggested');
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

  async choose(options: {
    source: string;
    sourceEntity: string;
    /** One record per line of this list of the source (order lines). */
    lines?: string;
    target: string;
    targetEntity: string;
    name: string;
  }) {
    const chooser = this.chooser();
    await chooser.waitFor();
    await this.selectByText(chooser.getByTestId('choose-source-connection'), options.source);
    await this.waitForOption(chooser.getByTestId('choose-source-entity'), options.sourceEntity);
    await chooser.getByTestId('choose-source-entity').selectOption(options.sourceEntity);
    if (options.lines) {
      await this.waitForOption(chooser.getByTestId('choose-source-lines'), options.lines);
      await chooser.getByTestId('choose-source-lines').selectOption(options.lines);
    }
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
    // Overscan renders rows just outside the node's viewport: bring the row itself into view so its handle can be grabbed.
    await this.row(side, path).scrollIntoViewIfNeeded();
    await this.nextFrames();
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
  /**
   * Save, answering "Save anyway" when the mapping has open errors and the app asks first (issue 19);
   * returns once the save has run.
   */
  async saveAnyway(): Promise<void> {
    const before = Number(await this.save().getAttribute('data-save-attempts'));
    await this.save().click();
    await this.page.waitForFunction(
      (count) =>
        document.querySelector('[data-testid="save-issues-dialog"]') !== null ||
        Number(document.querySelector('[data-testid="save"]')?.getAttribute('data-save-attempts')) > count,
      before,
    );
    const dialog = this.page.getByTestId('save-issues-dialog');
    if ((await dialog.count()) > 0) await dialog.getByTestId('save-issues-save').click();
    await this.page.waitForFunction(
      (count) => Number(document.querySelector('[data-testid="save"]')?.getAttribute('data-save-attempts')) > count,
      before,
    );
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

  /** Orders additions: nodes from the palette, ports, edges between any two handles, splitters. */
  paletteItem(key: string): Locator {
    return this.page.getByTestId(`palette-${key}`);
  }
  node(id: string): Locator {
    return this.page.getByTestId(`node-${id}`);
  }
  port(nodeId: string, handle: string): Locator {
    return this.node(nodeId).locator(`.react-flow__handle[data-handleid="${handle}"]`);
  }
  splitter(which: 'palette' | 'side'): Locator {
    return this.page.getByTestId(`splitter-${which}`);
  }
  lookupNote(): Locator {
    return this.page.getByTestId('preview-lookup-note');
  }

  /** Unfolds the palette when it is collapsed (it starts folded on screens narrower than 1600 px). */
  async showPalette() {
    if ((await this.page.locator('aside.palette').count()) > 0) return;
    await this.page.getByTestId('toggle-palette').click();
    await this.page.locator('aside.palette').waitFor();
  }

  /** Presses a palette entry and answers the id of the node it added (the newly selected one). */
  async addNode(key: string): Promise<string> {
    await this.showPalette();
    const before = new Set(
      await this.page
        .locator('.react-flow__node [data-kind]')
        .evaluateAll((elements) => elements.map((element) => element.getAttribute('data-testid'))),
    );
    await this.paletteItem(key).click();
    const added = this.page.locator('.react-flow__node [data-kind]');
    await this.page.waitForFunction(
      (count) => document.querySelectorAll('.react-flow__node [data-kind]').length > count,
      before.size,
    );
    const ids = await added.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-testid')));
    const fresh = ids.find((id) => id !== null && !before.has(id));
    if (!fresh) throw new Error(`Pressing ${key} added no node.`);
    return fresh.replace(/^node-/, '');
  }

  /** Types a constant node's value and commits it (Enter). */
  async setConstant(nodeId: string, value: string) {
    const input = this.page.getByTestId(`node-${nodeId}-value`);
    await input.fill(value);
    await input.press('Enter');
  }

  /** Draws an edge between two handles by mouse (output handle first). */
  async connect(from: Locator, to: Locator) {
    await this.zoomOutUntilShown(from, to);
    const start = await from.boundingBox();
    const end = await to.boundingBox();
    if (!start || !end) throw new Error('A handle to connect is not on screen.');
    await this.page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
    await this.page.mouse.down();
    const steps = 10;
    for (let step = 1; step <= steps; step += 1) {
      await this.page.mouse.move(
        start.x + start.width / 2 + ((end.x - start.x) * step) / steps,
        start.y + start.height / 2 + ((end.y - start.y) * step) / steps,
      );
    }
    await this.page.mouse.up();
  }

  /** Scrolls a tree (either way) until the field's row sits in the middle of its scroll box. */
  async showField(side: 'source' | 'target', path: string) {
    const scroller = this.tree(side).locator('.schema-node-scroll');
    await scroller.evaluate((element) => element.scrollTo(0, 0));
    await this.nextFrames();
    for (let attempt = 0; attempt < 80 && (await this.row(side, path).count()) === 0; attempt += 1) {
      await scroller.evaluate((element) => element.scrollBy(0, 150));
      await this.nextFrames();
    }
    await this.row(side, path).evaluate((row) => {
      const box = row.closest('.schema-node-scroll') as HTMLElement;
      box.scrollTop = (row as HTMLElement).offsetTop - box.clientHeight / 2;
    });
    await this.nextFrames();
    await this.row(side, path).waitFor();
  }

  /** Source field (shown in its tree) → a node's input port. */
  async fieldToPort(sourcePath: string, nodeId: string, handle: string) {
    await this.showField('source', sourcePath);
    await this.connect(this.handle('source', sourcePath), this.port(nodeId, handle));
  }

  /** A node's output → target field (shown in its tree). */
  async portToField(nodeId: string, targetPath: string, handle = 'out') {
    await this.showField('target', targetPath);
    await this.connect(this.port(nodeId, handle), this.handle('target', targetPath));
  }

  /** Source field → target field, both shown in their trees. */
  async fieldToField(sourcePath: string, targetPath: string) {
    await this.showField('source', sourcePath);
    await this.showField('target', targetPath);
    await this.connect(this.handle('source', sourcePath), this.handle('target', targetPath));
  }

  /** One node's output → another node's input. */
  async portToPort(fromNode: string, toNode: string, toHandle: string, fromHandle = 'out') {
    await this.connect(this.port(fromNode, fromHandle), this.port(toNode, toHandle));
  }

  /**
   * Fit keeps field names readable, so with many nodes between the trees a far handle can sit
   * outside the canvas: zoom out (the canvas's − button) until both ends are on it, as a user would.
   */
  async zoomOutUntilShown(...handles: Locator[]) {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const canvas = await this.canvas().boundingBox();
      const boxes = await Promise.all(handles.map((handle) => handle.boundingBox()));
      const inside = (box: { x: number; y: number; width: number; height: number } | null) =>
        box !== null &&
        canvas !== null &&
        box.x >= canvas.x &&
        box.y >= canvas.y &&
        box.x + box.width <= canvas.x + canvas.width &&
        box.y + box.height <= canvas.y + canvas.height - 40;
      if (boxes.every(inside)) return;
      await this.page.locator('.mapper-canvas .react-flow__controls-zoomout').click();
      await this.settle();
    }
  }

  /** Waits until the canvas stops moving (fit and layout animate the viewport). */
  async settle() {
    const transform = () =>
      this.page.locator('.react-flow__viewport').evaluate((element) => (element as HTMLElement).style.transform);
    let last = await transform();
    for (let round = 0; round < 60; round += 1) {
      await this.nextFrames();
      await this.nextFrames();
      const now = await transform();
      if (now === last) return;
      last = now;
    }
  }

  /** Presses Fit (or Layout) and waits for the view to come to rest. */
  async fit(button: 'fit-view' | 'layout' = 'fit-view') {
    await this.page.getByTestId(button).click();
    await this.settle();
  }

  /** Drags a splitter sideways by `dx` pixels. */
  async dragSplitter(which: 'palette' | 'side', dx: number) {
    const box = await this.splitter(which).boundingBox();
    if (!box) throw new Error(`Splitter ${which} is not on screen.`);
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + dx / 2, y);
    await this.page.mouse.move(x + dx, y);
    await this.page.mouse.up();
  }
}
