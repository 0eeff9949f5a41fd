import { AppError, errorMessage } from '../../../shared/errors';
import { registerSecret } from '../util/redact';

export interface AccessToken {
  accessToken: string;
  /** Epoch ms; undefined when the system does not say (Salesforce) and no default applies. */
  expiresAt?: number;
  refreshToken?: string;
  /** Epoch ms when it was issued, for "token lifetime" reports. */
  obtainedAt: number;
  /** Seconds the issuer granted (`expires_in`), as reported. */
  lifetimeSeconds?: number;
}

/** Where tokens come from; connectors implement it with hooks over the shared HTTP client. */
export interface TokenSource {
  /**
   * A fresh token. `previous` is the current one (its refresh token may be used);
   * implementations fall back to a full grant when a refresh is refused.
   */
  obtain(previous: AccessToken | undefined): Promise<AccessToken>;
}

/** Optional persistence so several processes (desktop, `mlc serve`) share one token. */
export interface TokenStore {
  load(): Promise<AccessToken | undefined>;
  save(token: AccessToken): Promise<void>;
  clear(): Promise<void>;
}

export interface TokenProviderOptions {
  /** Renew this long before expiry. */
  skewMs: number;
  now?: () => number;
  store?: TokenStore;
}

/**
 * Single-flight token cache: at most one token request is in flight per
 * connection, callers arriving meanwhile share its result; tokens renew
 * proactively `skewMs` before expiry, and a token the server rejected is
 * replaced once (a caller holding an already-replaced token just gets the new one).
 */
export class TokenProvider {
  private current: AccessToken | undefined;
  private inflight: Promise<AccessToken> | undefined;
  private readonly now: () => number;
  private obtained = 0;

  constructor(
    private readonly source: TokenSource,
    private readonly options: TokenProviderOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** How many tokens this provider fetched (initial + refreshes). */
  get fetchCount(): number {
    return this.obtained;
  }

  /** The cached token, without fetching. */
  peek(): AccessToken | undefined {
    return this.current;
  }

  async get(): Promise<AccessToken> {
    if (this.current && this.fresh(this.current)) return this.current;
    const stored = await this.options.store?.load();
    if (stored && this.fresh(stored)) {
      this.adopt(stored);
      return stored;
    }
    return this.refresh();
  }

  /** The server refused `rejected`: replace it unless someone already did. */
  async invalidate(rejected: AccessToken): Promise<AccessToken> {
    if (this.current && this.current.accessToken !== rejected.accessToken && this.fresh(this.current))
      return this.current;
    if (this.current?.accessToken === rejected.accessToken) {
      // Keep the refresh token for the refresh grant, but never reuse the access token.
      this.current = { ...this.current, expiresAt: 0 };
    }
    await this.options.store?.clear();
    return this.refresh();
  }

  /** Forget everything (connection removed or credentials changed). */
  reset(): void {
    this.current = undefined;
    // Forgetting the shared copy may finish later; a failure only costs the next process a fetch.
    this.options.store?.clear().catch(() => undefined);
  }

  private fresh(token: AccessToken): boolean {
    return token.expiresAt === undefined || token.expiresAt - this.options.skewMs > this.now();
  }

  private refresh(): Promise<AccessToken> {
    if (this.inflight) return this.inflight;
    const previous = this.current;
    this.inflight = this.source
      .obtain(previous)
      .then(async (token) => {
        this.obtained += 1;
        this.adopt(token);
        await this.options.store?.save(token);
        return token;
      })
      .catch((error: unknown) => {
        if (error instanceof AppError) throw error;
        // Not an answer from the sign-in server (those are coded), so not a credential problem.
        throw new AppError('E_REMOTE', `Could not obtain an access token (${errorMessage(error)}).`);
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private adopt(token: AccessToken): void {
    registerSecret(token.accessToken);
    registerSecret(token.refreshToken);
    this.current = token;
  }
}
