import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from './errors';
import { createClock, type SandboxClock } from './clock';
import { controlRouter, createControl, type ControlParts, type SandboxAction, type SandboxControl } from './control';
import { FaultInjector, type FaultDecision } from './faults';
import { Quota } from './quota';
import { createRandom, type Random } from './random';
import { Router, type RouteDefinition, type SandboxContext, type SandboxRequestBody } from './router';
import { RequestLog } from './request-log';
import { StatsRecorder } from './stats';

export interface SandboxServerOptions {
  /** Shown by `GET /__sandbox` (e.g. 'infor'). */
  system: string;
  /** 0/undefined = a free port. The server always binds 127.0.0.1. */
  port?: number;
  /** Seeds the fault-probability stream. */
  seed?: number;
  /** Request bodies above this are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** Called when a fault rule says `expireTokens`. */
  onExpireTokens?: () => void;
  /** Merged into `stats().extra` (e.g. tokens alive, overlay sizes). */
  extraStats?: () => Record<string, unknown>;
}

/** What a simulator's routes see besides the request: the shared clock and the fault decided for this call. */
export interface SimulatorContext extends SandboxContext {
  readonly fault: FaultDecision | null;
  readonly clock: SandboxClock;
}

export interface SandboxServer {
  readonly url: string;
  readonly port: number;
  readonly clock: SandboxClock;
  readonly random: Random;
  readonly control: SandboxControl;
  /** Counts a named event in stats (`tokensIssued`, `refreshes`, ...). */
  bump(counter: string, by?: number): void;
  route(
    definition: Omit<RouteDefinition, 'handler'> & { handler: (context: SimulatorContext) => Promise<void> | void },
  ): void;
  action(name: string, run: SandboxAction): void;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export function createSandboxServer(options: SandboxServerOptions): SandboxServer {
  const clock = createClock();
  const random = createRandom(options.seed ?? 1);
  const stats = new StatsRecorder();
  const requests = new RequestLog();
  const faults = new FaultInjector(createRandom((options.seed ?? 1) ^ 0x5eed));
  const quota = new Quota();
  const redirects = new Map<string, string>();
  const actions = new Map<string, SandboxAction>();
  const parts: ControlParts = {
    stats,
    requests,
    faults,
    quota,
    clock,
    redirects,
    actions,
    extraStats: options.extraStats ?? (() => ({})),
  };
  const control = createControl(parts);
  const routes = new Router();
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const timers = new Set<NodeJS.Timeout>();
  let port = options.port ?? 0;

  const describe = () => ({ system: options.system, url: `http://127.0.0.1:${port}`, actions: [...actions.keys()] });
  const controlRoutes = controlRouter(control, parts, describe);

  const sleep = (milliseconds: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, milliseconds);
      timers.add(timer);
    });

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        const tooLarge = error instanceof BodyTooLargeError;
        // A 413 keeps the connection: the rest of the body is drained so the client reads the answer, not a reset.
        response.writeHead(tooLarge ? 413 : 500, {
          'content-type': 'text/plain; charset=utf-8',
          ...(tooLarge ? {} : { connection: 'close' }),
        });
        response.end(tooLarge ? error.message : `sandbox error: ${errorMessage(error)}`);
      } else response.destroy();
    });
  });

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = parseTarget(request.url);
    if (!url) {
      response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Bad Request: the request target is not a URL path');
      return;
    }
    const path = safeDecode(url.pathname);
    const method = (request.method ?? 'GET').toUpperCase();

    if (path === '/__sandbox' || path.startsWith('/__sandbox/')) {
      const match = controlRoutes.match(method, path);
      const context = makeContext(request, response, url, path, null, maxBody, clock);
      if ('route' in match) {
        context.params = match.params;
        await match.route.handler(context);
      } else context.json(404, { error: 'not_found', message: `No control endpoint ${method} ${path}` });
      return;
    }

    const match = routes.match(method, path);
    const routeName = 'route' in match ? match.name : 'unmatched';
    const entry = requests.record(request, path, routeName, 'route' in match ? match.metered : true);
    let destroyed = false;
    response.on('close', () =>
      stats.record(routeName, response.writableFinished ? response.statusCode : destroyed ? 'reset' : 'aborted'),
    );

    for (const [prefix, location] of redirects) {
      if (path.startsWith(prefix)) {
        response.writeHead(302, { location: location + path.slice(prefix.length) + url.search, 'content-length': '0' });
        response.end();
        return;
      }
    }

    if (!('route' in match) || match.metered) {
      const over = quota.take(clock.now());
      if (over) {
        stats.bump('quotaRejected');
        const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
        if (over.retryAfter !== null) headers['retry-after'] = String(over.retryAfter);
        response.writeHead(429, headers);
        response.end('Quota exceeded');
        return;
      }
    }

    const fault = faults.decide(method, path, clock.now());
    if (fault) {
      stats.bump('faultsHit');
      if (fault.latencyMs > 0) await sleep(fault.latencyMs);
      if (fault.expireTokens) options.onExpireTokens?.();
      if (fault.reset) {
        destroyed = true;
        request.socket.destroy();
        return;
      }
      if (fault.hang !== undefined) {
        if (fault.hang === true) return; // answered by nobody; closing the sandbox drops the socket
        await sleep(Number(fault.hang));
        if (!response.destroyed) {
          response.writeHead(504, { 'content-type': 'text/plain; charset=utf-8' });
          response.end('Gateway Timeout');
        }
        return;
      }
      if (fault.status) {
        const headers: Record<string, string> = { 'content-type': fault.status.contentType };
        if (fault.status.retryAfter !== undefined) headers['retry-after'] = fault.status.retryAfter;
        response.writeHead(fault.status.code, headers);
        response.end(fault.status.body);
        return;
      }
    }

    let answered: string | undefined;
    const context = makeContext(request, response, url, path, fault, maxBody, clock, (payload) => {
      answered = payload;
    });
    context.routeName = routeName;
    if (!('route' in match)) {
      if (match.allowed.length > 0)
        context.text(405, 'Method Not Allowed', undefined, { allow: match.allowed.join(', ') });
      else context.text(404, `Not Found: ${path}`);
      return;
    }
    context.params = match.params;
    await match.route.handler(context);
    if (!context.sent && !response.writableEnded) context.text(500, 'sandbox route did not answer');
    if (requests.captureBodies) {
      // The body is read once and cached, so this sees what the route saw (or reads it if the route refused early).
      const sent = entry.hasBody ? await context.body().catch(() => undefined) : undefined;
      entry.exchange = { status: response.statusCode, requestBody: sent?.text, responseBody: answered };
    }
  }

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    clock,
    random,
    control,
    bump: (counter, by = 1) => stats.bump(counter, by),
    route(definition) {
      routes.add(definition as RouteDefinition);
    },
    action(name, run) {
      actions.set(name, run);
    },
    listen: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          port = (server.address() as AddressInfo).port;
          resolve();
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `GET //[` parses as HTTP but not as a URL. */
function parseTarget(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function makeContext(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  url: URL,
  path: string,
  fault: FaultDecision | null,
  maxBody: number,
  clock: SandboxClock,
  onSent?: (payload: string) => void,
): SimulatorContext {
  let bodyPromise: Promise<SandboxRequestBody> | undefined;
  let sent = false;
  const write = (status: number, payload: string, contentType: string, headers: Record<string, string> = {}) => {
    if (sent || response.writableEnded || response.destroyed) return;
    sent = true;
    onSent?.(payload);
    // A malformed-body fault keeps status and headers but cuts the body: the client must cope with invalid JSON.
    const body = fault?.malformed && payload.length > 1 ? payload.slice(0, Math.floor(payload.length / 2)) : payload;
    response.writeHead(status, {
      'content-type': contentType,
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    });
    response.end(body);
  };
  return {
    request,
    response,
    method: (request.method ?? 'GET').toUpperCase(),
    path,
    rawPath: url.pathname,
    query: url.searchParams,
    params: {},
    routeName: '',
    fault,
    clock,
    header: (name) => {
      const value = request.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    body: () => (bodyPromise ??= readBody(request, maxBody)),
    json: (status, body, headers) => write(status, JSON.stringify(body), 'application/json; charset=utf-8', headers),
    text: (status, body, contentType = 'text/plain; charset=utf-8', headers) =>
      write(status, body, contentType, headers),
    empty: (status, headers = {}) => {
      if (sent || response.writableEnded) return;
      sent = true;
      response.writeHead(status, { 'content-length': '0', ...headers });
      response.end();
    },
    get sent() {
      return sent;
    },
  };
}

class BodyTooLargeError extends Error {}

function readBody(request: http.IncomingMessage, limit: number): Promise<SandboxRequestBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // A declared length over the limit is refused before waiting for a body that may never come.
    if (Number(request.headers['content-length'] ?? 0) > limit)
      reject(new BodyTooLargeError(`request body over ${limit} bytes`));
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Keep draining so the 413 can still be written on this socket.
        chunks.length = 0;
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', reject);
    // A client that died mid-body (SIGKILL, a dropped connection) may end the stream with 'close' and no
    // 'error' — or have ended it before anyone asked for the body. Without this the handler waits
    // forever, and whatever it counts (Zoho's calls in flight) stays counted.
    // (`complete` is no guide: a body already parsed but not yet read is lost with the stream.)
    const gone = () => reject(new Error('the client went away before its request body was read'));
    if (request.destroyed && !request.readableEnded) gone();
    request.on('close', () => {
      if (!request.readableEnded) gone();
    });
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString('utf8');
      resolve({ raw, text, json: <T>() => JSON.parse(text) as T, form: () => new URLSearchParams(text) });
    });
  });
}
