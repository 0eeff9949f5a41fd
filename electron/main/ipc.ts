import { ipcMain, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { isMethodName, methods } from '../../shared/api/contract';
import type { Result } from '../../shared/api/result';
import type { BackendProcess } from './backend-process';
import { isTrustedFrameUrl } from './policy';
import { moveUiPrefsToBackend } from './preferences';

/** Only our own pages, loaded from app://studio, may call the backend. */
export function isTrustedSender(frame: WebFrameMain | null): boolean {
  return isTrustedFrameUrl(frame?.url);
}

/** The IPC gatekeeper: checks the sender, the method name and the input before anything runs. */
export function registerIpc(backend: BackendProcess): void {
  const uiPrefsMoved = moveUiPrefsToBackend((method, input) => backend.invoke(method, input)).catch(() => undefined);
  ipcMain.handle(
    'mlc:invoke',
    async (event: IpcMainInvokeEvent, method: unknown, input: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event.senderFrame)) {
        return {
          ok: false,
          error: { code: 'E_IPC_FORBIDDEN_SENDER', message: 'Calls are accepted only from the app window.' },
        };
      }
      if (!isMethodName(method)) {
        return {
          ok: false,
          error: { code: 'E_UNKNOWN_METHOD', message: `Unknown method ${String(method).slice(0, 80)}.` },
        };
      }
      const parsed = methods[method].input.safeParse(input ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }));
        return {
          ok: false,
          error: {
            code: 'E_INVALID_INPUT',
            message: `Invalid input for ${method}: ${issues[0]?.message ?? ''}`,
            details: { issues },
          },
        };
      }
      // The backend answers ui.prefs like everything else; the first call waits for an older version's copy to move there.
      if (method === 'ui.prefs.get' || method === 'ui.prefs.set') await uiPrefsMoved;
      return backend.invoke(method, parsed.data);
    },
  );
}
