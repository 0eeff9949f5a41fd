import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebBridge, type WebBridge } from '../../electron/backend/bridge/web-bridge';
import { startServe, type ServeDaemon } from '../../electron/backend/runtime/serve-daemon';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startZohoSandbox, type ZohoSandbox } from '../../sandbox/zoho/index';
import { createLogger } from '../../electron/backend/util/log';
import { exampleBundle, reseal, writeBundle } from '../bundle/support/bundle-files';
import { writeSandboxFiles } from '../bundle/support/infor-to-zoho';
import { until } from '../bundle/support/mlc-process';
import { testBackend } from '../support/backend';
import { repoRoot, tempDir } from '../support/paths';

/**
 * No single request kills a server: malformed request lines, paths, headers and bodies
 * over raw sockets (what a page on another local origin, or anything on this machine,
 * can send) against the web bridge, `mlc serve` and a sandbox simulator. Servers run in
 * this process, so an uncaught exception or unhandled rejection fails the run; after
 * every case the server must still answer. Seeded, so a failure reproduces.
 */

type Answer = { status: number; head: string } | { closed: true };

/**
 * Sends bytes as they are and reads the first response head (skipping 1xx). Cases whose
 * body is cut short half-close, so the server sees the end instead of waiting for more.
 */
function exchange(port: number, bytes: string | Buffer, options: { halfClose?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    const settle = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(hang);
      socket.destroy();
      resolve(answer);
    };
    // Only a hang detector: every case is answered or closed long before this.
    const hang = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(new Error(`no answer and no close within 15 s to ${JSON.stringify(String(bytes).slice(0, 300))}`));
    }, 15_000);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      for (;;) {
        const end = received.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = received.subarray(0, end).toString('latin1');
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
        if (status >= 100 && status < 200) {
          received = received.subarray(end + 4);
          continue;
        }
        return settle(Number.isFinite(status) ? { status, head } : { status: 0, head });
      }
    });
    socket.on('error', () => settle({ closed: true }));
    socket.on('close', () => settle({ closed: true }));
    socket.write(bytes, () => {
      if (options.halfClose) socket.end();
    });
  });
}

function statusOf(answer: Answer): number | 'closed' {
  return 'closed' in answer ? 'closed' : answer.status;
}

/** One request as the generator builds it, rendered to bytes by `render`. */
interface Case {
  method: string;
  target: string;
  version: string;
  host: 'right' | 'localhost' | 'evil' | 'empty' | 'missing' | 'twice' | 'huge' | 'nul';
  auth: 'none' | 'right' | 'wrong' | 'huge';
  origin: 'none' | 'own' | 'evil' | 'null';
  contentType: string | undefined;
  extra: string[];
  body: string;
  framing:
    | 'length'
    | 'chunked'
    | 'none'
    | 'truncated'
    | 'negative'
    | 'not-a-number'
    | 'two-lengths'
    | 'length-and-chunked'
    | 'gzip-only'
    | 'bad-chunk'
    | 'huge-claim';
}

interface Target {
  port: number;
  token?: string;
  /** Sized to go over the server's body limit. */
  oversized: string;
}

