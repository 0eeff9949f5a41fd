import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateIsolated } from '../../electron/backend/mapping/mapping-pool';
import { syncService } from '../../electron/backend/sync/sync.service';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

/**
 * A mapping that runs away on one record (memory, time) fails that record with a reason and the
 * run writes every other record; the engine (this test process) lives on. Before the mapping
 * pool, `$pad("", 400000000)` aborted the process with a fatal V8 error and a backtracking regex
 * froze the run.
 */
const base = customerToZohoAccount.replace(/\}$/, '');
const guilty = 'C0000005';

async function runWith(world: SyncWorld, name: string, extra: string) {
  const flow = await world.flow({
    name,
    expression: `${base},\n  "Description": CUNO = "${guilty}" ? ${extra} : "ok"\n}`,
  });
  const run = await world.api.call('flows.run', { id: flow.id });
  const failed = await world.api.call('audit.list', { runId: run.id, outcome: 'failed' });
  const dead = syncService(world.backend.context).audit.deadLetterKeys(flow.id);
  return { run, failed: failed.items, dead: dead.map((entry) => entry.sourceKey) };
}

describe('a runaway mapping fails one record, never the engine', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 30 } } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('dead-letters the record whose output is a 400-million-character text', async () => {
    const { run, failed, dead } = await runWith(world, 'Huge pad', '$pad("", 400000000)');
    expect(run.status).toBe('partial');
    expect(run.counters.failed).toBe(1);
    expect(run.counters.created).toBe(29);
    expect(failed.map((row) => [row.sourceKey, row.errorCode])).toEqual([[guilty, 'E_MAPPING_MEMORY']]);
    expect(failed[0]!.errorMessage).toMatch(/more than 16 MB/);
    expect(dead).toEqual([guilty]);
    expect(world.zoho.inspect.findBy('Accounts', 'Infor_Customer_No', 'C0000006')).toBeDefined();
  }, 120_000);

  it('dead-letters the record whose mapping fills the worker’s heap', async () => {
    // Twenty flat 20 MB texts: 400 MB in a 256 MB heap. jsonata's own time box is raised so the heap limit is what stops it.
    const expression = `CUNO = "${guilty}" ? $count([1..20].$uppercase($pad("", 20000000) & $)) : CUNO`;
    const records = Array.from({ length: 6 }, (_, index) => ({ CUNO: `C000000${index + 1}` }));
    const results = await evaluateIsolated(expression, records, { timeoutMs: 120_000 });
    expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'E_MAPPING_MEMORY',
      'ok',
    ]);
    expect(results[4]).toMatchObject({ ok: false, error: { message: expect.stringMatching(/more than 256 MB/) } });
  }, 120_000);

  it('stops a record that never finishes (E_MAPPING_TIMEOUT) and writes the others', async () => {
    // $distinct compares every pair inside one jsonata step: jsonata's own time box never gets to run.
    const { run, failed, dead } = await runWith(world, 'Endless', '$string($count($distinct([1..300000])))');
    expect(run.counters.failed).toBe(1);
    expect(run.counters.created + run.counters.updated).toBe(29);
    expect(failed.map((row) => [row.sourceKey, row.errorCode])).toEqual([[guilty, 'E_MAPPING_TIMEOUT']]);
    expect(failed[0]!.errorMessage).toMatch(/was stopped/);
    expect(dead).toEqual([guilty]);
  }, 120_000);

  it('runs a catastrophic regex in linear time, with the right answer', async () => {
    const flow = await world.flow({
      name: 'Regex',
      expression: `${base},\n  "Description": $exists($match(CUNO & "${'a'.repeat(40)}!", /(a+)+$/)) ? "matched" : "no match"\n}`,
    });
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.status).toBe('succeeded');
    expect(run.counters.failed).toBe(0);
    const written = world.zoho.inspect.findBy('Accounts', 'Infor_Customer_No', 'C0000001');
    expect(written?.Description).toBe('no match');
  }, 120_000);
});
