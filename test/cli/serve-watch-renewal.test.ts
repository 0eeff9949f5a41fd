import { describe, expect, it } from 'vitest';
import type { ServeMetrics } from '../../electron/backend/runtime/serve-metrics';
import { jsonLines, until } from '../bundle/support/mlc-process';
import { servedBundle, startServe } from '../support/served-bundle';

/** The sandbox grants channels this long; the daemon checks every second and renews within three. */
const channelSeconds = 6;

describe('mlc serve: Zoho watch renewal', () => {
  const served = servedBundle('Watch renewal', {
    prefix: 'mlc-serve-watch-',
    world: {
      infor: { counts: { customers: 5, salesOrders: 5 } },
      zoho: { watchLifetimeCapSeconds: channelSeconds },
    },
  });

  it('renews the channel before it lapses, keeps accepting its notifications, and disables it on SIGTERM', async () => {
    const { world } = served;
    const counters = () => world.zoho.control.stats().counters;
    const serve = startServe(served, {
      MLC_ZOHO_WATCH_RENEW_SECONDS: '1',
    });
    const { child, exited } = serve;
    // Samples of the sandbox's live channels while the daemon runs: a lapse would show as an empty sample.
    const samples: number[] = [];
    let sampler: NodeJS.Timeout | undefined;
    let token = '';
    try {
      const url = await serve.listening();
      const first = await until('the watch channel', () => world.zoho.inspect.watches()[0]);
      const firstExpiry = first.expiresAt;
      token = first.token ?? '';
      expect(token).not.toBe('');
      expect(firstExpiry - Date.now()).toBeLessThanOrEqual(channelSeconds * 1000);
      sampler = setInterval(() => samples.push(world.zoho.inspect.watches().length), 100);

      // Several PATCH renewals, and the channel outlives the lifetime it was first granted.
      await until('three renewals', () => ((counters().watchRenewed ?? 0) >= 3 ? true : undefined), 25_000);
      const renewed = world.zoho.inspect.watches();
      expect(renewed.map((channel) => channel.channel_id)).toEqual([first.channel_id]);
      expect(Date.now()).toBeGreaterThan(firstExpiry);
      expect(renewed[0]!.expiresAt).toBeGreaterThan(firstExpiry);

      // After renewal a Zoho edit still reaches the daemon with the channel's token and is re-asserted.
      const account = await until('a synced account', () =>
        world.zoho.inspect.findBy('Accounts', 'Infor_Customer_No', 'C0000002'),
      );
      const original = account.Account_Name;
      const sentBefore = world.zoho.inspect.notifications().length;
      world.zoho.control.modify('Accounts', [String(account.id)], { Account_Name: 'Renamed in Zoho' });
      await until('the account to be re-asserted', () =>
        world.zoho.inspect.findBy('Accounts', 'Infor_Customer_No', 'C0000002')!.Account_Name === original
          ? true
          : undefined,
      );
      const edit = world.zoho.inspect
        .notifications()
        .slice(sentBefore)
        .find((notification) => notification.ids.includes(String(account.id)));
      expect(edit?.channel_id).toBe(first.channel_id);
      expect(edit?.token).toBe(token);
      // Counted when the targeted sync's run has ended, a moment after its write reached Zoho.
      const metrics = await until('the targeted sync to be counted', async () => {
        const current = (await (await fetch(`${url}/metrics.json`)).json()) as ServeMetrics;
        return current.notifications.targetedSyncs >= 1 ? current : undefined;
      });
      expect(metrics.notifications.rejected).toBe(0);

      clearInterval(sampler);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      clearInterval(sampler);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    // The channel was live at every sample, never renewed or re-enabled after lapsing, and deleted on the way out.
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.filter((live) => live !== 1)).toEqual([]);
    expect(counters().watchLapsed).toBeUndefined();
    expect(counters().watchEnabled).toBe(1);
    expect(counters().watchDisabled).toBe(1);
    expect(world.zoho.inspect.watches()).toEqual([]);

    const logs = jsonLines(serve.stderr());
    const renewals = logs.filter((line) => line.message === 'zoho watch channel renewed');
    expect(renewals.length).toBe(counters().watchRenewed);
    expect(logs.filter((line) => line.message === 'zoho watch renewal failed; retrying at the next check')).toEqual([]);
    for (const secret of [...Object.values(world.zoho.connection().secrets), token])
      expect(serve.stderr()).not.toContain(secret);
  }, 40_000);
});
