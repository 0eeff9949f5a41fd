import type { Backend } from '../backend';
import { createHostBackend } from './host-backend';
import { utilitySpawner, type BackendParentPort } from '../mapping/utility-spawner';
import { useWorkerSpawner } from '../mapping/worker-spawner';

/**
 * Entry of the backend inside Electron's utilityProcess: the window never blocks
 * on SQLite or JSONata. Talks to the main process over `process.parentPort`; the
 * first message hands over the secrets key that the shell keeps in safeStorage.
 */
type ParentPort = BackendParentPort & {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
};

type HostRequest =
  | { type: 'init'; masterKey?: string }
  | { type: 'invoke'; id: number; method: string; input: unknown }
  | { type: 'shutdown' };

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  process.stderr.write('utility-host: must run inside an Electron utilityProcess.\n');
  process.exit(1);
}

// Mapping workers are utility processes main starts for us: the app has no Node to fork (RunAsNode fuse off).
// Run by plain Node (the host's tests, through a parentPort shim) there is no main to ask, and Node forks.
if (process.versions.electron) useWorkerSpawner(utilitySpawner(parentPort));

let backend: Backend | undefined;
const early: Array<Extract<HostRequest, { type: 'invoke' }>> = [];

function answer(request: Extract<HostRequest, { type: 'invoke' }>, ready: Backend) {
  void ready
    .invoke(request.method, request.input)
    .then((result) => parentPort!.postMessage({ type: 'result', id: request.id, result }));
}

parentPort.on('message', ({ data }) => {
  const request = data as HostRequest;
  if (request.type === 'init' && !backend) {
    backend = createHostBackend({
      runtime: 'desktop',
      masterKey: request.masterKey ? Buffer.from(request.masterKey, 'base64') : undefined,
    });
    const ready = backend;
    ready.context.events.subscribe((event, payload) => parentPort.postMessage({ type: 'event', event, payload }));
    for (const waiting of early.splice(0)) answer(waiting, ready);
    parentPort.postMessage({ type: 'ready' });
  } else if (request.type === 'shutdown') {
    void (backend?.close() ?? Promise.resolve()).then(() => process.exit(0));
  } else if (request.type === 'invoke') {
    if (backend) answer(request, backend);
    else early.push(request);
  }
});
