import { BrowserWindow, screen } from 'electron';
import { openExternalSafely } from './external';
import { appOrigin, preloadPath } from './paths';
import { isInternalNavigation } from './policy';
import { preferences } from './preferences';

/** The one window factory: every window gets the same locked-down settings. */
export function createMainWindow(): BrowserWindow {
  const saved = preferences.get('window');
  const visible = saved.x !== undefined && saved.y !== undefined && screen.getDisplayMatching({ x: saved.x, y: saved.y, width: saved.width, height: saved.height });
  const window = new BrowserWindow({
    width: saved.width,
    height: saved.height,
    ...(visible ? { x: saved.x, y: saved.y } : {}),
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'ml-connector Studio',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  if (saved.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    preferences.set('window', { ...window.getNormalBounds(), maximized: window.isMaximized() });
  });
  lockDown(window);
  void window.loadURL(`${appOrigin}/index.html`);
  return window;
}

function lockDown(window: BrowserWindow) {
  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isInternalNavigation(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}
