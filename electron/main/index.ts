import { app, BrowserWindow } from 'electron';
import { BackendProcess } from './backend-process';
import { desktopMasterKey } from './master-key';
import { registerIpc } from './ipc';
import { registerAppScheme, serveRenderer } from './protocol';
import { createMainWindow } from './window';

registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let backend: BackendProcess | undefined;

app.whenReady().then(() => {
  serveRenderer();
  backend = new BackendProcess((event, payload) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send('mlc:event', event, payload);
  }, desktopMasterKey());
  registerIpc(backend);
  createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow();
  });
});

app.on('second-instance', () => {
  const [window] = BrowserWindow.getAllWindows();
  if (window) {
    if (window.isMinimized()) window.restore();
    window.focus();
  }
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('before-quit', () => backend?.stop());
