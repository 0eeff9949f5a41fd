import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../shared/domain/run';
import { createBackend } from '../../electron/backend/backend';
import { openHeadless } from '../../electron/backend/runtime/headless-runtime';
import { exitCodes } from '../../electron/backend/cli/command';
import { startInforSandbox, type InforSandbox } from '../../sandbox/infor/index';
import { startZohoSandbox, type ZohoSandbox } from '../../sandbox/zoho/index';
import { syncService } from '../../electron/backend/sync/sync.service';
import { tempDir } from '../support/paths';
import { syncWorld, type SyncWorld } from '../sync/support/sync-harness';
import { designInforToZoho, writeSandboxFiles, type Designed } from '../bundle/support/infor-to-zoho';
import { runMlc } from '../bundle/support/mlc-process';

const counts = { customers: 3000, salesOrders: 200 };

describe('a failed step stops what depends on it', () => {
  let desktop: SyncWorld;
  let designed: Designed;
  let infor: InforSandbox;
  let zoho: ZohoSandbox;
  const folders: Array<{ dir: string; remove(): void }> = [];
  let bundleFile: string;

  /** A data folder for `mlc`, bound to this test's sandboxes, with the bundle installed. */
  async function dataFolder(): Promise<string> {
    const folder = tempDir('mlc-step-');
    folders.push(folder);
    writeSandboxFiles(folder.dir, infor, zoho);
    const headless = await openHeadless({
      bundleFile,
      env: { ...process.env, MLC_HOME: folder.dir, MLC_KEYRING: 'off' },
    });
    await headless.close();
    return folder.dir;
  }

  beforeAll(async () => {
    desktop = await syncWorld({ infor: { counts } });
    infor = await startInforSandbox({ counts });
    zoho = await startZohoSandbox({ seedAccounts: 0 });
    designed = await designInforToZoho(desktop.api, desktop.source, desktop.target);
    const exported = await desktop.api.call('bundles.export', { name: 'Steps' });
    const folder = tempDir('mlc-bundle-');
    folders.push(folder);
    bundleFile = path.join(folder.dir, exported.fileName);
    fs.writeFileSync(bundleFile, exported.content);
  }, 60_000);
  afterAll(async () => {
    await desktop?.close();
    await Promise.all([infor?.close(), zoho?.close()]);
    for (const folder of folders) folder.remove();
  });

  it('skips the orders flow when the accounts flow failed, saying why, in the engine and in `mlc runs`', async () => {
    const engine = syncService(desktop.backend.context).engine;
    // The source refuses the accounts flow's reads for good (a 400 is not retried).
    desktop.infor.control.setFaults([{ id: 'refuse', pathRegex: 'm3api-rest', status: 400 }]);
    desktop.infor.control.resetStats();
    const third = await desktop.flow({
      name: 'Orders again',
      expression: '{ "Infor_Order_No": ORNO }',
      sourceEntity: 'salesOrders',
      targetEntity: 'Sales_Orders',
      matchKey: ['Infor_Order_No'],
      dependsOn: [designed.orders.id],
    });
    const runs = await engine.runPass([third.id, designed.orders.id, designed.accounts.id]);
    desktop.infor.control.clearFaults();
    expect(runs.map((run) => [run.flowId, run.status])).toEqual([
      [designed.accounts.id, 'failed'],
      [designed.orders.id, 'skipped'],
      [third.id, 'skipped'],
    ]);
    const [accounts, orders, again] = runs as [Run, Run, Run];
    expect(orders.error).toEqual({
      code: 'E_SYNC_DEPENDENCY',
      message: expect.stringContaining(
        `it depends on “Customers to accounts”, which failed (${accounts.error!.code}) in this pass`,
      ),
    });
    expect(again.error?.message).toContain('it depends on “Sales orders”, which was skipped too');
    expect(orders.calls).toEqual({ source: 0, target: 0, sourceMinimum: 0, targetMinimum: 0 });
    // Only the accounts flow's calls (its token and its refused read) reached the source.
    expect(desktop.infor.control.stats().total).toBe(accounts.calls.source);

    const listed = await runMlc(['runs', '--flow', 'Sales orders', '--json'], { MLC_HOME: desktop.dataDir });
    expect(listed.events[0]).toMatchObject({ status: 'skipped', error: { code: 'E_SYNC_DEPENDENCY' } });
  }, 120_000);

  it('stops `mlc run` at once with exit code 6 when the store fills up during the accounts flow; the orders flow makes no call', async () => {
    const dataDir = await dataFolder();
    infor.control.resetStats();
    zoho.control.resetStats();
    // Counts every call the orders flow would make to its target (a rule with no effect only counts).
    zoho.control.setFaults([{ id: 'orders-probe', pathRegex: 'Sales_Orders' }]);
    // The store may grow by 40 pages (160 KB) in this process: the accounts flow's audit rows need far more.
    const full = await runMlc(['run', bundleFile], { MLC_HOME: dataDir, MLC_STORE_MAX_GROWTH_PAGES: '40' });
    expect(full.code, full.stderr).toBe(exitCodes.store);
    expect(full.stderr).toContain('[E_STORE_FULL]');
    expect(full.stderr).toContain('Free space on the disk');
    expect(full.stderr).toContain(
      'the pass stopped in “Customers to accounts”: the store failed; not run: Sales orders',
    );
    expect(full.events.at(-1)).toMatchObject({ event: 'stopped', reason: 'E_STORE_FULL', notRun: ['Sales orders'] });
    expect(zoho.control.faults().find((rule) => rule.id === 'orders-probe')?.hits).toBe(0);
    zoho.control.clearFaults();

    const backend = createBackend({ runtime: 'cli', dataDir });
    const runs = syncService(backend.context).runs;
    const accountsRun = runs.latestRun(designed.accounts.id);
    const ordersRun = runs.latestRun(designed.orders.id);
    await backend.close();
    expect(accountsRun).toMatchObject({ status: 'failed', error: { code: 'E_STORE_FULL' } });
    expect(ordersRun).toBeUndefined();
    // Every call the source answered was the accounts flow's: the orders flow made none.
    expect(infor.control.stats().total).toBe(accountsRun!.calls.source);

    // The failed run let go of its flow: with space again, the next run starts at once and finishes the job.
    const again = await runMlc(['run', bundleFile], { MLC_HOME: dataDir });
    expect(again.code, again.stderr).toBe(exitCodes.ok);
    expect(zoho.inspect.count('Accounts')).toBe(counts.customers);
    expect(zoho.inspect.count('Sales_Orders')).toBe(counts.salesOrders);
  }, 180_000);
});
