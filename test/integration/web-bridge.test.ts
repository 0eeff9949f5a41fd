import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebBridge, type WebBridge } from '../../electron/backend/bridge/web-bridge';
import { testBackend } from '../support/backend';
import { tempDir } from '../support/paths';

/** Raw requests so tests control Host and Origin exactly as an attacker could. */
function request(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: options.headers,
        setHost: !options.headers?.host,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

describe('web bridge', () => {
  const env = testBackend('web');
  const ui = tempDir('mlc-ui-');
  let bridge: WebBridge;
  let host: string;
  const invoke = (headers: Record<string, string>, body = { method: 'app.info', input: {} }) =>
    request(bridge.port, {
      method: 'POST',
      path: '/api/invoke',
      headers: { host, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    fs.writeFileSync(path.join(ui.dir, 'index.html'), '<!doctype html><title>t</title>');
    fs.writeFileSync(path.join(ui.dir, 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(ui.dir, '..', 'outside-secret.txt'), 'nope');
    bridge = await startWebBridge({ backend: env.backend, staticDir: ui.dir });
    host = `127.0.0.1:${bridge.port}`;
  });
  afterAll(async () => {
    await bridge.close();
    await env.dispose();
    fs.rmSync(path.join(ui.dir, '..', 'outside-secret.txt'), { force: true });
    ui.remove();
  });

  it('prints a loopback URL whose fragment carries a long random token', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{40,}$/);
  });

  it('answers a call that carries the token', async () => {
    const response = await invoke({ authorization: `Bearer ${bridge.token}` });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ ok: true, value: { runtime: 'web' } });
  });

  it('refuses a call without a token', async () => {
    const response = await invoke({});
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ ok: false, error: { code: 'E_BRIDGE_UNAUTHORIZED' } });
  });

  it('refuses a wrong token, including one of the same length', async () => {
    const sameLength = bridge.token.replace(/./g, 'a');
    for (const token of ['nope', sameLength, `${bridge.token}x`]) {
      const response = await invoke({ authorization: `Bearer ${token}` });
      expect(response.status, token).toBe(401);
    }
  });

  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    const response = await invoke({ authorization: `Bearer ${bridge.token}`, host: `evil.example:${bridge.port}` });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'E_BRIDGE_FORBIDDEN_HOST' } });
    const page = await request(bridge.port, { headers: { host: 'evil.example' } });
    expect(page.status).toBe(403);
  });

  it('refuses a foreign Origin even with the token', async () => {
    const response = await invoke({ authorization: `Bearer ${bridge.token}`, origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'E_BRIDGE_FORBIDDEN_ORIGIN' } });
    const own = await invoke({ authorization: `Bearer ${bridge.token}`, origin: `http://localhost:${bridge.port}` });
    expect(own.status).toBe(200);
  });

  it('validates input behind the token like every transport', async () => {
    const response = await invoke(
      { authorization: `Bearer ${bridge.token}` },
      { method: 'connections.remove', input: { id: '' } as never },
    );
    expect(JSON.parse(response.body)).toMatchObject({
      ok: false,
      error: { code: 'E_INVALID_INPUT', details: { issues: [{ path: ['id'] }] } },
    });
  });

  it('streams events only to token holders', async () => {
    const refused = await request(bridge.port, { path: '/api/events', headers: { host } });
    expect(refused.status).toBe(401);

    const received = new Promise<string>((resolve, reject) => {
      const req = http.get(
        {
          host: '127.0.0.1',
          port: bridge.port,
          path: '/api/events',
          headers: { authorization: `Bearer ${bridge.token}` },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            if (text.includes('connections.changed')) {
              req.destroy();
              resolve(text);
            }
          });
          // Emit once the stream is open.
          setTimeout(() => env.backend.context.events.emit('connections.changed', { ids: ['abc' as never] }), 50);
        },
      );
      req.on('error', reject);
    });
    expect(await received).toContain('event: connections.changed\ndata: {"ids":["abc"]}');
  });

  it('serves the UI with a strict CSP and never a file outside its folder', async () => {
    const page = await request(bridge.port, { headers: { host } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe-eval');
    const route = await request(bridge.port, { path: '/mapper', headers: { host } });
    expect(route.body).toContain('<title>t</title>');
    for (const sneaky of ['/../outside-secret.txt', '/%2e%2e/outside-secret.txt', '/..%2foutside-secret.txt']) {
      const response = await request(bridge.port, { path: sneaky, headers: { host } });
      expect(response.body, sneaky).not.toContain('nope');
    }
  });

  it('serves client-side routes as the app, a missing asset as 404, and caches only hashed assets', async () => {
    const route = await request(bridge.port, { path: '/flows/abc', headers: { host } });
    expect([route.status, route.headers['cache-control']]).toEqual([200, 'no-store']);
    expect(route.body).toContain('<title>t</title>');
    expect(route.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const asset = await request(bridge.port, { path: '/app.js', headers: { host } });
    expect([asset.status, asset.body]).toEqual([200, 'console.log(1)']);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    const missing = await request(bridge.port, { path: '/assets/gone-1234.js', headers: { host } });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ ok: false, error: { code: 'E_NOT_FOUND' } });
    for (const hidden of ['/.env', '/%2e%2e%2foutside-secret.txt', '/a%00b.js']) {
      expect((await request(bridge.port, { path: hidden, headers: { host } })).status, hidden).toBe(404);
    }
  });

  it('serves what a rebuild wrote while it runs', async () => {
    fs.writeFileSync(path.join(ui.dir, 'late.js'), 'console.log(2)');
    const late = await request(bridge.port, { path: '/late.js', headers: { host } });
    expect([late.status, late.body]).toEqual([200, 'console.log(2)']);
  });

  it('answers a path built to make a regex backtrack without stalling', async () => {
    // sirv's own SPA fallback tests paths with a regex that takes minutes on this one.
    const response = await request(bridge.port, { path: `/${'a.a'.repeat(25)}!`, headers: { host } });
    expect(response.status).toBe(404);
  });

  it('answers 500 and keeps serving when a call fails unexpectedly', async () => {
    const errors: unknown[] = [];
    const failing = await startWebBridge({
      backend: { ...env.backend, invoke: () => Promise.reject(new Error('backend fell over')) },
      onError: (error) => errors.push(error),
    });
    try {
      const headers = {
        host: `127.0.0.1:${failing.port}`,
        authorization: `Bearer ${failing.token}`,
        'content-type': 'application/json',
      };
      const call = () =>
        request(failing.port, {
          method: 'POST',
          path: '/api/invoke',
          headers,
          body: '{"method":"app.info","input":{}}',
        });
      const first = await call();
      expect(first.status).toBe(500);
      expect(JSON.parse(first.body)).toMatchObject({ ok: false, error: { code: 'E_INTERNAL' } });
      expect((await call()).status).toBe(500);
      expect(errors.map((error) => (error as Error).message)).toEqual(['backend fell over', 'backend fell over']);
    } finally {
      await failing.close();
    }
  });

  it('listens on loopback only', async () => {
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (external) {
      const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
        const socket = net.connect({ host: external.address, port: bridge.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(undefined);
        });
        socket.once('error', (err) => resolve(err));
      });
      expect(error?.code).toBe('ECONNREFUSED');
    }
    const address = await request(bridge.port, { headers: { host } });
    expect(address.status).toBe(200);
  });
});
