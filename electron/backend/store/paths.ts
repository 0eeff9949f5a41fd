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
