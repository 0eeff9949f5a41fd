import { afterEach, describe, expect, it } from 'vitest';
import type { FlowId } from '../../shared/domain/flow';
import { AppError } from '../../shared/errors';
import { commitPage, type PageCommit } from '../../electron/backend/sync/page-commit';
import { emptyCalls, emptyCounters } from '../../electron/backend/sync/runs.repository';
import { testBackend } from '../support/backend';

const disposals: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of disposals.splice(0)) await dispose();
});

const asyncStores = new WeakMap<object, import('../../electron/backend/store/async-store').AsyncStore>();
function store() {
  const { backend, dispose } = testBackend();
  disposals.push(dispose);
  asyncStores.set(backend.context.store, backend.context.asyncStore);
  return backend.context.store;
}

/** What the engine passes: the async store over the same SQLite database (its transaction hands out `tx`). */
const engineDeps = (s: ReturnType<typeof store>) => ({ store: asyncStores.get(s)! });

const flowId = 'flow-page-commit' as FlowId;
const target = { connectionId: 'target', entity: 'Accounts' };
const audit = (sourceKey: string, outcome: 'created' | 'failed') => ({
  sourceKey,
  sourceStamp: '2030-01-01T00:00:00Z',
  sourcePayload: { key: sourceKey },
  sourceRaw: null,
  transformedPayload: null,
  targetKey: outcome === 'failed' ? null : `T-${sourceKey}`,
  outcome,
  errorCode: outcome === 'failed' ? 'E_TARGET_REJECTED' : null,
  errorMessage: null,
  attempt: 1,
  mappingHash: 'h',
  diff: null,
});
const page = (): PageCommit => ({
  audits: [audit('A', 'created'), audit('B', 'failed')],
  idMap: [{ sourceKey: 'A', sourceStamp: '2030-01-01T00:00:00Z', targetKey: 'T-A', payloadHash: 'p' }],
  deadLetters: { add: ['B'], clear: [] },
  counters: { ...emptyCounters(), read: 2, created: 1, failed: 1 },
  calls: emptyCalls(),
});
const start = (s: ReturnType<typeof store>) =>
  s.runs.startRun({ flowId, trigger: 'manual', dryRun: false, windowFrom: null, mappingHash: 'h' });

describe('a page commit spans the runs, audit and id-map repositories in one transaction', () => {
  it('writes the audit rows, id map, dead letters and counters together', async () => {
    const s = store();
    const run = start(s);
    await commitPage(engineDeps(s), run.id, flowId, target, page());
    expect(s.audit.audits({ runId: run.id }).items.map((row) => [row.sourceKey, row.outcome])).toEqual([
      ['A', 'created'],
      ['B', 'failed'],
    ]);
    expect(s.idMap.entries(flowId, ['A']).get('A')?.targetKey).toBe('T-A');
    const failed = s.audit.audits({ runId: run.id, outcome: 'failed' }).items[0]!;
    expect(s.audit.deadLetterKeys(flowId)).toEqual([{ sourceKey: 'B', auditId: failed.id }]);
    expect(s.runs.run(run.id).counters).toMatchObject({ read: 2, created: 1, failed: 1 });
  });

  it('leaves none of them when the run no longer holds its flow', async () => {
    const s = store();
    const run = start(s);
    s.runs.finishRun(run.id, { status: 'cancelled', windowTo: null, counters: emptyCounters(), calls: emptyCalls() });
    let error: unknown;
    try {
      await commitPage(engineDeps(s), run.id, flowId, target, page());
    } catch (caught) {
      error = caught;
    }
    expect(error instanceof AppError && error.code).toBe('E_SYNC_LEASE_LOST');
    expect(s.audit.audits({ runId: run.id }).total).toBe(0);
    expect(s.idMap.entries(flowId, ['A']).size).toBe(0);
    expect(s.audit.deadLetterKeys(flowId)).toEqual([]);
  });

  it('rolls back every repository write made inside Store.transaction when it throws', () => {
    const s = store();
    expect(() =>
      s.transaction(() => {
        s.settings.set('test.key', 'value');
        s.connections.create({ system: 'zendesk', name: 'Zendesk', settings: {}, sandbox: false });
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(s.settings.get('test.key')).toBeUndefined();
    expect(s.connections.list()).toEqual([]);
  });
});
