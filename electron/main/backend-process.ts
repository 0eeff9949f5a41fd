import { app, utilityProcess, type UtilityProcess } from 'electron';
import type { Result } from '../../shared/api/result';
import { appRoot, backendHostPath } from './paths';
import { decideRestart } from './restart-policy';
import { mappingWorkers } from './mapping-workers';

type HostMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: string; payload: unknown };

/**
 * The backend runs in a utilityProcess so SQLite and JSONata never block the UI.
 * Calls wait for it to be ready; a crash fails pending calls with a clear error and
 * restarts it after a growing delay, and gives up (telling the user) when it keeps crashing.
 */
export class BackendProcess {
  private child?: UtilityProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (result: Result<unknown>) => void>();
  private ready!: Promise<void>;
  private markReady!: () => void;
  private stopping = false;
  private crashes: number[] = [];
  private gaveUp = false;

  constructor(
    private readonly onEvent: (event: string, payload: unknown) => void,
    private readonly masterKey: Buffer | undefined,
  ) {
    this.waitForReady();
    this.start();
  }

  /** Calls made from now on wait until the (next) backend says it is ready. */
  private waitForReady() {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  private start() {
    const markReady = this.markReady;
    const child = utilityProcess.fork(backendHostPath, [], {
      serviceName: 'ml-connector backend',
      env: { ...process.env, MLC_HOME: process.env.MLC_HOME || app.getPath('userData'), MLC_APP_ROOT: appRoot },
      stdio: 'inherit',
    });
    // The key travels as a message, never in the environment (which other tools can read).
    child.postMessage({ type: 'init', masterKey: this.masterKey?.toString('base64') });
    const workers = mappingWorkers(child);
    child.on('message', (message: HostMessage) => {
      if (workers.handle(message)) return;
      if (message.type === 'ready') markReady();
      else if (message.type === 'result') {
        this.pending.get(message.id)?.(message.result);
        this.pending.delete(message.id);
      } else if (message.type === 'event') this.onEvent(message.event, message.payload);
    });
    child.on('exit', (code) => {
      // The workers' ports died with the backend: a restarted backend starts its own.
      workers.stopAll();
      for (const resolve of this.pending.values()) {
        resolve({
          ok: false,
          error: { code: 'E_TRANSPORT', message: `The backend stopped (exit code ${code}); retry.` },
        });
      }
      this.pending.clear();
      if (this.stopping) return;
      const decision = decideRestart(this.crashes, Date.now());
      this.crashes = decision.crashes;
      this.waitForReady();
      if (!decision.restart) {
        this.gaveUp = true;
        // Waiting calls now fail with the notice's advice instead of waiting forever.
        this.markReady();
        this.onEvent('app.notice', {
          level: 'error',
          message:
            'The backend keeps stopping and was not restarted again. Restart the app; if it happens again, report it.',
        });
        return;
      }
      this.onEvent('app.notice', {
        level: 'warning',
        message: `The backend stopped unexpectedly; restarting it in ${decision.delayMs / 1000} s.`,
      });
      setTimeout(() => {
        if (!this.stopping) this.start();
      }, decision.delayMs);
    });
    this.child = child;
  }

  async invoke(method: string, input: unknown): Promise<Result<unknown>> {
    await this.ready;
    if (this.gaveUp)
      return { ok: false, error: { code: 'E_TRANSPORT', message: 'The backend keeps stopping. Restart the app.' } };
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child?.postMessage({ type: 'invoke', id, method, input });
    });
  }

  stop(): void {
    this.stopping = true;
    this.child?.postMessage({ type: 'shutdown' });
  }
}
