import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { MasterKey } from './master-key';

export const cipherAlgorithm = 'aes-256-gcm';

/**
 * `<key version>:aes-256-gcm:<iv>:<tag>:<data>` (base64 parts). The prefix says
 * how to decrypt, so stores written today can be migrated to another key or
 * algorithm later. `context` (connection id and slot) is bound as associated
 * data: a ciphertext copied to another row does not decrypt.
 */
export function encryptText(key: MasterKey, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(cipherAlgorithm, key.key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [key.version, cipherAlgorithm, iv.toString('base64'), tag.toString('base64'), data.toString('base64')].join(
    ':',
  );
}

export function decryptText(key: MasterKey, ciphertext: string, context: string): string {
  const parts = ciphertext.split(':');
  if (parts.length !== 5)
    throw new AppError('E_SECRET_UNAVAILABLE', 'A stored secret is not in the expected tagged format.');
  const [version, algorithm, iv, tag, data] = parts as [string, string, string, string, string];
  if (algorithm !== cipherAlgorithm) {
    throw new AppError('E_SECRET_UNAVAILABLE', `A stored secret uses ${algorithm}, which this version cannot decrypt.`);
  }
  if (version !== key.version) {
    throw new AppError(
      'E_SECRET_UNAVAILABLE',
      `A stored secret was encrypted with key ${version}, but the current key is ${key.version}.`,
    );
  }
  try {
    const decipher = createDecipheriv(cipherAlgorithm, key.key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    // Never include the ciphertext or the cause: neither helps the user and both are sensitive.
    throw new AppError(
      'E_SECRET_UNAVAILABLE',
      `A stored secret could not be decrypted with the current master key (${key.source}); it was saved with a different key. Re-enter the connection's credentials or restore the original key.`,
    );
  }
}
