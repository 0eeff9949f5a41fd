import os from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FlowId, RunId } from '../../../shared/domain/flow';
import type { Run } from '../../../shared/domain/run';
import { AppError } from '../../../shared/errors';
import type { AsyncStore } from '../../../electron/backend/store/async-store';
import { migrations } from '../../../electron/backend/store/migrations/index';
import { postgresMigrations } from '../../../electron/backend/store/migrations/postgres';
import type { AuditInput } from '../../../electron/backend/sync/audit.repository';
import { emptyCalls, emptyCounters, type StartInput } from '../../../electron/backend/sync/runs.repository';
import type { ConnectionId } from '../../../shared/domain/connection';
import { stableHash } from '../../../shared/hash';
import { compileGraph, emptyGraph, type MappingGraph } from '../../../shared/mapping/index';
import type { FlowInput } from '../../../electron/backend/sync/flows.repository';
import { customerGraph } from '../../bundle/support/infor-to-zoho';
import { storeKinds } from './store-kinds';

/*
 * One contract, two stores: every assertion here runs against SQLite (through the async adapter over
 * the repositories the app uses today) and PostgreSQL (postgres/*), so the two cannot drift apart.
 * Assertions ported from test/sync/run-lease.test.ts, audit-storage, audit-retention and
 * audit-export-stream keep their meaning; those files keep testing the SQLite store in place.
 */

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

const flowId = 'flow-a' as FlowId;
const input = (overrides: Partial<StartInput> = {}): StartInput => ({
  flowId,
  flowName: 'Leased accounts',
  trigger: 'cli',
  dryRun: false,
  windowFrom: null,
  mappingHash: 'h1',
  ...overrides,
});
const finish = (store: AsyncStore, run: Run) =>
  store.runs.finishRun(run.id, { status: 'cancelled', windowTo: null, counters: emptyCounters(), calls: emptyCalls() });

const m3Raw = { OKCUNO: 'C0000001  ', OKCUNM: 'Müller & Söhne GmbH     ', OKCRLM: '1500.00' };
const m3Payload = { CUNO: 'C0000001', CUNM: 'Müller & Söhne GmbH', CRLM: 1500 };

function audit(key: string, overrides: Partial<AuditInput> = {}): AuditInput {
  return {
    sourceKey: key,
    sourceStamp: `s-${key}`,
    sourcePayload: { id: key, name: `Customer ${key}` },
    sourceRaw: null,
    transformedPayload: { Account_Name: `Customer ${key}` },
    targetKey: `t-${key}`,
    outcome: 'created',
    errorCode: null,
    errorMessage: null,
    attempt: 1,
    mappingHash: 'h1',
    diff: null,
    ...overrides,
  };
}

it('has a PostgreSQL twin for every SQLite migration, in the same order (one schemaVersion for both)', () => {
  expect(postgresMigrations.map((m) => m.id)).toEqual(migrations.map((m) => m.id));
});

