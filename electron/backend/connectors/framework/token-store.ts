import type { AsyncConnectionCacheRepository } from '../../store/async-store';
import type { AccessToken, TokenStore } from '../../http/token-provider';
import type { SecretVault } from '../../secrets/secret-vault';

/**
 * Token cache row per connection, encrypted with the vault's key, so processes
 * sharing a store (workers on one PostgreSQL store too) reuse one token instead of
 * each fetching their own. Workers on several machines need the same master key
 * (MLC_MASTER_KEY) to open each other's tokens; with another key a token is a cache miss.
 */
export class SharedTokenStore implements TokenStore {
  constructor(
    /** Readable so connectors can coordinate refreshes across processes in the same store (Zoho lease). */
    readonly caches: AsyncConnectionCacheRepository,
    private readonly vault: SecretVault,
    readonly connectionId: string,
  ) {}

  async load(): Promise<AccessToken | undefined> {
    const ciphertext = await this.caches.token(this.connectionId);
    if (ciphertext === undefined) return undefined;
    try {
      return JSON.parse(this.vault.open(ciphertext, `${this.connectionId}/token`)) as AccessToken;
    } catch {
      // A token from another key is just a cache miss.
      return undefined;
    }
  }

  async save(token: AccessToken): Promise<void> {
    await this.caches.putToken(
      this.connectionId,
      this.vault.seal(JSON.stringify(token), `${this.connectionId}/token`),
      token.expiresAt ?? null,
    );
  }

  async clear(): Promise<void> {
    await this.caches.clearToken(this.connectionId);
  }
}
