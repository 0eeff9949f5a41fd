// `npm run bench`: runs every benchmark module and prints one JSON report.
// Figures are for comparison between runs on the same machine, not pass/fail.
import os from 'node:os';
import { runFoundationBench } from './foundation.bench';
import { runMappingBench } from './mapping.bench';
import { runEngineBench } from './engine.bench';
import { runCanvasBench } from './canvas.bench';
import { runBulkBench } from './bulk.bench';
import { runAuditStreamBench } from './audit-stream.bench';
import { runAuditBench } from './audit.bench';
import { runLatencyBench } from './latency.bench';

type Bench = { name: string; run: () => Promise<Record<string, unknown>> };

const benches: Bench[] = [
  { name: 'foundation', run: runFoundationBench },
  { name: 'mapping', run: runMappingBench },
  // MLC_BENCH_RECORDS scales the engine run; the default is the 1,000,000-record sync (about 20–25 min here).
  { name: 'engine', run: () => runEngineBench(Number(process.env.MLC_BENCH_RECORDS ?? 1_000_000)) },
  { name: 'canvas', run: runCanvasBench },
  // Per target, records/s and calls for 100,000 records with and without the bulk path (`npm run bench bulk`, ~3 min).
  { name: 'bulk', run: () => runBulkBench() },
  // Audit export of 10k/100k rows (time, peak RSS) and a replay of 10k failed rows (`npm run bench audit-stream`, ~1 min).
  { name: 'audit-stream', run: runAuditStreamBench },
  // Bytes per audited M3 customer in the store (`npm run bench audit`, ~30 s).
  { name: 'audit', run: () => runAuditBench() },
  // Engine vs a plain-script ceiling at 0, 50 and 250 ms upsert latency, 10k records (`npm run bench latency`, ~2 min).
  { name: 'latency', run: () => runLatencyBench() },
];

const only = process.argv.slice(2);
const report: Record<string, unknown> = {
  machine: { node: process.version, cpus: os.cpus().length, platform: `${process.platform}-${process.arch}` },
  startedAt: new Date().toISOString(),
};
for (const bench of benches) {
  if (only.length > 0 && !only.includes(bench.name)) continue;
  try {
    report[bench.name] = await bench.run();
  } catch (error) {
    report[bench.name] = { error: error instanceof Error ? error.message : String(error) };
  }
}
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
