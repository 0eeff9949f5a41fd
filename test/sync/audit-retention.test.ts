import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowId, RunId } from '../../shared/domain/flow';
import { createBackend } from '../../electron/backend/backend';
import { exitCodes } from '../../electron/backend/cli/command';
import { openDatabase, type Db } from '../../electron/backend/store/database';
import { applyRetention, retentionSettings } from '../../electron/backend/sync/audit-retention';
import { asyncSqliteStore } from '../../electron/backend/store/sqlite-async-store';
import { SqliteAuditRepository, type AuditInput } from '../../electron/backend/sync/audit.repository';
import { SqliteRunRepository } from '../../electron/backend/sync/runs.repository';
import { startSchedules } from '../../electron/backend/sync/sync.service';
import { runMlc } from '../bundle/support/mlc-process';
import { storeFile } from '../support/backend';
import { customerToZohoAccount, syncWorld } from './support/sync-harness';
import { tempDir } from '../support/paths';

const folders: Array<{ remove(): void }> = [];
afterEach(() => folders.splice(0).forEach((folder) => folder.remove()));

const flowId = 'flow-r' as FlowId;
const runId = 'run-r' as RunId;

/** A data folder with a real store (made by the backend, as the app makes it). */
async function dataFolder(): Promise<string> {
  const folder = tempDir('mlc-retention-');
  folders.push(folder);
  const backend = createBackend({ runtime: 'cli', dataDir: folder.dir });
  await backend.close();
  return folder.dir;
}

const openStore = (dataDir: string): Db => openDatabase({ file: path.join(dataDir, 'mlc.sqlite') });

/** Rows that do not compress (random text), so the store grows about 2 KB a row. */
function audit(key: string): AuditInput {
  return {
    sourceKey: key,
    sourceStamp: 's',
    sourcePayload: { key, notes: crypto.randomBytes(1000).toString('hex') },
    sourceRaw: null,
    transformedPayload: null,
    targetKey: null,
    outcome: 'failed',
    errorCode: 'E_TARGET',
    errorMessage: 'refused',
    attempt: 1,
    mappingHash: 'h',
    diff: null,
  };
}

/** `count` rows, one a minute from `from`; the first is kept as a dead letter. */
function seed(db: Db, count: number, from: Date): void {
  const repo = new SqliteAuditRepository(db);
  const ids = new Map<string, number>();
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const at = new Date(from.getTime() + i * 60_000).toISOString();
      for (const [key, id] of repo.record(runId, flowId, [audit(`K${String(i).padStart(5, '0')}`)], at))
        ids.set(key, id);
    }
  })();
  repo.updateDeadLetters(
    flowId,
    runId,
    { add: [{ sourceKey: 'K00000', auditId: ids.get('K00000')! }], clear: [] },
    from.toISOString(),
  );
}

const keys = (db: Db) =>
  (db.prepare('SELECT source_key FROM audit ORDER BY id').all() as Array<{ source_key: string }>).map(
    (row) => row.source_key,
  );
const pages = (db: Db, name: string) => Number(db.pragma(name, { simple: true }));

