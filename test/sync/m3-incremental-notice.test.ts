import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../electron/backend/util/log';
import { customerToZohoAccount, syncWorld, type SyncWorld } from './support/sync-harness';

// When M3's LMTS is in no recognised form, an incremental run reads by change date with a look-back
// and the run says so (a warning with the flow and run), instead of silently scanning everything.
describe('M3 incremental sync tells the user when the change stamp is not used', () => {
  let world: SyncWorld;
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (message, fields) => void warnings.push({ message, fields }),
  };

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 120 } }, backend: { logger } });
  }, 60_000);
  afterAll(async () => world?.close());

  it('stock tenant: the second run reads only changed customers by LMTS, with no notice', async () => {
    const flow = await world.flow({ name: 'Stock', expression: customerToZohoAccount });
    expect((await world.api.call('flows.run', { id: flow.id })).counters.read).toBe(120);
    world.infor.control.modify('customers', 3);
    warnings.length = 0;
    const second = await world.api.call('flows.run', { id: flow.id });
    expect(second.status).toBe('succeeded');
    // The 3 changed ones, plus at most the record at the watermark itself (`>=`).
    expect(second.counters.read).toBeGreaterThanOrEqual(3);
    expect(second.counters.read).toBeLessThanOrEqual(4);
    expect(warnings.filter((warning) => /M3|LMTS|LMDT|incremental/.test(warning.message))).toEqual([]);
    expect(second.notes).toEqual([]);
  });

  it('unrecognised LMTS: the run reads by LMDT with a look-back and warns once, naming flow and run', async () => {
    world.infor.control.setBehaviour({ m3StampForm: 'garbage' });
    const flow = await world.flow({ name: 'Garbage stamps', expression: customerToZohoAccount });
    expect((await world.api.call('flows.run', { id: flow.id })).status).toBe('succeeded');
    world.infor.control.modify('customers', 2);
    warnings.length = 0;
    const second = await world.api.call('flows.run', { id: flow.id });
    expect(second.status).toBe('succeeded');
    expect(second.counters.read).toBeGreaterThanOrEqual(2);
    const notices = warnings.filter((warning) => /OKLMDT/.test(warning.message));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.message).toMatch(/customers: the change stamp OKLMTS is in no recognised form/);
    expect(notices[0]?.fields).toMatchObject({ flow: flow.id, run: second.id });
    // Kept with the run, so the Runs screen says it where the person looks.
    expect(second.notes).toEqual([notices[0]?.message]);
  });
});
