import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors';

export interface MasterKey {
  /** 32 bytes for AES-256-GCM. */
  key: Buffer;
  /** Written into every ciphertext so a later key (or algorithm) can be migrated to. */
  version: string;
  source: 'shell' | 'env' | 'file';
}

export interface MasterKeyOptions {
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  /** Handed in by the desktop shell (protected there with safeStorage). */
  provided?: Buffer;
}

export const masterKeyFileName = 'master.key';

/**
 * Finds the key that protects stored secrets: the desktop shell's, else
 * `MLC_MASTER_KEY` (base64 of 32 bytes), else `<data dir>/master.key`
 * (created on first use, readable by the owner only).
 */
export function resolveMasterKey(options: MasterKeyOptions): MasterKey {
  if (options.provided)
    return {
      key: checkLength(options.provided, 'the key handed in by the desktop shell'),
      version: 'v1',
      source: 'shell',
    };
  const fromEnv = (options.env ?? process.env).MLC_MASTER_KEY?.trim();
  if (fromEnv)
    return {
      key: checkLength(decodeBase64(fromEnv, 'MLC_MASTER_KEY'), 'MLC_MASTER_KEY'),
      version: 'v1',
      source: 'env',
    };
  const file = path.join(options.dataDir, masterKeyFileName);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    try {
      // 'wx' so two processes starting together cannot both create (and disagree on) the key.
      fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (process.platform !== 'win32') {
    const mode = fs.statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new AppError(
        'E_SECRET_UNAVAILABLE',
        `The master key file ${masterKeyFileName} in the data folder is readable by other users (mode ${mode.toString(8)}); run \`chmod 600\` on it.`,
      );
    }
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  return { key: checkLength(decodeBase64(text, masterKeyFileName), masterKeyFileName), version: 'v1', source: 'file' };
}

function decodeBase64(text: string, where: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw new AppError('E_SECRET_UNAVAILABLE', `${where} is not base64; it must hold 32 random bytes in base64.`);
  }
  return Buffer.from(text, 'base64');
}

function checkLength(key: Buffer, where: string): Buffer {
  if (key.length !== 32) {
    throw new AppError(
      'E_SECRET_UNAVAILABLE',
      `${where} holds ${key.length} bytes; AES-256 needs exactly 32 (base64 of 32 random bytes).`,
    );
  }
  return key;
}
