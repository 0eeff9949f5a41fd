import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInforSandbox, type InforSandbox } from '../../../sandbox/infor/index';
import { readJsonFixture } from '../../support/paths';
import { passwordGrant, tokenUrl } from './infor-helpers';

describe('Infor sandbox: authorization server and gateway', () => {
  let sandbox: InforSandbox;
  const customers = () => `${sandbox.url}/${sandbox.tenant}/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber;maxrecs=1`;
  const call = (token: string) => fetch(customers(), { headers: { authorization: `Bearer ${token}` } });
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(tokenUrl(sandbox), { method: 'POST', body: new URLSearchParams(fields), headers });
  const file = () => sandbox.ionapi() as Record<string, string>;

  beforeAll(async () => {
    sandbox = await startInforSandbox({ counts: { customers: 20 }, tokenLifetimeSeconds: 60 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('issues a JWS with the ION claims on the password grant', async () => {
    const response = await passwordGrant(sandbox);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      access_token: string;
      token_type: string;
      expires_in: number;
      refresh_token?: string;
    };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(60);
    expect(typeof body.refresh_token).toBe('string');
    const [header, payload, signature] = body.access_token.split('.');
    expect(signature?.length).toBeGreaterThan(100);
    const fixture = readJsonFixture<{ header: Record<string, unknown>; payload: Record<string, unknown> }>(
      'infor',
      'ion_access_token_jwt_claims_shape_redacted.json',
    );
    const decodedHeader = JSON.parse(Buffer.from(header ?? '', 'base64url').toString()) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(Object.keys(decodedHeader).sort()).toEqual(Object.keys(fixture.header).sort());
    expect(decodedHeader.kid).toMatch(/^kg:[0-9a-f-]{36}$/);
    expect(Object.keys(claims).sort()).toEqual(Object.keys(fixture.payload).sort());
    for (const [key, value] of Object.entries(fixture.payload)) expect(typeof claims[key], key).toBe(typeof value);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(60);
    expect(claims.Tenant).toBe(sandbox.tenant);
    expect((await call(body.access_token)).status).toBe(200);
  });

  it('accepts Basic client authentication and the client_credentials grant (no refresh token)', async () => {
    const backend = file();
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(backend.ci ?? '')}:${encodeURIComponent(backend.cs ?? '')}`).toString('base64')}`;
    const viaBasic = await form(
      { grant_type: 'password', username: backend.saak ?? '', password: backend.sask ?? '' },
      { authorization: basic },
    );
    expect(viaBasic.status).toBe(200);
    const credentials = sandbox.ionapi('client-credentials') as Record<string, string>;
    expect(credentials.saak).toBeUndefined();
    const response = await form({
      grant_type: 'client_credentials',
      client_id: credentials.ci ?? '',
      client_secret: credentials.cs ?? '',
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body.refresh_token).toBeUndefined();
    expect((await call(String(body.access_token))).status).toBe(200);
  });

  it('refuses a bad client with 401 invalid_client and bad or revoked accounts with 400 invalid_grant', async () => {
    const badClient = await passwordGrant(sandbox, { client_secret: 'wrong' });
    expect(badClient.status).toBe(401);
    expect(((await badClient.json()) as { error: string }).error).toBe('invalid_client');
    const badPassword = await passwordGrant(sandbox, { password: 'wrong' });
    expect([badPassword.status, ((await badPassword.json()) as { error: string }).error]).toEqual([
      400,
      'invalid_grant',
    ]);
    sandbox.control.revokeServiceAccount();
    const revoked = await passwordGrant(sandbox);
    expect([revoked.status, ((await revoked.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
    sandbox.control.restoreServiceAccount();
    expect((await passwordGrant(sandbox)).status).toBe(200);
    const unsupported = await passwordGrant(sandbox, { grant_type: 'implicit' });
    expect(((await unsupported.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });

  it('refreshes, and revoking the refresh token kills the grant and its access token', async () => {
    const first = (await (await passwordGrant(sandbox)).json()) as { access_token: string; refresh_token: string };
    const backend = file();
    const basic = { authorization: `Basic ${Buffer.from(`${backend.ci}:${backend.cs}`).toString('base64')}` };
    const refreshed = await form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, basic);
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as { access_token: string };
    expect(second.access_token).not.toBe(first.access_token);
    expect(sandbox.control.stats().counters.refreshes).toBeGreaterThanOrEqual(1);
    const revokeUrl = `${String(backend.pu)}${String(backend.or)}`;
    const revoke = await fetch(revokeUrl, {
      method: 'POST',
      headers: basic,
      body: new URLSearchParams({ token: first.refresh_token, token_type_hint: 'refresh_token' }),
    });
    expect(revoke.status).toBe(200);
    const dead = await call(second.access_token);
    expect(dead.status).toBe(401);
    expect(dead.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    const again = await form({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, basic);
    expect([again.status, ((await again.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
  });

  it('answers 401 for a missing, unknown or expired bearer, and after expireTokens', async () => {
    expect((await fetch(customers())).status).toBe(401);
    expect((await call('not-a-token')).status).toBe(401);
    const token = ((await (await passwordGrant(sandbox)).json()) as { access_token: string }).access_token;
    sandbox.control.clock.set(Date.now());
    sandbox.control.clock.advance(61_000);
    const expired = await call(token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    sandbox.control.clock.set(null);
    const fresh = ((await (await passwordGrant(sandbox)).json()) as { access_token: string }).access_token;
    expect((await call(fresh)).status).toBe(200);
    sandbox.control.setFaults([{ path: `/${sandbox.tenant}/M3/`, expireTokens: true, times: 1 }]);
    expect((await call(fresh)).status).toBe(401);
    sandbox.control.clearFaults();
  });

  it('serves the on-premises layout and .ionapi variants', async () => {
    const onPremises = sandbox.ionapi('on-premises') as Record<string, string>;
    expect(onPremises.pu).toBe(`${sandbox.url}/InforIntSTS/`);
    const response = await fetch(`${onPremises.pu}${onPremises.ot}`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        username: onPremises.saak ?? '',
        password: onPremises.sask ?? '',
        client_id: onPremises.ci ?? '',
        client_secret: onPremises.cs ?? '',
      }),
    });
    expect(response.status).toBe(200);
    const fixtureKeys = Object.keys(
      readJsonFixture<Record<string, unknown>>('infor', 'ionapi_backend_placeholder_cjrentier_README.ionapi'),
    );
    expect(Object.keys(sandbox.ionapi())).toEqual(fixtureKeys);
    expect(sandbox.ionapi('web-app').ru).toBeDefined();
    expect(sandbox.ionapi().pu).toBe(`${sandbox.url}/${sandbox.tenant}/as/`);
  });
});
