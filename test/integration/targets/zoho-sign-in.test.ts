import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../electron/backend/backend';
import type { SignInStatus } from '../../../shared/api/connections.contract';
import type { Result } from '../../../shared/api/result';
import type { Connection } from '../../../shared/domain/connection';
import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho/index';
import { tempDir } from '../../support/paths';

function value<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

interface Started {
  signInId: string;
  authorizeUrl: string;
  redirectUri: string;
}

/**
 * Zoho's browser sign-in (authorization code + PKCE S256, loopback redirect per RFC 8252)
 * against the strict accounts simulator, over real HTTP: the test plays the browser.
 */
describe('Zoho browser sign-in', () => {
  let sandbox: ZohoSandbox;

  beforeAll(async () => {
    sandbox = await startZohoSandbox({ seedAccounts: 5 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  describe('the accounts simulator', () => {
    const authorize = (overrides: Record<string, string | null> = {}) => {
      const { clientId } = sandbox.connection().settings;
      const query = new URLSearchParams();
      const base: Record<string, string | null> = {
        response_type: 'code',
        client_id: clientId,
        scope: 'ZohoCRM.modules.ALL',
        redirect_uri: 'http://127.0.0.1:49152/callback',
        state: 'st4te',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        access_type: 'offline',
        prompt: 'consent',
        ...overrides,
      };
      for (const [name, given] of Object.entries(base)) if (given !== null) query.set(name, given);
      return fetch(`${sandbox.url}/oauth/v2/auth?${query}`, { redirect: 'manual' });
    };
    const token = (fields: Record<string, string>) => {
      const { settings, secrets } = sandbox.connection();
      return fetch(`${sandbox.url}/oauth/v2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: settings.clientId,
          client_secret: secrets.client_secret,
          ...fields,
        }),
      }).then((response) => response.json() as Promise<Record<string, unknown>>);
    };
    const codeFor = async (challenge: string, redirect = 'http://127.0.0.1:49152/callback') => {
      const response = await authorize({ code_challenge: challenge, redirect_uri: redirect });
      expect(response.status).toBe(302);
      return new URL(response.headers.get('location')!).searchParams.get('code')!;
    };

    it('redirects to the loopback URI on any port with code, state, location and accounts-server', async () => {
      for (const port of ['49152', '61001']) {
        const response = await authorize({ redirect_uri: `http://127.0.0.1:${port}/callback` });
        expect(response.status).toBe(302);
        const location = new URL(response.headers.get('location')!);
        expect(location.origin + location.pathname).toBe(`http://127.0.0.1:${port}/callback`);
        expect(location.searchParams.get('state')).toBe('st4te');
        expect(location.searchParams.get('code')).toMatch(/^1000\.[a-f0-9]+\.[a-f0-9]+$/);
        expect(location.searchParams.get('location')).toBe('us');
        expect(location.searchParams.get('accounts-server')).toBe(sandbox.url);
      }
    });

    it('shows an error page, never a redirect, for an unknown client or an unregistered redirect URI', async () => {
      const cases: Array<Record<string, string | null>> = [
        { client_id: '1000.UNKNOWN' },
        { redirect_uri: 'http://127.0.0.1:49152/elsewhere' },
        { redirect_uri: 'http://localhost:49152/callback' },
        { redirect_uri: 'https://evil.example/callback' },
      ];
      for (const overrides of cases) {
        const response = await authorize(overrides);
        expect(response.status, JSON.stringify(overrides)).toBe(400);
        expect(response.headers.get('location')).toBeNull();
      }
    });

    it('sends invalid_request back for a missing or plain code challenge', async () => {
      const cases: Array<Record<string, string | null>> = [
        { code_challenge: null },
        { code_challenge_method: 'plain' },
        { code_challenge_method: null },
      ];
      for (const overrides of cases) {
        const response = await authorize(overrides);
        expect(response.status).toBe(302);
        const location = new URL(response.headers.get('location')!).searchParams;
        expect(location.get('error'), JSON.stringify(overrides)).toBe('invalid_request');
        expect(location.get('code')).toBeNull();
        expect(location.get('state')).toBe('st4te');
      }
    });

    it('exchanges a code once, with the verifier and the same redirect URI; a replay revokes what it issued', async () => {
      const { verifier, challenge } = pkce();
      const code = await codeFor(challenge);
      const redirect_uri = 'http://127.0.0.1:49152/callback';
      expect(await token({ code, redirect_uri, code_verifier: pkce().verifier })).toEqual({ error: 'invalid_code' });
      expect(await token({ code, redirect_uri: 'http://127.0.0.1:1/callback', code_verifier: verifier })).toEqual({
        error: 'invalid_redirect_uri',
      });
      expect(await token({ code, redirect_uri })).toEqual({ error: 'invalid_code' });
      const issued = await token({ code, redirect_uri, code_verifier: verifier });
      expect(issued.refresh_token).toMatch(/^1000\./);
      expect(issued.access_token).toMatch(/^1000\./);
      expect(await token({ code, redirect_uri, code_verifier: verifier })).toEqual({ error: 'invalid_code' });
      const api = await fetch(`${sandbox.url}/crm/v8/Accounts?fields=Account_Name`, {
        headers: { authorization: `Zoho-oauthtoken ${String(issued.access_token)}` },
      });
      expect(api.status).toBe(401);
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: String(issued.refresh_token) });
      expect(refreshed).toEqual({ error: 'invalid_code' });
    });

    it('refuses a code older than two minutes', async () => {
      const { verifier, challenge } = pkce();
      const code = await codeFor(challenge);
      sandbox.control.clock.advance(2 * 60_000 + 1);
      expect(await token({ code, redirect_uri: 'http://127.0.0.1:49152/callback', code_verifier: verifier })).toEqual({
        error: 'invalid_code',
      });
    });
  });

  describe('connections.signIn', () => {
    const folder = tempDir('mlc-zoho-signin-');
    let backend: Backend;
    let connection: Connection;
    const events: SignInStatus[] = [];
    const waitFor = (signInId: string) =>
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
    const start = async () => value<Started>(await backend.invoke('connections.signIn', { id: connection.id }));
    /** What the system browser does: open the authorize URL and follow its redirect to the loopback. */
    const browse = async (started: Started, edit?: (redirect: URL) => void) => {
      const answer = await fetch(started.authorizeUrl, { redirect: 'manual' });
      expect(answer.status).toBe(302);
      const redirect = new URL(answer.headers.get('location')!);
      edit?.(redirect);
      return fetch(redirect);
    };

    beforeAll(async () => {
      backend = createBackend({ runtime: 'cli', dataDir: folder.dir, signInTimeoutMs: 60_000 });
      backend.context.events.subscribe((name, payload) => {
        if (name === 'connections.signIn') events.push(payload as SignInStatus);
      });
      const { settings, secrets } = sandbox.connection();
      // Only the API console client: the refresh token comes from signing in.
      connection = value<Connection>(
        await backend.invoke('connections.create', {
          system: 'zoho',
          name: 'Zoho (sign-in)',
          settings,
          secrets: { client_secret: secrets.client_secret },
          sandbox: true,
        }),
      );
    });
    afterAll(async () => {
      await backend.close();
      folder.remove();
    });

    it('asks for an S256 challenge on a loopback redirect, stores the refresh token and works with it', async () => {
      const started = await start();
      expect(started.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      const query = new URL(started.authorizeUrl).searchParams;
      expect(query.get('code_challenge_method')).toBe('S256');
      expect(query.get('redirect_uri')).toBe(started.redirectUri);
      expect(query.get('access_type')).toBe('offline');
      expect(query.get('prompt')).toBe('consent');
      expect(
        value<SignInStatus>(await backend.invoke('connections.signInStatus', { signInId: started.signInId })).status,
      ).toBe('waiting');

      const landing = await browse(started);
      expect(landing.status).toBe(200);
      expect(await landing.text()).toMatch(/Signed in/);
      expect(await waitFor(started.signInId)).toMatchObject({ status: 'signedIn', connectionId: connection.id });
      const refreshToken = backend.context.vault.getAll(connection.id).refresh_token;
      expect(refreshToken).toMatch(/^1000\.[a-f0-9]+\.[a-f0-9]+$/);
      expect(refreshToken).not.toBe(sandbox.connection().secrets.refresh_token);
      // Never in what leaves the backend.
      expect(JSON.stringify(events)).not.toContain(refreshToken);
      const tested = value<{ ok: boolean }>(await backend.invoke('connections.test', { id: connection.id }));
      expect(tested.ok).toBe(true);
      // One-shot: the loopback port is closed once answered.
      await expect(fetch(started.redirectUri)).rejects.toThrow();
    });

    it('refuses a redirect with a foreign state and keeps the stored token', async () => {
      const before = backend.context.vault.getAll(connection.id).refresh_token;
      const started = await start();
      const landing = await browse(started, (redirect) => redirect.searchParams.set('state', 'forged'));
      expect(landing.status).toBe(400);
      const status = await waitFor(started.signInId);
      expect(status).toMatchObject({ status: 'failed', error: { code: 'E_SIGNIN_STATE' } });
      expect(backend.context.vault.getAll(connection.id).refresh_token).toBe(before);
    });

    it('fails a sign-in handed a code that was already used (replay), naming the refused code', async () => {
      const first = await start();
      const answer = await fetch(first.authorizeUrl, { redirect: 'manual' });
      const firstRedirect = new URL(answer.headers.get('location')!);
      expect((await fetch(firstRedirect)).status).toBe(200);
      await waitFor(first.signInId);
      const stored = backend.context.vault.getAll(connection.id).refresh_token;

      const second = await start();
      const landing = await browse(second, (redirect) =>
        redirect.searchParams.set('code', firstRedirect.searchParams.get('code')!),
      );
      expect(landing.status).toBe(400);
      const status = await waitFor(second.signInId);
      expect(status).toMatchObject({ status: 'failed', error: { code: 'E_AUTH_FAILED' } });
      expect(status.error?.message).toMatch(/invalid_code/);
      expect(backend.context.vault.getAll(connection.id).refresh_token).toBe(stored);
    });

    it('times out and can be cancelled; either way its port closes', async () => {
      const quick = createBackend({ runtime: 'cli', dataDir: folder.dir, signInTimeoutMs: 20 });
      try {
        const timedOut = value<Started>(await quick.invoke('connections.signIn', { id: connection.id }));
        await new Promise<void>((resolve) => {
          const stop = quick.context.events.subscribe((name, payload) => {
            if (name === 'connections.signIn' && (payload as SignInStatus).status === 'timedOut') {
              stop();
              resolve();
            }
          });
        });
        expect(
          value<SignInStatus>(await quick.invoke('connections.signInStatus', { signInId: timedOut.signInId })),
        ).toMatchObject({
          status: 'timedOut',
          error: { code: 'E_SIGNIN_TIMEOUT' },
        });
        await expect(fetch(timedOut.redirectUri)).rejects.toThrow();
      } finally {
        await quick.close();
      }

      const started = await start();
      expect(value(await backend.invoke('connections.cancelSignIn', { signInId: started.signInId }))).toEqual({
        cancelled: true,
      });
      expect(
        value<SignInStatus>(await backend.invoke('connections.signInStatus', { signInId: started.signInId })).status,
      ).toBe('cancelled');
      await expect(fetch(started.redirectUri)).rejects.toThrow();
    });

    it('listens on the redirect port the client registered, and says when it is taken', async () => {
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const taken = (holder.address() as AddressInfo).port;
      const fixed = value<Connection>(
        await backend.invoke('connections.update', { id: connection.id, settings: { redirectPort: taken } }),
      );
      const busy = await backend.invoke('connections.signIn', { id: fixed.id });
      expect(busy.ok).toBe(false);
      if (!busy.ok)
        expect(busy.error).toMatchObject({ code: 'E_CONFLICT', message: expect.stringContaining(String(taken)) });
      await new Promise((resolve) => holder.close(resolve));
      const started = await start();
      expect(started.redirectUri).toBe(`http://127.0.0.1:${taken}/callback`);
      expect((await browse(started)).status).toBe(200);
      expect(await waitFor(started.signInId)).toMatchObject({ status: 'signedIn' });
      await backend.invoke('connections.update', { id: connection.id, settings: { redirectPort: null } });
    });

    it('says when a system has no browser sign-in', async () => {
      const other = value<Connection>(
        await backend.invoke('connections.create', {
          system: 'cin7',
          name: 'Cin7',
          settings: {},
          secrets: { account_id: 'a', application_key: 'b' },
          sandbox: true,
        }),
      );
      const result = await backend.invoke('connections.signIn', { id: other.id });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('E_SIGNIN_UNSUPPORTED');
    });
  });
});
