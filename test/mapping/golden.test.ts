import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileGraph,
  evaluateExpression,
  MappingPreview,
  parseMapping,
  parseMappingGraph,
  type MappingGraph,
} from '../../shared/mapping/index';
import { repoRoot } from '../support/paths';
import { goldenBindings } from './support/golden-bindings';
import { sortedGraph } from './support/graph-compare';

/** One folder per case (graph.json, input.json, expected.jsonata, expected.json), walked by this one test. */
const root = path.join(repoRoot, 'test', 'mapping', 'golden');
const cases = fs
  .readdirSync(root)
  .filter((name) => fs.statSync(path.join(root, name)).isDirectory())
  .sort();
const read = (name: string, file: string): string => fs.readFileSync(path.join(root, name, file), 'utf8');

describe('golden mappings', () => {
  it('has at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));

  it.each(cases)('%s', async (name) => {
    const graph: MappingGraph = parseMappingGraph(JSON.parse(read(name, 'graph.json')));
    const input: unknown = JSON.parse(read(name, 'input.json'));
    const expectedText = read(name, 'expected.jsonata').replace(/\n$/, '');
    const expectedOutput: unknown = JSON.parse(read(name, 'expected.json'));

    const compiled = compileGraph(graph);
    expect(compiled.expression).toBe(expectedText);
    expect(await evaluateExpression(compiled.expression, input, { bindings: goldenBindings })).toEqual(expectedOutput);

    // Text → graph keeps ids and layout when the previous graph is known, and is a fixed point without it.
    expect(sortedGraph(parseMapping(expectedText, { previous: graph }))).toEqual(sortedGraph(graph));
    expect(compileGraph(parseMapping(expectedText)).expression).toBe(expectedText);

    // The per-field preview agrees with the whole expression.
    const preview = new MappingPreview([input], { bindings: goldenBindings });
    const result = await preview.update(graph);
    expect(result.records[0]?.errors).toEqual([]);
    expect(result.records[0]?.output).toEqual(expectedOutput);
  });
});
