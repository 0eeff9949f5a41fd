import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../electron/backend/backend';
import type { SignInStatus } from '../../../shared/api/connections.contract';
import type { ConnectionTestResult } from '../../../shared/api/connectors.contract';
import type { Result } from '../../../shared/api/result';
import type { Connection } from '../../../shared/domain/connection';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index';
import { requiredSecretKeys } from '../../../shared/bundle/bundle-secrets';
import { tempDir } from '../../support/paths';

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

const jwt = (claims: Record<string, unknown>, pem: string) => {
  const encode = (part: unknown) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode({ alg: 'RS256' })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), pem).toString('base64url')}`;
};

/**
 * Salesforce's web server flow with PKCE (browser sign-in through a loopback redirect) and the
 * JWT bearer flow, against the strict simulator over real HTTP.
 */
describe('Salesforce sign-in flows', () => {
  let sandbox: SalesforceSandbox;
  const redirect = 'http://127.0.0.1:50123/callback';

  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ seedAccounts: 5 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const authorize = (overrides: Record<string, string | null> = {}) => {
    const query = new URLSearchParams();
    const base: Record<string, string | null> = {
      response_type: 'code',
      client_id: sandbox.connection().settings.clientId,
      redirect_uri: redirect,
      state: 's',
      code_challenge: pkce().challenge,
      scope: 'api refresh_token',
      ...overrides,
    };
    for (const [name, given] of Object.entries(base)) if (given !== null) query.set(name, given);
    return fetch(`${sandbox.url}/services/oauth2/authorize?${query}`, { redirect: 'manual' });
  };
  const token = async (fields: Record<string, string>) => {
    const response = await fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const client = () => ({
    client_id: sandbox.connection().settings.clientId,
    client_secret: sandbox.connection().secrets.client_secret,
  });

  describe('the simulator', () => {
    it('web server flow: refuses unknown apps and callbacks with a page, a missing or plain challenge by redirect', async () => {
      const ok = await authorize({ redirect_uri: 'http://127.0.0.1:61999/callback' });
      expect(ok.status).toBe(302);
      const location = new URL(ok.headers.get('location')!);
      expect(location.origin).toBe('http://127.0.0.1:61999');
      expect(location.searchParams.get('state')).toBe('s');
      expect(location.searchParams.get('code')).toBeTruthy();
      const unknown: Array<Record<string, string>> = [
        { client_id: '3MVG9unknown' },
        { redirect_uri: 'https://evil.example/callback' },
      ];
      for (const overrides of unknown) {
        const refused = await authorize(overrides);
        expect(refused.status).toBe(400);
        expect(refused.headers.get('location')).toBeNull();
      }
      const cases: Array<Record<string, string | null>> = [
        { code_challenge: null },
        { code_challenge_method: 'plain' },
      ];
      for (const overrides of cases) {
        const refused = await authorize(overrides);
        expect(new URL(refused.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
      }
    });

    it('web server flow: the code needs its verifier, works once, and expires after 15 minutes', async () => {
      const { verifier, challenge } = pkce();
      const code = new URL((await authorize({ code_challenge: challenge })).headers.get('location')!).searchParams.get(
        'code',
      )!;
      const exchange = (code_verifier: string) =>
        token({ grant_type: 'authorization_code', code, redirect_uri: redirect, code_verifier, ...client() });
      expect((await exchange(pkce().verifier)).body).toEqual({
        error: 'invalid_grant',
        error_description: 'invalid code verifier',
      });
      const issued = await exchange(verifier);
      expect(issued.status).toBe(200);
      expect(issued.body.refresh_token).toEqual(expect.any(String));
      expect((await exchange(verifier)).body.error_description).toBe('expired authorization code');
      const refreshed = await token({
        grant_type: 'refresh_token',
        refresh_token: String(issued.body.refresh_token),
        ...client(),
      });
      expect(refreshed.body.access_token).toEqual(expect.any(String));
      expect(refreshed.body.refresh_token).toBeUndefined();

      const late = pkce();
      const lateCode = new URL(
        (await authorize({ code_challenge: late.challenge })).headers.get('location')!,
      ).searchParams.get('code')!;
      sandbox.control.clock.advance(15 * 60_000 + 1);
      const expired = await token({
        grant_type: 'authorization_code',
        code: lateCode,
        redirect_uri: redirect,
        code_verifier: late.verifier,
        ...client(),
      });
      expect(expired.body.error_description).toBe('expired authorization code');
      sandbox.control.clock.set(null);
    });

    it('JWT bearer: checks the signature against the app’s certificate, iss, aud, sub and exp within 3 minutes', async () => {
      const { settings, secrets } = sandbox.jwtConnection();
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: settings.clientId, sub: settings.username, aud: settings.loginUrl, exp: now + 180 };
      const grant = (assertion: string) =>
        token({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
      const good = await grant(jwt(claims, secrets.private_key));
      expect(good.status).toBe(200);
      expect(good.body.refresh_token).toBeUndefined();
      const api = await fetch(`${sandbox.url}/services/data/v65.0/limits`, {
        headers: { authorization: `Bearer ${String(good.body.access_token)}` },
      });
      expect(api.status).toBe(200);

      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      });
      const refusals: Array<[string, string]> = [
        [jwt(claims, stranger.toString()), 'invalid assertion'],
        [jwt({ ...claims, aud: 'https://test.salesforce.com' }, secrets.private_key), 'audience is invalid'],
        [jwt({ ...claims, exp: now - 60 }, secrets.private_key), 'expired authorization code'],
        [
          jwt({ ...claims, exp: now + 3600 }, secrets.private_key),
          'invalid assertion: exp is more than 3 minutes ahead',
        ],
        [jwt({ ...claims, sub: 'someone@else.example' }, secrets.private_key), "user hasn't approved this consumer"],
        [jwt({ ...claims, iss: '3MVG9other' }, secrets.private_key), 'client identifier invalid'],
        ['not.a.jwt', 'invalid assertion'],
      ];
      for (const [assertion, description] of refusals) {
        const refused = await grant(assertion);
        expect(refused.status, description).toBe(400);
        expect(refused.body.error_description).toBe(description);
      }
    });
  });

  describe('the connector', () => {
    const folder = tempDir('mlc-salesforce-signin-');
    let backend: Backend;
    const events: SignInStatus[] = [];
    const finished = (signInId: string) =>
      new Promise<SignInStatus>((resolve) => {
        const seen = events.find((event) => event.signInId === signInId && event.status !== 'waiting');
        if (seen) return resolve(seen);
        const stop = backend.context.events.subscribe((name, payload) => {
          const status = payload as SignInStatus;
          if (name === 'connections.signIn' && status.signInId === signInId && status.status !== 'waiting') {
            stop();
            resolve(status);
          }
        });
      });
    const create = async (settings: Record<string, unknown>, secrets: Record<string, string>) =>
      value<Connection>(
        await backend.invoke('connections.create', {
          system: 'salesforce',
          name: 'SF',
          settings,
          secrets,
          sandbox: true,
        }),
      );
    const test = async (id: string) => value<ConnectionTestResult>(await backend.invoke('connections.test', { id }));

    beforeAll(() => {
      backend = createBackend({ runtime: 'cli', dataDir: folder.dir });
      backend.context.events.subscribe((name, payload) => {
        if (name === 'connections.signIn') events.push(payload as SignInStatus);
      });
    });
    afterAll(async () => {
      await backend.close();
      folder.remove();
    });

    it('signs in through the browser (web server flow with PKCE) and then refreshes with the kept token', async () => {
      const { settings, secrets } = sandbox.connection();
      const connection = await create({ ...settings, authFlow: 'web_server' }, secrets);
      const before = await test(connection.id);
      expect(before.ok).toBe(false);
      expect(before.error?.message).toMatch(/Sign in with Salesforce/);

      const started = value<{ signInId: string; authorizeUrl: string }>(
        await backend.invoke('connections.signIn', { id: connection.id }),
      );
      const query = new URL(started.authorizeUrl).searchParams;
      expect(new URL(started.authorizeUrl).pathname).toBe('/services/oauth2/authorize');
      expect(query.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(query.get('scope')).toBe('api refresh_token');
      const answer = await fetch(started.authorizeUrl, { redirect: 'manual' });
      const landing = await fetch(answer.headers.get('location')!);
      expect(landing.status).toBe(200);
      expect(await finished(started.signInId)).toMatchObject({ status: 'signedIn' });
      expect(backend.context.vault.getAll(connection.id).refresh_token).toEqual(expect.any(String));
      expect((await test(connection.id)).ok).toBe(true);

      sandbox.control.revokeRefreshTokens();
      sandbox.control.expireSessions();
      const revoked = await test(connection.id);
      expect(revoked.error?.message).toMatch(/Sign in with Salesforce.*again/);
    });

    it('revokes the kept refresh token when the connection is removed', async () => {
      const { settings, secrets } = sandbox.connection();
      const connection = await create({ ...settings, authFlow: 'web_server' }, secrets);
      const started = value<{ signInId: string; authorizeUrl: string }>(
        await backend.invoke('connections.signIn', { id: connection.id }),
      );
      const answer = await fetch(started.authorizeUrl, { redirect: 'manual' });
      await fetch(answer.headers.get('location')!);
      await finished(started.signInId);
      const refreshToken = backend.context.vault.getAll(connection.id).refresh_token!;
      const refresh = () => token({ grant_type: 'refresh_token', refresh_token: refreshToken, ...client() });
      expect((await refresh()).status).toBe(200);
      value(await backend.invoke('connections.remove', { id: connection.id }));
      expect((await refresh()).body).toEqual({
        error: 'invalid_grant',
        error_description: 'expired access/refresh token',
      });
    });

    it('signs in as a server with the JWT bearer flow, the key pasted on one line', async () => {
      const { settings, secrets } = sandbox.jwtConnection();
      // A form input has no newlines: the PEM arrives with spaces instead.
      const connection = await create(settings, { private_key: secrets.private_key.replace(/\n/g, ' ') });
      const result = await test(connection.id);
      expect(result.ok).toBe(true);
    });

    it('names what is wrong with a JWT bearer connection, and never shows the key', async () => {
      const { settings } = sandbox.jwtConnection();
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
      const wrongKey = await create(settings, { private_key: stranger });
      const refused = await test(wrongKey.id);
      expect(refused.error?.code).toBe('E_AUTH_FAILED');
      expect(refused.error?.message).toMatch(/private key does not belong to the certificate/);
      expect(JSON.stringify(refused)).not.toContain(stranger.split('\n')[1]!);

      const wrongAudience = await create(
        { ...settings, loginUrl: 'https://test.salesforce.com' },
        { private_key: sandbox.jwtConnection().secrets.private_key },
      );
      expect((await test(wrongAudience.id)).error?.message).toMatch(/audience/);

      const garbage = await create(settings, {
        private_key: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----',
      });
      expect((await test(garbage.id)).error?.message).toMatch(/not a readable RSA key/);
    });

    it('asks bundles for the secrets of the chosen flow only', () => {
      expect(requiredSecretKeys('salesforce', {})).toEqual(['client_secret']);
      expect(requiredSecretKeys('salesforce', { authFlow: 'web_server' })).toEqual(['client_secret', 'refresh_token']);
      expect(requiredSecretKeys('salesforce', { authFlow: 'jwt_bearer' })).toEqual(['private_key']);
    });

    it('offers the browser sign-in only on connections that use it', async () => {
      const { settings, secrets } = sandbox.connection();
      const connection = await create(settings, secrets);
      const result = await backend.invoke('connections.signIn', { id: connection.id });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('E_SIGNIN_UNSUPPORTED');
    });
  });
});
