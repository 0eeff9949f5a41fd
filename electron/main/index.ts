import { app, BrowserWindow } from 'electron';
import type { EventName, EventPayload } from '../../shared/api/contract';
import { BackendProcess } from './backend-process';
import { desktopMasterKey } from './master-key';
import { registerIpc } from './ipc';
import { filesFromArgv, OpenedFileQueue, openedFileSender } from './open-files';
import { registerAppScheme, serveRenderer } from './protocol';
import { startUpdateCheck } from './updater';
import { createMainWindow } from './window';

registerAppScheme();
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

let backend: BackendProcess | undefined;
const openedFiles = new OpenedFileQueue();

/** Backend events pass as they come (the backend checked them); the shell's own are typed. */
function sendToWindows(event: string, payload: unknown) {
  for (const window of BrowserWindow.getAllWindows()) window.webContents.send('mlc:event', event, payload);
}
function broadcast<E extends EventName>(event: E, payload: EventPayload<E>) {
  sendToWindows(event, payload);
}

/** The one window, created when missing; handed-over files go to it once its page listens. */
function showWindow(): BrowserWindow {
  const existing = BrowserWindow.getAllWindows()[0];
  if (existing) {
    if (existing.isMinimized()) existing.restore();
    existing.focus();
    return existing;
  }
  const window = createMainWindow();
  const contents = window.webContents;
  // The renderer subscribes to app.openFile while its scripts load, before did-finish-load.
  const sendOpenedFile = openedFileSender((event) => {
    if (!contents.isDestroyed()) contents.send('mlc:event', 'app.openFile' satisfies EventName, event);
  });
  // A reload drops the page's listener: hold files from its start until the new page has loaded.
  contents.on('did-start-loading', () => openedFiles.detach());
  contents.on('did-finish-load', () => openedFiles.attach((file) => void sendOpenedFile(file)));
  window.on('closed', () => openedFiles.detach());
  return window;
}

// Windows and Linux: a double-clicked file starts the app with its path in argv.
if (primary) for (const file of filesFromArgv(process.argv, process.cwd())) openedFiles.add(file);

// macOS: double-click and "Open with" send open-file, also before ready for the launching file.
app.on('open-file', (event, file) => {
  event.preventDefault();
  openedFiles.add(file);
  if (app.isReady()) showWindow();
});

// Windows and Linux: opening a file while the app runs starts a second instance, which quits
// (single-instance lock) after handing its argv here.
app.on('second-instance', (_event, argv, workingDirectory) => {
  for (const file of filesFromArgv(argv, workingDirectory)) openedFiles.add(file);
  if (app.isReady()) showWindow();
});

void app.whenReady().then(() => {
  if (!primary) return;
  serveRenderer();
  backend = new BackendProcess(sendToWindows, desktopMasterKey());
  registerIpc(backend);
  showWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) showWindow();
  });
  void startUpdateCheck((notice) => broadcast('app.notice', notice));
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('before-quit', () => backend?.stop());
