import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

/*
 * A real PostgreSQL for the store tests, never a mock (issue 18). Once per vitest run (globalSetup in
 * vitest.config.ts) this starts a private throwaway cluster: initdb and pg_ctl from Debian's
 * `postgresql` package (installed by .ci/run) in a temp folder, on a free 127.0.0.1 port, trust
 * authentication for that port only; as root, through `runuser -u postgres --` in a folder postgres
 * owns (the server refuses to run as root). With MLC_TEST_PG_URL set, that server is used instead
 * and nothing is started. If neither works, the setup does not fail the whole run (other tests do
 * not need PostgreSQL): it hands the reason to the PostgreSQL tests, which then fail with it.
 */

const run = promisify(execFile);

declare module 'vitest' {
  export interface ProvidedContext {
    /** An admin URL of the test cluster (or MLC_TEST_PG_URL); empty when it could not start. */
    mlcPgUrl: string;
    /** Why PostgreSQL is not available; empty when it is. */
    mlcPgError: string;
  }
}

/** Debian keeps each major version's binaries in /usr/lib/postgresql/<major>/bin: the newest one with initdb. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return path.join(root, versions[0], 'bin');
  throw new Error(
    `PostgreSQL's server binaries were not found in ${root}/<version>/bin. Install Debian's \`postgresql\` package (.ci/run does), or set MLC_TEST_PG_URL to a server the tests may create databases on.`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

interface Cluster {
  url: string;
  stop(): Promise<void>;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Clusters a killed test run left behind (its teardown never ran): each folder records the vitest
 * process that made it; when that process is gone, the server is stopped and the folder removed.
 */
async function removeOrphans(exec: (tool: string, args: string[]) => Promise<unknown>): Promise<void> {
  for (const name of fs.readdirSync(os.tmpdir()).filter((entry) => entry.startsWith('mlc-pg-'))) {
    const dir = path.join(os.tmpdir(), name);
    let owner = 0;
    try {
      owner = Number(fs.readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue; // Not one of ours, or still being made.
    }
    if (!owner || alive(owner)) continue;
    if (fs.existsSync(path.join(dir, 'data', 'postmaster.pid')))
      await exec('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** initdb + pg_ctl start in a fresh temp folder; `stop` shuts it down and deletes the folder. */
export async function startCluster(): Promise<Cluster> {
  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlc-pg-'));
  fs.writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The server refuses to run as root: the folder and the processes belong to the postgres user.
    fs.chmodSync(dir, 0o700);
    await run('chown', ['postgres:', dir]);
  }
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  await removeOrphans(exec);
  const port = await freePort();
  const log = path.join(dir, 'server.log');
  try {
    // A linguistic default collation (ICU, PostgreSQL 15+), as production clusters have: keys must sort
    // in byte order anyway (the schema's COLLATE "C"), and the tests would not notice on a C cluster.
    const icu =
      Number(path.basename(path.dirname(bin))) >= 15
        ? ['--locale-provider=icu', '--icu-locale=en-US', '--locale=C.UTF-8']
        : [];
    await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-instructions', ...icu]);
    await exec('pg_ctl', [
      '-D',
      data,
      '-l',
      log,
      '-w',
      '-t',
      '60',
      // Sockets in the temp folder (not /var/run/postgresql, which may not exist); TCP on loopback only;
      // no fsync: a throwaway cluster does not need to survive a power cut.
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ]);
  } catch (error) {
    const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start in ${dir}: ${(error as Error).message}${tail ? `\n${tail}` : ''}`);
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** vitest globalSetup: one cluster for the run, its URL (or why there is none) provided to the tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.MLC_TEST_PG_URL;
  if (given) {
    project.provide('mlcPgUrl', given);
    project.provide('mlcPgError', '');
    return async () => undefined;
  }
  try {
    const cluster = await startCluster();
    project.provide('mlcPgUrl', cluster.url);
    project.provide('mlcPgError', '');
    return cluster.stop;
  } catch (error) {
    project.provide('mlcPgUrl', '');
    project.provide('mlcPgError', (error as Error).message);
    return async () => undefined;
  }
}

/**
 * A database of its own for one test file (files run in parallel on one cluster): created empty with
 * a random name; `drop` removes it (and ends connections left open).
 */
export async function createTestDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `mlc_test_${Math.random().toString(36).slice(2, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