describe('audit retention', () => {
  it('drops rows older than the age setting but keeps dead letters', async () => {
    const db = openStore(await dataFolder());
    try {
      const now = new Date('2026-12-03T00:00:00.000Z');
      seed(db, 10, new Date(now.getTime() - 100 * 86_400_000));
      new SqliteAuditRepository(db).record(runId, flowId, [audit('NEW')], now.toISOString());
      const store = asyncSqliteStore(db);
      expect(await retentionSettings(store.settings)).toEqual({ days: 90 });
      expect(await applyRetention(store, undefined, now)).toMatchObject({ days: 90, pruned: 9 });
      expect(keys(db)).toEqual(['K00000', 'NEW']);
    } finally {
      db.close();
    }
  });

  it('keeps the store under the size cap by dropping the oldest rows, and gives the pages back to the disk', async () => {
    const db = openStore(await dataFolder());
    try {
      seed(db, 3000, new Date());
      const store = asyncSqliteStore(db);
      const pageSize = pages(db, 'page_size');
      expect(pages(db, 'page_count') * pageSize).toBeGreaterThan(4 * 1024 * 1024);
      // New stores are made with incremental auto-vacuum.
      expect(pages(db, 'auto_vacuum')).toBe(2);

      const result = await applyRetention(store, { days: 90, maxMb: 2 });
      expect(result.pruned).toBeGreaterThan(1500);
      expect(result.reclaimedBytes).toBeGreaterThan(2 * 1024 * 1024);
      expect(pages(db, 'freelist_count')).toBe(0);
      expect(pages(db, 'page_count') * pageSize).toBeLessThanOrEqual(2 * 1024 * 1024);
      // The newest rows stay, the oldest went, the dead letter stays.
      const left = keys(db);
      expect(left[0]).toBe('K00000');
      expect(left.at(-1)).toBe('K02999');
      expect(left).not.toContain('K00001');
      expect(left.length).toBe(3000 - result.pruned);
    } finally {
      db.close();
    }
  });

  it('mlc prune applies the settings, or --days and --max-mb for this prune', async () => {
    const dataDir = await dataFolder();
    let db = openStore(dataDir);
    seed(db, 1500, new Date(Date.now() - 40 * 86_400_000));
    new SqliteAuditRepository(db).record(runId, flowId, [audit('NEW')], new Date().toISOString());
    db.close();

    const kept = await runMlc(['prune'], { MLC_HOME: dataDir });
    expect(kept.code, kept.stderr).toBe(exitCodes.ok);
    expect(kept.stdout).toMatch(
      /^Pruned 0 audit rows \(keeping 90 days, no size cap\); 0\.0 MB given back to the disk\./,
    );

    const bySize = await runMlc(['prune', '--max-mb', '1'], { MLC_HOME: dataDir });
    expect(bySize.code, bySize.stderr).toBe(exitCodes.ok);
    expect(bySize.stdout).toMatch(
      /^Pruned \d+ audit rows \(keeping 90 days, a 1 MB size cap\); [\d.]+ MB given back to the disk\./,
    );
    db = openStore(dataDir);
    expect(pages(db, 'page_count') * pages(db, 'page_size')).toBeLessThanOrEqual(1024 * 1024);
    expect(keys(db)).toContain('NEW');
    db.close();

    const byAge = await runMlc(['prune', '--days', '30', '--save'], { MLC_HOME: dataDir });
    expect(byAge.code, byAge.stderr).toBe(exitCodes.ok);
    db = openStore(dataDir);
    expect(keys(db)).toEqual(['K00000', 'NEW']);
    expect(await retentionSettings(asyncSqliteStore(db).settings)).toEqual({ days: 30 });
    db.close();

    const wrong = await runMlc(['prune', '--days', 'soon'], { MLC_HOME: dataDir });
    expect(wrong.code).toBe(exitCodes.usage);
    expect(wrong.stderr).toMatch(/--days takes a whole number/);
  }, 60_000);

  it('mlc prune --vacuum compacts a store made before incremental auto-vacuum, and converts it', async () => {
    const dataDir = await dataFolder();
    let db = openStore(dataDir);
    // A store from before incremental auto-vacuum: deleted rows' pages stay in the file.
    db.pragma('auto_vacuum = NONE');
    db.exec('VACUUM');
    expect(pages(db, 'auto_vacuum')).toBe(0);
    seed(db, 1500, new Date(Date.now() - 40 * 86_400_000));
    db.close();
    const file = path.join(dataDir, 'mlc.sqlite');
    const before = fs.statSync(file).size;

    const plain = await runMlc(['prune', '--days', '30'], { MLC_HOME: dataDir });
    expect(plain.code, plain.stderr).toBe(exitCodes.ok);
    expect(plain.stdout).toMatch(/mlc prune --vacuum converts it/);

    const compacted = await runMlc(['prune', '--days', '30', '--vacuum'], { MLC_HOME: dataDir });
    expect(compacted.code, compacted.stderr).toBe(exitCodes.ok);
    expect(compacted.stdout).toMatch(
      /Compacted the store from [\d.]+ MB to [\d.]+ MB; later prunes give freed space back to the disk\./,
    );
    expect(fs.statSync(file).size).toBeLessThan(before / 4);
    db = openStore(dataDir);
    expect(pages(db, 'auto_vacuum')).toBe(2);
    expect(keys(db)).toEqual(['K00000']);
    db.close();
  }, 60_000);

  it('mlc prune --vacuum refuses while a run holds a flow', async () => {
    const dataDir = await dataFolder();
    const db = openStore(dataDir);
    new SqliteRunRepository(db).claimAndStart(
      { flowId, flowName: 'Busy', trigger: 'manual', dryRun: false, windowFrom: null, mappingHash: 'h' },
      { leaseMs: 10 * 60_000 },
    );
    db.close();
    const refused = await runMlc(['prune', '--vacuum'], { MLC_HOME: dataDir });
    expect(refused.code).not.toBe(exitCodes.ok);
    expect(refused.stderr).toMatch(/A run is in progress in this store \(1\); compact it when no flow is running/);
  }, 60_000);
});

describe('retention in a long-lived host', () => {
  it('is applied when the host starts its schedules and after each run, with the settings the UI saved', async () => {
    const world = await syncWorld({ infor: { counts: { customers: 20 } } });
    try {
      const flow = await world.flow({ name: 'Aged', expression: customerToZohoAccount });
      const age = (runId: string) => {
        const file = storeFile(world.dataDir);
        file
          .prepare(
            "UPDATE audit SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '-45 days') WHERE run_id = ?",
          )
          .run(runId);
        // The UI's setting, written as another process would.
        file.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('audit.retentionDays', '30')").run();
        file.close();
      };
      const rows = async (runId: string) => (await world.api.call('audit.list', { runId })).total;
      const first = await world.api.call('flows.run', { id: flow.id });
      age(first.id);
      expect(await rows(first.id)).toBe(20);

      startSchedules(world.backend.context);
      expect(await rows(first.id)).toBe(0);

      const second = await world.api.call('flows.run', { id: flow.id });
      age(second.id);
      // An incremental run: it re-reads the records at its watermark.
      expect(await rows(second.id)).toBeGreaterThan(0);
      const third = await world.api.call('flows.run', { id: flow.id });
      expect(await rows(second.id)).toBe(0);
      expect(await rows(third.id)).toBe(third.counters.read);
    } finally {
      await world.close();
    }
  }, 120_000);
});
