import { afterEach, describe, expect, it } from 'vitest';
import { HttpConnection } from '../../../electron/backend/http/http-client';
import { TokenProvider, type AccessToken } from '../../../electron/backend/http/token-provider';
import { startScriptedServer } from './scripted-server';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A token source over a real token endpoint: every obtain is one POST the server counts. */
async function tokenServer(lifetimeSeconds = 3600) {
  let issued = 0;
  let valid = new Set<string>();
  const server = await startScriptedServer((request) => {
    if (request.url === '/token') {
      issued += 1;
      const token = `token-${issued}`;
      valid.add(token);
      return { status: 200, body: JSON.stringify({ access_token: token, expires_in: lifetimeSeconds }), delayMs: 40 };
    }
    const bearer = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    return valid.has(bearer)
      ? { status: 200, body: JSON.stringify({ token: bearer }) }
      : { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
  });
  const http = new HttpConnection({
    connectionId: 'tokens',
    hosts: { hosts: [server.host], sandbox: true },
    rateLimit: { requests: 1000, windowMs: 60_000, concurrency: 16 },
    timeoutMs: 2000,
    errors: {
      retryableStatuses: [503],
      retryableCodes: [],
      authFailureStatuses: [401],
      authFailureCodes: [],
      quotaStatuses: [],
      quotaCodes: [],
      breakerThreshold: 5,
    },
  });
  closers.push(
    () => server.close(),
    () => http.close(),
  );
  return {
    server,
    http,
    issued: () => issued,
    revokeAll: () => (valid = new Set()),
    source: {
      async obtain(): Promise<AccessToken> {
        const obtainedAt = Date.now();
        const response = await http.request({
          method: 'POST',
          url: `${server.url}/token`,
          auth: false,
          expect: 'json',
        });
        const body = response.data as { access_token: string; expires_in: number };
        return {
          accessToken: body.access_token,
          obtainedAt,
          expiresAt: obtainedAt + body.expires_in * 1000,
          lifetimeSeconds: body.expires_in,
        };
      },
    },
  };
}

describe('single-flight token provider', () => {
  it('shares one token request between concurrent callers', async () => {
    const t = await tokenServer();
    const provider = new TokenProvider(t.source, { skewMs: 60_000 });
    const tokens = await Promise.all(Array.from({ length: 12 }, () => provider.get()));
    expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
    expect(t.issued()).toBe(1);
    await provider.get();
    expect(t.issued()).toBe(1);
  });

  it('renews proactively once the token is inside the skew', async () => {
    const t = await tokenServer(100);
    let now = Date.now();
    const provider = new TokenProvider(t.source, { skewMs: 30_000, now: () => now });
    const first = await provider.get();
    now += 69_000;
    expect((await provider.get()).accessToken).toBe(first.accessToken);
    now += 2_000; // 71 s of 100: inside the 30 s skew
    expect((await provider.get()).accessToken).not.toBe(first.accessToken);
    expect(t.issued()).toBe(2);
  });

  it('on 401 refreshes once for all concurrent callers and retries each request once', async () => {
    const t = await tokenServer();
    const provider = new TokenProvider(t.source, { skewMs: 1000 });
    const client = new HttpConnection({
      connectionId: 'api',
      hosts: { hosts: [t.server.host], sandbox: true },
      rateLimit: { requests: 1000, windowMs: 60_000, concurrency: 16 },
      timeoutMs: 2000,
      errors: {
        retryableStatuses: [],
        retryableCodes: [],
        authFailureStatuses: [401],
        authFailureCodes: [],
        quotaStatuses: [],
        quotaCodes: [],
        breakerThreshold: 5,
      },
      authorizer: {
        async apply(headers) {
          const token = await provider.get();
          headers.authorization = `Bearer ${token.accessToken}`;
          return token;
        },
        async rejected(handle) {
          await provider.invalidate(handle as AccessToken);
          return true;
        },
      },
    });
    closers.push(() => client.close());
    await client.request({ url: `${t.server.url}/api` });
    expect(t.issued()).toBe(1);
    t.revokeAll();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => client.request({ url: `${t.server.url}/api`, expect: 'json' })),
    );
    expect(answers.every((answer) => (answer.data as { token: string }).token === 'token-2')).toBe(true);
    expect(t.issued()).toBe(2);
    // 1 first call + 8 rejected + 8 retried, plus 2 token calls.
    expect(t.server.seen.filter((r) => r.url === '/api')).toHaveLength(17);
  });

  it('fails with E_AUTH_FAILED when a fresh token is refused too', async () => {
    const t = await tokenServer();
    const provider = new TokenProvider(t.source, { skewMs: 1000 });
    const client = new HttpConnection({
      connectionId: 'api2',
      hosts: { hosts: [t.server.host], sandbox: true },
      rateLimit: { requests: 1000, windowMs: 60_000, concurrency: 4 },
      timeoutMs: 2000,
      errors: {
        retryableStatuses: [],
        retryableCodes: [],
        authFailureStatuses: [401],
        authFailureCodes: [],
        quotaStatuses: [],
        quotaCodes: [],
        breakerThreshold: 5,
      },
      authorizer: {
        // A deliberately wrong header: the server never accepts it.
        apply: async (headers) => {
          const token = await provider.get();
          headers.authorization = `Bearer x${token.accessToken}`;
          return token;
        },
        rejected: async (handle) => (await provider.invalidate(handle as AccessToken), true),
      },
    });
    closers.push(() => client.close());
    await expect(client.request({ url: `${t.server.url}/api` })).rejects.toMatchObject({ code: 'E_AUTH_FAILED' });
    expect(t.issued()).toBe(2);
  });
});
