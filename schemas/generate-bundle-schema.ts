// Regenerates schemas/mlc-bundle.schema.json from the zod schema:
//   npx tsx schemas/generate-bundle-schema.ts
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleJsonSchemaText } from '../shared/bundle/bundle-json-schema';

const target = fileURLToPath(new URL('./mlc-bundle.schema.json', import.meta.url));
fs.writeFileSync(target, bundleJsonSchemaText());
process.stdout.write(`wrote ${target.split(/[\\/]/).slice(-2).join('/')}\n`);
