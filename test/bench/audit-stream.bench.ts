// Audit export and replay in a stream (issue 17): export of 100,000 audit rows to a file (time, peak
// RSS while it runs, bytes) next to 10,000 to show time and memory grow linearly, and a replay of
// 10,000 failed rows (also with every Zoho call held 250 ms, where the batches the replay keeps in
// flight decide its time). MLC_BENCH_EXPORT_1M=1 adds the 1,000,000-row export (a few minutes here).
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { FlowId, RunId } from '../../shared/domain/flow';
import { openDatabase } from '../../electron/backend/store/database';
import { sqliteStore } from '../../electron/backend/store/sqlite-store';
import { writeAuditExport } from '../../electron/backend/sync/audit-export';
import type { AuditInput } from '../../electron/backend/sync/audit.repository';
import { createLogger } from '../../electron/backend/util/log';
import { customerToZohoAccount, syncWorld } from '../sync/support/sync-harness';

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** A customer-sized audit row (payload and transformed record, as the engine writes them). */
function auditRow(n: number): AuditInput {
  return {
    sourceKey: `C${String(n).padStart(8, '0')}`,
    sourceStamp: '2026-01-01T00:00:00Z',
    sourcePayload: {
      CUNO: `C${n}`,
      CUNM: `Customer ${n}, Inc.`,
      PHNO: '+46 8 555 0100',
      CSCD: 'SE',
      TOWN: 'Stockholm',
      ADR1: `Street ${n}`,
      STAT: '20',
      LMDT: '20260101',
    },
    sourceRaw: null,
    transformedPayload: { Account_Name: `Customer ${n}, Inc.`, Infor_Customer_No: `C${n}`, Phone: '+46 8 555 0100' },
    targetKey: `4040000${n}`,
    outcome: 'created',
    errorCode: null,
    errorMessage: null,
    attempt: 1,
    mappingHash: 'bench',
    diff: null,
  };
}

async function exportCase(rows: number): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlc-bench-export-'));
  const db = openDatabase({ file: path.join(dir, 'mlc.sqlite') });
  const store = sqliteStore(db);
  try {
    const runId = 'bench-run' as RunId;
    const insert = db.transaction((from: number, count: number) =>
      store.audit.record(
        runId,
        'bench-flow' as FlowId,
        Array.from({ length: count }, (_, index) => auditRow(from + index)),
        '2026-01-01T00:00:00.000Z',
      ),
    );
    for (let from = 0; from < rows; from += 5000) insert(from, Math.min(5000, rows - from));
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const started = performance.now();
    const result = await writeAuditExport(store.audit, runId, 'csv', path.join(dir, 'export.csv'), () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    });
    const ms = performance.now() - started;
    return {
      rows: result.rows,
      ms: Math.round(ms),
      rowsPerSec: Math.round(result.rows / (ms / 1000)),
      fileMb: mb(result.bytes),
      rssBeforeMb: mb(rssBefore),
      peakRssMb: mb(peak),
      rssGrowthMb: mb(peak - rssBefore),
    };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A replay of `records` failed rows; with `latencyMs` every Zoho call is held that long, so the
 * batches the replay keeps in flight (the write window, up to Zoho Standard's 10) show in its time.
 */
async function replayCase(records: number, latencyMs = 0): Promise<Record<string, number>> {
  // Every account points at a parent Zoho does not have: all of them are dead letters.
  const refused = customerToZohoAccount.replace(
    '"Phone": PHNO',
    '"Phone": PHNO, "Parent_Account": { "id": "404000000000404" }',
  );
  const world = await syncWorld({
    infor: { counts: { customers: records } },
    zoho: { callLatencyMs: latencyMs },
    backend: { logger: createLogger('error') },
  });
  try {
    const flow = await world.flow({ name: 'Bench refused', expression: refused, bulkThreshold: 0 });
    const run = await world.api.call('flows.run', { id: flow.id });
    world.zoho.inspect.resetInFlight();
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const started = performance.now();
    const replay = await world.api.call('runs.replay', { runId: run.id, mapping: 'original' });
    const ms = performance.now() - started;
    clearInterval(sampler);
    return {
      failedRows: run.counters.failed,
      replayed: replay.counters.read,
      ms: Math.round(ms),
      recordsPerSec: Math.round(replay.counters.read / (ms / 1000)),
      rssBeforeMb: mb(rssBefore),
      peakRssMb: mb(peak),
      targetCalls: replay.calls.target,
      latencyMs,
      // The most Zoho calls the simulator held at once during the replay.
      maxInFlight: world.zoho.inspect.maxInFlight(),
    };
  } finally {
    await world.close();
  }
}

export async function runAuditStreamBench(): Promise<Record<string, unknown>> {
  const export10k = await exportCase(10_000);
  const export100k = await exportCase(100_000);
  const export1m = process.env.MLC_BENCH_EXPORT_1M === '1' ? await exportCase(1_000_000) : undefined;
  return {
    export10k,
    export100k,
    // Linear: 10x the rows should take about 10x the time and no more memory.
    timeRatio100kTo10k: Math.round((export100k.ms! / export10k.ms!) * 10) / 10,
    ...(export1m ? { export1m } : { export1m: 'skipped (MLC_BENCH_EXPORT_1M=1 runs it)' }),
    replay10k: await replayCase(10_000),
    // Every upsert held 250 ms: one batch at a time this is 100 batches x 250 ms = 25 s at least.
    replay10kAt250ms: await replayCase(10_000, 250),
  };
}