describe.each(storeKinds())('the $kind store', (kind) => {
  let store: AsyncStore;
  beforeAll(() => kind.setUp(), 60_000);
  afterAll(() => kind.tearDown());
  const open = async () => (store = await kind.open());
  afterEach(async () => {
    await store?.close();
  });

  it('is migrated to the same schema version as the other kind', async () => {
    await open();
    expect(store.kind).toBe(kind.kind);
    expect(await store.schemaVersion()).toBe(migrations.length);
  });

  it('closes, and closing again does nothing', async () => {
    await open();
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
  });

  describe('runs', () => {
    it('refuses a fresh lease naming host, pid and the way out, takes over an expired one and says what the dead run knew', async () => {
      await open();
      const { run: held } = await store.runs.claimAndStart(input(), { leaseMs: 30_000 });
      const refused = await rejection(store.runs.claimAndStart(input(), { leaseMs: 30_000 }));
      expect(refused.code).toBe('E_CONFLICT');
      expect(refused.message).toContain(`${os.hostname()} (pid ${process.pid})`);
      expect(refused.message).toContain(held.startedAt);
      expect(refused.message).toMatch(/If that process is gone, run `mlc unlock Leased accounts` or wait \d+ s/);

      const counters = { ...emptyCounters(), read: 1500, created: 1200, updated: 300 };
      await store.runs.heartbeat(
        held.id,
        {
          counters,
          calls: { ...emptyCalls(), source: 3, target: 12 },
          progress: { pagesCommitted: 2, recordsInFlight: 500, pageSize: 500 },
        },
        30_000,
      );
      const later = Date.now() + 31_000;
      const { run: next, interrupted } = await store.runs.claimAndStart(input(), { leaseMs: 30_000, now: later });
      expect(interrupted.map((run) => run.id)).toEqual([held.id]);
      const dead = await store.runs.run(held.id);
      expect(dead.status).toBe('interrupted');
      expect(dead.error?.code).toBe('E_SYNC_INTERRUPTED');
      expect(dead.error?.message).toContain(
        'stopped during page 3; up to 500 records may have been written to the target after the last committed page (2); the next run re-reads them and they appear as updated',
      );
      expect(dead.finishedAt).toBe(new Date(later).toISOString());
      expect(dead.counters).toEqual(counters);
      expect(dead.calls.target).toBe(12);
      expect(next.resumedFrom).toBe(held.id);

      // The old holder can neither renew, commit a page nor finish: it must stop writing.
      const live = { counters, calls: emptyCalls(), progress: { pagesCommitted: 2, recordsInFlight: 0 } };
      expect((await rejection(store.runs.heartbeat(held.id, live, 30_000))).code).toBe('E_SYNC_LEASE_LOST');
      expect(
        (await rejection(store.runs.recordPage(held.id, { counters, calls: emptyCalls() }, new Date().toISOString())))
          .code,
      ).toBe('E_SYNC_LEASE_LOST');
      const late = await store.runs.finishRun(held.id, {
        status: 'succeeded',
        windowTo: '2030-01-01',
        counters,
        calls: emptyCalls(),
        watermark: { flowId, stamp: '2030-01-01' },
      });
      expect(late.status).toBe('interrupted');
      expect(await store.runs.watermark(flowId)).toBeNull();
      await finish(store, next);
    });

    it('takes over a dead run after slots skipped meanwhile, still saying it resumed after it', async () => {
      await open();
      const { run: held } = await store.runs.claimAndStart(input(), { leaseMs: 30_000 });
      // Queue mode: a slot that found the flow held records a skipped run; it read nothing.
      await store.runs.recordSkipped(input({ trigger: 'schedule' }), { code: 'E_CONFLICT', message: 'held' });
      const later = Date.now() + 31_000;
      const { run: next } = await store.runs.claimAndStart(input(), { leaseMs: 30_000, now: later });
      expect(next.resumedFrom).toBe(held.id);
      await finish(store, next);
    });

    it('lets exactly one of many simultaneous claims of a flow win', async () => {
      await open();
      const claims = await Promise.allSettled(
        Array.from({ length: 8 }, () => store.runs.claimAndStart(input(), { leaseMs: 30_000 })),
      );
      const won = claims.filter((c) => c.status === 'fulfilled');
      const lost = claims.filter((c): c is PromiseRejectedResult => c.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost.map((c) => (c.reason as AppError).code)).toEqual(Array(7).fill('E_CONFLICT'));
      expect((await store.runs.runs({ flowId })).filter((run) => run.status === 'running')).toHaveLength(1);
    });

    it('runs replays beside the flow without a lease, and takes one that went silent for dead', async () => {
      await open();
      const replay = await store.runs.startRun(input({ trigger: 'replay' }));
      const { run: beside } = await store.runs.claimAndStart(input(), { leaseMs: 30_000 });
      expect(beside.resumedFrom).toBeNull();
      await store.runs.finishRun(beside.id, {
        status: 'succeeded',
        windowTo: null,
        counters: emptyCounters(),
        calls: emptyCalls(),
      });
      expect((await store.runs.run(replay.id)).status).toBe('running');
      const { run: later } = await store.runs.claimAndStart(input(), {
        leaseMs: 30_000,
        now: Date.now() + 16 * 60_000,
      });
      expect(await store.runs.run(replay.id)).toMatchObject({
        status: 'interrupted',
        error: { code: 'E_SYNC_INTERRUPTED' },
      });
      expect((await store.runs.run(replay.id)).error?.message).toContain('it committed nothing for 15 minutes');
      expect(later.resumedFrom).toBeNull();
    });

    it('unlocks every running run of a flow, saying who held it', async () => {
      await open();
      const { run } = await store.runs.claimAndStart(input(), { leaseMs: 30_000 });
      const released = await store.runs.unlock(flowId, 'a test');
      expect(released).toHaveLength(1);
      expect(released[0]).toMatchObject({ host: os.hostname(), pid: process.pid, heartbeatAt: run.startedAt });
      expect(released[0]!.run.error?.message).toContain('a test released it');
      expect(released[0]!.run.error?.message).toContain('before its first heartbeat; nothing was committed');
      expect(await store.runs.unlock(flowId, 'a test')).toEqual([]);
    });

    it('moves the watermark and read cursor only when a run that holds its flow finishes', async () => {
      await open();
      const { run } = await store.runs.claimAndStart(input(), { leaseMs: 30_000 });
      const counters = { ...emptyCounters(), read: 42, created: 40, failed: 2 };
      await store.runs.recordPage(
        run.id,
        { counters, calls: emptyCalls(), progress: { pagesCommitted: 1, recordsInFlight: 0 } },
        new Date().toISOString(),
      );
      expect((await store.runs.run(run.id)).counters).toEqual(counters);
      const done = await store.runs.finishRun(run.id, {
        status: 'partial',
        windowTo: '2026-12-01T10:00:00Z',
        counters,
        calls: { source: 2, target: 3, sourceMinimum: 1, targetMinimum: 1 },
        error: { code: 'E_X', message: 'two failed' },
        watermark: { flowId, stamp: '2026-12-01T10:00:00Z', cursor: 'delta-link-1' },
      });
      expect(done).toMatchObject({
        status: 'partial',
        windowTo: '2026-12-01T10:00:00Z',
        error: { code: 'E_X', message: 'two failed' },
        calls: { source: 2, target: 3, sourceMinimum: 1, targetMinimum: 1 },
      });
      expect(done.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(await store.runs.watermark(flowId)).toBe('2026-12-01T10:00:00Z');
      expect(await store.runs.readCursor(flowId)).toBe('delta-link-1');
      expect(await store.runs.lastFullReadCount(flowId)).toBe(42);
      await store.runs.resetWatermark(flowId);
      expect(await store.runs.watermark(flowId)).toBeNull();
      expect(await store.runs.readCursor(flowId)).toBeNull();
      expect(await store.runs.watermark('no-such-flow')).toBeNull();
    });

    it('lists runs newest first in a total order, even started in the same millisecond', async () => {
      await open();
      const now = Date.parse('2026-12-01T00:00:00.000Z');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { run } = await store.runs.claimAndStart(input(), { leaseMs: 30_000, now });
        ids.push(run.id);
        await finish(store, run);
      }
      const skipped = await store.runs.recordSkipped(input({ flowId: 'flow-b' as FlowId }), {
        code: 'E_DEPENDENCY',
        message: 'a flow it depends on failed',
      });
      expect(skipped).toMatchObject({ status: 'skipped', error: { code: 'E_DEPENDENCY' } });
      expect(skipped.finishedAt).toBe(skipped.startedAt);
      expect((await store.runs.runs({ flowId })).map((run) => run.id)).toEqual([...ids].reverse());
      expect((await store.runs.runs({ flowId, limit: 2 })).map((run) => run.id)).toEqual([ids[4], ids[3]]);
      expect((await store.runs.latestRun(flowId))?.id).toBe(ids[4]);
      expect(await store.runs.latestRun('none')).toBeUndefined();
      expect((await store.runs.runs()).map((run) => run.id)[0]).toBe(skipped.id);
      // Cancelled runs count no full read.
      expect(await store.runs.lastFullReadCount(flowId)).toBeNull();
    });

    it('keeps notes in order, and names a missing run', async () => {
      await open();
      const run = await store.runs.startRun(input({ dryRun: true, windowFrom: 'w0', replayOf: undefined }));
      await store.runs.addNote(run.id, 'Zoho said: “slow down”');
      await store.runs.addNote(run.id, 'second');
      const read = await store.runs.run(run.id);
      expect(read.notes).toEqual(['Zoho said: “slow down”', 'second']);
      expect(read).toMatchObject({ dryRun: true, windowFrom: 'w0', status: 'running' });
      await store.runs.release(run.id, 'failed', 'E_STORE_FULL');
      expect(await store.runs.run(run.id)).toMatchObject({ status: 'failed', error: { code: 'E_STORE_FULL' } });
      const missing = await rejection(store.runs.run('nope'));
      expect(missing.code).toBe('E_NOT_FOUND');
      expect(missing.message).toBe('No run with id nope.');
    });
  });

  describe('audit', () => {
    const seedRun = async (dryRun = false) => (await store.runs.startRun(input({ dryRun }))).id;

    it('round-trips payloads through the audit codec, raw rows included', async () => {
      await open();
      const runId = await seedRun();
      const rows: AuditInput[] = [
        audit('C0000001', { sourcePayload: m3Payload, sourceRaw: m3Raw }),
        audit('K2', {
          sourcePayload: { id: 'K2', nested: { list: [1, 2.5, null, true, 'x\u2028y'] } },
          sourceRaw: { id: 'K2', nested: { list: [1, 2.5, null, true, 'x\u2028y'] } },
          transformedPayload: null,
          targetKey: null,
          outcome: 'failed',
          errorCode: 'E_TARGET',
          errorMessage: 'refused',
          attempt: 2,
        }),
        audit('K3', { sourcePayload: {}, diff: [{ field: 'Phone', before: null, after: '+49' }] }),
      ];
      const now = '2026-12-01T10:00:00.000Z';
      const ids = await store.audit.record(runId, flowId, rows, now);
      expect([...ids.keys()]).toEqual(['C0000001', 'K2', 'K3']);
      const [first, second, third] = [...ids.values()];
      expect(second).toBeGreaterThan(first!);
      expect(third).toBeGreaterThan(second!);
      for (const row of rows) {
        const read = await store.audit.auditById(ids.get(row.sourceKey)!);
        expect(read).toEqual({ ...row, id: ids.get(row.sourceKey), runId, flowId, createdAt: now });
      }
      expect((await store.audit.latestAudit(flowId, 'K2'))?.sourceRaw).toEqual(rows[1]!.sourceRaw);
      expect(await store.audit.latestAudit(flowId, 'none')).toBeUndefined();
      expect(await store.audit.lastAuditId()).toBe(third);
      expect((await rejection(store.audit.auditById(999_999))).code).toBe('E_NOT_FOUND');
      expect((await store.audit.auditsByIds([third!, first!])).map((a) => a.sourceKey)).toEqual(['K3', 'C0000001']);
      expect((await rejection(store.audit.auditsByIds([first!, 999_999]))).message).toBe('No audit record 999999.');
      expect(await store.audit.recentInputs(flowId, 'h1', 5)).toEqual([
        { sourceKey: 'K3', payload: {} },
        { sourceKey: 'C0000001', payload: m3Payload },
      ]);
    });

    it('filters, counts and pages by offset, finding codes and keys by text', async () => {
      await open();
      const runId = await seedRun();
      await store.audit.record(
        runId,
        flowId,
        [
          audit('A_1'),
          audit('a%2', { outcome: 'failed', errorCode: 'E_CIN7_UNKNOWN_SKU', errorMessage: 'no such SKU' }),
          audit('B3', { outcome: 'skipped', errorCode: 'ECHO' }),
          audit('AX1'),
        ],
        '2026-12-01T10:00:00.000Z',
      );
      const keys = async (query: Parameters<AsyncStore['audit']['audits']>[0]) =>
        (await store.audit.audits(query)).items.map((a) => a.sourceKey);
      expect(await store.audit.audits({ runId, limit: 2, offset: 1 })).toMatchObject({ total: 4 });
      expect(await keys({ runId, limit: 2, offset: 1 })).toEqual(['a%2', 'B3']);
      expect(await keys({ flowId, outcome: 'failed' })).toEqual(['a%2']);
      expect(await keys({ text: 'echo' })).toEqual(['B3']);
      expect(await keys({ text: 'unknown_sku' })).toEqual(['a%2']);
      // % and _ are literal, not wildcards; ASCII case folds as in SQLite's LIKE.
      expect(await keys({ text: '%' })).toEqual(['a%2']);
      expect(await keys({ text: 'a_' })).toEqual(['A_1']);
      expect(await keys({ text: 't-ax' })).toEqual(['AX1']);
      expect((await store.audit.audits({ runId: 'other' })).total).toBe(0);
    });

    it('walks keyset pages over the rows present at the start, however many are appended meanwhile', async () => {
      await open();
      const runId = await seedRun();
      const keys = Array.from({ length: 2500 }, (_, i) => `K${String(i).padStart(5, '0')}`);
      await store.audit.record(
        runId,
        flowId,
        keys.map((key) => audit(key)),
        '2026-12-01T10:00:00.000Z',
      );
      const span = await store.audit.auditSpan({ runId });
      expect(span.count).toBe(2500);
      expect(span.lastId - span.firstId).toBe(2499);
      expect(await store.audit.auditSpan({ runId: 'none' })).toEqual({ count: 0, firstId: 1, lastId: 0 });
      const page = await store.audit.auditPage(
        { runId },
        { afterId: span.firstId + 9, upToId: span.firstId + 14, limit: 3 },
      );
      expect(page.map((a) => a.sourceKey)).toEqual(['K00010', 'K00011', 'K00012']);
      const seen: string[] = [];
      for await (const row of store.audit.iterateAudits({ runId })) {
        seen.push(row.sourceKey);
        // Rows appended mid-walk are not chased.
        if (seen.length === 1500) await store.audit.record(runId, flowId, [audit('LATE')], '2026-12-01T10:00:01.000Z');
      }
      expect(seen).toEqual(keys);
    });

    it('keeps dead letters by key in byte order, pages them, and finds them by run', async () => {
      await open();
      const first = await seedRun();
      const second = await seedRun();
      const failed = (key: string) => audit(key, { outcome: 'failed', errorCode: 'E', transformedPayload: null });
      const a = await store.audit.record(first, flowId, ['b', 'B', 'a', 'ä'].map(failed), '2026-12-01T10:00:00.000Z');
      await store.audit.updateDeadLetters(
        flowId,
        first,
        { add: [...a].map(([sourceKey, auditId]) => ({ sourceKey, auditId })), clear: [] },
        '2026-12-01T10:00:00.000Z',
      );
      expect(await store.audit.deadLetterCount(flowId)).toBe(4);
      const b = await store.audit.record(second, flowId, [failed('a'), audit('b')], '2026-12-01T11:00:00.000Z');
      await store.audit.updateDeadLetters(
        flowId,
        second,
        { add: [{ sourceKey: 'a', auditId: b.get('a')! }], clear: ['b'] },
        '2026-12-01T11:00:00.000Z',
      );
      const all = await store.audit.deadLetterPage(flowId, {
        afterKey: '',
        upToAuditId: Number.MAX_SAFE_INTEGER,
        limit: 10,
      });
      // Byte order, as SQLite's BINARY collation: upper case before lower, then UTF-8's multi-byte letters.
      expect(all.map((d) => d.sourceKey)).toEqual(['B', 'a', 'ä']);
      expect(all.find((d) => d.sourceKey === 'a')?.auditId).toBe(b.get('a'));
      expect(
        (
          await store.audit.deadLetterPage(flowId, { afterKey: 'B', upToAuditId: Number.MAX_SAFE_INTEGER, limit: 1 })
        ).map((d) => d.sourceKey),
      ).toEqual(['a']);
      expect(
        (await store.audit.deadLetterPage(flowId, { afterKey: '', upToAuditId: a.get('ä')!, limit: 10 })).map(
          (d) => d.sourceKey,
        ),
      ).toEqual(['B', 'ä']);
      expect(
        (
          await store.audit.deadLetterPage(flowId, {
            failedInRun: second,
            afterKey: '',
            upToAuditId: Number.MAX_SAFE_INTEGER,
            limit: 10,
          })
        ).map((d) => d.sourceKey),
      ).toEqual(['a']);
      expect([...(await store.audit.deadLettersAmong(flowId, ['a', 'b', 'zz']))]).toEqual(['a']);
      expect((await store.audit.deadLetterKeys(flowId)).map((d) => d.sourceKey)).toEqual(['B', 'ä', 'a']);
      expect(await store.audit.deadLetterKeys(flowId, second)).toEqual([{ sourceKey: 'a', auditId: b.get('a') }]);
      // A replaced key counts once, a cleared one not at all, another flow's not here.
      expect(await store.audit.deadLetterCount(flowId)).toBe(3);
      expect(await store.audit.deadLetterCount('flow-b')).toBe(0);
    });

    it("counts a run's failures still waiting, and finds each failed row's newest later real attempt", async () => {
      await open();
      const failed = (key: string) => audit(key, { outcome: 'failed', errorCode: 'E', transformedPayload: null });
      const first = await seedRun();
      const ids = await store.audit.record(first, flowId, ['K1', 'K2', 'K3'].map(failed), '2026-12-01T10:00:00.000Z');
      const dead = [...ids].map(([sourceKey, auditId]) => ({ sourceKey, auditId }));
      await store.audit.updateDeadLetters(flowId, first, { add: dead, clear: [] }, '2026-12-01T10:00:00.000Z');
      const dry = await seedRun(true);
      await store.audit.record(dry, flowId, [audit('K3')], '2026-12-01T10:30:00.000Z');
      const replay = (await store.runs.startRun(input({ trigger: 'replay', replayOf: first as RunId }))).id;
      const again = await store.audit.record(replay, flowId, [audit('K1'), failed('K2')], '2026-12-01T11:00:00.000Z');
      await store.audit.updateDeadLetters(
        flowId,
        replay,
        { add: [{ sourceKey: 'K2', auditId: again.get('K2')! }], clear: ['K1'] },
        '2026-12-01T11:00:00.000Z',
      );
      expect(await store.audit.deadLettersOfRun(flowId, first)).toBe(2);
      expect(await store.audit.deadLettersOfRun(flowId, replay)).toBe(1);
      expect(await store.audit.deadLettersOfRun(flowId, dry)).toBe(0);
      const rows = ['K3', 'K2', 'K1'].map((key) => ({ id: ids.get(key)!, flowId, sourceKey: key }));
      // In the order asked; K3's only later row is a dry run's, which never reached the target.
      expect([...(await store.audit.laterAttempts(rows))]).toEqual([
        [ids.get('K2'), { runId: replay, outcome: 'failed', trigger: 'replay' }],
        [ids.get('K1'), { runId: replay, outcome: 'created', trigger: 'replay' }],
      ]);
      expect((await store.audit.laterAttempts([])).size).toBe(0);
    });

    it('answers what the target last held from real runs only, echoes included, and what a run has not committed yet', async () => {
      await open();
      const real = await seedRun();
      const dry = await seedRun(true);
      await store.audit.record(
        real,
        flowId,
        [audit('K', { transformedPayload: { v: 1 } })],
        '2026-12-01T10:00:00.000Z',
      );
      await store.audit.record(dry, flowId, [audit('K', { transformedPayload: { v: 2 } })], '2026-12-01T10:01:00.000Z');
      expect(await store.audit.lastWritten(flowId, 'K')).toEqual({ v: 1 });
      await store.audit.record(
        real,
        flowId,
        [audit('K', { transformedPayload: { v: 3 }, outcome: 'skipped', errorCode: 'ECHO' })],
        '2026-12-01T10:02:00.000Z',
      );
      expect(await store.audit.lastWritten(flowId, 'K')).toEqual({ v: 3 });
      await store.audit.record(
        real,
        flowId,
        [audit('K', { transformedPayload: { v: 4 }, outcome: 'failed' })],
        '2026-12-01T10:03:00.000Z',
      );
      expect(await store.audit.lastWritten(flowId, 'K')).toEqual({ v: 3 });
      expect(await store.audit.lastWritten(flowId, 'none')).toBeUndefined();
      const records = [
        { key: 'K', stamp: 's-K' },
        { key: 'K', stamp: 'newer' },
        { key: 'L', stamp: 's-L' },
      ];
      expect(await store.audit.notYetInRun(real, flowId, records)).toEqual(records.slice(1));
      expect(await store.audit.notYetInRun(dry, flowId, records)).toEqual(records.slice(1));
      expect(await store.audit.notYetInRun(real, flowId, [])).toEqual([]);
    });

    it('drops rows older than the age setting but keeps dead letters', async () => {
      await open();
      const runId = await seedRun();
      const now = new Date('2026-12-10T00:00:00.000Z');
      const old = await store.audit.record(runId, flowId, [audit('OLD'), audit('DEAD')], '2026-11-01T00:00:00.000Z');
      await store.audit.updateDeadLetters(
        flowId,
        runId as RunId,
        { add: [{ sourceKey: 'DEAD', auditId: old.get('DEAD')! }], clear: [] },
        now.toISOString(),
      );
      await store.audit.record(runId, flowId, [audit('NEW')], '2026-12-09T00:00:00.000Z');
      expect(await store.audit.pruneAudit(30, now)).toBe(1);
      expect((await store.audit.audits({ runId })).items.map((a) => a.sourceKey)).toEqual(['DEAD', 'NEW']);
      expect(await store.audit.pruneAudit(30, now)).toBe(0);
    });

    it('prunes the oldest rows to fit a size cap, keeping dead letters', async () => {
      await open();
      const runId = await seedRun();
      const ids = await store.audit.record(
        runId,
        flowId,
        Array.from({ length: 400 }, (_, i) =>
          audit(`K${String(i).padStart(4, '0')}`, { sourcePayload: { blob: `${i}`.repeat(200) } }),
        ),
        '2026-12-01T00:00:00.000Z',
      );
      await store.audit.updateDeadLetters(
        flowId,
        runId as RunId,
        { add: [{ sourceKey: 'K0000', auditId: ids.get('K0000')! }], clear: [] },
        '2026-12-01T00:00:00.000Z',
      );
      const pruned = await store.audit.pruneAuditToSize(1);
      expect(pruned).toBe(399);
      expect((await store.audit.audits({ runId })).items.map((a) => a.sourceKey)).toEqual(['K0000']);
      const reclaimed = await store.audit.reclaimSpace();
      expect(reclaimed.reclaimedBytes).toBeGreaterThanOrEqual(0);
    });
  });

  describe('id map', () => {
    it('upserts a page, keeping a known target key when the new one is null', async () => {
      await open();
      const target = { connectionId: 'zoho-1', entity: 'Accounts' };
      await store.idMap.upsert(
        flowId,
        target,
        [
          { sourceKey: 'A', sourceStamp: 's1', targetKey: 'z-1', payloadHash: 'p1' },
          { sourceKey: 'B', sourceStamp: 's1', targetKey: null, payloadHash: 'p1' },
        ],
        '2026-12-01T10:00:00.000Z',
      );
      await store.idMap.upsert(
        flowId,
        target,
        [{ sourceKey: 'A', sourceStamp: 's2', targetKey: null, payloadHash: 'p2' }],
        '2026-12-01T11:00:00.000Z',
      );
      const entries = await store.idMap.entries(flowId, ['B', 'A', 'missing']);
      expect([...entries.keys()]).toEqual(['B', 'A']);
      expect(entries.get('A')).toEqual({
        sourceKey: 'A',
        sourceStamp: 's2',
        targetKey: 'z-1',
        payloadHash: 'p2',
        updatedAt: '2026-12-01T11:00:00.000Z',
      });
      expect(entries.get('B')?.targetKey).toBeNull();
      expect(await store.idMap.targetKeyFor('zoho-1', 'Accounts', 'A')).toBe('z-1');
      expect(await store.idMap.targetKeyFor('zoho-1', 'Accounts', 'B')).toBeUndefined();
      expect(await store.idMap.targetKeyFor('zoho-1', 'Contacts', 'A')).toBeUndefined();
      // Keys are data: quotes, backslashes, commas, braces and the word NULL pass through set-based statements.
      const odd = ['a"b', 'c\\d', 'e,f', '{g}', 'NULL', ''];
      await store.idMap.upsert(
        flowId,
        target,
        odd.map((key) => ({ sourceKey: key, sourceStamp: key, targetKey: `t${key}`, payloadHash: 'p' })),
        '2026-12-01T12:00:00.000Z',
      );
      expect([...(await store.idMap.entries(flowId, odd)).values()].map((e) => [e.sourceKey, e.targetKey])).toEqual(
        odd.map((key) => [key, `t${key}`]),
      );
      expect([
        ...(
          await store.idMap.writtenTargets(
            flowId,
            odd.map((key) => `t${key}`),
          )
        ).values(),
      ]).toEqual(odd);
    });

    it('finds source keys by target id; a merged target answers its newest source', async () => {
      await open();
      const target = { connectionId: 'zoho-1', entity: 'Accounts' };
      await store.idMap.upsert(
        flowId,
        target,
        [{ sourceKey: 'old', sourceStamp: 's', targetKey: 'z-9', payloadHash: 'p' }],
        '2026-12-01T10:00:00.000Z',
      );
      await store.idMap.upsert(
        flowId,
        target,
        [
          { sourceKey: 'new', sourceStamp: 's', targetKey: 'z-9', payloadHash: 'p' },
          { sourceKey: 'other', sourceStamp: 's', targetKey: 'z-8', payloadHash: 'p' },
        ],
        '2026-12-01T11:00:00.000Z',
      );
      const written = await store.idMap.writtenTargets(flowId, ['z-9', 'z-8', 'z-9', 'z-0']);
      expect([...written]).toEqual([
        ['z-9', 'new'],
        ['z-8', 'other'],
      ]);
      expect((await store.idMap.sourceKeysForTargets(flowId, ['z-9', 'z-8'])).sort()).toEqual(['new', 'old', 'other']);
      expect(await store.idMap.sourceKeysForTargets('flow-b', ['z-9'])).toEqual([]);
    });
  });

  describe('connections, secrets and caches', () => {
    it('keeps connections in creation order with their secret slots, updates and removes them with what hangs off them', async () => {
      await open();
      const made = [];
      for (const name of ['M3 prod', 'Zoho', 'Cin7'])
        made.push(
          await store.connections.create({
            system: 'infor',
            name,
            settings: { tenant: name },
            sandbox: name === 'Zoho',
          }),
        );
      const given = await store.connections.create({
        id: 'c-fixed',
        system: 'zoho',
        name: 'Given',
        settings: {},
        sandbox: false,
      });
      expect(given.id).toBe('c-fixed');
      expect((await store.connections.list()).map((c) => c.name)).toEqual(['M3 prod', 'Zoho', 'Cin7', 'Given']);
      expect(made[1]).toMatchObject({ sandbox: true, secretsSet: [], settings: { tenant: 'Zoho' } });
      expect(made[1]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      const id = made[0]!.id;
      await store.secrets.putMany(id, { 'client-secret': 'c1', password: 'p1' });
      await store.secrets.putMany(id, { password: null, 'refresh-token': 'r1' });
      expect(await store.secrets.slots(id)).toEqual(['client-secret', 'refresh-token']);
      expect(await store.secrets.get(id, 'refresh-token')).toBe('r1');
      expect(await store.secrets.get(id, 'password')).toBeUndefined();
      expect((await store.connections.get(id))?.secretsSet).toEqual(['client-secret', 'refresh-token']);
      // Slots of a connection that does not exist are refused (foreign key), none kept.
      await store.secrets.putMany(id, { a: 'x' });
      await expect(store.secrets.putMany('nope', { a: 'x', b: 'y' })).rejects.toThrow();
      expect(await store.secrets.slots('nope')).toEqual([]);
      expect(await store.secrets.remove(id, 'a')).toBe(true);
      expect(await store.secrets.remove(id, 'a')).toBe(false);

      const updated = await store.connections.update(id, { name: 'M3 test' });
      expect(updated).toMatchObject({ name: 'M3 test', settings: { tenant: 'M3 prod' }, sandbox: false });
      expect(await store.connections.update('nope', { name: 'x' })).toBeUndefined();

      await store.connectionCaches.putSchema(
        id,
        { entity: 'customers', hash: 'sh1', fetchedAt: '2026-12-01T10:00:00.000Z' },
        '{"fields":[]}',
      );
      await store.connectionCaches.putSchema(
        id,
        { entity: 'customers', hash: 'sh2', fetchedAt: '2026-12-01T11:00:00.000Z' },
        '{"fields":[1]}',
      );
      expect(await store.connectionCaches.schema(id, 'customers')).toBe('{"fields":[1]}');
      expect(await store.connectionCaches.schemaHash(id, 'customers')).toBe('sh2');
      await store.connectionCaches.putToken(id, 'sealed', 1_900_000_000_000);
      await store.connectionCaches.putToken('not-yet-created', 'sealed', null);
      expect(await store.connectionCaches.token(id)).toBe('sealed');
      expect(await store.connectionCaches.token('not-yet-created')).toBeUndefined();
      await store.connectionCaches.putTenantCheck(id, '2026-12-01T10:00:00.000Z', '{"ok":true}');
      await store.connectionCaches.putTenantCheck('not-yet-created', '2026-12-01T10:00:00.000Z', '{}');
      expect(await store.connectionCaches.tenantCheck(id)).toBe('{"ok":true}');
      expect(await store.connectionCaches.tenantCheck('not-yet-created')).toBeUndefined();

      // Removing the connection takes its secrets, schemas, token and tenant check with it.
      expect(await store.connections.remove(id)).toBe(true);
      expect(await store.connections.remove(id)).toBe(false);
      expect(await store.secrets.slots(id)).toEqual([]);
      expect(await store.connectionCaches.schema(id, 'customers')).toBeUndefined();
      expect(await store.connectionCaches.token(id)).toBeUndefined();
      expect(await store.connectionCaches.tenantCheck(id)).toBeUndefined();
      await store.connectionCaches.clearSchemas(made[1]!.id);
      await store.connectionCaches.clearToken(made[1]!.id);
    });

    it('lets one holder at a time refresh a token, until its lease expires', async () => {
      await open();
      const caches = store.connectionCaches;
      expect(await caches.tryAcquireRefreshLease('c1', 'desktop', 1_000, 0)).toBe(true);
      expect(await caches.tryAcquireRefreshLease('c1', 'mlc', 1_000, 500)).toBe(false);
      // The same holder renews.
      expect(await caches.tryAcquireRefreshLease('c1', 'desktop', 2_000, 500)).toBe(true);
      expect(await caches.tryAcquireRefreshLease('c1', 'mlc', 3_000, 2_001)).toBe(true);
      await caches.releaseRefreshLease('c1', 'desktop');
      expect(await caches.tryAcquireRefreshLease('c1', 'desktop', 4_000, 2_500)).toBe(false);
      await caches.releaseRefreshLease('c1', 'mlc');
      const racers = await Promise.all(
        ['a', 'b', 'c', 'd'].map((holder) => caches.tryAcquireRefreshLease('c2', holder, 10_000, 0)),
      );
      expect(racers.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('mappings and flows', () => {
    const graph: MappingGraph = customerGraph();
    const expression = compileGraph(graph).expression;
    const infor = 'c-infor-2' as ConnectionId;
    const zoho = 'c-zoho-2' as ConnectionId;
    const flowInput = (mappingId: string, overrides: Partial<FlowInput> = {}): FlowInput => ({
      name: 'Customers flow',
      source: { connectionId: infor, entity: 'customers', lookbackSeconds: 60 },
      mappingId: mappingId as FlowInput['mappingId'],
      target: { connectionId: zoho, entity: 'Accounts', matchKey: ['Account_Number'] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false },
      paused: false,
      ...overrides,
    });

    it('saves a mapping with its connections and every expression version, and reads it back typed', async () => {
      await open();
      const saved = await store.mappings.save({
        name: 'Customers',
        sourceEntity: 'customers',
        targetEntity: 'Accounts',
        sourceConnectionId: infor,
        targetConnectionId: zoho,
        graph,
        expression,
      });
      expect(saved).toMatchObject({
        sourceConnectionId: infor,
        targetConnectionId: zoho,
        hash: stableHash(expression),
      });
      expect(await store.mappings.get(saved.id)).toEqual(saved);
      const next = await store.mappings.save({
        id: saved.id,
        name: 'Customers',
        sourceEntity: 'customers',
        sourceLines: 'lines',
        targetEntity: 'Accounts',
        expression: '{ "Account_Name": CUNM }',
      });
      expect(next).toMatchObject({ sourceConnectionId: null, targetConnectionId: null, sourceLines: 'lines' });
      expect(next.graph).toBeUndefined();
      expect(await store.mappings.get(saved.id)).toEqual(next);
      expect(await store.mappings.expressionByHash(saved.hash)).toBe(expression);
      expect(await store.mappings.expressionByHash('none')).toBeUndefined();
      // By name in byte order, then creation order for equal names.
      const b = await store.mappings.save({ name: 'a lower', sourceEntity: 'x', targetEntity: 'y', expression: '{}' });
      const c = await store.mappings.save({
        name: 'Customers',
        sourceEntity: 'x',
        targetEntity: 'y',
        expression: '{}',
      });
      expect((await store.mappings.list()).map((m) => m.id)).toEqual([saved.id, c.id, b.id]);
      expect((await rejection(store.mappings.get('gone'))).message).toBe('No mapping with id gone.');
    });

    it('keeps flows in creation order, checks their mapping and dependencies, and refuses removals others depend on', async () => {
      await open();
      const mapping = await store.mappings.save({
        name: 'Used',
        sourceEntity: 'customers',
        targetEntity: 'Accounts',
        graph: emptyGraph(),
        expression: '{}',
      });
      const accounts = await store.flows.saveFlow(flowInput(mapping.id, { name: 'Accounts' }));
      const orders = await store.flows.saveFlow(flowInput(mapping.id, { name: 'Orders', dependsOn: [accounts.id] }));
      const lines = await store.flows.saveFlow(
        flowInput(mapping.id, {
          name: 'Lines',
          source: {
            connectionId: infor,
            entity: 'orders',
            lookbackSeconds: 60,
            each: { path: 'lines', lineKey: ['PONR'] },
          },
          parent: { flowId: orders.id },
        }),
      );
      expect(lines.dependsOn).toEqual([orders.id]);
      expect((await store.flows.flows()).map((f) => f.name)).toEqual(['Accounts', 'Orders', 'Lines']);
      expect(await store.flows.flow(orders.id)).toEqual(orders);
      expect(await store.flows.findFlow('none')).toBeUndefined();
      expect((await rejection(store.flows.flow('none'))).code).toBe('E_NOT_FOUND');
      const stamps = await store.flows.stamps();
      expect(stamps.get(accounts.id)).toBe(accounts.updatedAt);

      const renamed = await store.flows.saveFlow({ ...accounts, name: 'Accounts 2' });
      expect(renamed.createdAt).toBe(accounts.createdAt);
      expect((await store.flows.flows()).map((f) => f.name)).toEqual(['Accounts 2', 'Orders', 'Lines']);

      expect((await rejection(store.flows.saveFlow(flowInput('gone')))).code).toBe('E_NOT_FOUND');
      expect(
        (await rejection(store.flows.saveFlow(flowInput(mapping.id, { dependsOn: ['nope' as FlowId] })))).code,
      ).toBe('E_NOT_FOUND');
      expect((await rejection(store.flows.saveFlow({ ...accounts, dependsOn: [accounts.id] }))).message).toBe(
        'A flow cannot depend on itself.',
      );
      expect(
        (await rejection(store.flows.saveFlow(flowInput(mapping.id, { parent: { flowId: orders.id } })))).code,
      ).toBe('E_INVALID_INPUT');

      expect(await rejection(store.flows.removeFlow(accounts.id))).toMatchObject({
        code: 'E_CONFLICT',
        message: 'The flow “Orders” depends on it; change that flow first.',
      });
      expect(await rejection(store.mappings.remove(mapping.id))).toMatchObject({
        code: 'E_CONFLICT',
        message: expect.stringContaining('Accounts 2'),
      });
      expect(await store.flows.removeFlow(lines.id)).toBe(true);
      expect(await store.flows.removeFlow(orders.id)).toBe(true);
      expect(await store.flows.removeFlow(accounts.id)).toBe(true);
      expect(await store.flows.removeFlow(accounts.id)).toBe(false);
      expect(await store.mappings.remove(mapping.id)).toBe(true);
      expect(await store.mappings.remove(mapping.id)).toBe(false);
    });
  });

  describe('settings', () => {
    it('gets, sets, overwrites and removes', async () => {
      await open();
      expect(await store.settings.get('audit.retentionDays')).toBeUndefined();
      await store.settings.set('audit.retentionDays', '30');
      await store.settings.set('audit.retentionDays', '14');
      expect(await store.settings.get('audit.retentionDays')).toBe('14');
      expect(await store.settings.remove('audit.retentionDays')).toBe(true);
      expect(await store.settings.remove('audit.retentionDays')).toBe(false);
    });
  });

  describe('transactions', () => {
    it('commits together, rolls back together, and nests as a savepoint', async () => {
      await open();
      await store.transaction(async (tx) => {
        await tx.settings.set('a', '1');
        await tx.idMap.upsert(
          flowId,
          { connectionId: 'c', entity: 'e' },
          [{ sourceKey: 'K', sourceStamp: 's', targetKey: 't', payloadHash: 'p' }],
          '2026-12-01T10:00:00.000Z',
        );
      });
      expect(await store.settings.get('a')).toBe('1');
      const failure = new Error('page failed');
      await expect(
        store.transaction(async (tx) => {
          const run = await tx.runs.startRun(input());
          await tx.audit.record(run.id, flowId, [audit('X')], '2026-12-01T10:00:00.000Z');
          await tx.settings.set('a', '2');
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await store.settings.get('a')).toBe('1');
      expect(await store.runs.runs()).toEqual([]);
      expect(await store.audit.lastAuditId()).toBe(0);

      await store.transaction(async (tx) => {
        await tx.settings.set('outer', 'kept');
        await expect(
          tx.transaction(async (inner) => {
            await inner.settings.set('inner', 'gone');
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await tx.settings.get('inner')).toBeUndefined();
      });
      expect(await store.settings.get('outer')).toBe('kept');
      expect(await store.settings.get('inner')).toBeUndefined();
    });

    it('commits a page (audit, id map, dead letters, counters) whole, and not at all once the run lost its flow', async () => {
      await open();
      const target = { connectionId: 'zoho-1', entity: 'Accounts' };
      // commitPage (sync/page-commit.ts) as it will read on the async contract.
      const commitPage = (runId: RunId, keys: string[]) =>
        store.transaction(async (tx) => {
          const now = new Date().toISOString();
          const ids = await tx.audit.record(
            runId,
            flowId,
            keys.map((key) => audit(key, { outcome: 'failed' })),
            now,
          );
          await tx.idMap.upsert(
            flowId,
            target,
            keys.map((key) => ({ sourceKey: key, sourceStamp: 's', targetKey: null, payloadHash: 'p' })),
            now,
          );
          await tx.audit.updateDeadLetters(
            flowId,
            runId,
            { add: keys.map((key) => ({ sourceKey: key, auditId: ids.get(key)! })), clear: [] },
            now,
          );
          await tx.runs.recordPage(
            runId,
            { counters: { ...emptyCounters(), read: keys.length, failed: keys.length }, calls: emptyCalls() },
            now,
          );
        });
      const { run } = await store.runs.claimAndStart(input(), { leaseMs: 30_000 });
      await commitPage(run.id, ['A', 'B']);
      expect((await store.runs.run(run.id)).counters.failed).toBe(2);
      expect((await store.audit.deadLetterKeys(flowId)).map((d) => d.sourceKey)).toEqual(['A', 'B']);

      // Another worker found it dead: its next page leaves nothing behind.
      await store.runs.claimAndStart(input(), { leaseMs: 30_000, now: Date.now() + 60_000 });
      const lastId = await store.audit.lastAuditId();
      expect((await rejection(commitPage(run.id, ['C']))).code).toBe('E_SYNC_LEASE_LOST');
      expect(await store.audit.auditSpan({ runId: run.id })).toMatchObject({ count: 2, lastId });
      expect((await store.idMap.entries(flowId, ['C'])).size).toBe(0);
      expect(await store.audit.deadLettersAmong(flowId, ['C'])).toEqual(new Set());
      expect((await store.runs.run(run.id)).counters.failed).toBe(2);
    });

    it("never lets another caller's statements into a transaction that awaits, nor roll back with it", async () => {
      await open();
      let outside: Promise<void> | undefined;
      await expect(
        store.transaction(async (tx) => {
          await tx.settings.set('inside', 'x');
          // Another caller writes while this transaction is open and waiting on something else.
          outside = store.settings.set('outside', 'kept');
          await new Promise((resolve) => setImmediate(resolve));
          await tx.settings.set('inside', 'y');
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await outside;
      expect(await store.settings.get('outside')).toBe('kept');
      expect(await store.settings.get('inside')).toBeUndefined();
    });

    it('refuses a transaction scope used after it ended', async () => {
      await open();
      let leaked: Parameters<Parameters<AsyncStore['transaction']>[0]>[0] | undefined;
      await store.transaction(async (tx) => {
        leaked = tx;
      });
      await expect(leaked!.settings.get('a')).rejects.toThrow();
    });
  });
});
