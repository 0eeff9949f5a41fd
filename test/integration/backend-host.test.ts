import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../support/paths';

type HostMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: { ok: boolean; value?: unknown; error?: { code: string } } }
  | { type: 'event'; event: string; payload: unknown };

/**
 * The desktop backend host (dist/backend/host.js) speaks to Electron's main process
 * over `parentPort`. Here it runs under plain Node with a shim for that port, so the
 * protocol main relies on — init with the secrets key, invoke, results, events,
 * shutdown — is exercised against the real backend and SQLite file.
 */
describe('the desktop backend host protocol', () => {
  const home = tempDir('mlc-host-');
  let child: ChildProcess;
  const messages: HostMessage[] = [];
  const next = (predicate: (message: HostMessage) => boolean) =>
    new Promise<HostMessage>((resolve) => {
      const found = messages.find(predicate);
      if (found) return resolve(found);
      const listener = (message: HostMessage) => {
        if (predicate(message)) {
          child.off('message', listener);
          resolve(message);
        }
      };
      child.on('message', listener);
    });

  beforeAll(() => {
    child = fork(path.join(repoRoot, 'dist', 'backend', 'host.js'), [], {
      execArgv: ['--import', path.join(repoRoot, 'test', 'support', 'parent-port-shim.mjs')],
      env: { ...process.env, MLC_HOME: home.dir },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.on('message', (message: HostMessage) => messages.push(message));
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill();
    home.remove();
  });

  it('answers calls sent before init once the key arrives, then pushes events', async () => {
    // Main may forward a renderer call before the backend is initialised: it must wait, not fail.
    child.send({ type: 'invoke', id: 1, method: 'app.info', input: {} });
    child.send({ type: 'init', masterKey: Buffer.alloc(32, 7).toString('base64') });
    await next((message) => message.type === 'ready');
    const info = await next((message) => message.type === 'result' && message.id === 1);
    expect(info).toMatchObject({ result: { ok: true, value: { runtime: 'desktop', dataDir: home.dir } } });

    child.send({
      type: 'invoke',
      id: 2,
      method: 'connections.create',
      input: {
        system: 'zoho',
        name: 'Zoho EU',
        settings: { dataCentre: 'eu', clientId: '1000.ABC' },
        secrets: { client_secret: 'very-secret-value', refresh_token: '1000.refresh' },
      },
    });
    const created = await next((message) => message.type === 'result' && message.id === 2);
    expect(created).toMatchObject({
      result: { ok: true, value: { name: 'Zoho EU', secretsSet: ['client_secret', 'refresh_token'] } },
    });
    expect(JSON.stringify(created)).not.toContain('very-secret-value');

    const id = (created as { result: { value: { id: string } } }).result.value.id;
    child.send({ type: 'invoke', id: 3, method: 'connections.remove', input: { id } });
    const event = await next((message) => message.type === 'event' && message.event === 'connections.changed');
    expect(event).toMatchObject({ payload: { ids: [id] } });

    child.send({ type: 'invoke', id: 4, method: 'connections.remove', input: { id: 42 } });
    expect(await next((message) => message.type === 'result' && message.id === 4)).toMatchObject({
      result: { ok: false, error: { code: 'E_INVALID_INPUT' } },
    });
  });

  it('shuts down cleanly on request', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.send({ type: 'shutdown' });
    expect(await exited).toBe(0);
  });
});
