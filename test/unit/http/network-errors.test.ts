import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import {
  HttpConnection,
  type HttpConnectionOptions,
  type RetryEvent,
} from '../../../electron/backend/http/http-client';
import { closedPort, listenRaw } from '../../support/raw-sockets';

const errors: HttpConnectionOptions['errors'] = {
  retryableStatuses: [429, 500, 502, 503, 504],
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

function client(hosts: string[], extra: Partial<HttpConnectionOptions> = {}) {
  const retries: RetryEvent[] = [];
  const connection = new HttpConnection({
    connectionId: 'net-test',
    hosts: { hosts, sandbox: true },
    rateLimit: { requests: 1000, windowMs: 60_000, concurrency: 4 },
    timeoutMs: 2_000,
    timing: { baseDelayMs: 5, maxDelayMs: 20 },
    errors,
    onRetry: (event) => retries.push(event),
    ...extra,
  });
  closers.push(() => connection.close());
  return { connection, retries };
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

describe('network failures get their own codes, never an auth code', () => {
  it('a closed port is E_NET_REFUSED, not retried in a connection test', async () => {
    const port = await closedPort();
    const { connection, retries } = client([`127.0.0.1:${port}`], { failFast: true });
    const error = await failure(connection.request({ url: `https://127.0.0.1:${port}/as/token.oauth2` }));
    expect(error.code).toBe('E_NET_REFUSED');
    expect(error.message).toContain(`Cannot reach 127.0.0.1 — nothing accepts connections on port ${port}`);
    expect(retries).toEqual([]);
    expect(connection.callCounts().total).toBe(1);
  });

  it('a sync still retries a refused connection (a server restarting), then reports the same code', async () => {
    const port = await closedPort();
    const { connection, retries } = client([`127.0.0.1:${port}`], { maxRetries: 2 });
    const error = await failure(connection.request({ url: `http://127.0.0.1:${port}/x` }));
    expect(error.code).toBe('E_NET_REFUSED');
    expect(retries.map((retry) => retry.code)).toEqual(['E_NET_REFUSED', 'E_NET_REFUSED']);
  });

  it('a name that does not resolve is E_NET_DNS and is never retried', async () => {
    // RFC 6761: .invalid never resolves, with or without a network.
    const { connection, retries } = client(['mingle-sso.invalid'], { maxRetries: 3 });
    const error = await failure(connection.request({ url: 'https://mingle-sso.invalid/ACME/as/token.oauth2' }));
    expect(error.code).toBe('E_NET_DNS');
    expect(error.message).toMatch(/^Cannot reach mingle-sso\.invalid — .*check the network or VPN/i);
    expect(retries).toEqual([]);
  });

  it('a server that accepts and never answers is E_NET_TIMEOUT within the short timeout', async () => {
    const silent = await listenRaw(() => undefined);
    closers.push(silent.close);
    const { connection, retries } = client([silent.host], { failFast: true, timeoutMs: 300 });
    const overHttps = await failure(connection.request({ url: `https://${silent.host}/x` }));
    expect(overHttps.code).toBe('E_NET_TIMEOUT');
    expect(overHttps.message).toBe(
      '127.0.0.1 did not answer within 300 ms — check the network or VPN; the server may be down or overloaded.',
    );
    const overHttp = await failure(connection.request({ url: `http://${silent.host}/x` }));
    expect(overHttp.code).toBe('E_NET_TIMEOUT');
    expect(retries).toEqual([]);
  });

  it('a port that does not speak TLS is E_NET_TLS, not retried', async () => {
    const garbage = await listenRaw((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi'));
    closers.push(garbage.close);
    const { connection, retries } = client([garbage.host], { maxRetries: 3 });
    const error = await failure(connection.request({ url: `https://${garbage.host}/x` }));
    expect(error.code).toBe('E_NET_TLS');
    expect(error.message).toMatch(/^Secure connection to 127\.0\.0\.1 failed \(TLS ERR_SSL_/);
    expect(retries).toEqual([]);
  });

  it('the client-wide signal stops a call: Cancel reads E_NET_CANCELLED, a deadline E_NET_TIMEOUT', async () => {
    const accepted: net.Socket[] = [];
    const silent = await listenRaw((socket) => void accepted.push(socket));
    closers.push(silent.close);
    const cancel = new AbortController();
    const cancelled = client([silent.host], { signal: cancel.signal, failFast: true, timeoutMs: 60_000 }).connection;
    const pending = failure(cancelled.request({ url: `http://${silent.host}/x` }));
    // Cancel once the request is surely on the wire: the server holds its socket.
    await expect.poll(() => accepted.length, { timeout: 5_000 }).toBe(1);
    cancel.abort();
    expect((await pending).code).toBe('E_NET_CANCELLED');

    const deadline = client([silent.host], { signal: AbortSignal.timeout(200), timeoutMs: 60_000 }).connection;
    expect((await failure(deadline.request({ url: `http://${silent.host}/x` }))).code).toBe('E_NET_TIMEOUT');
  });
});
