import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/domain/run';
import { createRunsStore, refinePage } from '../../../renderer/src/features/runs/runs.store';
import { describeRunScope, targetKeyOf } from '../../../renderer/src/features/runs/run-scope';
import { formatDateTime } from '../../../renderer/src/components/format';
import { customersToZohoAccounts, rendererWorld, systemOf, type RendererWorld } from './support/sandbox-backend';

describe('runs store: history, audit, replay and export', () => {
  let world: RendererWorld;
  let failing: Run;
  let flowId: Run['flowId'];
  let inforUrl: string;
  beforeAll(async () => {
    world = rendererWorld();
    const workspace = await world.api.call('sandbox.openWorkspace', {});
    const infor = systemOf(workspace, 'infor');
    const zoho = systemOf(workspace, 'zoho');
    const mapping = await world.api.call('mappings.save', {
      name: 'Customers',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      expression: customersToZohoAccounts,
    });
    const flow = await world.api.call('flows.save', {
      name: 'Customers to Zoho',
      source: { connectionId: infor.connection.id, entity: 'customers', lookbackSeconds: 0 },
      mappingId: mapping.id,
      target: { connectionId: zoho.connection.id, entity: 'Accounts', matchKey: ['Infor_Customer_No'] },
    });
    flowId = flow.id;
    inforUrl = infor.url;
    await world.api.call('flows.run', { id: flow.id });
    // Force failures in the sandbox over its control API: the next upsert is refused, then 4 changed customers sync.
    const fault = {
      path: '/crm/v8/Accounts/upsert',
      method: 'POST',
      times: 1,
      status: 400,
      contentType: 'application/json',
      body: JSON.stringify({
        data: [{ code: 'INVALID_DATA', details: { api_name: 'Phone' }, message: 'invalid data', status: 'error' }],
      }),
    };
    expect((await fetch(`${zoho.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify(fault) })).status).toBe(
      200,
    );
    expect(
      (
        await fetch(`${infor.url}/__sandbox/actions/modify`, {
          method: 'POST',
          body: JSON.stringify({ entity: 'customers', count: 4 }),
        })
      ).status,
    ).toBe(200);
    failing = await world.api.call('flows.run', { id: flow.id });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('lists runs newest first and opens one with its audit rows', async () => {
    const store = createRunsStore(world.api);
    await store.getState().refresh();
    expect(store.getState().runs[0]?.id).toBe(failing.id);
    expect(failing.counters.failed).toBeGreaterThan(0);
    await store.getState().openRun(failing.id);
    expect(store.getState().audit.total).toBe(failing.counters.read);
    await store.getState().setQuery({ outcome: 'failed' });
    const failed = store.getState().audit.items;
    expect(failed).toHaveLength(failing.counters.failed);
    expect(failed.every((row) => row.outcome === 'failed' && row.errorCode)).toBe(true);
    // The records exist in the target from the first run; nothing was written now, and the row says so.
    expect(
      failed.every((row) => targetKeyOf(row).existing === row.targetKey && targetKeyOf(row).written === undefined),
    ).toBe(true);
    expect(failed[0]!.targetKey).toBeTruthy();
    // The key filter goes to the backend; the text filter refines the page.
    await store.getState().setQuery({ key: failed[0]!.sourceKey });
    expect(store.getState().audit.items.map((row) => row.sourceKey)).toEqual([failed[0]!.sourceKey]);
    expect(refinePage(failed, String((failed[1]!.sourcePayload as { CUNM: string }).CUNM))).toHaveLength(1);
  });

  it('replays one failed record, then the rest, with the current mapping', async () => {
    const store = createRunsStore(world.api);
    await store.getState().refresh();
    await store.getState().openRun(failing.id);
    await store.getState().setQuery({ outcome: 'failed' });
    const [first] = store.getState().audit.items;
    const one = await store.getState().replayRecords({ kind: 'one', auditId: first!.id }, 'current');
    expect(one?.counters).toMatchObject({ read: 1, failed: 0 });
    expect(one?.trigger).toBe('replay');
    expect(one).toMatchObject({ replayOf: failing.id, replayMapping: 'current' });
    // The header says what a replay is instead of a watermark window.
    expect(describeRunScope(one!, failing).text).toBe(
      `Replay of run of ${formatDateTime(failing.startedAt)} · 1 record · current mapping`,
    );
    expect(describeRunScope(failing).text).toMatch(/^window /);
    // Opened without the history loaded, the store fetches the replay and the run it replayed.
    const cold = createRunsStore(world.api);
    await cold.getState().openRun(one!.id);
    expect(cold.getState().openedRun?.replayOf).toBe(failing.id);
    expect(cold.getState().related[failing.id]?.startedAt).toBe(failing.startedAt);
    expect(cold.getState().audit.items.map((row) => [row.sourceKey, row.attempt])).toEqual([[first!.sourceKey, 2]]);
    const rest = await store.getState().replayRecords({ kind: 'all' }, 'current');
    expect(rest?.counters.read).toBe(failing.counters.failed - 1);
    expect(rest?.status).toBe('succeeded');
    expect(store.getState().replay.state).toBe('done');
    // Both replays joined the history.
    expect(store.getState().runs.filter((run) => run.trigger === 'replay')).toHaveLength(2);
  });

  it('counts the lookups a dry run must do in its minimum, so looking records up is not flagged as waste', async () => {
    expect(
      (
        await fetch(`${inforUrl}/__sandbox/actions/modify`, {
          method: 'POST',
          body: JSON.stringify({ entity: 'customers', count: 25 }),
        })
      ).status,
    ).toBe(200);
    const dry = await world.api.call('flows.run', { id: flowId, dryRun: true });
    const { items } = await world.api.call('audit.list', { runId: dry.id, limit: 1000 });
    // Rows with a diff were compared with the target record: each needed a lookup.
    const lookedUp = items.filter((row) => row.diff !== null).length;
    expect(lookedUp).toBeGreaterThan(0);
    // Zoho's search carries ten match-key conditions per call.
    expect(dry.calls.targetMinimum).toBe(Math.ceil(lookedUp / 10));
    expect(dry.calls.target).toBeGreaterThanOrEqual(dry.calls.targetMinimum);
    expect(dry.calls.target / dry.calls.targetMinimum).toBeLessThanOrEqual(1.25);
  });

  it('exports the audit rows as CSV and JSON Lines', async () => {
    const store = createRunsStore(world.api);
    await store.getState().openRun(failing.id);
    const csv = await store.getState().exportAudit('csv');
    expect('content' in csv && csv.content.split('\r\n')[0]).toMatch(/^id,runId,sourceKey/);
    const jsonl = await store.getState().exportAudit('jsonl');
    expect('rows' in jsonl && jsonl.rows).toBe(failing.counters.read);
    expect(JSON.stringify(jsonl)).not.toMatch(/client_secret|refresh_token/);
  });

  it('exports to a file in the data folder, following audit.exportProgress', async () => {
    const store = createRunsStore(world.api);
    await store.getState().openRun(failing.id);
    const seen: Array<{ state: string; rows: number; total: number }> = [];
    const stop = store.subscribe((state) => seen.push({ ...state.exportFile }));
    await store.getState().exportAuditFile('jsonl');
    stop();
    const done = store.getState().exportFile;
    expect(done).toMatchObject({ state: 'done', rows: failing.counters.read });
    const lines = fs.readFileSync(done.path!, 'utf8').trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { runId: string }).runId)).toEqual(
      Array(failing.counters.read).fill(failing.id),
    );
    // The bar moved with the backend's pages before the export finished.
    expect(seen).toContainEqual({
      state: 'running',
      rows: failing.counters.read,
      total: failing.counters.read,
      fileName: done.fileName,
    });
    // Opening another run starts from a clean slate.
    await store.getState().openRun(failing.id);
    expect(store.getState().exportFile.state).toBe('idle');
  });
});
