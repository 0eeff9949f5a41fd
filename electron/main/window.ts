import { BrowserWindow, dialog, screen } from 'electron';
import { openExternalSafely } from './external';
import { appOrigin, preloadPath } from './paths';
import { isInternalNavigation, isPermissionGranted } from './policy';
import { preferences } from './preferences';

/** The one window factory: every window gets the same locked-down settings. */
export function createMainWindow(): BrowserWindow {
  const saved = preferences.get('window');
  const visible =
    saved.x !== undefined &&
    saved.y !== undefined &&
    screen.getDisplayMatching({ x: saved.x, y: saved.y, width: saved.width, height: saved.height });
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
  // The renderer cancels unload (beforeunload) while a mapping has unsaved changes; Electron
  // would then silently keep the window open, so ask here. Its draft is already on disk.
  contents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(window, {
      type: 'warning',
      buttons: ['Close without saving', 'Keep editing'],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
      title: 'Unsaved mapping',
      message: 'The open mapping has changes that are not saved.',
      detail:
        'A draft is kept on this computer: open the mapping again to restore it. To keep the changes for good, choose Keep editing and Save.',
    });
    // preventDefault here overrides the page's beforeunload: the window closes or reloads.
    if (choice === 0) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
  // Denied unless policy.ts lists the permission and our own page asks: checks (navigator.permissions,
  // device lists) and requests alike.
  contents.session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionGranted(permission, requestingOrigin),
  );
  contents.session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(isPermissionGranted(permission, details.requestingUrl)),
  );
}
