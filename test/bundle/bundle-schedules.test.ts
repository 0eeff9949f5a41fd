import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/api/client';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { createHostBackend } from '../../electron/backend/host/host-backend';
import type { Backend } from '../../electron/backend/backend';
import { tempDir } from '../support/paths';
import { exampleBundle, reseal } from './support/bundle-files';

let backend: Backend | undefined;
let folder: { dir: string; remove(): void } | undefined;
afterEach(async () => {
  await backend?.close();
  folder?.remove();
  backend = folder = undefined;
});

/** The reviewer's case: a bundle imported into `mlc studio` with a 10 s schedule never ran. */
describe('an imported bundle in a long-lived host', () => {
  it('starts its schedules at once: the flow fires on its interval without a restart', async () => {
    const bundle = exampleBundle();
    bundle.flows[0]!.schedule = { kind: 'interval', everySeconds: 10, timeZone: 'UTC' };
    folder = tempDir('mlc-import-');
    backend = createHostBackend({ runtime: 'web', dataDir: folder.dir });
    const api = createClient(inProcessTransport(backend));
    const changed: string[][] = [];
    api.on('flows.changed', (event) => changed.push(event.ids));

    await api.call('bundles.import', { content: JSON.stringify(reseal(bundle)) });
    expect(changed).toContainEqual(bundle.flows.map((flow) => flow.id));
    const [interval, cron] = await api.call('flows.list', {});
    expect(interval!.scheduleState).toMatchObject({ active: true, paused: false });
    expect(cron!.scheduleState.active).toBe(true);

    // The imported connections have no secrets yet, so the run fails; what matters here is that the schedule fired.
    await expect
      .poll(async () => (await api.call('runs.list', { flowId: interval!.id })).map((run) => run.trigger), {
        timeout: 40_000,
        interval: 250,
      })
      .toContain('schedule');
  }, 60_000);
});
