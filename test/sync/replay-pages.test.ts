import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AsyncAuditRepository } from '../../electron/backend/store/async-store';
import { replayRecords } from '../../electron/backend/sync/replay';
import { syncService } from '../../electron/backend/sync/sync.service';
import type { RecordAudit } from '../../shared/domain/run';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

// Every account points at a parent Zoho does not have: the target refuses each record.
const refused = customerToZohoAccount.replace(
  '"Phone": PHNO',
  '"Phone": PHNO, "Parent_Account": { "id": "404000000000404" }',
);

describe('replay and export of a large run, in pages', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 2300 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('replays a large dead-letter set a page at a time, each record once', async () => {
    const flow = await world.flow({ name: 'All refused', expression: refused, bulkThreshold: 0 });
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.counters).toMatchObject({ read: 2300, failed: 2300 });

    const deps = syncService(world.backend.context).deps;
    const pages: number[] = [];
    const steps: string[] = [];
    // The real repository, watched: how many failed rows each replay page loaded.
    const audit = new Proxy(deps.audit, {
      get(target, property, receiver) {
        if (property === 'auditsByIds')
          return (ids: number[]): Promise<RecordAudit[]> => {
            pages.push(ids.length);
            steps.push('load');
            return target.auditsByIds(ids);
          };
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as AsyncAuditRepository;
    // The real store, watched: when each page commits.
    const store = new Proxy(deps.store, {
      get(target, property, receiver) {
        if (property === 'transaction')
          return (work: Parameters<typeof target.transaction>[0]) => {
            steps.push('commit');
            return target.transaction(work);
          };
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as typeof deps.store;
    const again = await replayRecords({ ...deps, audit, store }, { runId: run.id, mapping: 'original' });
    // The next page is loaded (and transformed) while the first one writes, before it commits.
    expect(steps.indexOf('commit')).toBeGreaterThan(steps.indexOf('load', 1));
    expect(steps.filter((step) => step === 'commit')).toHaveLength(3);
    // Every failure once, though each one failing again moved its dead letter further along the walk.
    expect(again.counters).toMatchObject({ read: 2300, failed: 2300 });
    expect(pages).toEqual([1000, 1000, 300]);
    const rows = await world.api.call('audit.list', { runId: again.id, limit: 1000 });
    expect(rows.total).toBe(2300);
    expect(rows.items.every((row) => row.attempt === 2)).toBe(true);

    // The original run's failures are still the dead letters to replay: again each once, at attempt 3.
    const third = await world.api.call('runs.replay', { runId: run.id, mapping: 'original' });
    expect(third.counters).toMatchObject({ read: 2300, failed: 2300 });
    const latest = await world.api.call('audit.list', { runId: third.id, limit: 1 });
    expect(latest.items[0]!.attempt).toBe(3);
  }, 180_000);

  it('exports a run to a file in the data folder with progress events', async () => {
    const run = (await world.api.call('runs.list', {})).find((candidate) => candidate.counters.read === 2300)!;
    const events: Array<{ rows: number; total: number; done: boolean }> = [];
    const stop = world.api.on('audit.exportProgress', (event) => events.push(event));
    const result = await world.api.call('audit.exportFile', { runId: run.id, format: 'csv' });
    stop();
    expect(result.path.startsWith(world.dataDir)).toBe(true);
    expect(result.rows).toBe(2300);
    // The same text as the in-memory export.
    const inline = await world.api.call('audit.export', { runId: run.id, format: 'csv' });
    expect(fs.readFileSync(result.path, 'utf8')).toBe(inline.content);
    expect(result.fileName).toBe(inline.fileName);
    expect(result.bytes).toBe(fs.statSync(result.path).size);
    expect(events.map((event) => [event.rows, event.total, event.done])).toEqual([
      [1000, 2300, false],
      [2000, 2300, false],
      [2300, 2300, false],
      [2300, 2300, true],
    ]);
  }, 60_000);
});
