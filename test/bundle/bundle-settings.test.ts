import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type ApiClient } from '../../shared/api/client';
import { AppError } from '../../shared/errors';
import { validateBundleText } from '../../electron/backend/bundle/bundle-check';
import { openHeadless } from '../../electron/backend/runtime/headless-runtime';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { testBackend } from '../support/backend';
import { tempDir } from '../support/paths';
import { exampleBundle, exampleBundlePath, reseal } from './support/bundle-files';

/** The shipped example with one Zoho setting changed, resealed as an exporter would. */
function withZohoSetting(name: string, value: string | number): string {
  const bundle = exampleBundle();
  const zoho = bundle.connections.find((connection) => connection.system === 'zoho')!;
  zoho.settings = { ...zoho.settings, [name]: value };
  return JSON.stringify(reseal(bundle));
}

describe('a bundle whose connection settings are invalid', () => {
  let env: ReturnType<typeof testBackend>;
  let api: ApiClient;
  beforeEach(() => {
    env = testBackend();
    api = createClient(inProcessTransport(env.backend));
  });
  afterEach(async () => {
    await env.dispose();
  });

  it('fails validation with a problem naming the connection and the field', async () => {
    const { check } = await validateBundleText(withZohoSetting('dataCentre', 'mars'));
    expect(check.ok).toBe(false);
    const problem = check.problems.find((item) => item.path?.endsWith('.settings.dataCentre'));
    expect(problem).toMatchObject({ code: 'E_BUNDLE_INVALID', path: 'connections[1].settings.dataCentre' });
    expect(problem!.message).toMatch(
      /“Zoho CRM sandbox” \(zoho\) has an invalid setting “dataCentre”.*Allowed: us, eu/,
    );
    expect(
      (await api.call('bundles.validate', { content: withZohoSetting('rateLimitPerMinute', 'lots') })).problems,
    ).toEqual([
      expect.objectContaining({
        path: 'connections[1].settings.rateLimitPerMinute',
        message: expect.stringMatching(/from 10 to 6,000/),
      }),
    ]);
  });

  it('is refused by import, and nothing is installed', async () => {
    const caught = await api.call('bundles.import', { content: withZohoSetting('clientId', 'not-a-client-id') }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ code: 'E_BUNDLE_INVALID', message: expect.stringMatching(/clientId/) });
    expect(await api.call('connections.list', {})).toEqual([]);
  });

  it('is refused when a connection carries a key its system has no setting for', async () => {
    const { check } = await validateBundleText(withZohoSetting('datacentre', 'eu'));
    expect(check.problems).toEqual([
      expect.objectContaining({
        path: 'connections[1].settings.datacentre',
        message: expect.stringMatching(/Zoho CRM has no setting “datacentre”/),
      }),
    ]);
  });

  it('stores the settings as checked: trimmed, and a rate written as text as a number', async () => {
    const bundle = exampleBundle();
    const zoho = bundle.connections.find((connection) => connection.system === 'zoho')!;
    zoho.settings = {
      ...zoho.settings,
      clientId: `  ${String(zoho.settings.clientId)}  `,
      rateLimitPerMinute: ' 300 ',
    };
    await api.call('bundles.import', { content: JSON.stringify(reseal(bundle)) });
    const stored = (await api.call('connections.list', {})).find((connection) => connection.id === zoho.id)!;
    expect(stored.settings.clientId).toBe(String(zoho.settings.clientId).trim());
    expect(stored.settings.rateLimitPerMinute).toBe(300);
    // Importing the same bundle again finds the stored connection unchanged, not "updated" by its own normalisation.
    const again = await api.call('bundles.import', { content: JSON.stringify(reseal(bundle)), connections: 'replace' });
    expect(again.connections.find((connection) => connection.id === zoho.id)?.status).toBe('kept');
  });

  it('the shipped example still validates', async () => {
    const { check } = await validateBundleText(JSON.stringify(exampleBundle()));
    expect(check.problems).toEqual([]);
  });

  it('is refused by mlc when a settings variable makes it invalid, before anything is stored', async () => {
    const home = tempDir('mlc-settings-');
    try {
      const opened = openHeadless({
        bundleFile: exampleBundlePath,
        env: { ...process.env, MLC_HOME: home.dir, MLC_KEYRING: 'off', MLC_SETTING_ZOHO_DATACENTRE: 'mars' },
      });
      await expect(opened).rejects.toMatchObject({
        code: 'E_INVALID_INPUT',
        message: expect.stringMatching(/“Zoho CRM sandbox” \(ref zoho\).*dataCentre.*Allowed: us/),
      });
    } finally {
      home.remove();
    }
  });
});
