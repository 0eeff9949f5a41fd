import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTestResult } from '../../shared/api/connectors.contract';
import { ionapiMaxBytes } from '../../shared/api/connectors.contract';
import type { Connection } from '../../shared/domain/connection';
import type { Result } from '../../shared/api/result';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { closedPort, listenRaw } from '../support/raw-sockets';
import { tempDir } from '../support/paths';

/** A well-formed cloud Backend Service file whose hosts are given (https, not a sandbox). */
function cloudIonapi(base: string, tenant = 'ACME_PRD'): Record<string, string> {
  return {
    ti: tenant,
    cn: `ACME ${base}`,
    ci: `${tenant}~cLiEnT1d`,
    cs: 'Zm9vYmFyLXNlY3JldC1vZi10aGUtY2xpZW50',
    iu: `${base}`,
    pu: `${base}/${tenant}/as/`,
    oa: 'authorization.oauth2',
    ot: 'token.oauth2',
    or: 'revoke_token.oauth2',
    saak: `${tenant}#sErViCeAcCoUnT`,
    sask: 'c2VydmljZS1hY2NvdW50LXNlY3JldC12YWx1ZQ',
  };
}

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

describe('an .ionapi file whose hosts cannot be reached', () => {
  let backend: Backend;
  const temp = tempDir('mlc-unreachable-');
  beforeAll(() => {
    backend = createBackend({ runtime: 'cli', dataDir: temp.dir });
  });
  afterAll(async () => {
    await backend.close();
    temp.remove();
  });

  const importFile = (content: Record<string, string>, extra: Record<string, unknown> = {}) =>
    backend.invoke('connections.importIonapi', {
      fileName: 'ACME_PRD.ionapi',
      content: JSON.stringify(content),
      ...extra,
    });

  it('imports a file pointing at a closed port, and its test fails with E_NET_REFUSED after one call', async () => {
    const port = await closedPort();
    const connection = value<Connection>(await importFile(cloudIonapi(`https://127.0.0.1:${port}`)));
    expect(connection).toMatchObject({
      system: 'infor',
      sandbox: false,
      settings: { tenant: 'ACME_PRD', productLine: 'm3', productLineDetected: false },
    });
    expect(connection.secretsSet).toEqual(['client_secret', 'service_account_key', 'service_account_secret']);
    const listed = value<Connection[]>(await backend.invoke('connections.list', {}));
    expect(listed.map((item) => item.id)).toContain(connection.id);

    const tested = value<ConnectionTestResult>(await backend.invoke('connections.test', { id: connection.id }));
    expect(tested.ok).toBe(false);
    expect(tested.error?.code).toBe('E_NET_REFUSED');
    expect(tested.error?.message).toContain(`Cannot reach 127.0.0.1 — nothing accepts connections on port ${port}`);
    // Refused is an answer: no retry, no probing of the other product lines.
    expect(tested.callCount).toBe(1);
  });

  it('imports a file whose host name does not resolve, and its test fails with E_NET_DNS', async () => {
    const connection = value<Connection>(await importFile(cloudIonapi('https://mingle-sso.invalid', 'ACME_TST')));
    const tested = value<ConnectionTestResult>(await backend.invoke('connections.test', { id: connection.id }));
    expect(tested.error?.code).toBe('E_NET_DNS');
    expect(tested.error?.message).toBe(
      'Cannot reach mingle-sso.invalid — the name does not resolve (DNS ENOTFOUND). Check the network or VPN, and the host name.',
    );
  });

  it('cancels a test against a host that never answers', async () => {
    const held: unknown[] = [];
    const silent = await listenRaw((socket) => void held.push(socket));
    try {
      const connection = value<Connection>(await importFile(cloudIonapi(`https://${silent.host}`, 'ACME_DEV')));
      const pending = backend.invoke('connections.test', { id: connection.id, requestId: 'test-1' });
      await expect.poll(() => held.length, { timeout: 5_000 }).toBeGreaterThan(0);
      expect(value(await backend.invoke('connections.cancelTest', { requestId: 'test-1' }))).toEqual({
        cancelled: true,
      });
      const tested = value<ConnectionTestResult>(await pending);
      expect(tested.error?.code).toBe('E_NET_CANCELLED');
      // Once finished, the id is forgotten.
      expect(value(await backend.invoke('connections.cancelTest', { requestId: 'test-1' }))).toEqual({
        cancelled: false,
      });
    } finally {
      await silent.close();
    }
  });

  it('refuses a file over the one size limit, naming the limit', async () => {
    const padded = JSON.stringify({
      ...cloudIonapi('https://mingle-sso.invalid'),
      padding: 'é'.repeat(ionapiMaxBytes / 2),
    });
    const result = await backend.invoke('connections.importIonapi', { fileName: 'big.ionapi', content: padded });
    expect(result).toMatchObject({ ok: false, error: { code: 'E_IONAPI_TOO_LARGE' } });
    expect(!result.ok && result.error.message).toMatch(/^big\.ionapi is 10\d KB; an \.ionapi file is at most 100 KB/);
  });
});

