import type { PortLike } from './worker-channel';
import type { ParentMessage, WorkerMessage } from './worker-protocol';
import type { WorkerSpawner } from './worker-spawner';

/**
 * Backend ↔ main process, about mapping workers. A utility process cannot start another one
 * (utilityProcess is main-process API), so the backend asks main, which forks the worker as a
 * utility process and hands the backend a port straight to it: records never pass through main.
 */
export type SpawnRequest =
  { type: 'mapping-worker:spawn'; worker: number } | { type: 'mapping-worker:kill'; worker: number };
/** `port` comes with `ports[0]` (the worker's other end); `exit` once the worker is gone. */
export type SpawnNotice =
  { type: 'mapping-worker:port'; worker: number } | { type: 'mapping-worker:exit'; worker: number; code: number };

export const isSpawnNotice = (message: unknown): message is SpawnNotice =>
  typeof message === 'object' &&
  message !== null &&
  ((message as { type?: unknown }).type === 'mapping-worker:port' ||
    (message as { type?: unknown }).type === 'mapping-worker:exit');

/** `process.parentPort` of the backend's utility process, as far as spawning needs it. */
export interface BackendParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: PortLike[] }) => void): void;
  postMessage(message: SpawnRequest): void;
}

/**
 * The desktop app's spawner (the backend host injects it with useWorkerSpawner). Messages sent
 * before main hands over the port wait for it. Electron reports a utility process's exit code
 * only; V8 running out of heap ends one like a crash (code 133 on Linux, SIGTRAP), which the pool
 * reads as memory, as it does for a Node child.
 */
export function utilitySpawner(parentPort: BackendParentPort): WorkerSpawner {
  const workers = new Map<number, { port?: PortLike; queued: ParentMessage[]; events: Parameters<WorkerSpawner>[0] }>();
  let next = 0;
  parentPort.on('message', ({ data, ports }) => {
    if (!isSpawnNotice(data)) return;
    const worker = workers.get(data.worker);
    if (!worker) return;
    if (data.type === 'mapping-worker:exit') {
      workers.delete(data.worker);
      worker.events.exit({ code: data.code, signal: null });
      return;
    }
    const port = ports[0];
    if (!port) return;
    worker.port = port;
    port.on('message', ({ data: message }) => worker.events.message(message as WorkerMessage));
    port.start();
    for (const message of worker.queued.splice(0)) port.postMessage(message);
  });
  return (events) => {
    const id = (next += 1);
    const worker: { port?: PortLike; queued: ParentMessage[]; events: typeof events } = { queued: [], events };
    workers.set(id, worker);
    parentPort.postMessage({ type: 'mapping-worker:spawn', worker: id });
    return {
      send(message) {
        if (!workers.has(id)) return false;
        if (worker.port) worker.port.postMessage(message);
        else worker.queued.push(message);
        return true;
      },
      kill() {
        if (workers.has(id)) parentPort.postMessage({ type: 'mapping-worker:kill', worker: id });
      },
      // The backend's utility process lives as long as the app; main owns the workers' lifetimes.
      hold() {},
    };
  };
}
