import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppError } from '../../../shared/errors';
import { mappingMemoryMb, workerFlags, type ParentMessage, type WorkerMessage } from './worker-protocol';

export { mappingMemoryMb, workerFlags };

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** What a started worker tells its owner: each message in order, then its exit once. */
export interface WorkerEvents {
  message(message: WorkerMessage): void;
  exit(exit: Exit): void;
}

/** The owner's side of one started worker. */
export interface WorkerLink {
  /** False when the message cannot reach the worker (gone, or its channel closed). */
  send(message: ParentMessage): boolean;
  kill(): void;
  /** Whether the worker keeps this process running: a parked one must not keep `mlc run` alive. */
  hold(on: boolean): void;
}

/** Starts one mapping worker process. */
export type WorkerSpawner = (events: WorkerEvents) => WorkerLink;

/**
 * Where the worker's code is. The backend ships as esbuild bundles in dist/backend/ with
 * mapping-worker.js beside them (scripts/build.mjs), found relative to the running bundle.
 * Under vitest and tsx the backend runs from its TypeScript sources: then the worker runs
 * mapping-worker.ts through tsx's loader (`--import <tsx>`), resolved from this file so it does
 * not depend on the working directory.
 */
function workerEntry(): { file: string; execArgv: string[] } {
  const here = import.meta.url;
  const built = new URL('./mapping-worker.js', here);
  if (here.endsWith('.js') && existsSync(fileURLToPath(built))) return { file: fileURLToPath(built), execArgv: [] };
  const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
  return { file: fileURLToPath(new URL('./mapping-worker.ts', here)), execArgv: ['--import', tsx] };
}

/**
 * `mlc` and tests: a Node child process with its own heap limit. A worker thread's
 * `resourceLimits` are best effort: one large allocation (e.g. `[1..10000000]`) still aborts the
 * whole process (nodejs/node#47224, reproduced here on Node 20). A process dies alone.
 */
export const nodeSpawner: WorkerSpawner = (events) => {
  const entry = workerEntry();
  const child = fork(entry.file, [], {
    execArgv: [...entry.execArgv, ...workerFlags],
    // The V8 report of a worker that ran out of memory is no news to the user: the record's dead letter says it.
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    serialization: 'advanced',
  });
  child.on('message', (message: WorkerMessage) => events.message(message));
  child.on('error', () => child.kill('SIGKILL'));
  child.on('exit', (code, signal) => events.exit({ code, signal }));
  return {
    send(message) {
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) return false;
      try {
        child.send(message);
        return true;
      } catch {
        return false;
      }
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    hold(on) {
      if (on) {
        child.ref();
        child.channel?.ref();
      } else {
        child.unref();
        child.channel?.unref();
      }
    },
  };
};

let injected: WorkerSpawner | undefined;

/**
 * The desktop app's backend host injects the utility-process spawner (the main process starts
 * the workers: electron/main/mapping-workers.ts); `undefined` goes back to the default.
 */
export function useWorkerSpawner(spawner: WorkerSpawner | undefined): void {
  injected = spawner;
}

/**
 * The spawner for the next worker. Inside Electron there is no Node binary to fork: the app's
 * own executable would start a second app (the RunAsNode fuse is off), so without an injected
 * spawner this refuses instead of starting one.
 */
export function workerSpawner(versions: { electron?: string } = process.versions): WorkerSpawner {
  if (injected) return injected;
  if (versions.electron)
    throw new AppError(
      'E_INTERNAL',
      'Mapping workers inside the desktop app start as Electron utility processes, but the backend host set up no spawner for them (useWorkerSpawner). Restart the app; if it happens again, report it.',
    );
  return nodeSpawner;
}
