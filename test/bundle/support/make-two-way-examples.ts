// Regenerates the issue 16 example bundles in examples/: designs each against fresh small sandboxes
// through the backend contract (test/bundle/support/two-way-examples.ts), exports it as the designer's
// Export button does, and strips the sandboxes' random ports (`mlc run` binds sandbox connections to
// the files `mlc sandbox` writes). Run: npx tsx test/bundle/support/make-two-way-examples.ts
import fs from 'node:fs';
import path from 'node:path';
import { createClient } from '../../../shared/api/client';
import { createBackend } from '../../../electron/backend/backend';
import { inProcessTransport } from '../../../electron/backend/bridge/in-process';
import { contentHashOf } from '../../../electron/backend/bundle/bundle-hash';
import { repoRoot, tempDir } from '../../support/paths';
import {
  connectExamples,
  designContactsToM3,
  designGlReconcile,
  designPurchasesBothWays,
  startExampleSandboxes,
} from './two-way-examples';

export const twoWayExamples = [
  {
    file: 'dynamics-contacts-to-m3.mlcbundle.json',
    name: 'Dynamics contacts to Infor M3 customers',
    description:
      'Dynamics 365 contacts → Infor M3 customers (CRS610MI, new customers from the TMPLDOM template), read incrementally by modifiedon. Runs against `mlc sandbox`; see README “Two-way integrations”.',
    design: designContactsToM3,
  },
  {
    file: 'cin7-purchases-both-ways.mlcbundle.json',
    name: 'Cin7 purchases and Infor M3 purchase orders, both ways',
    description:
      'Infor M3 suppliers → Cin7 suppliers; M3 purchase orders ↔ Cin7 purchases with their lines (M3 writes through PPS370MI/PPS200MI). Each side’s writes coming back are skipped as echoes. Runs against `mlc sandbox`.',
    design: designPurchasesBothWays,
  },
  {
    file: 'gl-reconcile-m3-cin7.mlcbundle.json',
    name: 'GL accounts Infor M3 and Cin7 reconcile',
    description:
      'Compares the Infor M3 chart of accounts (dimension 1) with Cin7 Core’s, creates what Cin7 lacks, updates what differs, and reports accounts only Cin7 has. Runs against `mlc sandbox`.',
    design: designGlReconcile,
  },
] as const;

export async function makeTwoWayExample(example: (typeof twoWayExamples)[number]): Promise<Record<string, unknown>> {
  const sandboxes = await startExampleSandboxes();
  const folder = tempDir('mlc-example-');
  const backend = createBackend({ runtime: 'cli', dataDir: folder.dir });
  try {
    const api = createClient(inProcessTransport(backend));
    const connections = await connectExamples(api, sandboxes);
    const flows = await example.design(api, connections);
    const exported = await api.call('bundles.export', {
      name: example.name,
      description: example.description,
      flowIds: flows.map((flow) => flow.id),
    });
    const bundle = JSON.parse(exported.content) as Record<string, unknown> & {
      connections: Array<{ settings: Record<string, unknown> }>;
    };
    for (const connection of bundle.connections) {
      for (const [key, value] of Object.entries(connection.settings)) {
        if (typeof value === 'string')
          connection.settings[key] = value.replace(/^http:\/\/127\.0\.0\.1:\d+/, 'http://127.0.0.1');
      }
    }
    const { contentHash: _old, ...body } = bundle;
    return { $schema: '../schemas/mlc-bundle.schema.json', ...body, contentHash: contentHashOf(body) };
  } finally {
    await backend.close();
    await sandboxes.close();
    folder.remove();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  for (const example of twoWayExamples) {
    const bundle = await makeTwoWayExample(example);
    fs.writeFileSync(path.join(repoRoot, 'examples', example.file), `${JSON.stringify(bundle, null, 2)}\n`);
    process.stdout.write(`wrote examples/${example.file}\n`);
  }
}
