import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { createBackend, type Backend } from '../../electron/backend/backend';
import type { Bundle } from '../../shared/bundle/bundle.schema';
import { tempDir } from '../support/paths';
import { exampleBundle, reseal } from './support/bundle-files';

let backend: Backend | undefined;
let folder: { dir: string; remove(): void } | undefined;
afterEach(async () => {
  await backend?.close();
  folder?.remove();
  backend = folder = undefined;
});

/** A flow's bulk threshold (issue 15) travels in `mlc` bundles: imported, changed on re-import, exported. */
describe('the bulk threshold in bundles', () => {
  it('is imported, updated by a bundle that changes it, and exported again', async () => {
    folder = tempDir('mlc-bundle-bulk-');
    backend = createBackend({ runtime: 'cli', dataDir: folder.dir });
    const api = createClient(inProcessTransport(backend));
    const bundle = exampleBundle();
    bundle.flows[0]!.options = { ...bundle.flows[0]!.options, bulkThreshold: 2_500 };
    await api.call('bundles.import', { content: JSON.stringify(reseal(bundle)) });
    const id = bundle.flows[0]!.id;
    const stored = async () => (await api.call('flows.list', {})).find((flow) => flow.id === id)?.options;
    expect(await stored()).toMatchObject({ bulkThreshold: 2_500 });

    // 0 = never: a different design, so the re-import updates the flow.
    bundle.flows[0]!.options = { ...bundle.flows[0]!.options, bulkThreshold: 0 };
    await api.call('bundles.import', { content: JSON.stringify(reseal(bundle)) });
    expect(await stored()).toMatchObject({ bulkThreshold: 0 });

    const exported = await api.call('bundles.export', { flowIds: [id] });
    const { flows } = JSON.parse(exported.content) as Bundle;
    expect(flows.find((flow) => flow.id === id)?.options.bulkThreshold).toBe(0);
  }, 60_000);
});
