import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import sirv, { type RequestHandler } from 'sirv';
import { errorMessage, type ErrorInfo } from '../../../shared/errors';
import type { Backend } from '../backend';
import { contentSecurityPolicy } from '../../../shared/security/csp';
import { redact } from '../util/redact';
import { answerClientErrors, BodyTooLargeError, guarded, readBody, requestUrl } from './http-guard';

export interface WebBridgeOptions {
  backend: Backend;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The built renderer; omit to serve the API only. */
  staticDir?: string;
  /** For tests; a fresh random token is made per launch otherwise. */
  token?: string;
  /** Larger API calls are answered 413 (default 64 MiB: a bundle may be 50 million characters). */
  maxBodyBytes?: number;
  /** Where a handler's unexpected failure is reported (default: stderr); the server keeps serving. */
  onError?: (error: unknown) => void;
}

export interface WebBridge {
  readonly port: number;
  readonly token: string;
  /** Open this in a browser: the token travels in the fragment, which browsers never send. */
  readonly url: string;
  close(): Promise<void>;
}

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

  const reportError =
    options.onError ?? ((error: unknown) => process.stderr.write(`web bridge: ${redact(errorMessage(error))}\n`));
  const assets = options.staticDir && fs.existsSync(options.staticDir) ? staticFiles(options.staticDir) : undefined;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (!allowedHosts().has(req.headers.host ?? '')) {
      return refuse(res, 403, {
        code: 'E_BRIDGE_FORBIDDEN_HOST',
        message: 'This server answers only to 127.0.0.1 and localhost.',
      });
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      return refuse(res, 403, {
        code: 'E_BRIDGE_FORBIDDEN_ORIGIN',
        message: 'Requests from other origins are refused.',
      });
    }
    const url = requestUrl(req);
    const pathname = url && decodedPath(url.pathname);
    if (!url || pathname === undefined) {
      return refuse(res, 400, {
        code: 'E_INVALID_INPUT',
        message: 'The request path is not a valid URL path; check its percent-encoding.',
      });
    }
    // API routes match the path as sent, so `/api%2Finvoke` is no alias of `/api/invoke`.
    if (url.pathname.startsWith('/api/')) {
      if (!authorized(req)) {
        return refuse(res, 401, {
          code: 'E_BRIDGE_UNAUTHORIZED',
          message: 'Missing or wrong token. Open the URL that `mlc studio` printed, including its #token part.',
        });
      }
      if (url.pathname === '/api/invoke' && req.method === 'POST') return handleInvoke(req, res);
      if (url.pathname === '/api/events' && req.method === 'GET') return handleEvents(req, res);
      return refuse(res, 404, { code: 'E_NOT_FOUND', message: `No API route ${req.method} ${url.pathname}.` });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return refuse(res, 405, { code: 'E_NOT_FOUND', message: 'Only GET is served here.' });
    }
    serveStatic(req, res, pathname);
  };

  const server = http.createServer(
    guarded(handle, (res, error) => {
      reportError(error);
      refuse(res, 500, {
        code: 'E_INTERNAL',
        message: 'The bridge failed to answer this request; the server keeps running. See its log.',
      });
    }),
  );
  answerClientErrors(server);

  async function handleInvoke(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return refuse(res, 415, { code: 'E_INVALID_INPUT', message: 'Send the call as application/json.' });
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, maxBody);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return refuse(res, 413, {
          code: 'E_INVALID_INPUT',
          message: `The call is larger than ${formatBytes(maxBody)}; send less at once.`,
        });
      }
      return refuse(res, 400, { code: 'E_INVALID_INPUT', message: 'The request body could not be read completely.' });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      const message = error instanceof Error ? error.message : 'unreadable body';
      return refuse(res, 400, { code: 'E_INVALID_INPUT', message: `The request body is not valid JSON: ${message}` });
    }
    const call = (body !== null && typeof body === 'object' ? body : {}) as { method?: unknown; input?: unknown };
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

  function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, pathname: string) {
    const noInterface = () =>
      refuse(res, 404, { code: 'E_NOT_FOUND', message: 'No user interface is built; run `npm run build`.' });
    if (!assets) return noInterface();
    // Dot-files and parent segments are never part of the built app; NUL bytes are never part of a name.
    if (/(^|\/)\.|\\|\0/.test(pathname)) return refuse(res, 404, { code: 'E_NOT_FOUND', message: 'Not found.' });
    // The app needs no ranges, and sirv throws on some malformed ones (start past end).
    delete req.headers.range;
    assets(req, res, () => {
      // Client-side routes (no extension) fall back to the app; missing assets stay 404s.
      if (path.posix.extname(pathname)) return refuse(res, 404, { code: 'E_NOT_FOUND', message: 'Not found.' });
      req.url = '/index.html';
      assets(req, res, noInterface);
    });
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

/**
 * The built renderer through sirv. Dev mode reads the folder on every request, so a
 * rebuild while `mlc studio` runs is served at once (the file list is not frozen at
 * start). `single` is left off on purpose: sirv's SPA check runs a regex that
 * backtracks exponentially on paths like `/a.aa.aa.a…!`, so the fallback is ours.
 */
function staticFiles(dir: string): RequestHandler {
  const serve = sirv(path.resolve(dir), {
    dev: true,
    etag: true,
    setHeaders(res, pathname) {
      const extension = path.posix.extname(pathname);
      res.setHeader('Content-Security-Policy', contentSecurityPolicy);
      // Vite names assets by content hash, so they never change; the page itself must always be fresh.
      res.setHeader(
        'Cache-Control',
        extension && extension !== '.html' ? 'public, max-age=31536000, immutable' : 'no-store',
      );
    },
  });
  return (req, res, next) => {
    // sirv pipes the file without an error listener: a file removed between its check and
    // the read (a rebuild) would otherwise throw from the stream and end the process.
    res.once('pipe', (source: Readable) => source.once('error', () => res.destroy()));
    serve(req, res, next);
  };
}

/** The decoded path, or undefined when its percent-encoding is not UTF-8 (`/%ff`, overlong `/%c0%ae`). */
function decodedPath(pathname: string): string | undefined {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}

function refuse(res: http.ServerResponse, status: number, error: ErrorInfo) {
  sendJson(res, status, { ok: false, error });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
