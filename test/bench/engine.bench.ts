/**
 * Engine benchmark, printed as JSON (not a timed test): one headless sync of N Infor
 * customers into the Zoho sandbox through the shipped example bundle — records/s, calls
 * used against the theoretical minimum, and the engine process's peak memory (RSS and
 * heap high-water mark, sampled every 50 ms). The simulators run in their own process
 * (`mlc sandbox`), so their in-memory data does not count against the engine.
 *
 * N defaults to 1,000,000 (`MLC_BENCH_RECORDS` or the first argument overrides it). On a
 * two-core machine the engine moves about 750 records/s into the Zoho sandbox, so the
 * million-record run takes roughly 20–25 minutes, much of it in the
 * simulators; use `npx tsx test/bench/engine.bench.ts 20000` for a quick figure.
 * Targets measured: Zoho CRM (the example bundle's target); other targets need their own
 * bundles and are not measured here yet.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openHeadless } from '../../electron/backend/bundle/headless-runtime';
import { createLogger } from '../../electron/backend/util/log';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function startSandboxes(home: string, customers: number): Promise<{ stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', path.join(root, 'electron/backend/cli/entry.ts'), 'sandbox', '--customers', String(customers), '--json'], {
    cwd: root,
    env: { ...process.env, MLC_HOME: home },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`mlc sandbox exited (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.includes('\n')) return;
      child.removeAllListeners('exit');
      resolve({ stop: () => new Promise((done) => { child.once('exit', () => done()); child.kill('SIGTERM'); }) });
    });
  });
}

export async function runEngineBench(records = Number(process.env.MLC_BENCH_RECORDS ?? 1_000_000)): Promise<Record<string, unknown>> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mlc-bench-engine-'));
  const sandboxes = await startSandboxes(home, records);
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  const sampler = setInterval(sample, 50);
  try {
    const headless = await openHeadless({ bundleFile: path.join(root, 'examples', 'infor-to-zoho.mlcbundle.json'), env: { ...process.env, MLC_HOME: home, MLC_KEYRING: 'off' }, logger: createLogger('error') });
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
        records,
        targets: {
          zoho: {
            status: run.status,
            seconds: Math.round(seconds * 10) / 10,
            recordsPerSecond: Math.round(run.counters.read / seconds),
            counters: run.counters,
            calls: { used: run.calls.source + run.calls.target, minimum: run.calls.sourceMinimum + run.calls.targetMinimum, ...run.calls },
            incrementalRerun: { seconds: Math.round(rerunSeconds * 10) / 10, read: rerun.counters.read, calls: rerun.calls.source + rerun.calls.target },
          },
        },
        memory: { peakRssMb: Math.round(peakRss / 1048576), peakHeapUsedMb: Math.round(peakHeap / 1048576), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) },
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

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const argument = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  process.stdout.write(JSON.stringify(await runEngineBench(argument), null, 2) + '\n');
}
