import { app, utilityProcess, type UtilityProcess } from 'electron';
import type { Result } from '../../shared/api/result';
import { appRoot, backendHostPath } from './paths';

type HostMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: string; payload: unknown };

/**
 * The backend runs in a utilityProcess so SQLite and JSONata never block the UI.
 * Calls wait for it to be ready; a crash fails pending calls with a clear error and
 * restarts it.
 */
export class BackendProcess {
  private child?: UtilityProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (result: Result<unknown>) => void>();
  private ready!: Promise<void>;
  private stopping = false;

  constructor(
    private readonly onEvent: (event: string, payload: unknown) => void,
    private readonly masterKey: Buffer | undefined,
  ) {
    this.start();
  }

  private start() {
    let markReady!: () => void;
    this.ready = new Promise((resolve) => (markReady = resolve));
    const child = utilityProcess.fork(backendHostPath, [], {
      serviceName: 'ml-connector backend',
      env: { ...process.env, MLC_HOME: process.env.MLC_HOME || app.getPath('userData'), MLC_APP_ROOT: appRoot },
      stdio: 'inherit',
    });
    // The key travels as a message, never in the environment (which other tools can read).
    child.postMessage({ type: 'init', masterKey: this.masterKey?.toString('base64') });
    child.on('message', (message: HostMessage) => {
      if (message.type === 'ready') markReady();
      else if (message.type === 'result') {
        this.pending.get(message.id)?.(message.result);
        this.pending.delete(message.id);
      } else if (message.type === 'event') this.onEvent(message.event, message.payload);
    });
    child.on('exit', (code) => {
      for (const resolve of this.pending.values()) {
        resolve({ ok: false, error: { code: 'E_TRANSPORT', message: `The backend stopped (exit code ${code}); retry.` } });
      }
      this.pending.clear();
      if (!this.stopping) {
        this.onEvent('app.notice', { level: 'warning', message: 'The backend stopped unexpectedly and was restarted.' });
        this.start();
      }
    });
    this.child = child;
  }

  async invoke(method: string, input: unknown): Promise<Result<unknown>> {
    await this.ready;
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
