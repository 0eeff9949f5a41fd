import { createClient, type ApiClient, type Transport } from '../../../shared/api/client';
import { takeBridgeToken, webTransport } from './web-transport';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in the browser (`mlc studio`). */
    mlc?: Transport;
  }
}

/** Desktop: the preload's IPC bridge. Browser: the web bridge with this launch's token. */
function pickTransport(): Transport {
  if (window.mlc) return window.mlc;
  return webTransport(takeBridgeToken());
}

export const api: ApiClient = createClient(pickTransport());
export const transportKind: 'ipc' | 'web' = window.mlc ? 'ipc' : 'web';
