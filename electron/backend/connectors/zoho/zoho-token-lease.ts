import { randomUUID } from 'node:crypto';
import type { AsyncConnectionCacheRepository } from '../../store/async-store';

/**
 * A short lease in the shared store: only its holder refreshes the token of a
 * connection, so two processes never spend two of Zoho's scarce token
 * issuances at once. A crashed holder's lease simply runs out.
 */
export class TokenRefreshLease {
  private readonly holder = `${process.pid}:${randomUUID()}`;

  constructor(
    private readonly caches: Pick<AsyncConnectionCacheRepository, 'tryAcquireRefreshLease' | 'releaseRefreshLease'>,
    private readonly connectionId: string,
    private readonly ttlMs = 20_000,
  ) {}

  tryAcquire(now = Date.now()): Promise<boolean> {
    return this.caches.tryAcquireRefreshLease(this.connectionId, this.holder, now + this.ttlMs, now);
  }

  release(): Promise<void> {
    return this.caches.releaseRefreshLease(this.connectionId, this.holder);
  }
}
