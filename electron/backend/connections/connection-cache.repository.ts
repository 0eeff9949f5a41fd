import type { Db } from '../store/database';

/**
 * What the backend caches per connection, shared by every process on the
 * store (tables `entity_schemas`, `connection_tokens`, `token_refresh_leases`, `tenant_checks`):
 * live schemas, the encrypted access token, who may refresh it right now, and the last tenant check.
 */
export interface ConnectionCacheRepository {
  /** A cached schema's JSON, as `putSchema` stored it. */
  schema(connectionId: string, entity: string): string | undefined;
  /** The cached schema's hash only (bundle exports record what a mapping was drawn against). */
  schemaHash(connectionId: string, entity: string): string | undefined;
  putSchema(connectionId: string, schema: { entity: string; hash: string; fetchedAt: string }, json: string): void;
  clearSchemas(connectionId: string): void;
  /** The sealed token (see SecretVault.seal). */
  token(connectionId: string): string | undefined;
  /** Skipped while the connection row does not exist yet (a connection being created). */
  putToken(connectionId: string, ciphertext: string, expiresAt: number | null): void;
  clearToken(connectionId: string): void;
  /** Takes the refresh lease unless another holder's is still valid at `now`; true when this holder has it. */
  tryAcquireRefreshLease(connectionId: string, holder: string, expiresAt: number, now: number): boolean;
  releaseRefreshLease(connectionId: string, holder: string): void;
  /** The last Infor tenant check's report JSON, as `putTenantCheck` stored it. */
  tenantCheck(connectionId: string): string | undefined;
  /** Replaces the connection's last report; skipped while the connection row does not exist. */
  putTenantCheck(connectionId: string, checkedAt: string, json: string): void;
}

export class SqliteConnectionCacheRepository implements ConnectionCacheRepository {
  constructor(private readonly db: Db) {}

  schema(connectionId: string, entity: string): string | undefined {
    const row = this.db
      .prepare('SELECT schema_json FROM entity_schemas WHERE connection_id = ? AND entity = ?')
      .get(connectionId, entity) as { schema_json: string } | undefined;
    return row?.schema_json;
  }

  schemaHash(connectionId: string, entity: string): string | undefined {
    const row = this.db
      .prepare('SELECT hash FROM entity_schemas WHERE connection_id = ? AND entity = ?')
      .get(connectionId, entity) as { hash: string } | undefined;
    return row?.hash;
  }

  putSchema(connectionId: string, schema: { entity: string; hash: string; fetchedAt: string }, json: string): void {
    this.db
      .prepare(
        `INSERT INTO entity_schemas (connection_id, entity, hash, schema_json, fetched_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (connection_id, entity) DO UPDATE SET hash = excluded.hash, schema_json = excluded.schema_json, fetched_at = excluded.fetched_at`,
      )
      .run(connectionId, schema.entity, schema.hash, json, schema.fetchedAt);
  }

  clearSchemas(connectionId: string): void {
    this.db.prepare('DELETE FROM entity_schemas WHERE connection_id = ?').run(connectionId);
  }

  token(connectionId: string): string | undefined {
    const row = this.db
      .prepare('SELECT ciphertext FROM connection_tokens WHERE connection_id = ?')
      .get(connectionId) as { ciphertext: string } | undefined;
    return row?.ciphertext;
  }

  putToken(connectionId: string, ciphertext: string, expiresAt: number | null): void {
    // The row may not exist yet for a connection being created (foreign key): skip rather than fail.
    const exists = this.db.prepare('SELECT 1 FROM connections WHERE id = ?').get(connectionId);
    if (!exists) return;
    this.db
      .prepare(
        `INSERT INTO connection_tokens (connection_id, ciphertext, expires_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (connection_id) DO UPDATE SET ciphertext = excluded.ciphertext, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      )
      .run(connectionId, ciphertext, expiresAt, new Date().toISOString());
  }

  clearToken(connectionId: string): void {
    this.db.prepare('DELETE FROM connection_tokens WHERE connection_id = ?').run(connectionId);
  }

  tryAcquireRefreshLease(connectionId: string, holder: string, expiresAt: number, now: number): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO token_refresh_leases (connection_id, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (connection_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE token_refresh_leases.expires_at < ? OR token_refresh_leases.holder = excluded.holder`,
      )
      .run(connectionId, holder, expiresAt, now);
    return result.changes === 1;
  }

  releaseRefreshLease(connectionId: string, holder: string): void {
    this.db
      .prepare('DELETE FROM token_refresh_leases WHERE connection_id = ? AND holder = ?')
      .run(connectionId, holder);
  }

  tenantCheck(connectionId: string): string | undefined {
    const row = this.db.prepare('SELECT report_json FROM tenant_checks WHERE connection_id = ?').get(connectionId) as
      { report_json: string } | undefined;
    return row?.report_json;
  }

  putTenantCheck(connectionId: string, checkedAt: string, json: string): void {
    const exists = this.db.prepare('SELECT 1 FROM connections WHERE id = ?').get(connectionId);
    if (!exists) return;
    this.db
      .prepare(
        `INSERT INTO tenant_checks (connection_id, report_json, checked_at) VALUES (?, ?, ?)
         ON CONFLICT (connection_id) DO UPDATE SET report_json = excluded.report_json, checked_at = excluded.checked_at`,
      )
      .run(connectionId, json, checkedAt);
  }
}
