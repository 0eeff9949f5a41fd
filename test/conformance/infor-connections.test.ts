import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { storeFile } from '../support/backend';
import { tempDir } from '../support/paths';

describe('.ionapi variants', () => {
  let sandbox: InforSandbox;
  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 10 } });
  });
  afterAll(() => sandbox.close());

  it('reads client-credentials and on-premises files, builds URLs by concatenation', () => {
    const cc = parseIonApi(JSON.stringify(sandbox.ionapi('client-credentials')));
    expect(cc.kind).toBe('client-credentials');
    const onPrem = parseIonApi(JSON.stringify(sandbox.ionapi('on-premises')));
    expect(onPrem.tokenUrl).toBe(`${sandbox.url}/InforIntSTS/connect/token`);
    expect(onPrem.revokeUrl).toBe(`${sandbox.url}/InforIntSTS/connect/revocation`);
    expect(onPrem.onPremises).toBe(true);
    expect(onPrem.sandbox).toBe(true);
  });

  it('names every missing and invalid key, and refuses web apps', () => {
    const { ti: _ti, cs: _cs, ...rest } = sandbox.ionapi();
    expect(() => parseIonApi(JSON.stringify(rest))).toThrow(/"ti", "cs"/);
    expect(() =>
      parseIonApi(JSON.stringify({ ...sandbox.ionapi(), pu: `${sandbox.url}/${sandbox.tenant}/as` })),
    ).toThrow(/"pu" must end with "\/"/);
    expect(() =>
      parseIonApi(JSON.stringify({ ...sandbox.ionapi(), iu: 'http://example.com', pu: 'http://example.com/T/as/' })),
    ).toThrow(/https/);
    expect(() => parseIonApi(JSON.stringify(sandbox.ionapi('web-app')))).toThrow(
      expect.objectContaining({ code: 'E_IONAPI_WEB_APP' }),
    );
  });
});

describe('connections.* and schemas.* through the contract', () => {
  let sandbox: InforSandbox;
  let backend: Backend;
  const temp = tempDir('mlc-connectors-');
  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 40 } });
    backend = createBackend({ runtime: 'cli', dataDir: temp.dir });
  });
  afterAll(async () => {
    await backend.close();
    await sandbox.close();
    temp.remove();
  });

  it('imports, tests, lists entities, caches schemas and revokes on removal — never returning a secret', async () => {
    const ionapi = sandbox.ionapi();
    const imported = await backend.invoke('connections.importIonapi', {
      fileName: 'sandbox.ionapi',
      content: JSON.stringify(ionapi),
      productLine: 'csi',
    });
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    const connection = imported.value as {
      id: string;
      secretsSet: string[];
      settings: Record<string, unknown>;
      sandbox: boolean;
    };
    expect(connection.secretsSet).toEqual(['client_secret', 'service_account_key', 'service_account_secret']);
    expect(connection.sandbox).toBe(true);
    const everything = JSON.stringify(imported);
    for (const secret of [ionapi.cs, ionapi.saak, ionapi.sask]) expect(everything).not.toContain(String(secret));

    const tested = await backend.invoke('connections.test', { id: connection.id });
    expect(tested).toMatchObject({
      ok: true,
      value: { ok: true, variant: 'csi', tenant: sandbox.tenant, tokenLifetimeSeconds: 7200 },
    });

    const entities = await backend.invoke('schemas.entities', { connectionId: connection.id });
    expect(entities.ok && (entities.value as Array<{ id: string }>).map((e) => e.id)).toContain('customers');

    const schema = await backend.invoke('schemas.get', { connectionId: connection.id, entity: 'customers' });
    expect(schema.ok).toBe(true);
    const file = storeFile(temp.dir);
    const row = file.prepare('SELECT hash FROM entity_schemas WHERE connection_id = ?').get(connection.id) as {
      hash: string;
    };
    file.close();
    expect(schema.ok && (schema.value as { hash: string }).hash).toBe(row.hash);

    const revocationsBefore = sandbox.control.stats().counters.revocations ?? 0;
    expect(await backend.invoke('connections.remove', { id: connection.id })).toEqual({
      ok: true,
      value: { removed: true },
    });
    expect(sandbox.control.stats().counters.revocations ?? 0).toBe(revocationsBefore + 1);
    expect(backend.context.vault.slots(connection.id)).toEqual([]);
  });

  it('reports a broken file as a coded error value', async () => {
    const result = await backend.invoke('connections.importIonapi', { fileName: 'x.ionapi', content: '{"ti":"T"}' });
    expect(result).toMatchObject({ ok: false, error: { code: 'E_IONAPI_MISSING_KEY' } });
  });
});
