import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ErrorInfo } from '../../../shared/errors';
import type { Backend } from '../backend';
import { contentSecurityPolicy } from '../../../shared/security/csp';

export interface WebBridgeOptions {
  backend: Backend;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer; omit to serve the API only. */
  staticDir?: string;
  /** For tests; a fresh random token is made per launch otherwise. */
  token?: string;
  maxBodyBytes?: number;
}

export interface WebBridge {
  readonly port: number;
  readonly token: string;
  /** Open this in a browser: the token travels in the fragment, which browsers never send. */
  readonly url: string;
  close(): Promise<void>;
}

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * The browser transport for the contract: loopback only, a per-launch token on every
 * API call, and Host/Origin checks so another site (or a DNS-rebound name) cannot
 * drive the backend through the user's browser.
 */
export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  const maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const streams = new Set<http.ServerResponse>();
  let port = 0;

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const authorized = (req: http.IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match?.[1]) return false;
    const given = Buffer.from(match[1]);
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  };

  const server = http.createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (!allowedHosts().has(req.headers.host ?? '')) {
      return refuse(res, 403, { code: 'E_BRIDGE_FORBIDDEN_HOST', message: 'This server answers only to 127.0.0.1 and localhost.' });
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      return refuse(res, 403, { code: 'E_BRIDGE_FORBIDDEN_ORIGIN', message: 'Requests from other origins are refused.' });
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/')) {
      if (!authorized(req)) {
        return refuse(res, 401, {
          code: 'E_BRIDGE_UNAUTHORIZED',
          message: 'Missing or wrong token. Open the URL that `mlc studio` printed, including its #token part.',
        });
      }
      if (url.pathname === '/api/invoke' && req.method === 'POST') return void handleInvoke(req, res);
      if (url.pathname === '/api/events' && req.method === 'GET') return handleEvents(req, res);
      return refuse(res, 404, { code: 'E_NOT_FOUND', message: `No API route ${req.method} ${url.pathname}.` });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return refuse(res, 405, { code: 'E_NOT_FOUND', message: 'Only GET is served here.' });
    }
    serveStatic(url.pathname, res);
  });

  async function handleInvoke(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return refuse(res, 415, { code: 'E_INVALID_INPUT', message: 'Send the call as application/json.' });
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, maxBody));
    } catch (error) {
      const message = error instanceof Error ? error.message : 'unreadable body';
      return refuse(res, 400, { code: 'E_INVALID_INPUT', message: `The request body is not valid JSON: ${message}` });
    }
    const call = (body ?? {}) as { method?: unknown; input?: unknown };
    const result = await options.backend.invoke(call.method, call.input);
    sendJson(res, 200, result);
  }

  function handleEvents(req: http.IncomingMessage, res: http.ServerResponse) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = options.backend.context.events.subscribe((event, payload) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  }

  function serveStatic(pathname: string, res: http.ServerResponse) {
    if (!options.staticDir) {
      return refuse(res, 404, { code: 'E_NOT_FOUND', message: 'No user interface is built; run `npm run build`.' });
    }
    const root = path.resolve(options.staticDir);
    let file = path.resolve(root, '.' + decodeURIComponent(pathname));
    if (!file.startsWith(root + path.sep) && file !== root) {
      return refuse(res, 404, { code: 'E_NOT_FOUND', message: 'Not found.' });
    }
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      // Client-side routes fall back to the app; missing assets stay 404s.
      if (path.extname(file)) return refuse(res, 404, { code: 'E_NOT_FOUND', message: 'Not found.' });
      file = path.join(root, 'index.html');
    }
    if (!fs.existsSync(file)) {
      return refuse(res, 404, { code: 'E_NOT_FOUND', message: 'No user interface is built; run `npm run build`.' });
    }
    const type = mimeTypes[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Security-Policy': contentSecurityPolicy,
      'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    fs.createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the bridge is never reachable from another machine.
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function refuse(res: http.ServerResponse, status: number, error: ErrorInfo) {
  sendJson(res, status, { ok: false, error });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