function render(test: Case, target: Target): { bytes: Buffer; halfClose: boolean } {
  const lines = [`${test.method} ${test.target}${test.version ? ` ${test.version}` : ''}`];
  const own = `127.0.0.1:${target.port}`;
  const host = {
    right: [own],
    localhost: [`localhost:${target.port}`],
    evil: ['evil.example'],
    empty: [''],
    missing: [],
    twice: [own, 'evil.example'],
    huge: ['h'.repeat(20_000)],
    nul: [`${own}\0`],
  }[test.host];
  for (const value of host) lines.push(`Host: ${value}`);
  const auth = {
    none: undefined,
    right: `Bearer ${target.token ?? 'none'}`,
    wrong: 'Bearer nope',
    huge: `Bearer ${'t'.repeat(12_000)}`,
  }[test.auth];
  if (auth) lines.push(`Authorization: ${auth}`);
  const origin = { none: undefined, own: `http://${own}`, evil: 'https://evil.example', null: 'null' }[test.origin];
  if (origin) lines.push(`Origin: ${origin}`);
  if (test.contentType !== undefined) lines.push(`Content-Type: ${test.contentType}`);
  lines.push(...test.extra);
  // The marker keeps counterexamples short; the body itself is sized per server.
  const body = Buffer.from(test.body === 'oversized' ? target.oversized : test.body, 'utf8');
  let payload: Buffer = body;
  let halfClose = false;
  switch (test.framing) {
    case 'length':
      lines.push(`Content-Length: ${body.length}`);
      break;
    case 'chunked':
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([
        body.length ? Buffer.from(`${body.length.toString(16)}\r\n`) : Buffer.alloc(0),
        body,
        Buffer.from(body.length ? '\r\n0\r\n\r\n' : '0\r\n\r\n'),
      ]);
      break;
    case 'none':
      break;
    case 'truncated':
      lines.push(`Content-Length: ${body.length + 10}`);
      halfClose = true;
      break;
    case 'negative':
      lines.push('Content-Length: -1');
      break;
    case 'not-a-number':
      lines.push('Content-Length: 1e3');
      break;
    case 'two-lengths':
      lines.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`);
      break;
    case 'length-and-chunked':
      lines.push(`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked');
      break;
    case 'gzip-only':
      lines.push('Transfer-Encoding: gzip');
      break;
    case 'bad-chunk':
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([Buffer.from('zz\r\n'), body, Buffer.from('\r\n0\r\n\r\n')]);
      break;
    case 'huge-claim':
      lines.push('Content-Length: 999999999999');
      break;
  }
  // A request line with CR, LF or a space in the wrong place can frame as a request still waiting for more.
  if (/[\r\n]/.test(test.target) || /[\r\n]/.test(test.method) || test.extra.some((line) => /[\r\n]/.test(line)))
    halfClose = true;
  return { bytes: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]), halfClose };
}

const hex = (byte: number) => `%${byte.toString(16).padStart(2, '0')}`;

/** Mostly a well-formed value, sometimes a broken one: one fault per case at a time reaches the handlers, not only Node's parser. */
function mostly<T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>, goodWeight = 7): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: good, weight: goodWeight }, { arbitrary: bad, weight: 1 });
}

/** Paths that decode badly, climb, carry NULs, overflow or are no URL at all; plus real routes so handlers run. */
function targetArbitrary(routes: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...routes), weight: 4 },
    {
      arbitrary: fc.constantFrom(
        '/%ff',
        '/%c0%ae%c0%ae/',
        '/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd',
        '//[',
        '//[::1',
        '//',
        '/..',
        '/../../../../etc/passwd',
        '/%2e%2e/%2e%2e/outside-secret.txt',
        '/..%2f..%2foutside-secret.txt',
        '/..\\..\\outside-secret.txt',
        '/%5c..%5c..%5coutside-secret.txt',
        '/a%00b',
        '/%00',
        '/%',
        '/%g0',
        '/%e2%82',
        '/%ed%a0%80',
        '/api/%ff',
        '/api/invoke%00',
        '/api%2finvoke',
        '*',
        'http://127.0.0.1/',
        'http://[/',
        '/?%ff=%ff',
        '/.env',
        `/${'a.aa.'.repeat(30)}!`,
        `/${'a'.repeat(9000)}`,
        `/${'%ff'.repeat(3000)}`,
        `/${'a'.repeat(20_000)}`,
      ),
      weight: 3,
    },
    {
      arbitrary: fc
        .array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 24 })
        .map((bytes) => `/${bytes.map(hex).join('')}`),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...routes), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }))
        .map(([route, bytes]) => `${route}${bytes.map(hex).join('')}`),
      weight: 2,
    },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((text) => `/${text.replace(/ /g, '')}`), weight: 1 },
  );
}

