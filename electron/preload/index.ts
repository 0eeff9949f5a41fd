import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventNames, methodNames } from '../../shared/api/names';

// Only contract names pass; the renderer never sees ipcRenderer or an IPC event object.
const allowedMethods = new Set<string>(methodNames);
const allowedEvents = new Set<string>(eventNames);

contextBridge.exposeInMainWorld('mlc', {
  invoke(method: string, input: unknown): Promise<unknown> {
    if (!allowedMethods.has(method)) {
      return Promise.resolve({ ok: false, error: { code: 'E_UNKNOWN_METHOD', message: `Unknown method ${method}.` } });
    }
    return ipcRenderer.invoke('mlc:invoke', method, input);
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!allowedEvents.has(event)) throw new Error(`Unknown event ${event}.`);
    const forward = (_ipcEvent: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on('mlc:event', forward);
    return () => {
      ipcRenderer.removeListener('mlc:event', forward);
    };
  },
});
