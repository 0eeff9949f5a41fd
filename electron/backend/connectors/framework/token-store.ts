import type { Db } from '../../store/database';
import type { AccessToken, TokenStore } from '../../http/token-provider';
import type { SecretVault } from '../../secrets/secret-vault';

/**
 * Token cache row per connection, encrypted with the vault's key, so processes
 * sharing a store reuse one token instead of each fetching their own.
 */
export class SqliteTokenStore implements TokenStore {
  constructor(
    /** Readable so connectors can coordinate refreshes across processes in the same store (Zoho lease). */
    readonly db: Db,
    private readonly vault: SecretVault,
    readonly connectionId: string,
  ) {}

  load(): AccessToken | undefined {
    const row = this.db.prepare('SELECT ciphertext FROM connection_tokens WHERE connection_id = ?').get(this.connectionId) as
      | { ciphertext: string }
      | undefined;
    if (!row) return undefined;
    try {
      return JSON.parse(this.vault.open(row.ciphertext, `${this.connectionId}/token`)) as AccessToken;
    } catch {
      // A token from another key is just a cache miss.
      return undefined;
    }
  }

  save(token: AccessToken): void {
    // The row may not exist yet for a connection being created (foreign key): skip rather than fail.
    const exists = this.db.prepare('SELECT 1 FROM connections WHERE id = ?').get(this.connectionId);
    if (!exists) return;
    this.db
      .prepare(
        `INSERT INTO connection_tokens (connection_id, ciphertext, expires_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (connection_id) DO UPDATE SET ciphertext = excluded.ciphertext, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      )
      .run(this.connectionId, this.vault.seal(JSON.stringify(token), `${this.connectionId}/token`), token.expiresAt ?? null, new Date().toISOString());
  }

  clear(): void {
    this.db.prepare('DELETE FROM connection_tokens WHERE connection_id = ?').run(this.connectionId);
  }
}
