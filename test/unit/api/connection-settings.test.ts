import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../../shared/api/client';
import { AppError } from '../../../shared/errors';
import { inProcessTransport } from '../../../electron/backend/bridge/in-process';
import { createCin7Connector } from '../../../electron/backend/connectors/cin7/cin7.connector';
import { createZohoConnector } from '../../../electron/backend/connectors/zoho/zoho.connector';
import { testBackend } from '../../support/backend';

const zoho = (settings: Record<string, string | number | boolean | null>) => ({
  system: 'zoho' as const,
  name: 'Zoho EU',
  settings,
  secrets: { client_secret: 'secret', refresh_token: '1000.ab12.cd34' },
});

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const caught = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(AppError);
  return caught as AppError;
}

describe('connection settings are checked by the backend', () => {
  let env: ReturnType<typeof testBackend>;
  let api: ApiClient;
  beforeEach(() => {
    env = testBackend();
    api = createClient(inProcessTransport(env.backend));
  });
  afterEach(async () => {
    await env.dispose();
  });

  it('refuses an unknown data centre, naming the field and what is allowed', async () => {
    const error = await refusal(api.call('connections.create', zoho({ dataCentre: 'mars', clientId: '1000.ABC' })));
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toMatch(/dataCentre/);
    expect(error.message).toMatch(/Allowed: us, eu, in, au, jp, cn, sa, ca/);
    expect(await api.call('connections.list', {})).toEqual([]);
  });

  it('refuses a client id that is not a Zoho client id', async () => {
    const error = await refusal(
      api.call('connections.create', zoho({ dataCentre: 'eu', clientId: 'not-a-client-id' })),
    );
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toMatch(/clientId.*1000\.X/);
  });

  it('refuses a rate that is not a number of requests per minute, with the range the system allows', async () => {
    const error = await refusal(
      api.call('connections.create', zoho({ dataCentre: 'eu', clientId: '1000.ABC', rateLimitPerMinute: 'lots' })),
    );
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toMatch(/rateLimitPerMinute.*whole number of requests per minute from 10 to 6,000/);
    const cin7 = await refusal(
      api.call('connections.create', {
        system: 'cin7',
        name: 'Cin7',
        settings: { rateLimitPerMinute: 61 },
        secrets: {},
      }),
    );
    expect(cin7.message).toMatch(/rateLimitPerMinute.*at most 60 calls per minute/);
  });

  it('names every wrong field at once', async () => {
    const error = await refusal(
      api.call(
        'connections.create',
        zoho({ dataCentre: 'mars', clientId: 'not-a-client-id', rateLimitPerMinute: 'lots' }),
      ),
    );
    const fields = (error.details as { problems: Array<{ field: string }> }).problems
      .map((problem) => problem.field)
      .sort();
    expect(fields).toEqual(['clientId', 'dataCentre', 'rateLimitPerMinute']);
  });

  it('keeps valid settings, trimmed, with no defaults added', async () => {
    const created = await api.call(
      'connections.create',
      zoho({ dataCentre: 'eu', clientId: ' 1000.ABC ', rateLimitPerMinute: 120 }),
    );
    expect(created.settings).toEqual({ dataCentre: 'eu', clientId: '1000.ABC', rateLimitPerMinute: 120 });
  });

  it('refuses a key the system has no setting for, naming the key and the known ones', async () => {
    // A typo (`datacentre`) or another system's setting would otherwise be stored and silently ignored.
    const error = await refusal(
      api.call(
        'connections.create',
        zoho({ dataCentre: 'eu', clientId: '1000.ABC', datacentre: 'eu', notes: 'EU team' }),
      ),
    );
    expect(error.code).toBe('E_INVALID_INPUT');
    const fields = (error.details as { problems: Array<{ field: string }> }).problems
      .map((problem) => problem.field)
      .sort();
    expect(fields).toEqual(['datacentre', 'notes']);
    expect(error.message).toMatch(
      /“datacentre”: Zoho CRM has no setting “datacentre”\. Known settings: dataCentre, environment, clientId/,
    );
    expect(await api.call('connections.list', {})).toEqual([]);
    const created = await api.call('connections.create', zoho({ dataCentre: 'eu', clientId: '1000.ABC' }));
    await expect(
      api.call('connections.update', { id: created.id, settings: { orgUrl: 'https://contoso.crm4.dynamics.com' } }),
    ).rejects.toMatchObject({
      code: 'E_INVALID_INPUT',
      message: expect.stringMatching(/no setting “orgUrl”/),
    });
  });

  it('lets a connection saved with an extra key before settings were strict still be edited', async () => {
    const created = await api.call('connections.create', zoho({ dataCentre: 'eu', clientId: '1000.ABC' }));
    // As an older version stored it: straight into the store, past today's check.
    env.backend.context.connections.update(created.id, { settings: { ...created.settings, notes: 'EU team' } });
    const updated = await api.call('connections.update', { id: created.id, settings: { dataCentre: 'in' } });
    expect(updated.settings).toEqual({ dataCentre: 'in', clientId: '1000.ABC', notes: 'EU team' });
  });

  it('accepts every setting the app itself stores: each sandbox connection and the ionapi import', async () => {
    const workspace = await api.call('sandbox.openWorkspace', {});
    expect(workspace.systems.map((entry) => entry.system).sort()).toEqual([
      'cin7',
      'dynamics',
      'infor',
      'salesforce',
      'zendesk',
      'zoho',
    ]);
    // A second click re-saves each connection through `connections.update` when its settings differ; none may be refused.
    for (const { connection } of workspace.systems) {
      await api.call('connections.update', { id: connection.id, settings: connection.settings });
    }
  });

  it('reads a whole number written as text as that number', async () => {
    const created = await api.call(
      'connections.create',
      zoho({ dataCentre: 'eu', clientId: '1000.ABC', rateLimitPerMinute: '300' }),
    );
    expect(created.settings.rateLimitPerMinute).toBe(300);
  });

  it('checks an update against the whole result and leaves the stored settings alone when refused', async () => {
    const created = await api.call('connections.create', zoho({ dataCentre: 'eu', clientId: '1000.ABC' }));
    const error = await refusal(api.call('connections.update', { id: created.id, settings: { dataCentre: 'mars' } }));
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toMatch(/dataCentre/);
    expect((await api.call('connections.list', {}))[0]!.settings).toEqual({ dataCentre: 'eu', clientId: '1000.ABC' });
    const renamed = await api.call('connections.update', {
      id: created.id,
      name: 'Zoho EU (prod)',
      settings: { dataCentre: 'in' },
    });
    expect(renamed).toMatchObject({ name: 'Zoho EU (prod)', settings: { dataCentre: 'in', clientId: '1000.ABC' } });
  });

  it('checks Infor settings too', async () => {
    const error = await refusal(
      api.call('connections.create', {
        system: 'infor',
        name: 'Infor',
        settings: {
          tenant: 'ACME_PRD',
          iu: 'https://mingle-ionapi.inforcloudsuite.com',
          pu: 'not a url',
          ot: 'token.oauth2',
          ci: 'ACME_PRD~x',
          productLine: 'sap',
        },
        secrets: {},
      }),
    );
    expect(error.message).toMatch(/“pu”: The authorization server URL \(pu\) must be a full URL/);
    expect(error.message).toMatch(/“productLine”: .*Allowed: m3, csi, ln, fsm/);
  });

  it('stores the M3 company, division and look-back every M3 call uses, and refuses a company outside 0–999', async () => {
    const infor = {
      tenant: 'ACME_PRD',
      iu: 'https://mingle-ionapi.inforcloudsuite.com',
      pu: 'https://mingle-sso.inforcloudsuite.com:443/ACME_PRD/as/',
      ot: 'token.oauth2',
      ci: 'ACME_PRD~x',
      productLine: 'm3',
    };
    const created = await api.call('connections.create', {
      system: 'infor',
      name: 'M3',
      settings: infor,
      secrets: {},
    });
    const updated = await api.call('connections.update', {
      id: created.id,
      settings: { m3Company: '200', m3Division: 'BBB', m3LookbackDays: 2 },
    });
    expect(updated.settings).toMatchObject({ m3Company: '200', m3Division: 'BBB', m3LookbackDays: 2 });
    const error = await refusal(api.call('connections.update', { id: created.id, settings: { m3Company: 1000 } }));
    expect(error.message).toMatch(/m3Company/);
    const division = await refusal(
      api.call('connections.update', { id: created.id, settings: { m3Division: 'ABCD' } }),
    );
    expect(division.message).toMatch(/m3Division/);
  });
});

describe('connectors refuse an invalid setting instead of falling back', () => {
  const environment = (settings: Record<string, string | number | boolean | null>) => ({
    connection: { id: 'no-fallback', settings, sandbox: false },
    secrets: { client_secret: 'secret', refresh_token: '1000.ab12.cd34', accountId: 'x', applicationKey: 'y' },
  });

  it('Zoho does not read an unknown data centre as the US', () => {
    expect(() => createZohoConnector(environment({ dataCentre: 'mars', clientId: '1000.ABC' }))).toThrow(
      /data centre “mars”/,
    );
  });

  it('a rate outside the descriptor’s range is refused, not clamped or ignored', () => {
    expect(() => createCin7Connector(environment({ rateLimitPerMinute: 'lots' }))).toThrow(
      /rateLimitPerMinute.*from 1 to 60/,
    );
    expect(() => createCin7Connector(environment({ rateLimitPerMinute: 500 }))).toThrow(/from 1 to 60/);
  });
});
