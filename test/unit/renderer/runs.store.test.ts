import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../shared/domain/run';
import { createRunsStore, refinePage } from '../../../renderer/src/features/runs/runs.store';
import { customersToZohoAccounts, rendererWorld, systemOf, type RendererWorld } from './support/sandbox-backend';

describe('runs store: history, audit, replay and export', () => {
  let world: RendererWorld;
  let failing: Run;
  beforeAll(async () => {
    world = rendererWorld();
    const workspace = await world.api.call('sandbox.openWorkspace', {});
    const infor = systemOf(workspace, 'infor');
    const zoho = systemOf(workspace, 'zoho');
    const mapping = await world.api.call('mappings.save', { name: 'Customers', sourceEntity: 'customers', targetEntity: 'Accounts', expression: customersToZohoAccounts });
    const flow = await world.api.call('flows.save', {
      name: 'Customers to Zoho',
      source: { connectionId: infor.connection.id, entity: 'customers', lookbackSeconds: 0 },
      mappingId: mapping.id,
      target: { connectionId: zoho.connection.id, entity: 'Accounts', matchKey: ['Infor_Customer_No'] },
    });
    await world.api.call('flows.run', { id: flow.id });
    // Force failures in the sandbox over its control API: the next upsert is refused, then 4 changed customers sync.
    const fault = { path: '/crm/v8/Accounts/upsert', method: 'POST', times: 1, status: 400, contentType: 'application/json', body: JSON.stringify({ data: [{ code: 'INVALID_DATA', details: { api_name: 'Phone' }, message: 'invalid data', status: 'error' }] }) };
    expect((await fetch(`${zoho.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify(fault) })).status).toBe(200);
    expect((await fetch(`${infor.url}/__sandbox/actions/modify`, { method: 'POST', body: JSON.stringify({ entity: 'customers', count: 4 }) })).status).toBe(200);
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
    const rest = await store.getState().replayRecords({ kind: 'all' }, 'current');
    expect(rest?.counters.read).toBe(failing.counters.failed - 1);
    expect(rest?.status).toBe('succeeded');
    expect(store.getState().replay.state).toBe('done');
    // Both replays joined the history.
    expect(store.getState().runs.filter((run) => run.trigger === 'replay')).toHaveLength(2);
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
});