function caseArbitrary(routes: string[], calls: string[]): fc.Arbitrary<Case> {
  const body = mostly(
    fc.oneof(fc.constantFrom(...calls), fc.constant('oversized')),
    fc.oneof(
      fc.constantFrom(
        '',
        '{',
        '{{{',
        'null',
        '[]',
        '"text"',
        '{"method":',
        '{"method":null}',
        '{"method":"__proto__","input":{}}',
        '{"method":"constructor"}',
        '\uFEFF{}',
        '\u0000',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
      ),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc
        .record({
          method: fc.constantFrom(
            'app.info',
            'connections.list',
            'connections.remove',
            'flows.list',
            'bundles.check',
            'nope',
            'toString',
          ),
          input: fc.jsonValue({ maxDepth: 2 }),
        })
        .map((value) => JSON.stringify(value)),
      fc.string({ unit: 'binary', maxLength: 200 }),
    ),
    1,
  );
  return fc.record({
    method: mostly(
      fc.constantFrom('GET', 'POST', 'HEAD'),
      fc.constantFrom('PUT', 'DELETE', 'OPTIONS', 'PATCH', 'get', 'G\u0000T', 'BREW', ''),
    ),
    target: targetArbitrary(routes),
    version: mostly(fc.constant('HTTP/1.1'), fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTX/1.1', ''), 12),
    host: mostly(
      fc.constant<Case['host']>('right'),
      fc.constantFrom<Case['host']>('localhost', 'evil', 'empty', 'missing', 'twice', 'huge', 'nul'),
      12,
    ),
    auth: mostly(fc.constant<Case['auth']>('right'), fc.constantFrom<Case['auth']>('none', 'wrong', 'huge'), 4),
    origin: mostly(fc.constant<Case['origin']>('none'), fc.constantFrom<Case['origin']>('own', 'evil', 'null'), 8),
    contentType: mostly(
      fc.constant<string | undefined>('application/json'),
      fc.constantFrom(
        undefined,
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json\u0001',
      ),
      5,
    ),
    extra: mostly(
      fc.constant<string[]>([]),
      fc.array(
        fc.constantFrom(
          'Range: bytes=5-2',
          'Range: bytes=abc-',
          'Range: bytes=0-0,5-1',
          'Expect: 100-continue',
          'Expect: something-else',
          'Connection: close',
          'Connection: upgrade',
          'If-None-Match: *',
          'Accept-Encoding: br, gzip',
          `X-Big: ${'b'.repeat(20_000)}`,
          'X-Nul: a\u0000b',
          'Bad Header: x',
          ': no-name',
          'X-Obs-Fold: a\r\n b',
          `Cookie: ${'c=1; '.repeat(500)}`,
        ),
        { minLength: 1, maxLength: 2 },
      ),
      4,
    ),
    body,
    framing: mostly(
      fc.constantFrom<Case['framing']>('length', 'length', 'chunked'),
      fc.constantFrom<Case['framing']>(
        'none',
        'truncated',
        'negative',
        'not-a-number',
        'two-lengths',
        'length-and-chunked',
        'gzip-only',
        'bad-chunk',
        'huge-claim',
      ),
      5,
    ),
  });
}

/** Runs the generated cases; none may be answered 5xx, and the server must answer `alive` after each. */
async function fuzz(options: {
  seed: number;
  runs: number;
  target: () => Target;
  routes: string[];
  calls: string[];
  alive: () => Promise<void>;
  reaches: number[];
}) {
  const seen = new Map<number | 'closed', number>();
  await fc.assert(
    fc.asyncProperty(caseArbitrary(options.routes, options.calls), async (test) => {
      const { bytes, halfClose } = render(test, options.target());
      const answer = await exchange(options.target().port, bytes, { halfClose });
      const status = statusOf(answer);
      seen.set(status, (seen.get(status) ?? 0) + 1);
      if (status !== 'closed') expect(status, 'a 5xx means a handler failed').toBeLessThan(500);
      // Hanging up unanswered is fair only when the client cut its request short.
      else expect(halfClose, 'a complete request gets an answer').toBe(true);
      await options.alive();
    }),
    // MLC_FUZZ_SEED / MLC_FUZZ_RUNS explore further; the defaults keep CI reproducible.
    {
      seed: Number(process.env.MLC_FUZZ_SEED) || options.seed,
      numRuns: Number(process.env.MLC_FUZZ_RUNS) || options.runs,
    },
  );
  // With the default seed, the cases reached the handlers as well as Node's parser: successes, refusals and parse errors alike.
  if (!process.env.MLC_FUZZ_SEED) {
    for (const status of options.reaches) expect(seen.get(status) ?? 0, `cases answered ${status}`).toBeGreaterThan(0);
  }
}

function request(port: number, text: string): Promise<number | 'closed'> {
  return exchange(port, text).then(statusOf);
}

describe('web bridge under malformed requests', () => {
  const env = testBackend('web');
  const ui = tempDir('mlc-fuzz-ui-');
  const maxBodyBytes = 64 * 1024;
  let bridge: WebBridge;
  let host: string;
  const target = (): Target => ({
    port: bridge.port,
    token: bridge.token,
    oversized: JSON.stringify({ method: 'app.info', input: { pad: 'x'.repeat(maxBodyBytes) } }),
  });
  const invoke = (body: string, headers = '') =>
    `POST /api/invoke HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${bridge.token}\r\nContent-Type: application/json\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  const alive = async () => {
    const page = await exchange(bridge.port, `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(statusOf(page), 'the page').toBe(200);
    const call = await exchange(bridge.port, invoke('{"method":"app.info","input":{}}'));
    expect(statusOf(call), 'an authorized call').toBe(200);
  };

  beforeAll(async () => {
    fs.writeFileSync(path.join(ui.dir, 'index.html'), '<!doctype html><title>t</title>');
    fs.writeFileSync(path.join(ui.dir, 'app.js'), 'console.log(1)');
    bridge = await startWebBridge({ backend: env.backend, staticDir: ui.dir, maxBodyBytes });
    host = `127.0.0.1:${bridge.port}`;
  });
  afterAll(async () => {
    await bridge?.close();
    await env.dispose();
    ui.remove();
  });

  it('answers the paths that used to end the process with 400', async () => {
    for (const target of ['/%ff', '/%c0%ae%c0%ae/', '//[', '/%ed%a0%80']) {
      expect(await request(bridge.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`), target).toBe(400);
    }
    await alive();
  });

  it('answers an oversized call with 413 and JSON, whether the length is declared, streamed or only claimed', async () => {
    const body = target().oversized;
    const declared = await exchange(bridge.port, invoke(body));
    expect(statusOf(declared)).toBe(413);
    expect('head' in declared && declared.head).toMatch(/content-type: application\/json/i);
    const chunked = `POST /api/invoke HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${bridge.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    expect(await request(bridge.port, chunked)).toBe(413);
    const claimed = `POST /api/invoke HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${bridge.token}\r\nContent-Type: application/json\r\nContent-Length: 999999999999\r\n\r\n`;
    expect(await request(bridge.port, claimed)).toBe(413);
    // Read to the end: the error is JSON with a code the renderer knows.
    const answer = await fetch(`http://${host}/api/invoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bridge.token}`, 'content-type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toMatchObject({ ok: false, error: { code: 'E_INVALID_INPUT' } });
    await alive();
  });

  it('answers a request line or headers Node cannot parse with 400 or 431', async () => {
    expect(await request(bridge.port, 'GARBAGE\r\n\r\n')).toBe(400);
    expect(await request(bridge.port, `GET / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: abc\r\n\r\n`)).toBe(400);
    expect(await request(bridge.port, `GET / HTTP/1.1\r\nHost: ${host}\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`)).toBe(
      431,
    );
    // Bad bytes after a request's head: the request before them is still answered, then the connection ends.
    expect(await request(bridge.port, `GET /app.js HTTP/1.1\r\nHost: ${host}\r\n\r\nGARBAGE\r\n\r\n`)).toBe(200);
    const badChunk = `POST /api/invoke HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${bridge.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`;
    expect(await request(bridge.port, badChunk)).toBe(400);
    await alive();
  });

  it('serves no ranges that would make the file server throw', async () => {
    const answer = await exchange(bridge.port, `GET /app.js HTTP/1.1\r\nHost: ${host}\r\nRange: bytes=5-2\r\n\r\n`);
    expect(statusOf(answer)).toBe(200);
    await alive();
  });

  it('survives a few hundred generated malformed requests', async () => {
    await fuzz({
      seed: 20261203,
      runs: 300,
      target,
      routes: ['/', '/index.html', '/app.js', '/mapper', '/missing.js', '/api/invoke', '/api/events', '/api/nope'],
      calls: ['{"method":"app.info","input":{}}'],
      alive,
      reaches: [200, 400, 404, 413],
    });
  }, 120_000);
});

describe('mlc serve under malformed requests', () => {
  const home = tempDir('mlc-fuzz-serve-');
  const maxBody = 1024 * 1024;
  let infor: InforSandbox;
  let zoho: ZohoSandbox;
  let daemon: ServeDaemon;
  let port: number;
  const target = (): Target => ({ port, oversized: JSON.stringify({ channel_id: '1', pad: 'x'.repeat(maxBody) }) });
  const alive = async () => {
    const health = await exchange(port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(statusOf(health), '/health').toBe(200);
  };

  beforeAll(async () => {
    infor = await startInforSandbox({ counts: { customers: 2, salesOrders: 2 } });
    zoho = await startZohoSandbox({ seedAccounts: 0 });
    writeSandboxFiles(home.dir, infor, zoho);
    // Manual schedules: the daemon's HTTP side is under test, not its runs.
    const bundle = exampleBundle();
    for (const flow of bundle.flows) flow.schedule = { kind: 'manual' };
    const file = writeBundle(home.dir, 'fuzz.mlcbundle.json', reseal(bundle));
    daemon = await startServe({
      bundleFile: file,
      env: { MLC_HOME: home.dir, MLC_KEYRING: 'off' },
      keyring: false,
      logger: createLogger('error'),
      port: 0,
    });
    port = Number(new URL(daemon.url).port);
  }, 60_000);
  afterAll(async () => {
    await daemon?.stop();
    await zoho?.close();
    await infor?.close();
    home.remove();
  });

  it('answers the requests that used to end the process, and a body over 1 MiB with 413', async () => {
    expect(await request(port, 'GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).toBe(400);
    expect(await request(port, 'GET /%ff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).toBe(404);
    const body = target().oversized;
    expect(
      await request(
        port,
        `POST /zoho/notify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      ),
    ).toBe(413);
    expect(
      await request(
        port,
        `POST /zoho/notify HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      ),
    ).toBe(413);
    const answer = await fetch(`${daemon.url}/zoho/notify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toMatchObject({ code: 'E_INVALID_INPUT' });
    expect(await request(port, 'POST /zoho/notify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\n{{{')).toBe(
      400,
    );
    await alive();
  });

  it('survives a few hundred generated malformed requests', async () => {
    await fuzz({
      seed: 1203,
      runs: 300,
      target,
      routes: ['/health', '/metrics', '/metrics.json', '/zoho/notify', '/nope'],
      calls: ['{"channel_id":"1","token":"forged","module":"Accounts","ids":["1"],"operation":"update"}'],
      alive,
      reaches: [200, 400, 404, 413],
    });
  }, 120_000);

  it('leaves the sandbox simulators standing too', async () => {
    const sandboxPort = Number(new URL(zoho.connection().settings.apiDomain).port);
    expect(await request(sandboxPort, 'GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).toBe(400);
    await fuzz({
      seed: 77,
      runs: 150,
      target: () => ({ port: sandboxPort, oversized: 'x'.repeat(1024 * 1024 + 1) }),
      routes: ['/__sandbox', '/__sandbox/stats', '/crm/v8/Accounts', '/crm/v8/Accounts/upsert', '/oauth/v2/token'],
      calls: ['{"data":[{"Account_Name":"x"}]}'],
      alive: async () =>
        expect(await request(sandboxPort, 'GET /__sandbox HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')).toBe(200),
      reaches: [200, 400, 404],
    });
  }, 120_000);
});

describe('mlc studio', () => {
  const app = tempDir('mlc-fuzz-studio-');
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    app.remove();
  });

  it('keeps serving after a request that used to kill it and after an unhandled rejection', async () => {
    // The app root studio serves from: a built page and the package identity, nothing else.
    fs.mkdirSync(path.join(app.dir, 'dist', 'renderer'), { recursive: true });
    fs.writeFileSync(path.join(app.dir, 'dist', 'renderer', 'index.html'), '<!doctype html><title>t</title>');
    fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(app.dir, 'package.json'));
    // Stands in for any failure nothing awaited (a backend promise, a timer): on SIGUSR2, once the test says so.
    const rejecter = path.join(app.dir, 'reject-on-signal.mjs');
    fs.writeFileSync(rejecter, "process.on('SIGUSR2', () => { Promise.reject(new Error('probe rejection')); });\n");
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        rejecter,
        path.join(repoRoot, 'electron', 'backend', 'cli', 'entry.ts'),
        'studio',
        '--no-open',
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, MLC_APP_ROOT: app.dir, MLC_HOME: path.join(app.dir, 'home'), MLC_KEYRING: 'off' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once('close', (code) => resolve(code)));
    const url = new URL(
      await until('the studio URL', () => /http:\/\/127\.0\.0\.1:\d+\/\S*/.exec(stdout)?.[0], 60_000),
    );
    const port = Number(url.port);
    const page = `GET / HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`;

    expect(await request(port, `GET /%ff HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`)).toBe(400);
    expect(await request(port, 'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n')).toBe(403);
    expect(await request(port, `GET //[ HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`)).toBe(400);
    expect(await request(port, page)).toBe(200);

    child.kill('SIGUSR2');
    await until('the rejection to be reported', () => (stderr.includes('probe rejection') ? true : undefined));
    expect(stderr).toContain('still running');
    expect(child.exitCode).toBe(null);
    expect(await request(port, page)).toBe(200);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});
