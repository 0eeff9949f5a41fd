import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandboxServer, KeyedDataset, type SandboxServer } from '../../../sandbox/kit';

/** A minimal simulator built on the kit, as a new simulator would be. */
async function tinySimulator(): Promise<SandboxServer> {
  const server = createSandboxServer({ system: 'tiny', seed: 7, maxBodyBytes: 256 });
  server.route({
    method: 'GET',
    pattern: '/api/items/:id',
    name: 'get item',
    handler: (context) => context.json(200, { id: context.params.id, q: context.query.get('q') }),
  });
  server.route({
    method: 'POST',
    pattern: '/api/items',
    name: 'create item',
    handler: async (context) => context.json(201, { received: (await context.body()).json() }),
  });
  server.action('echo', (args) => ({ echoed: args }));
  await server.listen();
  return server;
}

describe('sandbox kit', () => {
  let server: SandboxServer;
  beforeEach(async () => {
    server = await tinySimulator();
  });
  afterEach(async () => {
    await server.close();
  });

  it('routes with params and query, answers 404 and 405, refuses big bodies', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${server.url}/api/items/42?q=x`)).json()).toEqual({ id: '42', q: 'x' });
    expect((await fetch(`${server.url}/api/nothing`)).status).toBe(404);
    const wrongMethod = await fetch(`${server.url}/api/items/42`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    const created = await fetch(`${server.url}/api/items`, { method: 'POST', body: JSON.stringify({ a: 1 }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ received: { a: 1 } });
    const tooBig = await fetch(`${server.url}/api/items`, {
      method: 'POST',
      body: JSON.stringify({ a: 'x'.repeat(400) }),
    });
    expect(tooBig.status).toBe(413);
  });

  it('injects 429 with Retry-After in seconds and as an HTTP date, then 503, for the given number of calls', async () => {
    server.control.clock.set('2025-03-01T12:00:00Z');
    server.control.setFaults([
      { path: '/api/items/1', status: 429, retryAfter: 3, times: 1 },
      { path: '/api/items/2', status: 429, retryAfter: 30, retryAfterForm: 'date', times: 1 },
      { path: '/api/items/3', status: 429, times: 1 },
      { pathRegex: '/api/items/[4]$', status: 503, times: 2 },
    ]);
    const first = await fetch(`${server.url}/api/items/1`);
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '3']);
    expect((await fetch(`${server.url}/api/items/1`)).status).toBe(200);
    const dated = await fetch(`${server.url}/api/items/2`);
    expect(dated.status).toBe(429);
    expect(dated.headers.get('retry-after')).toBe('Sat, 01 Mar 2025 12:00:30 GMT');
    const bare = await fetch(`${server.url}/api/items/3`);
    expect([bare.status, bare.headers.get('retry-after')]).toEqual([429, null]);
    const statuses = [];
    for (let call = 0; call < 3; call += 1) statuses.push((await fetch(`${server.url}/api/items/4`)).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('adding a fault leaves the spent ones spent (adding used to re-arm every earlier rule)', async () => {
    server.control.addFault({ path: '/api/items/1', status: 503, times: 1 });
    expect((await fetch(`${server.url}/api/items/1`)).status).toBe(503);
    server.control.addFault({ path: '/api/items/2', status: 502, times: 1 });
    expect((await fetch(`${server.url}/api/items/1`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/items/2`)).status).toBe(502);
    expect(server.control.faults().map((rule) => [rule.id, rule.hits])).toEqual([
      ['fault-1', 1],
      ['fault-2', 1],
    ]);
  });

  it('resets sockets, truncates bodies and hangs into a 504', async () => {
    server.control.setFaults([
      { path: '/api/items/reset', reset: true },
      { path: '/api/items/broken', malformed: true },
      { path: '/api/items/slow', hang: 50 },
    ]);
    await expect(fetch(`${server.url}/api/items/reset`)).rejects.toThrow();
    const broken = await fetch(`${server.url}/api/items/broken`);
    expect(broken.status).toBe(200);
    const text = await broken.text();
    expect(() => JSON.parse(text)).toThrow();
    expect((await fetch(`${server.url}/api/items/slow`)).status).toBe(504);
  });

  it('applies probability faults deterministically from the seed', async () => {
    const run = async () => {
      const fresh = await tinySimulator();
      fresh.control.setFaults([{ path: '/api/', status: 500, probability: 0.5 }]);
      const statuses: number[] = [];
      for (let call = 0; call < 12; call += 1) statuses.push((await fetch(`${fresh.url}/api/items/${call}`)).status);
      await fresh.close();
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('enforces a quota per clock window and counts calls per route and status', async () => {
    server.control.clock.set('2025-03-01T12:00:00Z');
    server.control.quota(2, 60_000, 'window');
    const statuses = [];
    for (let call = 0; call < 3; call += 1) statuses.push((await fetch(`${server.url}/api/items/${call}`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    server.control.clock.advance(60_000);
    expect((await fetch(`${server.url}/api/items/9`)).status).toBe(200);
    const stats = server.control.stats();
    expect(stats.routes['get item']).toEqual({ total: 4, byStatus: { '200': 3, '429': 1 } });
    expect(stats.quotaRejected).toBe(1);
    server.control.resetStats();
    expect(server.control.stats().total).toBe(0);
  });

  it('drives everything through the HTTP control API too', async () => {
    const put = (path: string, body: unknown) =>
      fetch(`${server.url}/__sandbox/${path}`, { method: 'PUT', body: JSON.stringify(body) });
    expect((await put('faults', [{ path: '/api/items/1', status: 502, times: 1 }])).status).toBe(200);
    expect((await fetch(`${server.url}/api/items/1`)).status).toBe(502);
    expect((await put('faults', [{ path: '/api', nonsense: true }])).status).toBe(400);
    await fetch(`${server.url}/__sandbox/faults`, { method: 'DELETE' });
    await put('redirects', { pathPrefix: '/api/items/', location: 'http://elsewhere.example/items/' });
    const redirected = await fetch(`${server.url}/api/items/5?q=1`, { redirect: 'manual' });
    expect([redirected.status, redirected.headers.get('location')]).toEqual([
      302,
      'http://elsewhere.example/items/5?q=1',
    ]);
    const clock = await (await put('clock', { now: '2030-01-01T00:00:00Z', advanceMs: 1000 })).json();
    expect(clock).toEqual({ now: '2030-01-01T00:00:01.000Z', pinned: true });
    const action = await fetch(`${server.url}/__sandbox/actions/echo`, {
      method: 'POST',
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(await action.json()).toEqual({ result: { echoed: { hello: 'world' } } });
    const stats = (await (await fetch(`${server.url}/__sandbox/stats`)).json()) as { routes: Record<string, unknown> };
    expect(Object.keys(stats.routes).sort()).toEqual(['get item']);
  });

  it('closes while a call hangs', async () => {
    server.control.setFaults([{ path: '/api/', hang: true }]);
    const pending = fetch(`${server.url}/api/items/1`).then(
      () => 'answered',
      () => 'dropped',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.close();
    expect(await pending).toBe('dropped');
    await expect(connect(server.port)).rejects.toThrow();
  });
});

function connect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}

describe('KeyedDataset', () => {
  const make = (count: number) =>
    new KeyedDataset({
      count,
      key: (index) => `K${String(index).padStart(6, '0')}`,
      baseStamp: (index) => 1_000 + Math.floor(index / 3) * 10,
    });

  it('answers key and stamp windows exactly like a full scan, with an overlay', () => {
    const dataset = make(500);
    dataset.modify([3, 250, 499, 10], 1_500);
    dataset.modify([7], 900);
    const all = Array.from({ length: 500 }, (_, index) => index);
    const brute = (predicate: (index: number) => boolean) => all.filter(predicate);
    expect([...dataset.scan({ stampFrom: 1_500 })]).toEqual(brute((index) => dataset.stamp(index) >= 1_500));
    expect([...dataset.scan({ stampFrom: 1_200, stampTo: 1_300, stampToInclusive: false })]).toEqual(
      brute((index) => dataset.stamp(index) >= 1_200 && dataset.stamp(index) < 1_300),
    );
    expect([...dataset.scan({ fromKey: 'K000245', fromInclusive: false, toKey: 'K000251' })]).toEqual([
      246, 247, 248, 249, 250, 251,
    ]);
    const byStamp = [...dataset.scan({ order: 'stamp', stampFrom: 1_400 })];
    const expected = brute((index) => dataset.stamp(index) >= 1_400).sort(
      (left, right) => dataset.stamp(left) - dataset.stamp(right) || left - right,
    );
    expect(byStamp).toEqual(expected);
    expect([...dataset.scan({ descending: true, fromKey: 'K000495' })]).toEqual([499, 498, 497, 496, 495]);
    expect(dataset.overlaySize).toBe(5);
    expect(dataset.version(3)).toBe(1);
  });

  it('finds the end of a million keys without materialising them', () => {
    const dataset = make(1_000_000);
    expect(dataset.indexOf('K999999')).toBe(999_999);
    expect([...dataset.scan({ fromKey: 'K999997' })]).toEqual([999_997, 999_998, 999_999]);
    expect(dataset.overlaySize).toBe(0);
  });
});
