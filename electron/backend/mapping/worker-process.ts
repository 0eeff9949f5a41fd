import type { ParentMessage, WorkerMessage } from './worker-protocol';
import { mappingMemoryMb, workerSpawner, type Exit, type WorkerLink } from './worker-spawner';

export { mappingMemoryMb, type Exit };

/**
 * One mapping worker process, started by the current spawner (worker-spawner.ts): a Node child
 * process for `mlc` and tests, an Electron utility process in the desktop app.
 */
export class WorkerProcess {
  private readonly link: WorkerLink;
  private listener: ((message: WorkerMessage) => void) | undefined;
  private exitListener: ((exit: Exit) => void) | undefined;
  exit: Exit | undefined;

  constructor(onExit: () => void) {
    this.link = workerSpawner()({
      message: (message) => this.listener?.(message),
      exit: (exit) => {
        if (this.exit) return;
        this.exit = exit;
        onExit();
        this.exitListener?.(exit);
      },
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
    this.link.hold(true);
    if (this.exit) onExit(this.exit);
  }

  /** Idle: the worker no longer keeps the process alive (a finished `mlc run` exits). */
  park(): void {
    this.listener = undefined;
    this.exitListener = undefined;
    this.link.hold(false);
  }

  send(message: ParentMessage): boolean {
    return this.alive && this.link.send(message);
  }

  kill(): void {
    if (this.alive) this.link.kill();
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
