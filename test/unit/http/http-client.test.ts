import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { backoffCeiling, fullJitterDelay, parseRetryAfter } from '../../../electron/backend/http/backoff';
import {
  HttpConnection,
  type HttpConnectionOptions,
  type RetryEvent,
} from '../../../electron/backend/http/http-client';
import { startScriptedServer, type ScriptedReply, type SeenRequest } from './scripted-server';

const errors: HttpConnectionOptions['errors'] = {
  retryableStatuses: [408, 429, 500, 502, 503, 504],
  retryableCodes: [],
  authFailureStatuses: [401],
  authFailureCodes: [],
  quotaStatuses: [],
  quotaCodes: [],
  breakerThreshold: 5,
};

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function setup(
  reply: (request: SeenRequest, index: number) => ScriptedReply,
  extra: Partial<HttpConnectionOptions> = {},
) {
  const server = await startScriptedServer(reply);
  const retries: RetryEvent[] = [];
  const client = new HttpConnection({
    connectionId: 'test',
    hosts: { hosts: [server.host], sandbox: true },
    rateLimit: { requests: 1000, windowMs: 60_000, concurrency: 8 },
    timeoutMs: 2_000,
    timing: { baseDelayMs: 5, maxDelayMs: 50 },
    errors,
    onRetry: (event) => retries.push(event),
    ...extra,
  });
  closers.push(
    () => server.close(),
    () => client.close(),
  );
  return { server, client, retries };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('Retry-After and backoff', () => {
  it('honours Retry-After in seconds', async () => {
    const { server, client, retries } = await setup((_r, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200, body: '{"ok":true}' },
    );
    const started = Date.now();
    const response = await client.request({ url: `${server.url}/x`, expect: 'json' });
    expect(response.data).toEqual({ ok: true });
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ status: 429, retryAfterMs: 1000, delayMs: 1000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(client.callCounts()).toEqual({ total: 2, byHost: { [server.host]: 2 } });
  });

  it('honours Retry-After as an HTTP-date', async () => {
    const { server, client, retries } = await setup((_r, i) =>
      i === 0
        ? { status: 503, headers: { 'retry-after': new Date(Date.now() + 2_000).toUTCString() } }
        : { status: 200 },
    );
    const started = Date.now();
    await client.request({ url: `${server.url}/x` });
    const waited = Date.now() - started;
    expect(retries[0]!.status).toBe(503);
    // HTTP-dates have whole seconds: the wait is the date minus now, between 1 and 2 s here.
    expect(retries[0]!.delayMs).toBeGreaterThan(900);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(2_000);
    expect(waited).toBeGreaterThanOrEqual(retries[0]!.delayMs - 20);
  });

  it('parses both Retry-After forms', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('draws full-jitter delays uniformly between 0 and the exponential ceiling', () => {
    const timing = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffCeiling(attempt, timing))).toEqual([100, 200, 400, 800, 1000]);
    expect(fullJitterDelay(3, { ...timing, random: () => 0 })).toBe(0);
    expect(fullJitterDelay(3, { ...timing, random: () => 0.999999 })).toBe(400);
    const samples = Array.from({ length: 2000 }, () => fullJitterDelay(4, { ...timing, random: Math.random }));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThanOrEqual(800);
    // Full jitter (not "equal jitter"): a good share of draws fall in the lower half.
    expect(samples.filter((s) => s < 400).length).toBeGreaterThan(800);
  });

  it('uses the jittered exponential delay when the server gives no Retry-After', async () => {
    const { server, client, retries } = await setup((_r, i) => (i < 3 ? { status: 502 } : { status: 200 }), {
      timing: { baseDelayMs: 40, maxDelayMs: 1_000, random: () => 0.5 },
    });
    await client.request({ url: `${server.url}/x` });
    expect(retries.map((r) => r.delayMs)).toEqual([20, 40, 80]);
  });

  it('gives up after the last retry with a precise code', async () => {
    const { server, client } = await setup(() => ({ status: 429 }), { maxRetries: 2 });
    const error = await failure(client.request({ url: `${server.url}/x` }));
    expect(error.code).toBe('E_RATE_LIMITED');
    expect(server.seen).toHaveLength(3);
  });

  it('times out a hanging server with E_NET_TIMEOUT, retried outside connection tests', async () => {
    const { server, client } = await setup(() => ({ status: 200, hang: true }), { timeoutMs: 150, maxRetries: 1 });
    const error = await failure(client.request({ url: `${server.url}/x` }));
    expect(error.code).toBe('E_NET_TIMEOUT');
    expect(server.seen).toHaveLength(2);
  });
});

