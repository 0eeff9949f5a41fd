import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ParentMessage, WorkerMessage } from './worker-protocol';

/** The V8 heap of one mapping worker process. */
export const mappingMemoryMb = 256;

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

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One mapping worker: a child process, not a thread. A worker thread's `resourceLimits` are
 * best effort: one large allocation (e.g. `[1..10000000]`) still aborts the whole process
 * (nodejs/node#47224, reproduced here on Node 20). A process with its own heap limit dies alone.
 */
export class WorkerProcess {
  private readonly child: ChildProcess;
  private listener: ((message: WorkerMessage) => void) | undefined;
  private exitListener: ((exit: Exit) => void) | undefined;
  exit: Exit | undefined;

  constructor(onExit: () => void) {
    const entry = workerEntry();
    this.child = fork(entry.file, [], {
      execArgv: [...entry.execArgv, `--max-old-space-size=${mappingMemoryMb}`, '--max-semi-space-size=16'],
      // The V8 report of a worker that ran out of memory is no news to the user: the record's dead letter says it.
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
      // Inside Electron, execPath is the app: run it as plain Node.
      env: process.versions.electron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env,
    });
    this.child.on('message', (message: WorkerMessage) => this.listener?.(message));
    this.child.on('error', () => this.child.kill('SIGKILL'));
    this.child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      onExit();
      this.exitListener?.(this.exit);
    });
    this.park();
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Routes the worker's messages and its exit to one task at a time. */
  attach(onMessage: (message: WorkerMessage) => void, onExit: (exit: Exit) => void): void {
    this.listener = onMessage;
    this.exitListener = onExit;
    this.child.ref();
    this.child.channel?.ref();
    if (this.exit) onExit(this.exit);
  }

  /** Idle: the worker no longer keeps the process alive (a finished `mlc run` exits). */
  park(): void {
    this.listener = undefined;
    this.exitListener = undefined;
    this.child.unref();
    this.child.channel?.unref();
  }

  send(message: ParentMessage): boolean {
    if (!this.alive || !this.child.connected) return false;
    try {
      this.child.send(message);
      return true;
    } catch {
      return false;
    }
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }
}

/** V8 aborts (SIGABRT, or SIGTRAP on some builds) when a heap limit is reached; the system's OOM killer sends SIGKILL. */
export function diedOfMemory(exit: Exit): boolean {
  return (
    exit.signal === 'SIGABRT' ||
    exit.signal === 'SIGTRAP' ||
    exit.signal === 'SIGKILL' ||
    exit.code === 134 ||
    exit.code === 133
  );
}

/** Stopped from outside (Ctrl+C reaches the whole process group, a service manager stops it): no record is to blame. */
export function stoppedFromOutside(exit: Exit): boolean {
  return exit.signal === 'SIGINT' || exit.signal === 'SIGTERM' || exit.signal === 'SIGHUP';
}
