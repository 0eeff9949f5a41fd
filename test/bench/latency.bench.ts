/**
 * The engine at a target with latency, next to a plain-script ceiling measured in the same run
 * (`npm run bench latency`). The simulators run in their own process (`mlc sandbox`), so their
 * CPU counts against neither side; a fault rule holds every Zoho upsert call 0, 50 or 250 ms
 * (`latencyMs` on the upsert route, sandbox/kit/faults.ts). Per latency:
 *
 * - ceiling: the mapping through plain jsonata and the upserts (100 records a call, the
 *   edition's 10 calls in flight) through plain undici. It is handed the source records already
 *   read, and keeps no audit, id map or checkpoint.
 * - engine: a first sync of the same `records` M3 customers (default 10,000;
 *   `MLC_BENCH_LATENCY_RECORDS`) by a fresh backend: read, transform in the worker pool, write,
 *   audit; pages of 1,000 (M3's default page), batches of 100, never the bulk path (the ceiling
 *   has none). Both upsert the same keys into the same org, so both pay the same upserts.
 *
 * `ratio` = engine records/s ÷ ceiling records/s; the goal is ≥ 0.8 at 250 ms.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsonata from 'jsonata';
import { request } from 'undici';
import { createClient } from '../../shared/api/client';
import type { Connection } from '../../shared/domain/connection';
import { createBackend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { syncService } from '../../electron/backend/sync/sync.service';
import { createLogger } from '../../electron/backend/util/log';
import { warmMappingPool } from '../../electron/backend/mapping/mapping-pool';
import { customerToZohoAccount } from '../sync/support/sync-harness';
import { startSandboxes } from './engine.bench';

const latencies = (process.env.MLC_BENCH_LATENCIES ?? '0,50,250').split(',').map(Number);
const batch = 100;
const concurrency = 10;

export async function runLatencyBench(records = Number(process.env.MLC_BENCH_LATENCY_RECORDS ?? 10_000)) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlc-bench-latency-'));
  const sandboxes = await startSandboxes(home, records);
  const zohoUrl = sandboxes.urls.zoho!;
  const zohoFile = JSON.parse(
    fs.readFileSync(path.join(sandboxes.directory, 'zoho-sandbox.connection.json'), 'utf8'),
  ) as { name: string; settings: Connection['settings']; secrets: Record<string, string> };
  const results: Record<string, unknown> = {};
  try {
    for (const latencyMs of latencies) {
      await setFaults(zohoUrl, [
        { id: 'latency', method: 'POST', pathRegex: '^/crm/v8/[A-Za-z_]+/upsert$', latencyMs },
      ]);
      const dataDir = fs.mkdtempSync(path.join(home, 'backend-'));
      const backend = createBackend({ runtime: 'cli', dataDir, logger: createLogger('error') });
      const api = createClient(inProcessTransport(backend));
      try {
        const source = await api.call('connections.importIonapi', {
          fileName: 'infor-backend-service.ionapi',
          content: fs.readFileSync(path.join(sandboxes.directory, 'infor-backend-service.ionapi'), 'utf8'),
          productLine: 'm3',
        });
        const target = await api.call('connections.create', { system: 'zoho', ...zohoFile, sandbox: true });
        // The ceiling's input: the source records, read before its clock starts.
        const reader = await syncService(backend.context).deps.connectors.open(source.id);
        const input: unknown[] = [];
        for await (const page of reader.read('customers', {}))
          for (const record of page.records) input.push(record.data);
        const ceiling = await plainScript(input, zohoFile);

        const mapping = await api.call('mappings.save', {
          name: `Latency ${latencyMs}`,
          sourceEntity: 'customers',
          targetEntity: 'Accounts',
          expression: customerToZohoAccount,
        });
        const flow = await api.call('flows.save', {
          name: `Latency ${latencyMs}`,
          source: { connectionId: source.id, entity: 'customers', lookbackSeconds: 0 },
          mappingId: mapping.id,
          target: { connectionId: target.id, entity: 'Accounts', matchKey: ['Infor_Customer_No'] },
          schedule: { kind: 'manual' },
          dependsOn: [],
          options: { dryRun: false, pageSize: 1000, bulkThreshold: 0 },
          paused: false,
        });
        await api.call('schemas.get', { connectionId: target.id, entity: 'Accounts' }).catch(() => undefined);
        // The mapping workers are started, as `mlc serve`, `mlc worker` and the desktop app start them
        // with the process (a cold `mlc run` starts them at its run's start, beside its first read).
        await warmMappingPool();
        const started = performance.now();
        const run = await api.call('flows.run', { id: flow.id });
        const engineMs = performance.now() - started;
        const written = run.counters.created + run.counters.updated;
        if (written !== records)
          throw new Error(
            `engine run at ${latencyMs} ms: ${JSON.stringify(run.counters)} (${run.error?.message ?? ''})`,
          );
        const engine = records / (engineMs / 1000);
        results[`${latencyMs}ms`] = {
          records,
          engine: { recordsPerSecond: Math.round(engine), seconds: round(engineMs / 1000), notes: run.notes },
          ceiling: { recordsPerSecond: Math.round(ceiling.recordsPerSecond), seconds: round(ceiling.ms / 1000) },
          ratio: round(engine / ceiling.recordsPerSecond),
        };
      } finally {
        await backend.close();
      }
    }
  } finally {
    await sandboxes.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  return {
    note: `Engine (read, transform, write, audit) vs plain jsonata + undici upserts, both ${concurrency} calls in flight of ${batch} records; ratio = engine / ceiling records/s; goal ≥ 0.8 at 250 ms.`,
    ...results,
  };
}

async function setFaults(url: string, rules: unknown[]) {
  const response = await request(`${url}/__sandbox/faults`, { method: 'PUT', body: JSON.stringify(rules) });
  await response.body.text();
  if (response.statusCode >= 300)
    throw new Error(`The Zoho simulator refused the fault rules (${response.statusCode}).`);
}

/** jsonata over the mapping, then the upserts with `concurrency` calls in flight. */
async function plainScript(
  input: unknown[],
  connection: { settings: Connection['settings']; secrets: Record<string, string> },
) {
  const token = await accessToken(connection);
  const started = performance.now();
  const expression = jsonata(customerToZohoAccount);
  const payloads: unknown[] = [];
  for (const record of input) payloads.push(await expression.evaluate(record));
  const batches: unknown[][] = [];
  for (let start = 0; start < payloads.length; start += batch) batches.push(payloads.slice(start, start + batch));
  let next = 0;
  const url = `${String(connection.settings.apiDomain)}/crm/v8/Accounts/upsert`;
  const worker = async () => {
    while (next < batches.length) {
      const data = batches[next++]!;
      const response = await request(url, {
        method: 'POST',
        headers: { authorization: `Zoho-oauthtoken ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ data, duplicate_check_fields: ['Infor_Customer_No'] }),
      });
      const text = await response.body.text();
      if (response.statusCode >= 300)
        throw new Error(`ceiling upsert answered ${response.statusCode}: ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - started;
  return { ms, recordsPerSecond: input.length / (ms / 1000) };
}

async function accessToken(connection: {
  settings: Connection['settings'];
  secrets: Record<string, string>;
}): Promise<string> {
  const { settings, secrets } = connection;
  const response = await request(`${String(settings.accountsUrl)}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: String(settings.clientId),
      client_secret: secrets.client_secret ?? '',
      refresh_token: secrets.refresh_token ?? '',
    }).toString(),
  });
  const body = (await response.body.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no access token from the Zoho sandbox: ${JSON.stringify(body)}`);
  return body.access_token;
}

const round = (value: number) => Math.round(value * 100) / 100;
