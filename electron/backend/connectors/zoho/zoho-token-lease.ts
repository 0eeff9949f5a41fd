import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database';

/**
 * A short lease in the shared store: only its holder refreshes the token of a
 * connection, so two processes never spend two of Zoho's scarce token
 * issuances at once. A crashed holder's lease simply runs out.
 */
export class TokenRefreshLease {
  private readonly holder = `${process.pid}:${randomUUID()}`;

  constructor(
    private readonly db: Db,
    private readonly connectionId: string,
    private readonly ttlMs = 20_000,
  ) {}

  tryAcquire(now = Date.now()): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO token_refresh_leases (connection_id, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (connection_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE token_refresh_leases.expires_at < ? OR token_refresh_leases.holder = excluded.holder`,
      )
      .run(this.connectionId, this.holder, now + this.ttlMs, now);
    return result.changes === 1;
  }

  release(): void {
    this.db.prepare('DELETE FROM token_refresh_leases WHERE connection_id = ? AND holder = ?').run(this.connectionId, this.holder);
  }
}
