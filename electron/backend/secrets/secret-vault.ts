import { registerSecret } from '../util/redact';
import { decryptText, encryptText } from './cipher';
import { resolveMasterKey, type MasterKey, type MasterKeyOptions } from './master-key';
import type { SecretsRepository } from './secrets.repository';

/**
 * Secrets of connections, encrypted in `connection_secrets`. Values go to
 * connectors inside the backend only; API outputs list slot names
 * (`secretsSet`), never values. Every value read or written is registered for
 * redaction so an accidental echo in a log or error is masked.
 */
export class SecretVault {
  private key: MasterKey | undefined;

  constructor(
    private readonly rows: SecretsRepository,
    private readonly keyOptions: MasterKeyOptions | (() => MasterKey),
  ) {}

  /** Resolved on first use so a store without secrets never creates a key file. */
  private masterKey(): MasterKey {
    this.key ??= typeof this.keyOptions === 'function' ? this.keyOptions() : resolveMasterKey(this.keyOptions);
    return this.key;
  }

  set(connectionId: string, slot: string, value: string): void {
    this.setMany(connectionId, { [slot]: value });
  }

  /** Sets several slots at once (all or none); a `null` value deletes the slot. */
  setMany(connectionId: string, values: Record<string, string | null>): void {
    const ciphertexts: Record<string, string | null> = {};
    for (const [slot, value] of Object.entries(values)) {
      if (value === null) {
        ciphertexts[slot] = null;
        continue;
      }
      registerSecret(value);
      ciphertexts[slot] = encryptText(this.masterKey(), value, `${connectionId}/${slot}`);
    }
    this.rows.putMany(connectionId, ciphertexts);
  }

  get(connectionId: string, slot: string): string | undefined {
    const ciphertext = this.rows.get(connectionId, slot);
    if (ciphertext === undefined) return undefined;
    const value = decryptText(this.masterKey(), ciphertext, `${connectionId}/${slot}`);
    registerSecret(value);
    return value;
  }

  getAll(connectionId: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const slot of this.slots(connectionId)) {
      const value = this.get(connectionId, slot);
      if (value !== undefined) out[slot] = value;
    }
    return out;
  }

  slots(connectionId: string): string[] {
    return this.rows.slots(connectionId);
  }

  remove(connectionId: string, slot: string): boolean {
    return this.rows.remove(connectionId, slot);
  }

  /** For other encrypted state (the token cache) with the same key and format. */
  seal(plaintext: string, context: string): string {
    return encryptText(this.masterKey(), plaintext, context);
  }

  open(ciphertext: string, context: string): string {
    const value = decryptText(this.masterKey(), ciphertext, context);
    registerSecret(value);
    return value;
  }
}
