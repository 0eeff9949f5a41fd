import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { designInforToZoho, writeSandboxFiles, type Designed } from '../bundle/support/infor-to-zoho';
import { jsonLines, spawnMlc, until } from '../bundle/support/mlc-process';
import { syncWorld, type SyncWorld } from '../sync/support/sync-harness';
import { tempDir } from './paths';

/**
 * What the `mlc serve` tests (test/cli/serve*.test.ts) share: a folder holding an exported bundle of
 * the Infor → Zoho design (accounts and orders, each every second) beside the sandbox connection files
 * `mlc serve` reads, and the daemon started on it with its output kept.
 */

const everySecond = { kind: 'cron' as const, cron: '* * * * * *', timeZone: 'UTC' };

export interface ServedBundle {
  world: SyncWorld;
  designed: Designed;
  /** The folder: `MLC_HOME` for the daemon, holding the bundle and the sandbox files. */
  dir: string;
  bundleFile: string;
}

/**
 * Registers the suite's beforeAll/afterAll: sandboxes (`world` options as `syncWorld` takes them),
 * the design exported as bundle `name`, the folder removed after. The fields are set once beforeAll ran.
 */
export function servedBundle(
  name: string,
  options: { prefix: string; world: Parameters<typeof syncWorld>[0] },
): ServedBundle {
  const folder = tempDir(options.prefix);
  const served = { dir: folder.dir } as ServedBundle;
  beforeAll(async () => {
    const world = (served.world = await syncWorld(options.world));
    served.designed = await designInforToZoho(world.api, world.source, world.target, {
      accounts: everySecond,
      orders: everySecond,
    });
    const exported = await world.api.call('bundles.export', { name });
    served.bundleFile = path.join(folder.dir, exported.fileName);
    fs.writeFileSync(served.bundleFile, exported.content);
    writeSandboxFiles(folder.dir, world.infor, world.zoho);
  }, 60_000);
  afterAll(async () => {
    await served.world?.close();
    folder.remove();
  });
  return served;
}

export interface ServeProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code once the process has closed. */
  exited: Promise<number | null>;
  /** The URL of the daemon's `listening` line, waited for. */
  listening(): Promise<string>;
}

/** `mlc serve <bundle> --port 0` in the bundle's folder (info logs), with `env` on top. */
export function startServe(served: ServedBundle, env: NodeJS.ProcessEnv = {}): ServeProcess {
  const child = spawnMlc(['serve', served.bundleFile, '--port', '0'], {
    MLC_HOME: served.dir,
    MLC_LOG_LEVEL: 'info',
    ...env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    listening: async () =>
      String(
        (await until('the listening line', () => jsonLines(stdout).find((event) => event.event === 'listening'))).url,
      ),
  };
}