describe('circuit breaker', () => {
  it('opens after repeated 5xx and stops calling the host', async () => {
    const { server, client } = await setup(() => ({ status: 500 }), {
      maxRetries: 0,
      errors: { ...errors, breakerThreshold: 3 },
    });
    for (let i = 0; i < 3; i += 1)
      expect((await failure(client.request({ url: `${server.url}/x` }))).code).toBe('E_HTTP_STATUS');
    const open = await failure(client.request({ url: `${server.url}/x` }));
    expect(open.code).toBe('E_HTTP_CIRCUIT_OPEN');
    expect(server.seen).toHaveLength(3);
  });

  it('closes again after the half-open delay when the host recovers', async () => {
    let healthy = false;
    const { server, client } = await setup(() => ({ status: healthy ? 200 : 503 }), {
      maxRetries: 0,
      breakerHalfOpenAfterMs: 100,
      errors: { ...errors, breakerThreshold: 2 },
    });
    await failure(client.request({ url: `${server.url}/x` }));
    await failure(client.request({ url: `${server.url}/x` }));
    expect((await failure(client.request({ url: `${server.url}/x` }))).code).toBe('E_HTTP_CIRCUIT_OPEN');
    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await client.request({ url: `${server.url}/x` })).status).toBe(200);
  });
});

describe('limiter and concurrency', () => {
  it('never has more requests in flight than the concurrency cap', async () => {
    const { server, client } = await setup(() => ({ status: 200, delayMs: 30 }), {
      rateLimit: { requests: 1000, windowMs: 60_000, concurrency: 2 },
    });
    await Promise.all(Array.from({ length: 8 }, () => client.request({ url: `${server.url}/x` })));
    expect(server.seen).toHaveLength(8);
    expect(server.maxInFlight).toBe(2);
  });

  it('holds calls beyond the per-window budget until the window refills', async () => {
    const { server, client } = await setup(() => ({ status: 200 }), {
      rateLimit: { requests: 3, windowMs: 400, concurrency: 8 },
    });
    const started = Date.now();
    const finished: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, () =>
        client.request({ url: `${server.url}/x` }).then(() => finished.push(Date.now() - started)),
      ),
    );
    finished.sort((a, b) => a - b);
    expect(finished.slice(0, 3).every((t) => t < 300)).toBe(true);
    expect(finished.slice(3).every((t) => t >= 300)).toBe(true);
  });
});

describe('hosts, schemes and redirects', () => {
  it('refuses hosts the connection does not name, before any byte is sent', async () => {
    const { client } = await setup(() => ({ status: 200 }));
    const other = await startScriptedServer(() => ({ status: 200 }));
    closers.push(() => other.close());
    const error = await failure(client.request({ url: `${other.url}/steal` }));
    expect(error.code).toBe('E_HTTP_HOST_NOT_ALLOWED');
    expect(other.seen).toHaveLength(0);
  });

  it('refuses plain http unless the connection is a loopback sandbox', async () => {
    const server = await startScriptedServer(() => ({ status: 200 }));
    closers.push(() => server.close());
    const client = new HttpConnection({
      connectionId: 'prod',
      hosts: { hosts: [server.host], sandbox: false },
      rateLimit: { requests: 10, windowMs: 1000, concurrency: 1 },
      timeoutMs: 1000,
      errors,
    });
    closers.push(() => client.close());
    expect((await failure(client.request({ url: `${server.url}/x` }))).code).toBe('E_HTTP_INSECURE');
    expect(server.seen).toHaveLength(0);
  });

  it('treats a redirect as an error and never follows it with credentials', async () => {
    const other = await startScriptedServer(() => ({ status: 200 }));
    closers.push(() => other.close());
    const { server, client } = await setup(() => ({ status: 302, headers: { location: `${other.url}/landing` } }), {
      authorizer: {
        apply: async (headers) => void (headers.authorization = 'Bearer secret-token-123'),
        rejected: async () => false,
      },
    });
    const error = await failure(client.request({ url: `${server.url}/x` }));
    expect(error.code).toBe('E_HTTP_REDIRECT');
    expect(server.seen[0]!.headers.authorization).toBe('Bearer secret-token-123');
    expect(other.seen).toHaveLength(0);
  });

  it('retries a truncated JSON body', async () => {
    const { server, client } = await setup((_r, i) =>
      i === 0 ? { status: 200, body: '{"value":[1,2' } : { status: 200, body: '{"value":[1,2]}' },
    );
    const response = await client.request({ url: `${server.url}/x`, expect: 'json' });
    expect(response.data).toEqual({ value: [1, 2] });
    expect(server.seen).toHaveLength(2);
  });
});

