import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../../shared/api/client';
import { AppError } from '../../../shared/errors';
import { inProcessTransport } from '../../../electron/backend/bridge/in-process';
import { testBackend } from '../../support/backend';

/** The M3 templates new customers and suppliers are created from are connection settings, checked by the backend. */
describe('M3 template settings', () => {
  let env: ReturnType<typeof testBackend>;
  let api: ApiClient;
  beforeEach(() => {
    env = testBackend();
    api = createClient(inProcessTransport(env.backend));
  });
  afterEach(async () => {
    await env.dispose();
  });

  it('keeps the customer and supplier templates and refuses one longer than a customer number', async () => {
    const created = await api.call('connections.create', {
      system: 'infor',
      name: 'M3',
      settings: {
        tenant: 'ACME_PRD',
        iu: 'https://mingle-ionapi.inforcloudsuite.com',
        pu: 'https://mingle-sso.inforcloudsuite.com:443/ACME_PRD/as/',
        ot: 'token.oauth2',
        ci: 'ACME_PRD~x',
        productLine: 'm3',
      },
      secrets: {},
    });
    const updated = await api.call('connections.update', {
      id: created.id,
      settings: { m3CustomerTemplate: 'TMPLDOM', m3SupplierTemplate: 'TMPLSUP' },
    });
    expect(updated.settings).toMatchObject({ m3CustomerTemplate: 'TMPLDOM', m3SupplierTemplate: 'TMPLSUP' });
    const refused = await api
      .call('connections.update', { id: created.id, settings: { m3CustomerTemplate: 'TEMPLATE123' } })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).message).toMatch(/m3CustomerTemplate/);
  });
});
