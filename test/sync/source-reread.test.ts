import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../electron/backend/util/log';
import { syncService } from '../../electron/backend/sync/sync.service';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

// A source storm that outlasts the HTTP client's own retries ends one read of the window; the engine
// reads the window again, skipping what the run already committed, up to `attempts` reads in all.
const customers = 600;
const attempts = 3;
const interrupted = 'source read interrupted; re-reading the window';

describe('a source read interrupted by a storm', () => {
  let world: SyncWorld;
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  // Set by a test: runs on every interruption, while the engine decides whether to read again.
  let onInterrupted: (() => void) | undefined;
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (message, fields) => {
      warnings.push({ message, fields });
      if (message === interrupted) onInterrupted?.();
    },
  };
  const interruptions = () => warnings.filter((warning) => warning.message === interrupted);

  beforeAll(async () => {
    world = await syncWorld({
      infor: { counts: { customers } },
      backend: { logger, syncResilience: { attempts, initialDelayMs: 20, maxDelayMs: 40 } },
    });
  }, 60_000);
  afterAll(async () => world?.close());

  const reset = () => {
    warnings.length = 0;
    onInterrupted = undefined;
    world.infor.control.clearFaults();
    world.infor.control.resetStats();
  };

  it('reads the window again and writes each record once', async () => {
    reset();
    const flow = await world.flow({ name: 'Reread', expression: customerToZohoAccount, pageSize: 100 });
    // 429s (they never open the breaker) from the third page on, more than one call's retries take.
    world.infor.control.setFaults([{ id: 'storm', pathRegex: 'm3api-rest', status: 429, after: 2, times: 8 }]);
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(interruptions().length).toBeGreaterThanOrEqual(1);
    expect(interruptions().length).toBeLessThan(attempts);
    expect(interruptions()[0]?.fields).toMatchObject({ flow: flow.id, attempt: 1 });
    expect(world.infor.control.stats().faultsHit).toBe(8);
    // Pages committed before the storm are skipped on the second read: nothing counted or audited twice.
    expect(run.counters).toMatchObject({ read: customers, created: customers, failed: 0 });
    const audit = await world.api.call('audit.list', { runId: run.id, limit: customers + 1 });
    expect(audit.total).toBe(customers);
    expect(new Set(audit.items.map((row) => row.sourceKey)).size).toBe(customers);
    expect(world.zoho.inspect.count('Accounts')).toBe(customers);
  }, 120_000);

  it('gives up after `attempts` reads with the storm’s error', async () => {
    reset();
    const flow = await world.flow({ name: 'Endless storm', expression: customerToZohoAccount, pageSize: 100 });
    world.infor.control.setFaults([{ id: 'endless', pathRegex: 'm3api-rest', status: 429 }]);
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('E_RATE_LIMITED');
    expect(interruptions().map((warning) => warning.fields?.attempt)).toEqual([1, 2]);
  }, 120_000);

  it('reads no more once the run is cancelled', async () => {
    reset();
    const flow = await world.flow({ name: 'Cancelled in a storm', expression: customerToZohoAccount, pageSize: 100 });
    world.infor.control.setFaults([{ id: 'endless', pathRegex: 'm3api-rest', status: 429 }]);
    onInterrupted = () => syncService(world.backend.context).engine.cancel(flow.id);
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.status).not.toBe('succeeded');
    expect(interruptions()).toHaveLength(1);
  }, 120_000);
});
