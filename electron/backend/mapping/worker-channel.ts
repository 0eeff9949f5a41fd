import type { ParentMessage, WorkerMessage } from './worker-protocol';

/** Electron's MessagePortMain as a utility process sees it (typed here: only electron/main may import 'electron'). */
export interface PortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
}

/** `process.parentPort` of an Electron utility process. */
export interface ParentPortLike {
  once(event: 'message', listener: (event: { data: unknown; ports: PortLike[] }) => void): void;
}

/** What a mapping worker needs of its parent: a way to answer. */
export interface ParentChannel {
  post(message: WorkerMessage): void;
}

/**
 * Connects a mapping worker to whoever started it. In a Node child process (`mlc`, tests) that is
 * the IPC channel; in an Electron utility process (desktop app) the main process hands over, as
 * the first message, a port whose other end the backend holds (electron/main/mapping-workers.ts).
 * Either way the worker leaves when its parent goes: nobody would read its answers.
 */
export function connectToParent(
  onMessage: (message: ParentMessage) => void,
  host: NodeJS.Process & { parentPort?: ParentPortLike } = process,
): ParentChannel {
  const parentPort = host.parentPort;
  if (!parentPort) {
    host.on('message', (message: ParentMessage) => onMessage(message));
    host.on('disconnect', () => host.exit(0));
    return { post: (message) => void host.send?.(message) };
  }
  let port: PortLike | undefined;
  parentPort.once('message', ({ ports }) => {
    port = ports[0];
    if (!port) return host.exit(1);
    port.on('message', ({ data }) => onMessage(data as ParentMessage));
    port.on('close', () => host.exit(0));
    port.start();
  });
  // Tasks come only through the port, so nothing is posted before it arrives.
  return { post: (message) => port?.postMessage(message) };
}
