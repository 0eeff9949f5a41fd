import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { app, safeStorage } from 'electron';
import { preferences } from './preferences';

const fileName = 'master.key.safe';

/**
 * The key that encrypts connection secrets in the backend store, itself kept
 * encrypted by the OS keychain through safeStorage. Linux without a keyring
 * offers only `basic_text` (a hard-coded password): that is refused unless the
 * user accepted it, and the backend then uses its owner-only key file instead
 * (as the headless runtime does). Returns undefined in that case.
 */
export function desktopMasterKey(): Buffer | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  if (
    process.platform === 'linux' &&
    safeStorage.getSelectedStorageBackend() === 'basic_text' &&
    !preferences.get('acceptBasicTextSecrets', false)
  ) {
    return undefined;
  }
  const file = path.join(app.getPath('userData'), fileName);
  if (fs.existsSync(file)) {
    return Buffer.from(safeStorage.decryptString(fs.readFileSync(file)), 'base64');
  }
  const key = randomBytes(32);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, safeStorage.encryptString(key.toString('base64')), { mode: 0o600 });
  return key;
}
