/**
 * Bulk-path benchmark, printed as JSON: for each target (Zoho CRM, Salesforce, Zendesk, Dataverse,
 * Cin7 Core), one first sync of Infor M3 records through the engine, once on the normal write path
 * (the flow's bulk threshold 0) and once on the vendor's bulk path where the target entity's
 * descriptor has one (`write.bulk`: Salesforce Bulk API 2.0 here; Dataverse UpsertMultiple and Zoho
 * Bulk Write appear as soon as their connectors declare it). Per run: records/s and target calls
 * (used, and the minimum the engine computes), measured, and for 100,000 records.
 *
 * The engine moves a few hundred to a thousand records/s on a two-core machine, and Cin7 Core takes
 * a call per record, so 100,000 records on every path would take about half an hour. By default each
 * run therefore measures a sample (`MLC_BENCH_BULK_SAMPLE` customers, 10,000: above every bulk
 * threshold; Cin7 at most 2,000 suppliers), about four minutes in all, and gives the figures for
 * 100,000: records/s as measured, calls scaled by batches (normal path) or by jobs (bulk path:
 * one per source page of up to 10,000, or the descriptor's `maxRecords` if smaller), marked
 * `projected`. `MLC_BENCH_BULK_SAMPLE=100000` (or the first argument) measures 100,000 customers
 * outright.
 *
 * The simulators run in their own process with no added latency and with rate limits and quotas
 * lifted (Cin7's 60 calls a minute, Zendesk's per-minute limit, Dataverse service protection, Zoho
 * credits, Salesforce's daily allocation), and the client's limiter is lifted too: the figures are
 * the engine's and the write paths' own cost, not a plan's limits. The output says so.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient, type ApiClient } from '../../shared/api/client';
import type { Connection } from '../../shared/domain/connection';
import type { Run } from '../../shared/domain/run';
import { createBackend } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { cin7Descriptor } from '../../electron/backend/connectors/cin7/cin7.descriptor';
import { dynamicsDescriptor } from '../../electron/backend/connectors/dynamics/dynamics.descriptor';
import { inforDescriptors } from '../../electron/backend/connectors/infor/infor.descriptor';
import { salesforceDescriptor } from '../../electron/backend/connectors/salesforce/salesforce.descriptor';
import { zendeskDescriptors } from '../../electron/backend/connectors/zendesk/zendesk.descriptor';
import { zohoDescriptor } from '../../electron/backend/connectors/zoho/zoho.descriptor';
import { createLogger } from '../../electron/backend/util/log';
import type { ConnectorDescriptor } from '../../shared/connectors/descriptor';
import { targetCases, type TargetCase } from './engine.bench';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface SandboxConnection {
  name: string;
  settings: Connection['settings'];
  secrets: Record<string, string>;
}

interface Sandboxes {
  infor: Record<string, unknown>;
  targets: Record<TargetCase['system'], SandboxConnection>;
  stop(): Promise<void>;
}

/**
 * Customers for every target but Cin7 Core, which reads suppliers and writes one call per record:
 * it gets at most 2,000 (its calls scale linearly), so the bench stays within minutes.
 */
