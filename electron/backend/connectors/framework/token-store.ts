import type { ConnectionCacheRepository } from '../../connections/connection-cache.repository';
import type { AccessToken, TokenStore } from '../../http/token-provider';
import type { SecretVault } from '../../secrets/secret-vault';

/**
 * Token cache row per connection, encrypted with the vault's key, so processes
 * sharing a store reuse one token instead of each fetching their own.
 */
export class SharedTokenStore implements TokenStore {
  constructor(
    /** Readable so connectors can coordinate refreshes across processes in the same store (Zoho lease). */
    readonly caches: ConnectionCacheRepository,
    private readonly vault: SecretVault,
    readonly connectionId: string,
  ) {}

  load(): AccessToken | undefined {
    const ciphertext = this.caches.token(this.connectionId);
    if (ciphertext === undefined) return undefined;
    try {
      return JSON.parse(this.vault.open(ciphertext, `${this.connectionId}/token`)) as AccessToken;
    } catch {
      // A token from another key is just a cache miss.
      return undefined;
    }
  }

  save(token: AccessToken): void {
    this.caches.putToken(
      this.connectionId,
      this.vault.seal(JSON.stringify(token), `${this.connectionId}/token`),
      token.expiresAt ?? null,
    );
  }

  clear(): void {
    this.caches.clearToken(this.connectionId);
  }
}
