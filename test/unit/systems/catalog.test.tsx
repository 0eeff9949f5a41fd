import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createClient, type ApiClient } from '../../../shared/api/client';
import type { SandboxWorkspace } from '../../../shared/api/sandbox.contract';
import { requiredSecretKeys, secretKeysOf } from '../../../shared/bundle/bundle-secrets';
import { systemIds, systemIdSchema, systemLabels } from '../../../shared/domain/connection';
import { formSystemSpecs, systemCatalog, systemSpec } from '../../../shared/systems/catalog';
import { inProcessTransport } from '../../../electron/backend/bridge/in-process';
import { connectorFactories } from '../../../electron/backend/connectors/connector-registry';
import { sandboxRegistry } from '../../../sandbox/registry';
import { connectionForms, formSystems } from '../../../renderer/src/features/connections/connection-forms';
import { SystemMark } from '../../../renderer/src/features/connections/SystemMark';
import { testBackend } from '../../support/backend';

// The registry's type is the catalog's: one without a system's factory does not compile.
// @ts-expect-error every system in the catalog needs a factory
const _missingFactory: typeof connectorFactories = { infor: connectorFactories.infor };

/** Settings keys a schema requires (no default, not optional): a form must ask for each. */
function requiredSettings(schema: z.ZodObject<z.ZodRawShape>): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([key]) => key);
}

describe('the system catalog drives every place a system appears', () => {
  const ids = systemCatalog.map((spec) => spec.id);

  it('is the system id enum and the labels, in one order, with no duplicates', () => {
    expect([...systemIds]).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(systemIdSchema.options).toEqual(ids);
    expect(Object.keys(systemLabels)).toEqual(ids);
    for (const spec of systemCatalog) expect(systemLabels[spec.id]).toBe(spec.label);
  });

  it('gives every system a connector factory and a simulator', () => {
    expect(Object.keys(connectorFactories).sort()).toEqual([...ids].sort());
    expect(sandboxRegistry.map((entry) => entry.system).sort()).toEqual([...ids].sort());
  });

  it('draws every system’s mark from its spec', () => {
    for (const spec of systemCatalog) {
      const html = renderToStaticMarkup(<SystemMark system={spec.id} />);
      expect(html).toContain(`>${spec.mark.initials}<`);
      expect(html).toContain(`background:${spec.mark.background}`);
    }
  });

  it('gives every system a way to make a connection: a form asking for every required setting and secret, or an .ionapi import', () => {
    expect(formSystems).toEqual(formSystemSpecs.map((spec) => spec.id));
    for (const spec of systemCatalog) {
      if (spec.setup.kind === 'ionapi') {
        expect(spec.id).toBe('infor');
        continue;
      }
      const fields = connectionForms[spec.id as (typeof formSystems)[number]];
      expect(fields.length).toBeGreaterThan(0);
      const asked = new Set(fields.map((field) => field.key));
      for (const key of requiredSettings(spec.settings))
        expect(asked, `${spec.id} form asks for ${key}`).toContain(key);
      // Defaults of a new connection made with the form.
      const defaults = spec.settings.safeParse(
        Object.fromEntries(
          fields
            .filter((field) => field.where === 'settings' && field.options)
            .map((field) => [field.key, field.options![0]!.value]),
        ),
      );
      const settings = defaults.success ? defaults.data : {};
      for (const slot of requiredSecretKeys(spec.id, settings))
        expect(asked, `${spec.id} form asks for the secret ${slot}`).toContain(slot);
    }
  });

  it('declares bundle secret slots for every system, conditional ones included', () => {
    for (const spec of systemCatalog) expect(requiredSecretKeys(spec.id, {}).length, spec.id).toBeGreaterThan(0);
    expect(requiredSecretKeys('infor', { grant: 'password' })).toEqual([
      'client_secret',
      'service_account_key',
      'service_account_secret',
    ]);
    expect(requiredSecretKeys('infor', { grant: 'client_credentials' })).toEqual(['client_secret']);
    expect(requiredSecretKeys('zendesk', { authMode: 'api_token' })).toEqual(['email', 'api_token']);
    expect(secretKeysOf('zendesk', { authMode: 'oauth' })).toEqual([
      'access_token',
      'refresh_token',
      'client_id',
      'client_secret',
    ]);
    expect(systemSpec('zoho').secrets.required({})).toEqual(['client_secret', 'refresh_token']);
  });

  describe('against the running simulators', () => {
    let env: ReturnType<typeof testBackend>;
    let api: ApiClient;
    let workspace: SandboxWorkspace;
    beforeAll(async () => {
      env = testBackend();
      api = createClient(inProcessTransport(env.backend));
      workspace = await api.call('sandbox.openWorkspace', {});
    });
    afterAll(async () => {
      await env?.dispose();
    });

    it('makes a connection per system whose settings pass its spec and whose required secrets are all set, and each signs in', async () => {
      expect(workspace.systems.map((entry) => entry.system).sort()).toEqual([...ids].sort());
      for (const { system, connection } of workspace.systems) {
        expect(systemSpec(system).settings.safeParse(connection.settings).success, system).toBe(true);
        for (const slot of requiredSecretKeys(system, connection.settings))
          expect(connection.secretsSet, `${system} ${slot}`).toContain(slot);
        const tested = await api.call('connections.test', { id: connection.id });
        expect(tested.ok, `${system}: ${JSON.stringify(tested.error)}`).toBe(true);
      }
    });
  });
});