describe('importing the same .ionapi file twice', () => {
  let backend: Backend;
  let sandbox: InforSandbox;
  const temp = tempDir('mlc-duplicate-');
  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 10 } });
    backend = createBackend({ runtime: 'cli', dataDir: temp.dir });
  });
  afterAll(async () => {
    await backend.close();
    await sandbox.close();
    temp.remove();
  });

  it('names the existing connection when asked, updates it in place, or creates another on request', async () => {
    const content = JSON.stringify(sandbox.ionapi());
    const first = value<Connection>(
      await backend.invoke('connections.importIonapi', { fileName: 'a.ionapi', content, existing: 'ask' }),
    );

    const again = await backend.invoke('connections.importIonapi', { fileName: 'a.ionapi', content, existing: 'ask' });
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'E_CONNECTION_EXISTS', details: { matches: [{ id: first.id, name: first.name }] } },
    });
    expect(!again.ok && again.error.message).toContain(`already imported as “${first.name}”`);

    // Updating puts another download into the same connection (here the sandbox client-credentials app: new secrets, no service account).
    const newer = JSON.stringify(sandbox.ionapi('client-credentials'));
    const updated = value<Connection>(
      await backend.invoke('connections.importIonapi', { fileName: 'a.ionapi', content: newer, updateId: first.id }),
    );
    expect(updated.id).toBe(first.id);
    expect(updated.secretsSet).toEqual(['client_secret']);
    expect(updated.settings.grant).toBe('client_credentials');
    expect(value<Connection[]>(await backend.invoke('connections.list', {}))).toHaveLength(1);

    const tested = value<ConnectionTestResult>(await backend.invoke('connections.test', { id: first.id }));
    expect(tested).toMatchObject({ ok: true, tenant: sandbox.tenant });

    value(await backend.invoke('connections.importIonapi', { fileName: 'a.ionapi', content, existing: 'create' }));
    expect(value<Connection[]>(await backend.invoke('connections.list', {}))).toHaveLength(2);
  });

  it('detects the product line on the first test, not at import', async () => {
    const connection = value<Connection>(
      await backend.invoke('connections.importIonapi', {
        fileName: 'b.ionapi',
        content: JSON.stringify(sandbox.ionapi()),
      }),
    );
    expect(connection.settings).toMatchObject({ productLine: 'm3', productLineDetected: false });
    const tested = value<ConnectionTestResult>(await backend.invoke('connections.test', { id: connection.id }));
    expect(tested).toMatchObject({ ok: true, variant: 'm3' });
    const saved = value<Connection[]>(await backend.invoke('connections.list', {})).find(
      (item) => item.id === connection.id,
    )!;
    expect(saved.settings).toMatchObject({ productLine: 'm3', productLineDetected: true });
  });
});

describe('a connection test has one overall deadline', () => {
  let backend: Backend;
  const temp = tempDir('mlc-deadline-');
  beforeAll(() => {
    // The backend's client tuning shortens the deadline below connectionTestTimeoutMs (never above it).
    backend = createBackend({ runtime: 'cli', dataDir: temp.dir, connectorDefaults: { http: { timeoutMs: 400 } } });
  });
  afterAll(async () => {
    await backend.close();
    temp.remove();
  });

  it('gives up on a host that accepts and never answers with E_NET_TIMEOUT, not an auth code', async () => {
    const silent = await listenRaw(() => undefined);
    try {
      const connection = value<Connection>(
        await backend.invoke('connections.importIonapi', {
          fileName: 'slow.ionapi',
          content: JSON.stringify(cloudIonapi(`https://${silent.host}`)),
        }),
      );
      const tested = value<ConnectionTestResult>(await backend.invoke('connections.test', { id: connection.id }));
      expect(tested.error?.code).toBe('E_NET_TIMEOUT');
      expect(tested.error?.message).toBe(
        '127.0.0.1 did not answer within 400 ms — check the network or VPN; the server may be down or overloaded.',
      );
    } finally {
      await silent.close();
    }
  });
});
