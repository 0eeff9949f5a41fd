import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ionapiMaxBytes } from '../../../shared/api/connectors.contract';
import { createConnectionsStore } from '../../../renderer/src/features/connections/connections.store';
import { startInforSandbox, type InforSandbox } from '../../../sandbox/infor/index';
import { closedPort, listenRaw } from '../../support/raw-sockets';
import { rendererWorld, type RendererWorld } from './support/sandbox-backend';

const patient = { timeout: 15_000, interval: 50 };

describe('importing .ionapi files in the connections store', () => {
  let world: RendererWorld;
  let sandbox: InforSandbox;
  beforeAll(async () => {
    world = rendererWorld();
    sandbox = await startInforSandbox({ counts: { customers: 10 } });
  });
  afterAll(async () => {
    await world?.close();
    await sandbox?.close();
  });

  it('refuses a file over the size limit before reading it, naming the limit', async () => {
    const store = createConnectionsStore(world.api);
    const huge = {
      name: 'huge.ionapi',
      size: 50 * 1024 * 1024,
      text: () => Promise.reject(new Error('a file over the limit must not be read')),
    };
    expect(await store.getState().importFile(huge)).toBeUndefined();
    expect(store.getState().import).toMatchObject({ state: 'error', error: { code: 'E_IONAPI_TOO_LARGE' } });
    const state = store.getState().import;
    expect(state.state === 'error' && state.error.message).toMatch(
      /^huge\.ionapi is 52\.4 MB; an \.ionapi file is at most 100 KB/,
    );
    expect(ionapiMaxBytes).toBe(100_000);
  });

  it('asks before importing the same file twice: updating keeps one connection', async () => {
    const store = createConnectionsStore(world.api);
    const content = JSON.stringify(sandbox.ionapi());
    const first = await store.getState().importIonapi('acme.ionapi', content);
    expect(first).toBeDefined();
    // The import tests the new connection at once; wait for that before the next step.
    await expect.poll(() => store.getState().tests[first!.id]?.state, patient).toBe('done');
    const before = (await world.api.call('connections.list', {})).length;

    expect(await store.getState().importIonapi('acme.ionapi', content)).toBeUndefined();
    const asked = store.getState().import;
    expect(asked).toMatchObject({
      state: 'duplicate',
      fileName: 'acme.ionapi',
      matches: [{ id: first!.id, name: first!.name }],
    });

    const updated = await store.getState().resolveDuplicate({ updateId: first!.id });
    expect(updated?.id).toBe(first!.id);
    expect(store.getState().import).toMatchObject({ state: 'done', updated: true });
    expect((await world.api.call('connections.list', {})).length).toBe(before);
    await expect.poll(() => store.getState().tests[first!.id]?.state, patient).toBe('done');

    // "Create a new one" is still possible, on purpose.
    await store.getState().importIonapi('acme.ionapi', content);
    const created = await store.getState().resolveDuplicate('create');
    expect(created?.id).not.toBe(first!.id);
    expect((await world.api.call('connections.list', {})).length).toBe(before + 1);
    await expect.poll(() => store.getState().tests[created!.id]?.state, patient).toBe('done');
  });

  it('imports a file whose gateway is unreachable; its test says so with a network code', async () => {
    const store = createConnectionsStore(world.api);
    const port = await closedPort();
    const base = `https://127.0.0.1:${port}`;
    const connection = await store
      .getState()
      .importIonapi(
        'closed.ionapi',
        JSON.stringify({ ...sandbox.ionapi(), ti: 'CLOSED', iu: base, pu: `${base}/CLOSED/as/` }),
      );
    expect(connection).toBeDefined();
    await expect.poll(() => store.getState().tests[connection!.id]?.state, patient).toBe('done');
    const test = store.getState().tests[connection!.id];
    expect(test?.state === 'done' && test.result.error).toMatchObject({ code: 'E_NET_REFUSED' });
  });

  it('cancels a running test', async () => {
    const held: unknown[] = [];
    const silent = await listenRaw((socket) => void held.push(socket));
    try {
      const store = createConnectionsStore(world.api);
      const connection = await store.getState().importIonapi(
        'silent.ionapi',
        JSON.stringify({
          ...sandbox.ionapi(),
          ti: 'SILENT',
          iu: `https://${silent.host}`,
          pu: `https://${silent.host}/SILENT/as/`,
        }),
      );
      expect(store.getState().tests[connection!.id]?.state).toBe('running');
      await expect.poll(() => held.length, patient).toBeGreaterThan(0);
      await store.getState().cancelTest(connection!.id);
      await expect.poll(() => store.getState().tests[connection!.id]?.state, patient).toBe('done');
      const test = store.getState().tests[connection!.id];
      expect(test?.state === 'done' && test.result.error?.code).toBe('E_NET_CANCELLED');
    } finally {
      await silent.close();
    }
  });
});
