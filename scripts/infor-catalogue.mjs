#!/usr/bin/env node
/**
 * Refreshes sandbox/infor/m3/catalogue.json from ../shared/fixtures/infor/m3-mi-catalogue.json.
 * The simulator may not import the shared fixtures (lint: simulators are self-contained), so it
 * carries this compact copy: per program and transaction, the description, the inputs as
 * [name, required] and the outputs as [name, type, length]. Source of the facts: the C# catalogue
 * GaryWayneSmith/M3H5 generated from real M3 MI metadata (Apache-2.0), M3H5Lib.Api/*Resource.cs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const from = process.argv[2] ?? resolve(root, '../shared/fixtures/infor/m3-mi-catalogue.json');
const to = resolve(root, 'sandbox/infor/m3/catalogue.json');
const catalogue = JSON.parse(readFileSync(from, 'utf8'));
const programs = {};
for (const [program, transactions] of Object.entries(catalogue.programs)) {
  programs[program] = {};
  for (const [name, transaction] of Object.entries(transactions)) {
    programs[program][name] = {
      d: transaction.description,
      i: transaction.inputs.map((input) => [input.name, input.required ? 1 : 0]),
      o: transaction.outputs.map((output) => [output.name, output.type, output.length, output.description]),
    };
  }
}
const lines = Object.entries(programs).map(
  ([program, transactions]) => `${JSON.stringify(program)}:${JSON.stringify(transactions)}`,
);
writeFileSync(
  to,
  `{"source":${JSON.stringify(catalogue.source)},"license":"Apache-2.0 (GaryWayneSmith/M3H5)","programs":{\n${lines.join(',\n')}\n}}\n`,
);
console.log(`wrote ${to}`);
