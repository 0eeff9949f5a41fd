import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../electron/backend/util/log';
import { targetInterrupted } from '../../electron/backend/sync/resilience';
import { syncService } from '../../electron/backend/sync/sync.service';
import { syncTargetKeys } from '../../electron/backend/sync/targeted-sync';
import { customerToZohoAccount, fastBackend, syncWorld, type SyncWorld } from './support/sync-harness';

// `attempts` means the same for both retries of the engine: tries in all, the first one included.
// Endless storms (429s, which never open the breaker) on either side show the exact count; the HTTP
// client does not retry on its own here, so each of the engine's tries is one call the simulator counts.
const attempts = 3;
const readInterrupted = 'source read interrupted; re-reading the window';

describe('the engine makes `attempts` tries in all, for a page write as for a read of the window', () => {
  let world: SyncWorld;
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (message, fields) => void warnings.push({ message, fields }),
  };
  const retriesOf = (message: string) =>
    warnings.filter((warning) => warning.message === message).map((warning) => warning.fields?.attempt);

  beforeAll(async () => {
    world = await syncWorld({
      infor: { counts: { customers: 30 } },
      backend: {
        logger,
        syncResilience: { attempts, initialDelayMs: 20, maxDelayMs: 40 },
        connectorDefaults: { http: { ...fastBackend.connectorDefaults.http, maxRetries: 0 } },
      },
    });
  }, 60_000);
  afterAll(async () => world?.close());

  const reset = () => {
    warnings.length = 0;
    world.infor.control.clearFaults();
    world.zoho.control.clearFaults();
    world.infor.control.resetStats();
    world.zoho.control.resetStats();
  };

  it('writes a batch `attempts` times, then fails the run with the storm’s error', async () => {
    reset();
    const flow = await world.flow({ name: 'Endless write storm', expression: customerToZohoAccount, pageSize: 100 });
    world.zoho.control.setFaults([{ id: 'endless', pathRegex: '/upsert', method: 'POST', status: 429 }]);
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('E_RATE_LIMITED');
    // Three writes of the batch in all (there used to be four for each of three reads of the window).
    expect(world.zoho.control.stats().faultsHit).toBe(attempts);
    expect(retriesOf(targetInterrupted)).toEqual([1, 2]);
    expect(retriesOf(readInterrupted)).toEqual([]);
    expect(world.zoho.inspect.count('Accounts')).toBe(0);
  }, 120_000);

  it('makes a dry run’s lookups `attempts` times too, without reading the window again', async () => {
    reset();
    const flow = await world.flow({ name: 'Dry run in a storm', expression: customerToZohoAccount, pageSize: 100 });
    world.zoho.control.setFaults([{ id: 'endless', pathRegex: '/search', method: 'GET', status: 429 }]);
    const run = await world.api.call('flows.run', { id: flow.id, dryRun: true });
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('E_RATE_LIMITED');
    expect(world.zoho.control.stats().faultsHit).toBe(attempts);
    expect(retriesOf(targetInterrupted)).toEqual([1, 2]);
    expect(retriesOf(readInterrupted)).toEqual([]);
  }, 120_000);

  it('reads the window `attempts` times, then fails the run with the storm’s error', async () => {
    reset();
    const flow = await world.flow({ name: 'Endless read storm', expression: customerToZohoAccount, pageSize: 100 });
    world.infor.control.setFaults([{ id: 'endless', pathRegex: 'm3api-rest', status: 429 }]);
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('E_RATE_LIMITED');
    expect(world.infor.control.stats().faultsHit).toBe(attempts);
    expect(retriesOf(readInterrupted)).toEqual([1, 2]);
    expect(retriesOf(targetInterrupted)).toEqual([]);
  }, 120_000);

  it('writes once a storm shorter than `attempts` tries is over', async () => {
    reset();
    const flow = await world.flow({ name: 'Short write storm', expression: customerToZohoAccount, pageSize: 100 });
    world.zoho.control.setFaults([
      { id: 'short', pathRegex: '/upsert', method: 'POST', status: 429, times: attempts - 1 },
    ]);
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.status).toBe('succeeded');
    expect(retriesOf(targetInterrupted)).toEqual([1, 2]);
    expect(world.zoho.inspect.count('Accounts')).toBe(30);
  }, 120_000);

  it('resends a targeted sync (a Zoho notification) with the host’s `attempts` too, not the defaults', async () => {
    reset();
    const flow = await world.flow({ name: 'Notified', expression: customerToZohoAccount, pageSize: 100 });
    expect((await world.api.call('flows.run', { id: flow.id })).status).toBe('succeeded');
    const written = (await world.api.call('audit.list', { flowId: flow.id, limit: 1 })).items[0]!;
    // A Zoho user edits the account: the targeted sync re-asserts what Infor says, into a storm.
    world.zoho.control.modify('Accounts', [written.targetKey!], { Account_Name: 'Changed by a user' });
    world.zoho.control.setFaults([{ id: 'endless', pathRegex: '/upsert', method: 'POST', status: 429 }]);
    const run = await syncTargetKeys(syncService(world.backend.context).deps, flow.id, [written.targetKey!]);
    expect(run).toMatchObject({ trigger: 'notification', status: 'failed', error: { code: 'E_RATE_LIMITED' } });
    expect(world.zoho.control.stats().faultsHit).toBe(attempts);
    expect(retriesOf(targetInterrupted)).toEqual([1, 2]);
  }, 120_000);
});
