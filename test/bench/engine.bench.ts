/**
 * Engine benchmark, printed as JSON (not a timed test), in two parts:
 *
 * 1. Every landed target (Zoho CRM, Salesforce, Dynamics 365, Zendesk, Cin7 Core): one
 *    first sync of a moderate number of Infor M3 records (`MLC_BENCH_TARGET_RECORDS`,
 *    default 2,000 customers; Cin7 takes the sandbox's suppliers) — records/s, calls used
 *    against the theoretical minimum, duration. The simulators add no latency, so the figures
 *    are the engine's and the connectors' own cost. Cin7 (60 calls a minute) and Zendesk
 *    organizations (200–2,500 a minute by plan) write one record per call, so their limit
 *    would set the pace: their window is scaled down from a minute to a second (simulator and
 *    client alike) and the output says so, with what the run would take at the real limit.
 * 2. The big run: `records` Infor customers into the Zoho sandbox through the shipped
 *    example bundle (default 1,000,000; `MLC_BENCH_RECORDS` or the first argument overrides
 *    it), with the engine process's peak memory (RSS and heap high-water mark, sampled every
 *    50 ms) and an incremental re-run. On a two-core machine the engine moves about 750
 *    records/s into the Zoho sandbox, so the million-record run takes roughly 20–25 minutes,
 *    much of it in the simulators; use `npx tsx test/bench/engine.bench.ts 20000` for a quick figure.
 *
 * The simulators run in their own process (`mlc sandbox`), so their in-memory data and CPU
 * do not count against the engine.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createClient, type ApiClient } from '../../shared/api/client';
import type { Connection } from '../../shared/domain/connection';
import type { Run } from '../../shared/domain/run';
import { createBackend, type Backend, type BackendOptions } from '../../electron/backend/backend';
import { inProcessTransport } from '../../electron/backend/bridge/in-process';
import { openHeadless } from '../../electron/backend/runtime/headless-runtime';
import { createLogger } from '../../electron/backend/util/log';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Sandboxes {
  urls: Record<string, string>;
  directory: string;
  stop(): Promise<void>;
}

export function startSandboxes(home: string, customers: number): Promise<Sandboxes> {
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=8192',
      '--import',
      'tsx',
      path.join(root, 'electron/backend/cli/entry.ts'),
      'sandbox',
      '--customers',
      String(customers),
      '--json',
    ],
    {
      cwd: root,
      env: { ...process.env, MLC_HOME: home },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`mlc sandbox exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('\n')) return;
      child.removeAllListeners('exit');
      const report = JSON.parse(out.slice(0, out.indexOf('\n'))) as {
        sandboxes: Array<{ system: string; url: string }>;
      };
      resolve({
        urls: Object.fromEntries(report.sandboxes.map((sandbox) => [sandbox.system, sandbox.url])),
        directory: path.join(home, 'sandbox'),
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

export interface TargetCase {
  system: 'zoho' | 'salesforce' | 'dynamics' | 'zendesk' | 'cin7';
  source: 'customers' | 'suppliers';
  entity: string;
  matchKey: string;
  expression: string;
}

/** The same M3 mappings the engine's every-target test runs. */
export const targetCases: TargetCase[] = [
  {
    system: 'zoho',
    source: 'customers',
    entity: 'Accounts',
    matchKey: 'Infor_Customer_No',
    expression:
      '{ "Infor_Customer_No": CUNO, "Account_Name": CUNM, "Account_Number": CUNO, "Billing_Street": CUA1, "Billing_City": TOWN, "Billing_Code": PONO, "Billing_Country": CSCD, "Phone": PHNO }',
  },
  {
    system: 'salesforce',
    source: 'customers',
    entity: 'Account',
    matchKey: 'Infor_Customer_Number__c',
    expression:
      '{ "Infor_Customer_Number__c": CUNO, "Name": CUNM, "AccountNumber": CUNO, "BillingCity": TOWN, "BillingCountry": CSCD, "Phone": PHNO }',
  },
  {
    system: 'dynamics',
    source: 'customers',
    entity: 'account',
    matchKey: 'mlc_inforcustomerno',
    expression:
      '{ "mlc_inforcustomerno": CUNO, "name": CUNM, "accountnumber": CUNO, "address1_city": TOWN, "telephone1": PHNO }',
  },
  {
    system: 'zendesk',
    source: 'customers',
    entity: 'organizations',
    matchKey: 'external_id',
    expression:
      '{ "external_id": CUNO, "name": CUNM & " (" & CUNO & ")", "details": CUA1 & ", " & TOWN & ", " & CSCD, "notes": "Phone " & PHNO }',
  },
  {
    system: 'cin7',
    source: 'suppliers',
    entity: 'Supplier',
    matchKey: 'Name',
    expression: '{ "Name": SUNM & " (" & SUNO & ")", "TaxRule": "Tax Exempt", "TaxNumber": VRNO, "Status": "Active" }',
  },
];

