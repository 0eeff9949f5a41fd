import { app } from 'electron';
import { errorMessage } from '../../shared/errors';
import { decideUpdateCheck } from './policy';

type Notice = { level: 'info' | 'warning' | 'error'; message: string };

/**
 * Checks the `publish` server of electron-builder.yml once per start and downloads a newer
 * version in the background; it installs when the app quits (electron-updater verifies its
 * signature and hash first). Off in development and where `decideUpdateCheck` says so.
 */
export async function startUpdateCheck(notify: (notice: Notice) => void): Promise<void> {
  const decision = decideUpdateCheck({ isPackaged: app.isPackaged, env: process.env, platform: process.platform });
  if (!decision.check) return;
  // Loaded only in a packaged app. electron-updater is CommonJS and defines `autoUpdater` as a lazy
  // getter, which Node's named-export detection misses: take it from `default` (module.exports).
  const { autoUpdater } = (await import('electron-updater')).default;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.on('update-downloaded', (info) => {
    notify({ level: 'info', message: `Version ${info.version} is downloaded; it is installed when you quit the app.` });
  });
  // electron-updater emits 'error' for a failed check or download (and an unheard 'error' event
  // would throw): offline or the server is down, the app works as it is; say so once, calmly.
  autoUpdater.on('error', (error: unknown) => {
    notify({
      level: 'info',
      message: `Could not check for or download a newer version (${errorMessage(error).slice(0, 200)}). The app keeps working; it checks again at the next start.`,
    });
  });
  // The same failure was just reported through 'error'.
  await autoUpdater.checkForUpdates().catch(() => undefined);
}
