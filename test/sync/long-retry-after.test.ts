import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunProgress } from '../../shared/domain/run';
import type { Logger } from '../../electron/backend/util/log';
import type { EngineClock } from '../../electron/backend/sync/resilience';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../sandbox/dynamics/index';
import { readFixture } from '../support/paths';
import { syncWorld, type SyncWorld } from './support/sync-harness';

// Dataverse service protection answers 429 with a Retry-After that can be minutes (API-FACTS §5.4,
// §10; fixtures/dynamics/error_429_service_protection.json). The HTTP client waits up to its limit
// (5 s in tests, 120 s in the app) and fails the call beyond it: the run then pauses until the time
// the system gave, with no calls meanwhile, and carries on from its last committed page. The engine's
// clock is injected: its sleeps end at once and advance the clock, so nothing here waits minutes.
const serviceProtection = readFixture('dynamics', 'error_429_service_protection.json');
const expression =
  '{ "mlc_inforcustomerno": CUNO, "name": CUNM, "accountnumber": CUNO, "address1_city": TOWN, "telephone1": PHNO }';

describe('a Retry-After longer than the HTTP client waits pauses the run', () => {
  let world: SyncWorld;
  let dynamics: DynamicsSandbox;
  let now = Date.parse('2026-03-02T09:00:00Z');
  const sleeps: number[] = [];
  const clock: EngineClock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (message, fields) => void warnings.push({ message, fields }),
  };

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 250 } }, backend: { logger, syncClock: clock } });
    dynamics = await startDynamicsSandbox();
  }, 60_000);
  afterAll(async () => {
    await dynamics?.close();
    await world?.close();
  });

  it('waits the time given, calls nothing meanwhile, shows “paused until” and finishes every record', async () => {
    const settings = dynamics.connection();
    const target = await world.api.call('connections.create', {
      system: 'dynamics',
      name: settings.name,
      settings: settings.settings,
      secrets: settings.secrets,
      sandbox: true,
    });
    const mapping = await world.api.call('mappings.save', {
      name: 'To Dataverse',
      sourceEntity: 'customers',
      targetEntity: 'account',
      expression,
    });
    const flow = await world.api.call('flows.save', {
      name: 'To Dataverse',
      source: { connectionId: world.source.id, entity: 'customers', lookbackSeconds: 0 },
      mappingId: mapping.id,
      target: { connectionId: target.id, entity: 'account', matchKey: ['mlc_inforcustomerno'] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false, pageSize: 100 },
      paused: false,
    });
    const before = dynamics.inspect.records('account').length;
    const progress: RunProgress[] = [];
    const unsubscribe = world.backend.context.events.subscribe((event, payload) => {
      if (event === 'sync.progress') progress.push(payload as RunProgress);
    });
    // The second page's write is refused twice with a five-minute Retry-After.
    let batches = 0;
    dynamics.control.addFault({
      id: 'service-protection',
      pathRegex: '\\$batch',
      method: 'POST',
      status: 429,
      retryAfter: 300,
      times: 2,
      after: 1,
      contentType: 'application/json; charset=utf-8',
      body: serviceProtection,
    });
    const run = await world.api.call('flows.run', { id: flow.id });
    unsubscribe();
    batches = dynamics.control.stats().routes['Dataverse $batch']?.total ?? 0;

    expect(run.status).toBe('succeeded');
    expect(dynamics.inspect.records('account').length - before).toBe(250);
    // Two pauses of exactly the time Dataverse gave; no retry every few seconds in between.
    expect(sleeps).toEqual([300_000, 300_000]);
    expect(dynamics.control.stats().byStatus['429']).toBe(2);
    expect(batches).toBe(3 + 2);
    const paused = progress.filter((event) => event.phase === 'paused');
    expect(paused.map((event) => event.pausedUntil)).toEqual(['2026-03-02T09:05:00.000Z', '2026-03-02T09:10:00.000Z']);
    expect(warnings.filter((warning) => warning.message === 'the system asked to wait; run paused')).toHaveLength(2);
    expect(warnings.some((warning) => warning.message.startsWith('target call interrupted'))).toBe(false);
  }, 120_000);

  it('pauses a source read the same way and reads on from the last committed page', async () => {
    sleeps.length = 0;
    warnings.length = 0;
    const flow = await world.flow({
      name: 'Paused read',
      expression: '{ "Infor_Customer_No": CUNO, "Account_Name": CUNM }',
      pageSize: 100,
    });
    world.infor.control.addFault({
      id: 'gateway-quota',
      pathRegex: 'm3api-rest',
      status: 429,
      retryAfter: 600,
      times: 1,
      after: 1,
    });
    const run = await world.api.call('flows.run', { id: flow.id });
    expect(run.status).toBe('succeeded');
    expect(sleeps).toEqual([600_000]);
    expect(run.counters).toMatchObject({ read: 250, created: 250, failed: 0 });
    expect(world.zoho.inspect.count('Accounts')).toBe(250);
    expect(world.infor.control.stats().byStatus['429']).toBe(1);
  }, 120_000);
});
