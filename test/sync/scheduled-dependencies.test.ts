import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedules, syncService } from '../../electron/backend/sync/sync.service';
import { designInforToZoho, type Designed } from '../bundle/support/infor-to-zoho';
import { until } from '../bundle/support/mlc-process';
import { syncWorld, type SyncWorld } from './support/sync-harness';

const everySecond = { kind: 'cron' as const, cron: '* * * * * *', timeZone: 'UTC' };

/**
 * Orders reference their accounts. When both are scheduled on the same tick, the orders
 * flow must wait for the accounts flow (as a pass does), or its orders look up accounts that
 * do not exist yet and fail: the flakiness `mlc serve`'s test showed under load.
 */
describe('a scheduled flow waits for the flows it depends on', () => {
  let world: SyncWorld;
  let designed: Designed;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 30, salesOrders: 30 } } });
    designed = await designInforToZoho(world.api, world.source, world.target, {
      accounts: everySecond,
      orders: everySecond,
    });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it('starts the orders flow only after a finished accounts run, so no order fails for a missing account', async () => {
    const { runs } = syncService(world.backend.context);
    startSchedules(world.backend.context);
    await until(
      'two runs of each flow',
      () => {
        const all = runs.runs({ limit: 100 }).filter((run) => run.status !== 'running');
        const count = (flowId: string) => all.filter((run) => run.flowId === flowId).length;
        return count(designed.accounts.id) >= 2 && count(designed.orders.id) >= 2 ? true : undefined;
      },
      60_000,
    );
    syncService(world.backend.context).scheduler.stop();
    await syncService(world.backend.context).engine.drain();

    const all = runs.runs({ limit: 100 });
    const accounts = all.filter((run) => run.flowId === designed.accounts.id);
    const orders = all.filter((run) => run.flowId === designed.orders.id);
    const firstAccounts = accounts.at(-1)!;
    const firstOrders = orders.at(-1)!;
    expect(firstAccounts.status).toBe('succeeded');
    // The first orders run started after the first accounts run had finished.
    expect(Date.parse(firstOrders.startedAt)).toBeGreaterThanOrEqual(Date.parse(firstAccounts.finishedAt!));
    expect(orders.every((run) => run.counters.failed === 0)).toBe(true);
    expect(orders.reduce((sum, run) => sum + run.counters.created, 0)).toBe(30);
    expect(world.zoho.inspect.count('Sales_Orders')).toBe(30);
  }, 90_000);
});
