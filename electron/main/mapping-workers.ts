import { MessageChannelMain, utilityProcess, type UtilityProcess } from 'electron';
import type { SpawnNotice, SpawnRequest } from '../backend/mapping/utility-spawner';
import { workerFlags } from '../backend/mapping/worker-protocol';
import { mappingWorkerPath } from './paths';

const isSpawnRequest = (message: unknown): message is SpawnRequest =>
  typeof message === 'object' &&
  message !== null &&
  ((message as { type?: unknown }).type === 'mapping-worker:spawn' ||
    (message as { type?: unknown }).type === 'mapping-worker:kill');

/**
 * Starts the backend's mapping workers as Electron utility processes (the backend, itself a
 * utility process, cannot): each gets the V8 heap limit of a Node worker and one end of a
 * MessageChannelMain, the backend the other. Replaces forking the app's executable with
 * ELECTRON_RUN_AS_NODE, so the RunAsNode fuse can be off (scripts/after-pack.mjs).
 * Returns a handler for the backend's messages: true when it was a spawn request.
 */
export function mappingWorkers(backend: UtilityProcess): { handle(message: unknown): boolean; stopAll(): void } {
  const running = new Map<number, UtilityProcess>();
  const notify = (notice: SpawnNotice, ports: Electron.MessagePortMain[] = []) => backend.postMessage(notice, ports);
  const spawn = (id: number) => {
    const worker = utilityProcess.fork(mappingWorkerPath, [], {
      serviceName: 'ml-connector mapping',
      execArgv: workerFlags,
      // The V8 report of a worker that ran out of memory is no news to the user: the record's dead letter says it.
      stdio: 'ignore',
    });
    running.set(id, worker);
    const { port1, port2 } = new MessageChannelMain();
    worker.postMessage({ type: 'port' }, [port1]);
    notify({ type: 'mapping-worker:port', worker: id }, [port2]);
    worker.on('exit', (code) => {
      running.delete(id);
      notify({ type: 'mapping-worker:exit', worker: id, code });
    });
  };
  return {
    handle(message) {
      if (!isSpawnRequest(message)) return false;
      if (message.type === 'mapping-worker:spawn') spawn(message.worker);
      else running.get(message.worker)?.kill();
      return true;
    },
    stopAll() {
      for (const worker of running.values()) worker.kill();
      running.clear();
    },
  };
}
