import { describe, expect, it } from 'vitest';
import { decideUpdateCheck, isPermissionGranted } from '../../../electron/main/policy';

describe('web permissions of the window', () => {
  // Electron's permission names (session.setPermissionRequestHandler / setPermissionCheckHandler).
  const permissions = [
    'clipboard-read',
    'clipboard-sanitized-write',
    'display-capture',
    'fullscreen',
    'geolocation',
    'idle-detection',
    'media',
    'mediaKeySystem',
    'midi',
    'midiSysex',
    'notifications',
    'pointerLock',
    'keyboardLock',
    'openExternal',
    'window-management',
    'fileSystem',
    'hid',
    'serial',
    'usb',
    'storage-access',
    'unknown',
  ];

  it('are all refused, for our own page and any other origin alike (the app needs none)', () => {
    for (const permission of permissions) {
      expect(isPermissionGranted(permission, 'app://studio/index.html'), permission).toBe(false);
      expect(isPermissionGranted(permission, 'https://evil.example/'), permission).toBe(false);
      expect(isPermissionGranted(permission, undefined), permission).toBe(false);
    }
  });
});

describe('update checks', () => {
  it('happen only in a packaged app, not when turned off, and not from a Linux .deb', () => {
    expect(decideUpdateCheck({ isPackaged: true, env: {}, platform: 'win32' })).toEqual({ check: true });
    expect(decideUpdateCheck({ isPackaged: true, env: {}, platform: 'darwin' })).toEqual({ check: true });
    expect(
      decideUpdateCheck({ isPackaged: true, env: { APPIMAGE: '/home/ada/Studio.AppImage' }, platform: 'linux' }),
    ).toEqual({ check: true });
    expect(decideUpdateCheck({ isPackaged: false, env: {}, platform: 'win32' })).toEqual({
      check: false,
      reason: 'development build',
    });
    expect(decideUpdateCheck({ isPackaged: true, env: { MLC_NO_UPDATES: '1' }, platform: 'darwin' })).toMatchObject({
      check: false,
    });
    expect(decideUpdateCheck({ isPackaged: true, env: { MLC_NO_UPDATES: '0' }, platform: 'darwin' })).toEqual({
      check: true,
    });
    expect(decideUpdateCheck({ isPackaged: true, env: {}, platform: 'linux' })).toEqual({
      check: false,
      reason: 'not running as an AppImage',
    });
  });
});
