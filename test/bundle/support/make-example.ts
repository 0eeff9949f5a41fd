// Regenerates examples/infor-to-zoho.mlcbundle.json: designs the two flows against fresh
// sandboxes through the backend contract, runs them once (so the export carries real
// sample records), exports, and strips the sandboxes' random ports (`mlc run` binds sandbox
// connections to the files `mlc sandbox` writes). Run: npx tsx test/bundle/support/make-example.ts
import fs from 'node:fs';
import path from 'node:path';
import { contentHashOf } from '../../../electron/backend/bundle/bundle-hash';
import { syncService } from '../../../electron/backend/sync/sync.service';
import { repoRoot } from '../../support/paths';
import { syncWorld } from '../../sync/support/sync-harness';
import { designInforToZoho } from './infor-to-zoho';

export const examplePath = path.join(repoRoot, 'examples', 'infor-to-zoho.mlcbundle.json');

export async function makeExample(): Promise<Record<string, unknown>> {
  const world = await syncWorld({ infor: { counts: { customers: 40, salesOrders: 40 } } });
  try {
    const designed = await designInforToZoho(world.api, world.source, world.target);
    await syncService(world.backend.context).engine.runPass([designed.accounts.id, designed.orders.id]);
    const exported = await world.api.call('bundles.export', {
      name: 'Infor to Zoho CRM',
      description:
        'Infor M3 customers → Zoho CRM accounts, then sales orders → Zoho sales orders (each order pointing at its account). Runs against `mlc sandbox`; see README “Headless runtime and bundles”.',
      samplesPerMapping: 2,
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
    await world.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const bundle = await makeExample();
  fs.mkdirSync(path.dirname(examplePath), { recursive: true });
  fs.writeFileSync(examplePath, `${JSON.stringify(bundle, null, 2)}\n`);
  process.stdout.write(`wrote examples/${path.basename(examplePath)}\n`);
}
