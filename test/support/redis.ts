// A throwaway redis-server for queue-mode tests: on a free loopback port, nothing saved to disk.
// Debian's redis-server package (.ci/run installs it); a test that cannot start one fails saying why.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const binary = process.env.MLC_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts redis-server and resolves once it accepts connections (its own "Ready" log line). */
export async function startRedis(): Promise<TestRedis> {
  if (!fs.existsSync(binary))
    throw new Error(
      `Queue-mode tests need redis-server at ${binary} (Debian: apt-get install redis-server; .ci/run does this), or MLC_TEST_REDIS_SERVER naming one.`,
    );
  // Another process may take the probed port before redis binds it: try a few.
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const outcome = await readiness(child);
    if (outcome === 'ready')
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        stop: () => stopChild(child),
      };
    lastError = outcome;
    await stopChild(child);
  }
  throw new Error(`redis-server did not start: ${lastError}`);
}

function readiness(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let output = '';
    const timer = setTimeout(() => resolve(`no "Ready to accept connections" within 10 s; it said: ${output}`), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve('ready');
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`it exited with code ${code}: ${output}`);
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