describe("the connection's declared headers", () => {
  const declared = { 'odata-version': '4.0', 'content-type': 'application/json; charset=utf-8' };

  it('go on every API call; Content-Type only with a body, and a call may override one', async () => {
    const { server, client } = await setup(() => ({ status: 200, body: '{}' }), { headers: declared });
    await client.request({ url: `${server.url}/read` });
    await client.request({ method: 'PATCH', url: `${server.url}/write`, json: { a: 1 } });
    await client.request({
      method: 'POST',
      url: `${server.url}/batch`,
      body: '--b--',
      headers: { 'Content-Type': 'multipart/mixed; boundary=b' },
    });
    const [read, write, batch] = server.seen;
    expect(read!.headers['odata-version']).toBe('4.0');
    expect(read!.headers['content-type']).toBeUndefined();
    expect(write!.headers['odata-version']).toBe('4.0');
    expect(write!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(write!.body)).toEqual({ a: 1 });
    expect(batch!.headers['content-type']).toBe('multipart/mixed; boundary=b');
  });

  it('label a JSON body application/json when nothing else is declared, and stay off token calls', async () => {
    const { server, client } = await setup(() => ({ status: 200, body: '{}' }), {
      headers: { 'x-infor-lncompany': '100' },
    });
    await client.request({ method: 'POST', url: `${server.url}/upsert`, json: { data: [] } });
    await client.request({
      method: 'POST',
      url: `${server.url}/token`,
      auth: false,
      body: 'grant_type=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const [upsert, token] = server.seen;
    expect(upsert!.headers['content-type']).toBe('application/json');
    expect(upsert!.headers['x-infor-lncompany']).toBe('100');
    expect(token!.headers['x-infor-lncompany']).toBeUndefined();
    expect(token!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });
});

describe('binary bodies (zip uploads and downloads)', () => {
  it('sends a Uint8Array body byte for byte and hands a binary answer back as bytes', async () => {
    const { createServer } = await import('node:http');
    const every = Uint8Array.from({ length: 256 }, (_, index) => index);
    const received: Buffer[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(Buffer.concat(chunks));
        // Not valid UTF-8: decoding it as text would replace bytes and corrupt a zip.
        response.writeHead(200, { 'content-type': 'application/zip' });
        response.end(Buffer.from([...every].reverse()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const client = new HttpConnection({
      connectionId: 'bytes',
      hosts: { hosts: [`127.0.0.1:${port}`], sandbox: true },
      rateLimit: { requests: 1000, windowMs: 60_000, concurrency: 8 },
      timeoutMs: 2_000,
      timing: { baseDelayMs: 5, maxDelayMs: 50 },
      errors,
    });
    closers.push(
      () => new Promise<void>((resolve) => server.close(() => resolve())),
      () => client.close(),
    );
    const response = await client.request({
      method: 'POST',
      url: `http://127.0.0.1:${port}/upload`,
      headers: { 'content-type': 'application/zip' },
      body: every,
      expect: 'bytes',
    });
    expect(received[0]!.equals(Buffer.from(every))).toBe(true);
    expect(Buffer.from(response.bytes!).equals(Buffer.from([...every].reverse()))).toBe(true);
    expect(response.text).toBe('');
  });
});