/**
 * Targets whose per-minute call limit, not the engine, would set the pace (one record per
 * call): their window shrinks from a minute to a second, in the simulator and in the client
 * alike, so the run shows the engine's cost; the output says what the real limit would take.
 */
interface ScaledWindow {
  callsPerMinute: number;
  limitWords: string;
  /** Tells the running simulator (over its control API) to let the scaled rate through. */
  prepare(url: string): Promise<void>;
  /** Settings for the connection (the client's limit per window). */
  settings?: Connection['settings'];
}

const scaledWindowMs = 1_000;

async function sandboxAction(url: string, name: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}/__sandbox/actions/${name}`, { method: 'POST', body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`The simulator at ${url} refused ${name} (${response.status}).`);
}

const scaledWindows: Partial<Record<TargetCase['system'], ScaledWindow>> = {
  cin7: {
    callsPerMinute: 60,
    limitWords: 'Cin7 Core allows 60 calls per minute',
    prepare: (url) => sandboxAction(url, 'setRateLimit', { requests: 60, windowMs: scaledWindowMs }),
  },
  zendesk: {
    callsPerMinute: 700,
    limitWords: 'Zendesk allows 200–2,500 calls per minute by plan (the simulator plays 700)',
    // The simulator counts fixed minutes that cannot shrink: lift its limit, the client keeps the pace.
    prepare: (url) => sandboxAction(url, 'configure', { rateLimitPerMinute: null }),
    settings: { rateLimitPerMinute: 700 },
  },
};

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function figures(run: Run, seconds: number) {
  const used = run.calls.source + run.calls.target;
  const minimum = run.calls.sourceMinimum + run.calls.targetMinimum;
  return {
    status: run.status,
    seconds: round(seconds),
    recordsPerSecond: Math.round(run.counters.read / seconds),
    counters: run.counters,
    calls: { used, minimum, overMinimum: minimum > 0 ? round(used / minimum, 2) : null, ...run.calls },
  };
}

/** A backend in a folder of its own, talking to the sandboxes like the designer does. */
function benchBackend(options: Pick<BackendOptions, 'connectorDefaults'> = {}): {
  backend: Backend;
  api: ApiClient;
  remove(): void;
} {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlc-bench-targets-'));
  const backend = createBackend({ runtime: 'cli', dataDir, logger: createLogger('error'), ...options });
  return {
    backend,
    api: createClient(inProcessTransport(backend)),
    remove: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function runTarget(
  api: ApiClient,
  sandboxes: Sandboxes,
  target: TargetCase,
  scaled: ScaledWindow | undefined,
): Promise<{ run: Run; seconds: number }> {
  const source = await api.call('connections.importIonapi', {
    fileName: 'infor-backend-service.ionapi',
    content: fs.readFileSync(path.join(sandboxes.directory, 'infor-backend-service.ionapi'), 'utf8'),
    productLine: 'm3',
  });
  const file = JSON.parse(
    fs.readFileSync(path.join(sandboxes.directory, `${target.system}-sandbox.connection.json`), 'utf8'),
  ) as { name: string; settings: Connection['settings']; secrets: Record<string, string> };
  const connection = await api.call('connections.create', {
    system: target.system,
    name: file.name,
    settings: { ...file.settings, ...scaled?.settings },
    secrets: file.secrets,
    sandbox: true,
  });
  const mapping = await api.call('mappings.save', {
    name: `Bench → ${target.system}`,
    sourceEntity: target.source,
    targetEntity: target.entity,
    expression: target.expression,
  });
  const flow = await api.call('flows.save', {
    name: `Bench → ${target.system}`,
    source: { connectionId: source.id, entity: target.source, lookbackSeconds: 0 },
    mappingId: mapping.id,
    target: { connectionId: connection.id, entity: target.entity, matchKey: [target.matchKey] },
    schedule: { kind: 'manual' },
    dependsOn: [],
    options: { dryRun: false },
    paused: false,
  });
  // Schemas are fetched once per connection and cached: warm them so the timing is the sync alone. Not for
  // scaled targets: `schemas.get` opens the connection's shared HTTP client without the backend's
  // connectorDefaults, and the run would then reuse that client at the real rate limit.
  if (!scaled)
    await api.call('schemas.get', { connectionId: connection.id, entity: target.entity }).catch(() => undefined);
  const started = performance.now();
  const run = await api.call('flows.run', { id: flow.id });
  return { run, seconds: (performance.now() - started) / 1000 };
}

/** Part 1: each landed target at a moderate record count. */
async function benchTargets(perTarget: number): Promise<Record<string, unknown>> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlc-bench-targets-home-'));
  const sandboxes = await startSandboxes(home, perTarget);
  const results: Record<string, unknown> = {};
  try {
    for (const target of targetCases) {
      const scaled = scaledWindows[target.system];
      await scaled?.prepare(sandboxes.urls[target.system]!);
      // The client's limiter follows the scaled window; every other target keeps its real one (a backend per target).
      const { backend, api, remove } = benchBackend(
        scaled ? { connectorDefaults: { rateLimit: { windowMs: scaledWindowMs } } } : {},
      );
      try {
        const { run, seconds } = await runTarget(api, sandboxes, target, scaled);
        const base = { entity: target.entity, source: target.source, ...figures(run, seconds) };
        results[target.system] = scaled
          ? {
              ...base,
              rateWindow: `scaled down: ${scaled.limitWords}; simulator and client ran ${scaled.callsPerMinute} calls per ${scaledWindowMs / 1000} s instead. At the real limit these ${run.calls.source + run.calls.target} calls would take about ${round((run.calls.source + run.calls.target) / scaled.callsPerMinute)} min.`,
            }
          : base;
      } catch (error) {
        results[target.system] = { error: error instanceof Error ? error.message : String(error) };
      } finally {
        await backend.close();
        remove();
      }
    }
  } finally {
    await sandboxes.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  return results;
}

/** Part 2: the big run into Zoho through the example bundle, with the engine's peak memory. */
async function benchBigRun(records: number): Promise<{ run: Record<string, unknown>; memory: Record<string, number> }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlc-bench-engine-'));
  const sandboxes = await startSandboxes(home, records);
  // High-water marks of this run alone (the target runs before it left their own garbage behind).
  global.gc?.();
  let peakRss = 0;
  let peakHeap = 0;
  let peakLiveHeap = 0;
  let lastCollect = Date.now();
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
    // heapUsed includes garbage V8 has not collected yet; with --expose-gc, a full
    // collection every two seconds shows what the run really keeps alive.
    if (global.gc && Date.now() - lastCollect > 2_000) {
      global.gc();
      lastCollect = Date.now();
      peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed);
    }
  };
  const sampler = setInterval(sample, 50);
  try {
    const headless = await openHeadless({
      bundleFile: path.join(root, 'examples', 'infor-to-zoho.mlcbundle.json'),
      env: { ...process.env, MLC_HOME: home, MLC_KEYRING: 'off' },
      logger: createLogger('error'),
    });
    try {
      const accounts = headless.bundle.flows.find((flow) => flow.target.entity === 'Accounts')!;
      sample();
      const started = performance.now();
      const run = await headless.engine.runFlow(accounts.id, { trigger: 'cli' });
      const seconds = (performance.now() - started) / 1000;
      sample();
      const rerunStarted = performance.now();
      const rerun = await headless.engine.runFlow(accounts.id, { trigger: 'cli' });
      const rerunSeconds = (performance.now() - rerunStarted) / 1000;
      return {
        run: {
          target: 'zoho',
          records,
          ...figures(run, seconds),
          incrementalRerun: {
            seconds: round(rerunSeconds),
            read: rerun.counters.read,
            calls: rerun.calls.source + rerun.calls.target,
          },
        },
        memory: {
          peakRssMb: Math.round(peakRss / 1048576),
          peakHeapUsedMb: Math.round(peakHeap / 1048576),
          ...(global.gc ? { peakLiveHeapMb: Math.round(peakLiveHeap / 1048576) } : {}),
          maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        },
      };
    } finally {
      await headless.close();
    }
  } finally {
    clearInterval(sampler);
    await sandboxes.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

export async function runEngineBench(
  records = Number(process.env.MLC_BENCH_RECORDS ?? 1_000_000),
): Promise<Record<string, unknown>> {
  const perTarget = Number(process.env.MLC_BENCH_TARGET_RECORDS ?? 2_000);
  const targets = await benchTargets(perTarget);
  const big = await benchBigRun(records);
  return {
    latency: 'none: the simulators answer as fast as they can, in their own process',
    targets: { recordsPerTarget: perTarget, ...targets },
    bigRun: big.run,
    memory: { ofRun: `the ${records.toLocaleString('en-US')}-record run`, ...big.memory },
  };
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const argument = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  process.stdout.write(JSON.stringify(await runEngineBench(argument), null, 2) + '\n');
}
