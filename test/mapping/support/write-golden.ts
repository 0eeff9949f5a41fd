/**
 * Writes test/mapping/golden/<case>/ from golden-cases.ts. Run once per new case
 * (`npx tsx test/mapping/support/write-golden.ts [name…]`), then read the files before committing:
 * the folders are the truth, this script only saves typing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileGraph } from '../../../shared/mapping/compiler';
import { evaluateExpression } from '../../../shared/mapping/evaluate';
import { repoRoot } from '../../support/paths';
import { goldenBindings } from './golden-bindings';
import { goldenDefinitions } from './golden-cases';

const only = new Set(process.argv.slice(2));
const root = path.join(repoRoot, 'test', 'mapping', 'golden');
for (const definition of goldenDefinitions) {
  if (only.size > 0 && !only.has(definition.name)) continue;
  const folder = path.join(root, definition.name);
  fs.mkdirSync(folder, { recursive: true });
  const compiled = compileGraph(definition.graph);
  const output = await evaluateExpression(compiled.expression, definition.input, { bindings: goldenBindings });
  fs.writeFileSync(path.join(folder, 'graph.json'), `${JSON.stringify(definition.graph, null, 2)}\n`);
  fs.writeFileSync(path.join(folder, 'input.json'), `${JSON.stringify(definition.input, null, 2)}\n`);
  fs.writeFileSync(path.join(folder, 'expected.jsonata'), `${compiled.expression}\n`);
  fs.writeFileSync(path.join(folder, 'expected.json'), `${JSON.stringify(output ?? null, null, 2)}\n`);
}
console.log(`${goldenDefinitions.length} golden cases defined`);
