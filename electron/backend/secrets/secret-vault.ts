import { registerSecret } from '../util/redact';
import type { Db } from '../store/database';
import { decryptText, encryptText } from './cipher';
import { resolveMasterKey, type MasterKey, type MasterKeyOptions } from './master-key';

/**
 * Secrets of connections, encrypted in `connection_secrets`. Values go to
 * connectors inside the backend only; API outputs list slot names
 * (`secretsSet`), never values. Every value read or written is registered for
 * redaction so an accidental echo in a log or error is masked.
 */
export class SecretVault {
  private key: MasterKey | undefined;

  constructor(
    private readonly db: Db,
    private readonly keyOptions: MasterKeyOptions | (() => MasterKey),
  ) {}

  /** Resolved on first use so a store without secrets never creates a key file. */
  private masterKey(): MasterKey {
    this.key ??= typeof this.keyOptions === 'function' ? this.keyOptions() : resolveMasterKey(this.keyOptions);
    return this.key;
  }

  set(connectionId: string, slot: string, value: string): void {
    registerSecret(value);
    const ciphertext = encryptText(this.masterKey(), value, `${connectionId}/${slot}`);
    this.db
      .prepare(
        `INSERT INTO connection_secrets (connection_id, slot, ciphertext, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (connection_id, slot) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
      )
      .run(connectionId, slot, ciphertext, new Date().toISOString());
  }

  /** Sets several slots at once; a `null` value deletes the slot. */
  setMany(connectionId: string, values: Record<string, string | null>): void {
    this.db.transaction(() => {
      for (const [slot, value] of Object.entries(values)) {
        if (value === null) this.remove(connectionId, slot);
        else this.set(connectionId, slot, value);
      }
    })();
  }

  get(connectionId: string, slot: string): string | undefined {
    const row = this.db
      .prepare('SELECT ciphertext FROM connection_secrets WHERE connection_id = ? AND slot = ?')
      .get(connectionId, slot) as { ciphertext: string } | undefined;
    if (!row) return undefined;
    const value = decryptText(this.masterKey(), row.ciphertext, `${connectionId}/${slot}`);
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
    return (
      this.db.prepare('SELECT slot FROM connection_secrets WHERE connection_id = ? ORDER BY slot').all(connectionId) as Array<{ slot: string }>
    ).map((row) => row.slot);
  }

  remove(connectionId: string, slot: string): boolean {
    return this.db.prepare('DELETE FROM connection_secrets WHERE connection_id = ? AND slot = ?').run(connectionId, slot).changes > 0;
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
