// Canvas performance: a mapping with 500 target fields and 300 edges, opened in Chromium
// through the real `mlc studio`. Figures are for comparison between runs, not pass/fail.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  compileGraph,
  mappingGraphVersion,
  type MappingEdge,
  type MappingGraph,
  type MappingNode,
} from '../../shared/mapping';
import { repoRoot } from '../support/paths';
import { launchBrowser } from '../e2e/support/browser';
import { startStudio, type Studio } from '../e2e/support/studio';

const targetFields = 500;
const sourceFields = 300;
const directEdges = 200;
const functionNodes = 50;

/** 200 direct edges plus 50 trim functions with an edge in and out: 300 edges. */
export function syntheticGraph(): MappingGraph {
  const pad = (value: number) => String(value).padStart(3, '0');
  const nodes: MappingNode[] = [
    {
      id: 'source',
      kind: 'source',
      position: { x: 0, y: 0 },
      data: {
        system: 'infor',
        entity: 'customers',
        fields: Array.from({ length: sourceFields }, (_, index) => ({
          path: `S${pad(index)}`,
          type: 'string' as const,
          label: `Source field ${index}`,
        })),
      },
    },
    {
      id: 'target',
      kind: 'target',
      position: { x: 900, y: 0 },
      data: {
        system: 'zoho',
        entity: 'Accounts',
        fields: Array.from({ length: targetFields }, (_, index) => ({
          path: `T${pad(index)}`,
          type: 'string' as const,
          label: `Target field ${index}`,
        })),
      },
    },
  ];
  const edges: MappingEdge[] = [];
  for (let index = 0; index < directEdges; index += 1) {
    edges.push({
      id: `d${index}`,
      source: 'source',
      sourceHandle: `S${pad(index)}`,
      target: 'target',
      targetHandle: `T${pad(index)}`,
    });
  }
  for (let index = 0; index < functionNodes; index += 1) {
    const id = `trim-${index}`;
    const field = directEdges + index;
    nodes.push({ id, kind: 'function', position: { x: 420, y: index * 90 }, data: { name: 'trim' } });
    edges.push({ id: `i${index}`, source: 'source', sourceHandle: `S${pad(field)}`, target: id, targetHandle: 'in0' });
    edges.push({ id: `o${index}`, source: id, sourceHandle: 'out', target: 'target', targetHandle: `T${pad(field)}` });
  }
  return { version: mappingGraphVersion, nodes, edges };
}

async function call<T>(studio: Studio, method: string, input: unknown): Promise<T> {
  const token = new URL(studio.url).hash.replace('#token=', '');
  const response = await fetch(`${studio.origin}/api/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ method, input }),
  });
  const result = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
  if (!result.ok) throw new Error(`${method}: ${result.error?.message}`);
  return result.value as T;
}

const percentile = (values: number[], share: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;
};
const round = (value: number) => Math.round(value * 10) / 10;

export async function runCanvasBench(): Promise<Record<string, unknown>> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'renderer', 'index.html'))) {
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit' });
  }
  const studio = await startStudio();
  const browser = await launchBrowser();
  try {
    // The mapping opens against sandbox connections; the synthetic fields stay in the trees as saved.
    await call(studio, 'sandbox.openWorkspace', {});
    const graph = syntheticGraph();
    await call(studio, 'mappings.save', {
      name: 'Canvas bench',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      graph,
      expression: compileGraph(graph).expression,
    });

    const page = await browser.context.newPage();
    await page.goto(studio.url);
    await page.locator('[data-testid="app"][data-ready="true"]').waitFor();
    await page.getByTestId('nav-mapper').click();
    const open = page.getByTestId('open-mapping-Canvas bench');
    await open.waitFor();

    const started = Date.now();
    await open.click();
    await page.waitForFunction(
      (count) =>
        document.querySelectorAll('.react-flow__edge').length >= count &&
        document.querySelectorAll('.react-flow__node').length >= 52,
      graph.edges.length,
      { polling: 'raf', timeout: 60_000 },
    );
    const firstRenderMs = Date.now() - started;
    // Settled: both trees measured and the view fitted.
    await page.waitForFunction(
      () => document.querySelectorAll('.react-flow__node[style*="visibility: hidden"]').length === 0,
      undefined,
      { timeout: 30_000 },
    );
    const settledMs = Date.now() - started;

    const node = page.locator('[data-testid="node-trim-10"] .expression-node-header');
    await node.scrollIntoViewIfNeeded();
    // Fit keeps field names readable (it no longer shrinks 52 nodes into one view): zoom out with
    // the canvas's − button until the node and the room to drag it below are on the canvas.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const canvas = await page.getByTestId('mapper-canvas').boundingBox();
      const header = await node.boundingBox();
      if (canvas && header && header.y >= canvas.y && header.y + header.height + 200 <= canvas.y + canvas.height) break;
      await page.locator('.mapper-canvas .react-flow__controls-zoomout').click();
      // The zoom animates: wait until the viewport's transform stops changing between frames.
      await page.evaluate(`new Promise((resolve) => {
        const viewport = document.querySelector('.mapper-canvas .react-flow__viewport');
        let last = '';
        let still = 0;
        const tick = () => {
          const now = viewport ? viewport.style.transform : '';
          still = now === last ? still + 1 : 0;
          last = now;
          if (still >= 3) resolve(undefined);
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      })`);
    }
    const box = await node.boundingBox();
    if (!box) throw new Error('The function node to drag is not on screen.');
    // A string, not a function: tsx would wrap named functions in a helper the page lacks.
    await page.evaluate(`(() => {
      const samples = [];
      window.__frames = samples;
      const tick = (time) => {
        samples.push(time);
        if (window.__stop !== true) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    // The node's place on the canvas before the drag: every React Flow node carries a `translate(`
    // from its first render, so only a change in it shows the drag moved the node.
    const position = () =>
      page
        .locator('[data-testid="node-trim-10"]')
        .evaluate((element) => element.closest('.react-flow__node')?.getAttribute('style') ?? '')
        .then(translation);
    const before = await position();
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    const steps = 90;
    for (let step = 1; step <= steps; step += 1) {
      await page.mouse.move(x + Math.sin(step / 8) * 160, y + step * 2);
    }
    await page.mouse.up();
    const frames = (await page.evaluate('window.__stop = true, window.__frames')) as number[];
    const intervals = frames.slice(1).map((time, index) => time - (frames[index] as number));
    const after = await position();
    return {
      targetFields,
      edges: graph.edges.length,
      nodes: graph.nodes.length,
      firstRenderMs,
      settledMs,
      dragFrames: intervals.length,
      meanFrameMs: round(intervals.reduce((sum, value) => sum + value, 0) / Math.max(1, intervals.length)),
      p95FrameMs: round(percentile(intervals, 0.95)),
      maxFrameMs: round(Math.max(0, ...intervals)),
      framesOver50Ms: intervals.filter((value) => value > 50).length,
      dragPosition: { before, after },
      // Moved down by the drag (the pointer ends 180 px lower): a node left in place, or one without a
      // readable position, fails the check.
      dragged: before !== undefined && after !== undefined && after.y > before.y,
    };
  } finally {
    await browser.close();
    await studio.stop();
  }
}

/** The `translate(x, y)` of a node's style, in canvas pixels; undefined when it has none. */
export function translation(style: string): { x: number; y: number } | undefined {
  const match = /translate\(\s*(-?[\d.]+)px\s*,\s*(-?[\d.]+)px\s*\)/.exec(style);
  return match ? { x: Number(match[1]), y: Number(match[2]) } : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(JSON.stringify(await runCanvasBench(), null, 2) + '\n');
}
