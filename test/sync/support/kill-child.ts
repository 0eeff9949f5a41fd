// Engine child processes that a test SIGKILLs at a point it chose (crash-safety tests).
import { spawn } from 'node:child_process';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { repoRoot } from '../../support/paths';

const child = path.join(repoRoot, 'test', 'sync', 'support', 'run-flow-child.ts');
// Short leases so the next process can take over a killed run's flow within seconds.
const lease = { MLC_RUN_LEASE_MS: '1500', MLC_RUN_HEARTBEAT_MS: '200' };

interface RunRow {
  id: string;
  status: string;
  progress: string | null;
  lease_until: string | null;
}

export async function poll<T>(what: string, probe: () => T | undefined, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/**
 * Starts the engine in its own process and SIGKILLs it as soon as the store
 * shows its run has committed `pages` pages — the child is then inside the
 * next page, writing records the audit log does not hold yet.
 */
export function runAndKill(
  store: Database.Database,
  dataDir: string,
  flowId: string,
  pages: number,
  /** Called just before the kill (a test reads the target's state as the child dies). */
  beforeKill?: () => void,
): Promise<{ outcome: 'killed' | 'finished'; runId: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, flowId], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: repoRoot,
      env: { ...process.env, ...lease },
    });
    let stderr = '';
    let runId = '';
    let exited = false;
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // This child's own run: the killed one before it stays 'running' until this child takes the flow over.
    const running = store.prepare(
      "SELECT id, status, progress, lease_until FROM runs WHERE flow_id = ? AND status = 'running' AND owner_pid = ?",
    );
    poll(`the child to commit ${pages} pages`, () => {
      if (exited) return null;
      const row = running.get(flowId, proc.pid) as RunRow | undefined;
      if (!row?.progress) return undefined;
      runId = row.id;
      return (JSON.parse(row.progress) as { pagesCommitted: number }).pagesCommitted >= pages ? row : undefined;
    })
      .then(() => {
        beforeKill?.();
        proc.kill('SIGKILL');
      })
      .catch((error: unknown) => {
        proc.kill('SIGKILL');
        reject(error instanceof Error ? error : new Error(String(error)));
      });
    proc.on('exit', (code, signal) => {
      exited = true;
      if (signal === 'SIGKILL') resolve({ outcome: 'killed', runId });
      else if (code === 0) resolve({ outcome: 'finished', runId });
      else reject(new Error(`engine process failed (${code}): ${stderr.slice(-2000)}`));
    });
  });
}
