import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const appFolderName = 'ml-connector-studio';

/**
 * Where domain data lives: `MLC_HOME` when set, otherwise the platform's
 * user-data folder (the same one Electron's `app.getPath('userData')` uses).
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MLC_HOME && env.MLC_HOME.trim()) return path.resolve(env.MLC_HOME);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', appFolderName);
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), appFolderName);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), appFolderName);
  }
}

/**
 * The data folder holds the audit log (customer records) and the master key:
 * owner-only (0700). An existing folder that others can read is tightened.
 */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  restrictMode(dir, 0o700);
}

/** Drops group and other permission bits (POSIX; Windows folders inherit ACLs instead). */
export function restrictMode(file: string, mode: number): void {
  if (process.platform === 'win32') return;
  try {
    const current = fs.statSync(file).mode & 0o777;
    if ((current & ~mode) !== 0) fs.chmodSync(file, current & mode);
  } catch (error) {
    // A file that vanished meanwhile (a -shm after close) needs nothing; one owned by someone else cannot be changed.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}