function startSandboxes(records: number, suppliers: number): Promise<Sandboxes> {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=8192',
      '--import',
      'tsx',
      path.join(root, 'test/bench/bulk-sandboxes.ts'),
      String(records),
      String(suppliers),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`the bench simulators exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('\n')) return;
      child.removeAllListeners('exit');
      const report = JSON.parse(out.slice(0, out.indexOf('\n'))) as Omit<Sandboxes, 'stop'>;
      resolve({
        ...report,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

const descriptors: Record<TargetCase['system'], ConnectorDescriptor> = {
  zoho: zohoDescriptor,
  salesforce: salesforceDescriptor,
  zendesk: zendeskDescriptors.api_token,
  dynamics: dynamicsDescriptor,
  cin7: cin7Descriptor,
};

/** The target entity's bulk path, when its descriptor declares one. */
export function bulkOf(target: TargetCase) {
  const write = descriptors[target.system].entities[target.entity]?.write;
  return write && write.mode !== 'read-only' ? write.bulk : undefined;
}

/** The load the figures are given for. */
const fullLoad = 100_000;

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function runOnce(
  api: ApiClient,
  sandboxes: Sandboxes,
  target: TargetCase,
  mode: 'with' | 'without',
): Promise<Record<string, unknown>> {
  const source = await api.call('connections.importIonapi', {
    fileName: 'infor-backend-service.ionapi',
    content: JSON.stringify(sandboxes.infor),
    productLine: 'm3',
  });
  const file = sandboxes.targets[target.system];
  const connection = await api.call('connections.create', {
    system: target.system,
    name: `${file.name} (${mode} bulk)`,
    settings: file.settings,
    secrets: file.secrets,
    sandbox: true,
  });
  const mapping = await api.call('mappings.save', {
    name: `Bulk bench → ${target.system} (${mode})`,
    sourceEntity: target.source,
    targetEntity: target.entity,
    expression: target.expression,
  });
  const bulk = bulkOf(target);
  const flow = await api.call('flows.save', {
    name: `Bulk bench → ${target.system} (${mode})`,
    source: { connectionId: source.id, entity: target.source, lookbackSeconds: 0 },
    mappingId: mapping.id,
    target: { connectionId: connection.id, entity: target.entity, matchKey: [target.matchKey] },
    schedule: { kind: 'manual' },
    dependsOn: [],
    // Without: never the bulk path. With: the target's own threshold.
    options: { dryRun: false, ...(mode === 'without' ? { bulkThreshold: 0 } : {}) },
    paused: false,
  });
  await api.call('schemas.get', { connectionId: connection.id, entity: target.entity }).catch(() => undefined);
  const started = performance.now();
  const run: Run = await api.call('flows.run', { id: flow.id });
  const seconds = (performance.now() - started) / 1000;
  const read = run.counters.read;
  // Calls grow with batches on the normal path and with jobs on the bulk path.
  // The engine writes page by page: a bulk job holds at most one source page (M3: 10,000 records).
  const perJob = Math.min(
    bulk?.maxRecords ?? Infinity,
    inforDescriptors.m3.entities[target.source]?.read?.pagination.maxPageSize ?? Infinity,
  );
  const scale =
    mode === 'with' && bulk
      ? Math.ceil(fullLoad / perJob) / Math.max(1, Math.ceil(read / perJob))
      : fullLoad / Math.max(1, read);
  return {
    status: run.status,
    measured: {
      records: read,
      seconds: round(seconds),
      recordsPerSecond: Math.round(read / seconds),
      targetCalls: run.calls.target,
      targetMinimum: run.calls.targetMinimum,
    },
    for100k: {
      recordsPerSecond: Math.round(read / seconds),
      targetCalls: Math.round(run.calls.target * scale),
      targetMinimum: Math.round(run.calls.targetMinimum * scale),
      ...(read === fullLoad ? {} : { projected: true }),
    },
    counters: run.counters,
    ...(mode === 'with' && bulk ? { path: bulk.label } : {}),
    notes: run.notes,
  };
}

export async function runBulkBench(
  records = Number(process.env.MLC_BENCH_BULK_SAMPLE ?? 10_000),
): Promise<Record<string, unknown>> {
  const sandboxes = await startSandboxes(records, Math.min(records, 2_000));
  const results: Record<string, unknown> = {};
  try {
    for (const target of targetCases) {
      const entry: Record<string, unknown> = { entity: target.entity, source: target.source };
      // The bulk path first, so its jobs create the records; the normal path then updates them all.
      for (const mode of bulkOf(target) ? (['with', 'without'] as const) : (['without'] as const)) {
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlc-bench-bulk-'));
        const backend = createBackend({
          runtime: 'cli',
          dataDir,
          logger: createLogger('error'),
          // The client's limiter lifted as well: a million calls a second.
          connectorDefaults: { rateLimit: { requests: 1_000_000, windowMs: 1_000 } },
        });
        try {
          entry[mode] = await runOnce(createClient(inProcessTransport(backend)), sandboxes, target, mode);
        } catch (error) {
          entry[mode] = { error: error instanceof Error ? error.message : String(error) };
        } finally {
          await backend.close();
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
      }
      results[target.system] = entry;
    }
  } finally {
    await sandboxes.stop();
  }
  return {
    records: fullLoad,
    measuredOn: { customers: records, suppliers: Math.min(records, 2_000) },
    conditions:
      'simulators on 127.0.0.1 in their own process, no added latency; rate limits, quotas and the client limiter switched off for the bench',
    order: 'with bulk (creates) first, then without (updates the same records)',
    targets: results,
  };
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const argument = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  process.stdout.write(JSON.stringify(await runBulkBench(argument), null, 2) + '\n');
}
