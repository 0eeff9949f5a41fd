import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startScriptedServer } from '../unit/http/scripted-server';

/** Credentials go only to the `.ionapi` file's `iu`/`pu` hosts and never follow a redirect. */
describe('Infor credentials stay with the iu/pu hosts', () => {
  let sandbox: InforSandbox;
  let other: Awaited<ReturnType<typeof startScriptedServer>>;
  const connectors: InforConnector[] = [];
  const connector = (ionapi: Record<string, unknown>) => {
    const parsed = parseIonApi(JSON.stringify(ionapi));
    const created = new InforConnector({
      connection: {
        id: `hosts-${connectors.length}`,
        settings: { ...ionApiSettings(parsed), productLine: 'm3' },
        sandbox: parsed.sandbox,
      },
      secrets: ionApiSecrets(parsed),
      http: { maxRetries: 0 },
    });
    connectors.push(created);
    return created;
  };

  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 30 } });
    other = await startScriptedServer(() => ({ status: 200, body: '{"results":[]}' }));
  });
  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.close()));
    await other.close();
    await sandbox.close();
  });

  it('uses only the iu and pu hosts for a normal run', async () => {
    const c = connector(sandbox.ionapi());
    expect((await c.test()).ok).toBe(true);
    expect(Object.keys(c.callCounts().byHost)).toEqual([new URL(sandbox.url).host]);
    expect(other.seen).toHaveLength(0);
  });

  it('refuses to call any other host, before sending anything', async () => {
    const c = connector(sandbox.ionapi());
    await c.test();
    await expect(
      c.http.request({ url: `${other.url}/${sandbox.tenant}/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber` }),
    ).rejects.toMatchObject({
      code: 'E_HTTP_HOST_NOT_ALLOWED',
    });
    expect(other.seen).toHaveLength(0);
  });

  it('does not follow a gateway redirect to another host', async () => {
    sandbox.control.redirect(`/${sandbox.tenant}/M3/`, `${other.url}/landing`);
    const c = connector(sandbox.ionapi());
    let error: unknown;
    try {
      for await (const page of c.read('customers', { pageSize: 10 })) void page;
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('E_HTTP_REDIRECT');
    expect(other.seen).toHaveLength(0);
  });

  it('does not send the token request to a pu host it was not given', async () => {
    // The file names the other server as iu: calls go there, but pu (token) stays on the sandbox.
    const c = connector({ ...sandbox.ionapi(), iu: other.url });
    await c.test();
    expect(other.seen.every((request) => !/token|revoke/.test(request.url))).toBe(true);
    expect(other.seen.every((request) => !request.body.includes(String(sandbox.ionapi().sask)))).toBe(true);
  });
});
