// `mlc` child processes of the queue-mode tests, with their output kept for assertions and diagnostics.
import type { ChildProcess } from 'node:child_process';
import { jsonLines, spawnMlc, until } from '../../bundle/support/mlc-process';

export interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

export function start(args: string[], env: NodeJS.ProcessEnv): Spawned {
  const child = spawnMlc(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Waits for a JSON line on the process's stdout; a timeout shows what it logged. */
export async function event(spawned: Spawned, name: string): Promise<Record<string, unknown>> {
  try {
    return await until(
      `the ${name} line`,
      () => jsonLines(spawned.stdout()).find((line) => line.event === name),
      30_000,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\nstdout: ${spawned.stdout()}\nstderr: ${spawned.stderr()}`);
  }
}
