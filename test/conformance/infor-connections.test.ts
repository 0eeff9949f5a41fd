import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../electron/backend/backend';
import { InforConnector } from '../../electron/backend/connectors/infor/infor.connector';
import { ionApiSecrets, ionApiSettings, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
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
      parseIonApi(JSON.stringify({ ...sandbox.ionapi(), iu: 'http://example.com', pu: 'http://example.com/T/as/' })),
    ).toThrow(/https/);
    expect(() => parseIonApi(JSON.stringify(sandbox.ionapi('web-app')))).toThrow(
      expect.objectContaining({ code: 'E_IONAPI_WEB_APP' }),
    );
  });
});

describe('.ionapi files of issue 14', () => {
  let sandbox: InforSandbox;
  const open: InforConnector[] = [];
  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 12 } });
  });
  afterAll(async () => {
    await Promise.all(open.map((connector) => connector.close()));
    await sandbox.close();
  });

  async function readsLn(parsed: ReturnType<typeof parseIonApi>): Promise<number> {
    const connector = new InforConnector({
      connection: {
        id: `ionapi-${Math.random()}`,
        settings: { ...ionApiSettings(parsed), productLine: 'ln' },
        sandbox: parsed.sandbox,
      },
      secrets: ionApiSecrets(parsed),
    });
    open.push(connector);
    let count = 0;
    for await (const page of connector.read('customers', { pageSize: 50 })) count += page.records.length;
    return count;
  }

  it('an LN 2025+ client-credentials file (cn, ci, cs, pu, ot only): tenant from ci, gateway proposed from pu', async () => {
    const file = sandbox.ionapi('ln-client-credentials');
    expect(Object.keys(file)).toEqual(['cn', 'ci', 'cs', 'pu', 'ot']);
    const parsed = parseIonApi(JSON.stringify(file));
    expect(parsed).toMatchObject({
      kind: 'client-credentials',
      gatewayBase: `${sandbox.url}/${sandbox.tenant}`,
      tokenUrl: `${sandbox.url}/${sandbox.tenant}/as/token.oauth2`,
      derived: ['ti', 'iu'],
    });
    expect(parsed.file.ti).toBe(sandbox.tenant);
    expect(await readsLn(parsed)).toBe(12);
    // A gateway the user confirmed wins over the proposal, and is not marked as derived.
    const confirmed = parseIonApi(JSON.stringify(file), 'ln.ionapi', { gatewayUrl: `${sandbox.url}/` });
    expect([confirmed.file.iu, confirmed.derived]).toEqual([sandbox.url, ['ti']]);
  });

  it('the cloud gateway is proposed beside the cloud authorization server', () => {
    const parsed = parseIonApi(
      JSON.stringify({
        cn: 'LN app',
        ci: 'ACME_PRD~abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
        cs: 'secret-value',
        pu: 'https://mingle-sso.eu1.inforcloudsuite.com:443/ACME_PRD/as/',
        ot: 'token.oauth2',
      }),
    );
    expect(parsed.file.iu).toBe('https://mingle-ionapi.eu1.inforcloudsuite.com');
    expect(parsed.gatewayBase).toBe('https://mingle-ionapi.eu1.inforcloudsuite.com/ACME_PRD');
  });

  it('trailing slashes in iu and pu (and a leading one in ot) are normalised, not refused', async () => {
    const file = sandbox.ionapi('slashes');
    expect([String(file.iu).endsWith('/'), String(file.pu).endsWith('/')]).toEqual([true, false]);
    const parsed = parseIonApi(JSON.stringify({ ...file, ot: '/token.oauth2' }));
    expect(parsed.file.iu).toBe(sandbox.url);
    expect(parsed.file.pu).toBe(`${sandbox.url}/${sandbox.tenant}/as/`);
    expect(parsed.tokenUrl).toBe(`${sandbox.url}/${sandbox.tenant}/as/token.oauth2`);
    expect(parsed.gatewayBase).toBe(`${sandbox.url}/${sandbox.tenant}`);
    expect(parsed.derived).toEqual([]);
    expect(await readsLn(parsed)).toBe(12);
  });

  it('a backend-service file still needs its ti and iu: nothing is guessed for it', () => {
    const { ti: _ti, iu: _iu, ...rest } = sandbox.ionapi();
    expect(() => parseIonApi(JSON.stringify(rest))).toThrow(/"ti", "iu"/);
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

    // A multi-site CSI tenant: the test names the configurations, the user picks one (issue 14).
    const unchosen = await backend.invoke('connections.test', { id: connection.id });
    expect(unchosen).toMatchObject({ ok: true, value: { ok: false, error: { code: 'E_INFOR_CSI_CONFIG_REQUIRED' } } });
    expect(JSON.stringify(unchosen)).toContain(`${sandbox.tenant}_EMEA`);
    const chosen = await backend.invoke('connections.update', {
      id: connection.id,
      settings: { mongooseConfig: `${sandbox.tenant}_DALS` },
    });
    expect(chosen.ok).toBe(true);

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

  it('imports an LN client-credentials file without iu: the proposed gateway is flagged until confirmed', async () => {
    const imported = await backend.invoke('connections.importIonapi', {
      fileName: 'ln.ionapi',
      content: JSON.stringify(sandbox.ionapi('ln-client-credentials')),
      productLine: 'ln',
    });
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    const connection = imported.value as { id: string; settings: Record<string, unknown>; secretsSet: string[] };
    expect(connection.settings).toMatchObject({
      tenant: sandbox.tenant,
      iu: sandbox.url,
      grant: 'client_credentials',
      gatewayProposed: true,
    });
    expect(connection.secretsSet).toEqual(['client_secret']);
    expect(await backend.invoke('connections.test', { id: connection.id })).toMatchObject({
      ok: true,
      value: { ok: true, variant: 'ln' },
    });
    const confirmed = await backend.invoke('connections.update', {
      id: connection.id,
      settings: { iu: sandbox.url, gatewayProposed: false },
    });
    expect(confirmed.ok && (confirmed.value as { settings: Record<string, unknown> }).settings.gatewayProposed).toBe(
      false,
    );
  });

  it('reports a broken file as a coded error value', async () => {
    const result = await backend.invoke('connections.importIonapi', { fileName: 'x.ionapi', content: '{"ti":"T"}' });
    expect(result).toMatchObject({ ok: false, error: { code: 'E_IONAPI_MISSING_KEY' } });
  });
});
