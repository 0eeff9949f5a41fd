import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemIds } from '../../../shared/domain/connection';
import { createConnectionsStore } from '../../../renderer/src/features/connections/connections.store';
import {
  connectionForms,
  initialValues,
  validateForm,
} from '../../../renderer/src/features/connections/connection-forms';
import { rendererWorld, type RendererWorld } from './support/sandbox-backend';

describe('connections store against a real backend and the sandbox', () => {
  let world: RendererWorld;
  beforeAll(() => {
    world = rendererWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('opens the sandbox workspace once: six connections, no duplicates on a second click', async () => {
    const store = createConnectionsStore(world.api);
    await store.getState().openWorkspace();
    const first = store.getState();
    expect(first.workspace.state).toBe('ready');
    expect(first.workspace.summary).toEqual({ created: systemIds.length, reused: 0, started: true });
    expect(first.items.map((connection) => connection.system)).toEqual([...systemIds]);
    expect(first.items.every((connection) => connection.sandbox)).toBe(true);
    expect(first.workspace.simulators.every((simulator) => simulator.url.startsWith('http://127.0.0.1:'))).toBe(true);

    await store.getState().openWorkspace();
    expect(store.getState().workspace.summary).toEqual({ created: 0, reused: systemIds.length, started: false });
    expect((await world.api.call('connections.list', {})).length).toBe(systemIds.length);

    // A fresh window learns that the simulators run.
    const other = createConnectionsStore(world.api);
    await other.getState().loadSandboxStatus();
    expect(
      other
        .getState()
        .workspace.simulators.map((simulator) => simulator.system)
        .sort(),
    ).toEqual([...systemIds].sort());
  });

  it('tests a connection: tenant, latency and token lifetime; a broken secret gives the readable error', async () => {
    const store = createConnectionsStore(world.api);
    await store.getState().refresh();
    const infor = store.getState().items.find((connection) => connection.system === 'infor')!;
    await store.getState().test(infor.id);
    const result = store.getState().tests[infor.id];
    expect(result?.state).toBe('done');
    if (result?.state !== 'done') return;
    expect(result.result).toMatchObject({ ok: true, tenant: 'MLC_SANDBOX', variant: 'm3' });
    expect(result.result.tokenLifetimeSeconds).toBeGreaterThan(0);
    expect(result.result.sampleCount).toBeGreaterThan(0);

    const zoho = store.getState().items.find((connection) => connection.system === 'zoho')!;
    await store.getState().update({ id: zoho.id, secrets: { refresh_token: '1000.deadbeef.deadbeef' } });
    await store.getState().test(zoho.id);
    const failed = store.getState().tests[zoho.id];
    const error = failed?.state === 'done' ? failed.result.error : failed?.state === 'error' ? failed.error : undefined;
    expect(error?.code).toMatch(/^E_AUTH/);
    expect(JSON.stringify(store.getState().tests)).not.toContain('deadbeef');
  });

  it('reports exactly which keys a broken .ionapi file lacks', async () => {
    const store = createConnectionsStore(world.api);
    const created = await store
      .getState()
      .importIonapi(
        'broken.ionapi',
        JSON.stringify({ ti: 'ACME_PRD', ci: 'client', iu: 'https://mingle-ionapi.inforcloudsuite.com' }),
      );
    expect(created).toBeUndefined();
    const state = store.getState().import;
    expect(state.state).toBe('error');
    if (state.state !== 'error') return;
    expect(state.error.code).toBe('E_IONAPI_MISSING_KEY');
    expect(state.error.message).toContain('"cs", "pu", "ot"');
    const notJson = await store.getState().importIonapi('notes.ionapi', 'ti=ACME');
    expect(notJson).toBeUndefined();
    expect(store.getState().import).toMatchObject({ state: 'error', error: { code: 'E_IONAPI_INVALID_JSON' } });
  });

  it('removes a connection and forgets its test result', async () => {
    const store = createConnectionsStore(world.api);
    await store.getState().refresh();
    const cin7 = store.getState().items.find((connection) => connection.system === 'cin7')!;
    await store.getState().test(cin7.id);
    expect(await store.getState().remove(cin7.id)).toBe(true);
    expect(store.getState().items.some((connection) => connection.id === cin7.id)).toBe(false);
    expect(store.getState().tests[cin7.id]).toBeUndefined();
    // The workspace brings it back instead of leaving a hole.
    await store.getState().openWorkspace();
    expect(store.getState().items.filter((connection) => connection.system === 'cin7')).toHaveLength(1);
  });

  it('signs in to Zoho through the browser: waiting, then signed in with a working refresh token', async () => {
    const store = createConnectionsStore(world.api);
    const stop = store.getState().follow();
    try {
      await store.getState().refresh();
      const zoho = store.getState().items.find((connection) => connection.system === 'zoho')!;
      await store.getState().update({ id: zoho.id, secrets: { refresh_token: '1000.deadbeef.deadbeef' } });
      // The "system browser": open the sign-in page and follow its redirect to the loopback.
      let browsed: Promise<Response> | undefined;
      await store.getState().signIn(zoho.id, (url) => {
        browsed = fetch(url, { redirect: 'manual' }).then((answer) => fetch(answer.headers.get('location')!));
      });
      expect(store.getState().signIns[zoho.id]?.state).toMatch(/waiting|signedIn/);
      expect((await browsed!).status).toBe(200);
      await expect.poll(() => store.getState().signIns[zoho.id]?.state).toBe('signedIn');
      await store.getState().test(zoho.id);
      expect(store.getState().tests[zoho.id]).toMatchObject({ state: 'done', result: { ok: true } });

      // A redirect carrying another state is refused, and the card says why.
      await store.getState().signIn(zoho.id, (url) => {
        browsed = fetch(url, { redirect: 'manual' }).then((answer) => {
          const forged = new URL(answer.headers.get('location')!);
          forged.searchParams.set('state', 'forged');
          return fetch(forged);
        });
      });
      expect((await browsed!).status).toBe(400);
      await expect.poll(() => store.getState().signIns[zoho.id]?.state).toBe('failed');
      expect(store.getState().signIns[zoho.id]).toMatchObject({ error: { code: 'E_SIGNIN_STATE' } });
    } finally {
      stop();
    }
  });
});

describe('connection forms validate with the connectors’ own settings schemas', () => {
  it('names what is wrong with a Zoho form, and fills defaults when it is right', () => {
    const values = {
      ...initialValues('zoho'),
      dataCentre: 'eu',
      clientId: 'abc',
      client_secret: '',
      refresh_token: 'nope',
    };
    const bad = validateForm('zoho', values, { name: 'Zoho EU' });
    expect(bad.errors.clientId).toMatch(/1000\./);
    expect(bad.errors.client_secret).toMatch(/Client Secret/);
    expect(bad.errors.refresh_token).toMatch(/refresh token/);

    const good = validateForm(
      'zoho',
      { ...values, clientId: '1000.ABCDEF123', client_secret: 's3cret', refresh_token: '1000.abc123.def456' },
      { name: 'Zoho EU' },
    );
    expect(good.errors).toEqual({});
    expect(good.settings).toMatchObject({
      dataCentre: 'eu',
      clientId: '1000.ABCDEF123',
      environment: 'production',
      runAutomation: false,
    });
    expect(good.secrets).toEqual({ client_secret: 's3cret', refresh_token: '1000.abc123.def456' });
  });

  it('saves a Zoho connection without a refresh token: “Sign in with Zoho” on the card fills it', () => {
    const values = { ...initialValues('zoho'), clientId: '1000.ABCDEF123', client_secret: 's3cret' };
    const result = validateForm('zoho', values, { name: 'Zoho' });
    expect(result.errors).toEqual({});
    expect(result.secrets).toEqual({ client_secret: 's3cret' });
  });

  it('keeps stored secrets when an edit leaves them empty', () => {
    const connection = {
      id: 'c1',
      system: 'salesforce',
      name: 'SF',
      settings: { myDomainUrl: 'https://acme.my.salesforce.com', clientId: '3MVG9abcdefghij' },
      secretsSet: ['client_secret'],
      sandbox: false,
      createdAt: '',
      updatedAt: '',
    } as const;
    const values = initialValues('salesforce', connection as never);
    expect(values).toMatchObject({ myDomainUrl: 'https://acme.my.salesforce.com', client_secret: '' });
    const edit = validateForm('salesforce', values, { name: 'SF', editing: true, secretsSet: ['client_secret'] });
    expect(edit.errors).toEqual({});
    expect(edit.secrets).toEqual({});
    const wrongHost = validateForm(
      'salesforce',
      { ...values, myDomainUrl: 'https://login.salesforce.com' },
      { name: 'SF', editing: true, secretsSet: ['client_secret'] },
    );
    expect(wrongHost.errors.myDomainUrl).toMatch(/My Domain/);
  });

  it('has a form for every target system, with no secret slot kept in settings', () => {
    for (const [system, fields] of Object.entries(connectionForms)) {
      expect(fields.length, system).toBeGreaterThan(0);
      expect(
        fields.some((field) => field.where === 'secrets'),
        system,
      ).toBe(true);
    }
  });
});

describe('connections store: choosing a CSI site', () => {
  let world: RendererWorld;
  beforeAll(() => {
    world = rendererWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('a multi-site CSI tenant: the test names the sites, the picker lists them, the chosen one reads', async () => {
    const store = createConnectionsStore(world.api);
    await store.getState().openWorkspace();
    const infor = store.getState().items.find((connection) => connection.system === 'infor')!;
    await store.getState().setProductLine(infor.id, 'csi');
    await store.getState().test(infor.id);
    const unchosen = store.getState().tests[infor.id];
    expect(unchosen?.state === 'done' && unchosen.result.error?.code).toBe('E_INFOR_CSI_CONFIG_REQUIRED');

    const listed = await store.getState().csiConfigurations(infor.id);
    expect(listed).toEqual({ configurations: ['MLC_SANDBOX_DALS', 'MLC_SANDBOX_EMEA', 'MLC_SANDBOX_LA'] });
    await store.getState().setInforChoice(infor.id, { mongooseConfig: 'MLC_SANDBOX_EMEA', csiSite: 'EMEA' });
    expect(store.getState().items.find((connection) => connection.id === infor.id)?.settings).toMatchObject({
      mongooseConfig: 'MLC_SANDBOX_EMEA',
      csiSite: 'EMEA',
    });
    await store.getState().test(infor.id);
    const chosen = store.getState().tests[infor.id];
    expect(chosen?.state === 'done' && chosen.result).toMatchObject({ ok: true, variant: 'csi' });

    await store.getState().setProductLine(infor.id, 'm3');
    const notCsi = await store.getState().csiConfigurations(infor.id);
    expect('error' in notCsi && notCsi.error.code).toBe('E_INVALID_INPUT');
  });
});
