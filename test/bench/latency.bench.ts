/**
 * The engine at a target with latency, next to a plain-script ceiling measured in the same run
 * (`npm run bench latency`). The Zoho simulator holds every upsert call 0, 50 or 250 ms (a fault
 * rule's `latencyMs` on the upsert route, sandbox/kit/faults.ts). Per latency:
 *
 * - engine: a first sync of `records` M3 customers (default 10,000; `MLC_BENCH_LATENCY_RECORDS`)
 *   into a fresh Zoho org through the engine: read, transform in the worker pool, write, audit.
 * - ceiling: the same mapping through plain jsonata and the same upserts (100 records a call,
 *   as many calls in flight as the engine may have: the edition's 10) through plain undici into
 *   another fresh org. The ceiling is given the source records already read (its time holds no
 *   source reads), and keeps no audit, id map or checkpoint.
 *
 * `ratio` = engine records/s ÷ ceiling records/s; the goal is ≥ 0.8 at 250 ms.
 */
import jsonata from 'jsonata';
import { request } from 'undici';
import { syncService } from '../../electron/backend/sync/sync.service';
import type { Logger } from '../../electron/backend/util/log';
import { startZohoSandbox, type ZohoSandbox } from '../../sandbox/zoho/index';
import { customerToZohoAccount, syncWorld } from '../sync/support/sync-harness';

const latencies = [0, 50, 250];
const batch = 100;
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Every upsert call held `latencyMs` before the simulator answers it. */
const upsertLatency = (latencyMs: number) => [
  { id: 'latency', method: 'POST', pathRegex: '^/crm/v8/[A-Za-z_]+/upsert$', latencyMs },
];

export async function runLatencyBench(records = Number(process.env.MLC_BENCH_LATENCY_RECORDS ?? 10_000)) {
  const results: Record<string, unknown> = {};
  for (const latencyMs of latencies) {
    const world = await syncWorld({ infor: { counts: { customers: records } }, backend: { logger: silent } });
    try {
      world.zoho.control.setFaults(upsertLatency(latencyMs));
      const flow = await world.flow({ name: `Latency ${latencyMs}`, expression: customerToZohoAccount });
      const started = performance.now();
      const run = await world.api.call('flows.run', { id: flow.id });
      const engineMs = performance.now() - started;
      if (run.counters.created !== records)
        throw new Error(`engine run at ${latencyMs} ms: ${JSON.stringify(run.counters)} (${run.error?.message ?? ''})`);
      const inFlight = world.zoho.inspect.maxInFlight();
      // The ceiling's input: the same source records, read before its clock starts.
      const source = await syncService(world.backend.context).deps.connectors.open(world.source.id);
      const input: unknown[] = [];
      for await (const page of source.read('customers', {})) for (const record of page.records) input.push(record.data);
      const ceiling = await plainScript(input, latencyMs, world.zoho.control.apiOptions.concurrency ?? 10);
      const engine = records / (engineMs / 1000);
      results[`${latencyMs}ms`] = {
        records,
        engine: { recordsPerSecond: Math.round(engine), seconds: round(engineMs / 1000), maxInFlight: inFlight },
        ceiling: {
          recordsPerSecond: Math.round(ceiling.recordsPerSecond),
          seconds: round(ceiling.ms / 1000),
          maxInFlight: ceiling.maxInFlight,
        },
        ratio: round(engine / ceiling.recordsPerSecond),
      };
    } finally {
      await world.close();
    }
  }
  return {
    note: 'Engine (read, transform, write, audit) vs plain jsonata + undici upserts with the same concurrency; ratio = engine / ceiling records/s; goal ≥ 0.8 at 250 ms.',
    ...results,
  };
}

/** jsonata over the mapping, then the upserts, `concurrency` calls in flight, into a fresh org. */
async function plainScript(input: unknown[], latencyMs: number, concurrency: number) {
  const zoho = await startZohoSandbox({ seedAccounts: 0 });
  try {
    zoho.control.setFaults(upsertLatency(latencyMs));
    const connection = zoho.connection();
    const token = await accessToken(zoho);
    const started = performance.now();
    const expression = jsonata(customerToZohoAccount);
    const payloads: unknown[] = [];
    for (const record of input) payloads.push(await expression.evaluate(record));
    const batches: unknown[][] = [];
    for (let start = 0; start < payloads.length; start += batch) batches.push(payloads.slice(start, start + batch));
    let next = 0;
    const url = `${connection.settings.apiDomain}/crm/v8/Accounts/upsert`;
    const worker = async () => {
      while (next < batches.length) {
        const data = batches[next++]!;
        const response = await request(url, {
          method: 'POST',
          headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ data, duplicate_check_fields: ['Infor_Customer_No'] }),
        });
        const text = await response.body.text();
        if (response.statusCode >= 300 && response.statusCode !== 207)
          throw new Error(`ceiling upsert answered ${response.statusCode}: ${text.slice(0, 200)}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const ms = performance.now() - started;
    if (zoho.inspect.count('Accounts') !== input.length)
      throw new Error(`ceiling wrote ${zoho.inspect.count('Accounts')} of ${input.length} records`);
    return { ms, recordsPerSecond: input.length / (ms / 1000), maxInFlight: zoho.inspect.maxInFlight() };
  } finally {
    await zoho.close();
  }
}

async function accessToken(zoho: ZohoSandbox): Promise<string> {
  const { settings, secrets } = zoho.connection();
  const response = await request(`${settings.accountsUrl}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: settings.clientId,
      client_secret: secrets.client_secret,
      refresh_token: secrets.refresh_token,
    }).toString(),
  });
  const body = (await response.body.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no access token from the Zoho sandbox: ${JSON.stringify(body)}`);
  return body.access_token;
}

const round = (value: number) => Math.round(value * 100) / 100;
