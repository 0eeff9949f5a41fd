import { describe, expect, it } from 'vitest';
import { createBackend } from '../../electron/backend/backend';
import { syncService } from '../../electron/backend/sync/sync.service';
import type { ServeMetrics } from '../../electron/backend/runtime/serve-metrics';
import { jsonLines, until } from '../bundle/support/mlc-process';
import { servedBundle, startServe } from '../support/served-bundle';

describe('mlc serve', () => {
  const served = servedBundle('Every second', {
    prefix: 'mlc-serve-',
    world: { infor: { counts: { customers: 20, salesOrders: 20 } } },
  });

  it('runs two scheduled flows for several cycles, serves health and metrics, receives Zoho notifications, and stops cleanly on SIGTERM', async () => {
    const { world, designed } = served;
    const serve = startServe(served);
    const { child, exited } = serve;
    try {
      const url = await serve.listening();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      // Three finished scheduled runs of each flow, seen as each one's last run: a total of six could be
      // four and two when a slow machine makes one flow skip ticks while it is still running.
      const seen = new Map<string, Set<string>>();
      const metrics = await until(
        'three finished scheduled runs of each flow',
        async () => {
          const snapshot = (await (await fetch(`${url}/metrics.json`)).json()) as ServeMetrics;
          for (const flow of snapshot.flows) {
            const last = flow.lastRun;
            if (last?.trigger === 'schedule' && last.finishedAt)
              seen.set(flow.id, (seen.get(flow.id) ?? new Set()).add(last.id));
          }
          return snapshot.flows.length === 2 && snapshot.flows.every((flow) => (seen.get(flow.id)?.size ?? 0) >= 3)
            ? snapshot
            : undefined;
        },
        60_000,
      );
      expect(metrics.records.created).toBe(40);
      expect(metrics.failures.runs).toBe(0);
      expect(metrics.flows.map((flow) => flow.name)).toEqual(['Customers to accounts', 'Sales orders']);
      expect(metrics.flows.every((flow) => flow.nextRun !== null)).toBe(true);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { status: string }).status).toBe('ok');
      const prometheus = await (await fetch(`${url}/metrics`)).text();
      expect(prometheus).toMatch(/^mlc_runs_total\{flow="Sales orders",status="succeeded"\} \d+$/m);
      expect(prometheus).toMatch(/^mlc_flow_next_run_timestamp_seconds\{flow="Sales orders"\} \d+$/m);

      // The receiver: a watch channel on the module the flows write; a forged callback is refused.
      const [channel] = world.zoho.inspect.watches();
      expect(channel?.events).toEqual(['Accounts.edit', 'Sales_Orders.edit']);
      const forged = await fetch(`${url}/zoho/notify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          channel_id: channel!.channel_id,
          token: 'forged',
          module: 'Accounts',
          ids: ['1'],
          operation: 'update',
        }),
      });
      expect(forged.status).toBe(403);
      // A Zoho user edits a synced account: the notification re-asserts what Infor says.
      const account = world.zoho.inspect.findBy('Accounts', 'Infor_Customer_No', 'C0000005')!;
      const original = account.Account_Name;
      world.zoho.control.modify('Accounts', [String(account.id)], { Account_Name: 'Renamed in Zoho' });
      await until('the account to be re-asserted', () =>
        world.zoho.inspect.findBy('Accounts', 'Infor_Customer_No', 'C0000005')!.Account_Name === original
          ? true
          : undefined,
      );
      // The target holds the value once the write is answered; the run is counted after its commit.
      const afterNotification = await until('the targeted sync to be counted', async () => {
        const metrics = (await (await fetch(`${url}/metrics.json`)).json()) as ServeMetrics;
        return metrics.notifications.targetedSyncs >= 1 ? metrics : undefined;
      });
      expect(afterNotification.notifications.rejected).toBe(1);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const logs = jsonLines(serve.stderr());
    expect(logs.map((line) => line.message)).toEqual(
      expect.arrayContaining([
        'serving',
        'run finished',
        'zoho watch channel enabled',
        'zoho notification rejected',
        'stopping: no new runs; running ones finish their current batch',
        'stopped',
      ]),
    );
    // Structured and without secrets.
    for (const secret of [...Object.values(world.zoho.connection().secrets)])
      expect(serve.stderr()).not.toContain(secret);
    // Channels are disabled on the way out.
    expect(world.zoho.inspect.watches()).toEqual([]);

    const backend = createBackend({ runtime: 'cli', dataDir: served.dir });
    try {
      const runs = syncService(backend.context).runs.runs({ limit: 1000 });
      expect(runs.filter((run) => run.status === 'running')).toEqual([]);
      for (const flow of [designed.accounts, designed.orders]) {
        const scheduled = runs.filter((run) => run.flowId === flow.id && run.trigger === 'schedule');
        expect(scheduled.length, flow.name).toBeGreaterThanOrEqual(3);
      }
      const notified = runs.filter((run) => run.trigger === 'notification');
      expect(notified.length).toBeGreaterThanOrEqual(1);
      expect(notified[0]!.counters.updated).toBe(1);
    } finally {
      await backend.close();
    }
  }, 90_000);
});
