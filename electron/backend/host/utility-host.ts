import { createBackend } from '../backend';

/**
 * Entry of the backend inside Electron's utilityProcess: the window never blocks
 * on SQLite or JSONata. Talks to the main process over `process.parentPort`.
 */
interface ParentPort {
  on(event: 'message', listener: (message: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

type HostRequest = { type: 'invoke'; id: number; method: string; input: unknown } | { type: 'shutdown' };

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
if (!parentPort) {
  process.stderr.write('utility-host: must run inside an Electron utilityProcess.\n');
  process.exit(1);
}

const backend = createBackend({ runtime: 'desktop' });
backend.context.events.subscribe((event, payload) => parentPort.postMessage({ type: 'event', event, payload }));

parentPort.on('message', ({ data }) => {
  const request = data as HostRequest;
  if (request.type === 'shutdown') {
    void backend.close().then(() => process.exit(0));
    return;
  }
  if (request.type === 'invoke') {
    void backend.invoke(request.method, request.input).then((result) =>
      parentPort.postMessage({ type: 'result', id: request.id, result }),
    );
  }
});
parentPort.postMessage({ type: 'ready' });
