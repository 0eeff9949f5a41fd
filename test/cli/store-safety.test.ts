import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const counts = { customers: 300, salesOrders: 40 };

describe('mlc keeps work and says what happened to the store', () => {
  let desktop: SyncWorld;
  let designed: Designed;
  let infor: InforSandbox;
  let zoho: ZohoSandbox;
  const folders: Array<{ dir: string; remove(): void }> = [];
  let bundleFile: string;

  const folder = () => {
    const made = tempDir('mlc-store-cli-');
    folders.push(made);
    return made.dir;
  };

  beforeAll(async () => {
    desktop = await syncWorld({ infor: { counts } });
    infor = await startInforSandbox({ counts });
    zoho = await startZohoSandbox({ seedAccounts: 0 });
    designed = await designInforToZoho(desktop.api, desktop.source, desktop.target);
    const exported = await desktop.api.call('bundles.export', { name: 'Store safety' });
    bundleFile = path.join(folder(), exported.fileName);
    fs.writeFileSync(bundleFile, exported.content);
  }, 60_000);
  afterAll(async () => {
    await desktop?.close();
    await Promise.all([infor?.close(), zoho?.close()]);
    for (const made of folders) made.remove();
  });

  it('`mlc unlock` releases a flow held by a process that is gone, and says so', async () => {
    const dataDir = folder();
    writeSandboxFiles(dataDir, infor, zoho);
    const headless = await openHeadless({ bundleFile, env: { ...process.env, MLC_HOME: dataDir, MLC_KEYRING: 'off' } });
    // A process that took the flow and vanished: its lease is still fresh.
    const { run: held } = await headless.deps.runs.claimAndStart(
      { flowId: designed.accounts.id, trigger: 'cli', dryRun: false, windowFrom: null, mappingHash: 'h' },
      { leaseMs: 30_000 },
    );
    await headless.close();

    const refused = await runMlc(['run', bundleFile], { MLC_HOME: dataDir });
    expect(refused.code).toBe(exitCodes.failure);
    expect(refused.stderr).toContain(`already running on ${os.hostname()} (pid ${process.pid})`);
    expect(refused.stderr).toContain('If that process is gone, run `mlc unlock Customers to accounts` or wait');

    const unlocked = await runMlc(['unlock', 'Customers to accounts'], { MLC_HOME: dataDir });
    expect(unlocked.code, unlocked.stderr).toBe(exitCodes.ok);
    expect(unlocked.stdout).toContain(
      `Unlocked “Customers to accounts”: run ${held.id} (started ${held.startedAt} on ${os.hostname()}, pid ${process.pid}`,
    );
    expect(unlocked.stdout).toContain('is now interrupted');
    expect(unlocked.stdout).toContain('Its lease was still fresh');

    const again = await runMlc(['unlock', designed.accounts.id], { MLC_HOME: dataDir });
    expect(again.code).toBe(exitCodes.ok);
    expect(again.stdout).toContain('“Customers to accounts” is not locked');
    const unknown = await runMlc(['unlock', 'Nope'], { MLC_HOME: dataDir });
    expect(unknown.code).toBe(exitCodes.failure);
    expect(unknown.stderr).toContain('No flow “Nope”');

    // The next run starts at once and says it resumed after the released run.
    const run = await runMlc(['run', bundleFile], { MLC_HOME: dataDir });
    expect(run.code, run.stderr).toBe(exitCodes.ok);
    expect(run.events.find((event) => event.event === 'resumed')).toMatchObject({
      flow: 'Customers to accounts',
      resumedFrom: held.id,
    });
    const backend = createBackend({ runtime: 'cli', dataDir });
    const released = syncService(backend.context).runs.run(held.id);
    await backend.close();
    expect(released.status).toBe('interrupted');
    expect(released.error?.message).toContain(`\`mlc unlock\` on ${os.hostname()}`);
  }, 120_000);

  it('warns before a run resyncs everything because the store was replaced, until every flow has caught up', async () => {
    const dataDir = folder();
    writeSandboxFiles(dataDir, infor, zoho);
    const first = await runMlc(['run', bundleFile], { MLC_HOME: dataDir });
    expect(first.code, first.stderr).toBe(exitCodes.ok);
    expect(first.stderr).not.toContain('warning');

    // The store is emptied (a restore gone wrong, a sync tool, a mistaken cleanup).
    fs.writeFileSync(path.join(dataDir, 'mlc.sqlite'), '');
    for (const suffix of ['-wal', '-shm']) fs.rmSync(path.join(dataDir, `mlc.sqlite${suffix}`), { force: true });
    const resync = await runMlc(['run', bundleFile], { MLC_HOME: dataDir });
    expect(resync.code, resync.stderr).toBe(exitCodes.ok);
    expect(resync.stderr).toContain("warning: this data folder's store is not the one it used before");
    expect(resync.stderr).toContain('Customers to accounts, Sales orders will re-read and resync everything');
    expect(resync.events.find((event) => event.event === 'warning')).toMatchObject({
      code: 'store-replaced',
      resyncs: ['Customers to accounts', 'Sales orders'],
    });
    // Nothing was written twice: the resync found every record already in the target.
    expect(zoho.inspect.count('Accounts')).toBe(counts.customers);

    const after = await runMlc(['run', bundleFile], { MLC_HOME: dataDir });
    expect(after.code).toBe(exitCodes.ok);
    expect(after.stderr).not.toContain('warning');
  }, 120_000);

  it('refuses a damaged store with its own exit code and what to do, and leaves it in place', async () => {
    const dataDir = folder();
    const store = path.join(dataDir, 'mlc.sqlite');
    fs.writeFileSync(store, 'not a database '.repeat(100));
    const listed = await runMlc(['runs'], { MLC_HOME: dataDir });
    expect(listed.code).toBe(exitCodes.store);
    expect(listed.stderr).toContain('[E_STORE_CORRUPT]');
    expect(listed.stderr).toContain('Restore it from a backup, or move it aside');
    expect(fs.readFileSync(store, 'utf8')).toBe('not a database '.repeat(100));

    const help = await runMlc(['--help'], {});
    expect(help.stdout).toMatch(/unlock\s+Release a flow held by a run whose process is gone/);
    expect(help.stdout).toContain("6    the data folder's store failed: disk full, damaged or unwritable");
  }, 60_000);
});
