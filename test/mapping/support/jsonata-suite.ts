import fs from 'node:fs';
import path from 'node:path';
import jsonata from 'jsonata';
import { errorMessage } from '../../../shared/errors';
import { compileGraph, parseMapping, parseMappingGraph } from '../../../shared/mapping/index';
import { fixturePath } from '../../support/paths';

/**
 * The official JSONata test suite (../shared/fixtures/jsonata-suite, see ../shared/fixtures/SOURCES.md)
 * as round trips through the mapping graph: each expression is placed where mappings put
 * expressions, read into a graph, compiled back, and both texts are evaluated on the case's data.
 */
export interface SuiteCase {
  name: string;
  expr: string;
  data?: unknown;
  dataset?: string | null;
  bindings?: Record<string, unknown>;
  timelimit?: number;
  depth?: number;
  result?: unknown;
  undefinedResult?: boolean;
  code?: string;
}

const suite = fixturePath('jsonata-suite');

export function loadSuite(): SuiteCase[] {
  const cases: SuiteCase[] = [];
  for (const group of fs.readdirSync(path.join(suite, 'groups')).sort()) {
    const folder = path.join(suite, 'groups', group);
    for (const file of fs
      .readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .sort()) {
      const parsed = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as
        (SuiteCase & { 'expr-file'?: string }) | (SuiteCase & { 'expr-file'?: string })[];
      const list = Array.isArray(parsed) ? parsed : [parsed];
      list.forEach((item, index) => {
        const expr = item['expr-file'] ? fs.readFileSync(path.join(folder, item['expr-file']), 'utf8') : item.expr;
        const name = `${group}/${file}${Array.isArray(parsed) ? `#${index}` : ''}`;
        cases.push({ ...item, name, expr });
      });
    }
  }
  return cases;
}

const datasets = new Map<string, unknown>();
export function inputOf(item: SuiteCase): unknown {
  if (item.data !== undefined) return item.data;
  if (!item.dataset) return undefined;
  if (!datasets.has(item.dataset))
    datasets.set(
      item.dataset,
      JSON.parse(fs.readFileSync(path.join(suite, 'datasets', `${item.dataset}.json`), 'utf8')),
    );
  return datasets.get(item.dataset);
}

/** Where mappings hold an expression: the text for a given expression, and the input it runs on. */
export interface Position {
  name: string;
  place(expr: string): string;
  input(data: unknown): unknown;
}

export const positions: Position[] = [
  { name: 'top level', place: (expr) => expr, input: (data) => data },
  { name: 'field value', place: (expr) => `{\n  "value": ${expr}\n}`, input: (data) => data },
  {
    name: 'nested object value',
    place: (expr) => `{\n  "outer": {\n    "value": ${expr}\n  }\n}`,
    input: (data) => data,
  },
  {
    name: 'loop body',
    place: (expr) => `{\n  "items": [rows.{\n    "value": ${expr}\n  }]\n}`,
    // One row holding the case's data: inside the loop the context is the data, as at top level.
    input: (data) => ({ rows: [data === undefined ? {} : data] }),
  },
  {
    // `path.{…}` without brackets over a single object: JSONata gives one object, not a list.
    name: 'unwrapped loop body',
    place: (expr) => `{\n  "item": row.{\n    "value": ${expr}\n  }\n}`,
    input: (data) => ({ row: data === undefined ? {} : data }),
  },
];

export type Outcome =
  | { kind: 'same' }
  /** jsonata refuses the placed text, and so does the mapping (the suite's syntax-error cases). */
  | { kind: 'refused as jsonata does' }
  | { kind: 'accepted invalid text' }
  | { kind: 'refused'; message: string }
  | { kind: 'compile crash'; message: string }
  /** Text → graph → text is not a fixed point the second time round. */
  | { kind: 'unstable'; first: string; second: string }
  | { kind: 'meaning changed'; original: string; roundTripped: string; text: string };

/** Evaluation result as comparable text: values as JSON, functions and errors by kind and code. */
async function run(text: string, input: unknown, item: SuiteCase): Promise<string> {
  let compiled: ReturnType<typeof jsonata>;
  try {
    compiled = jsonata(text);
  } catch (error) {
    return `compile error ${(error as { code?: string }).code ?? String(error)}`;
  }
  try {
    const options = item.timelimit !== undefined || item.depth !== undefined;
    const result: unknown = options
      ? await withLimits(compiled, input, item)
      : await compiled.evaluate(input as never, item.bindings);
    return canonical(result);
  } catch (error) {
    return `error ${(error as { code?: string }).code ?? String(error)}`;
  }
}

/** The suite's own way of limiting time and depth (test/run-test-suite.js): an entry/exit callback. */
async function withLimits(compiled: ReturnType<typeof jsonata>, input: unknown, item: SuiteCase): Promise<unknown> {
  let depth = 0;
  const started = Date.now();
  const env = compiled as unknown as {
    assign(name: symbol | string, value: unknown): void;
  };
  env.assign(Symbol.for('jsonata.__evaluate_entry'), () => {
    depth += 1;
    if (item.timelimit !== undefined && Date.now() - started > item.timelimit)
      throw { code: 'U1001', message: 'Expression evaluation timeout: Check for infinite loop' };
    if (item.depth !== undefined && depth > item.depth)
      throw { code: 'U1001', message: 'Stack overflow error: Check for non-terminating recursive function.' };
  });
  env.assign(Symbol.for('jsonata.__evaluate_exit'), () => {
    depth -= 1;
  });
  return compiled.evaluate(input as never, item.bindings);
}

function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'function') return '<function>';
      if (item === undefined) return '<undefined>';
      if (typeof item === 'number' && !Number.isFinite(item)) return `<${item}>`;
      return item;
    }) ?? '<undefined>'
  );
}

/** The graph as the app stores it: JSON, read back through the schema. */
function parseStored(text: string): ReturnType<typeof parseMapping> {
  return parseMappingGraph(JSON.parse(JSON.stringify(parseMapping(text))));
}

export async function roundTrip(item: SuiteCase, position: Position): Promise<Outcome> {
  const text = position.place(item.expr);
  let valid = true;
  try {
    jsonata(text);
  } catch {
    valid = false;
  }
  let graph: ReturnType<typeof parseMapping>;
  try {
    graph = parseStored(text);
  } catch (error) {
    return valid ? { kind: 'refused', message: errorMessage(error) } : { kind: 'refused as jsonata does' };
  }
  if (!valid) return { kind: 'accepted invalid text' };
  let back: string;
  let again: string;
  try {
    back = compileGraph(graph).expression;
    again = compileGraph(parseStored(back)).expression;
  } catch (error) {
    return { kind: 'compile crash', message: errorMessage(error) };
  }
  if (again !== back) return { kind: 'unstable', first: back, second: again };
  const input = position.input(inputOf(item));
  const original = await run(text, input, item);
  const roundTripped = await run(back, input, item);
  return original === roundTripped ? { kind: 'same' } : { kind: 'meaning changed', original, roundTripped, text: back };
}
