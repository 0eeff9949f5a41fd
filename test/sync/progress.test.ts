import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunProgress } from '../../shared/domain/run';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

describe('progress events', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 3000 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('reports phases, counts and, once a full read is known, a total and an ETA', async () => {
    const flow = await world.flow({ name: 'Progress', expression: customerToZohoAccount, pageSize: 250 });
    const events: RunProgress[] = [];
    const finished: string[] = [];
    const stop = world.api.on('sync.progress', (event) => events.push(event));
    const stopRuns = world.api.on('runs.changed', (event) => finished.push(event.status));

    const dry = await world.api.call('flows.run', { id: flow.id, dryRun: true });
    const dryEvents = events.filter((event) => event.runId === dry.id);
    expect(dryEvents[0]!.total).toBeNull();
    expect(dryEvents.map((event) => event.phase)).toContain('transforming');
    expect(dryEvents.at(-1)).toMatchObject({ phase: 'done', done: 3000 });

    const run = await world.api.call('flows.run', { id: flow.id });
    stop();
    stopRuns();
    const runEvents = events.filter((event) => event.runId === run.id);
    // The dry run was a full read of 3,000: the real run's bar knows its size from the start.
    expect(runEvents[0]!.total).toBe(3000);
    expect(runEvents.map((event) => event.phase)).toEqual(
      expect.arrayContaining(['reading', 'transforming', 'writing', 'done']),
    );
    const counts = runEvents.map((event) => event.done);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(runEvents.at(-1)).toMatchObject({ phase: 'done', done: 3000, counters: { created: 3000 } });
    expect(runEvents.some((event) => event.etaSeconds !== null && event.recordsPerSecond > 0)).toBe(true);
    expect(finished).toEqual(['succeeded', 'succeeded']);
  }, 120_000);
});
