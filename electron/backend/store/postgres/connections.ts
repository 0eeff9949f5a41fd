import { randomUUID } from 'node:crypto';
import type { Connection, ConnectionId, SystemId } from '../../../../shared/domain/connection';
import type { NewConnection } from '../../connections/connections.repository';
import type {
  AsyncConnectionCacheRepository,
  AsyncConnectionsRepository,
  AsyncSecretsRepository,
} from '../async-store';
import type { Sql } from './sql';

/** SqliteConnectionsRepository's semantics (connections/connections.repository.ts) in PostgreSQL. */
export class PgConnectionsRepository implements AsyncConnectionsRepository {
  constructor(private readonly sql: Sql) {}

  private readonly select = `SELECT c.*, (SELECT string_agg(slot, ',') FROM connection_secrets s WHERE s.connection_id = c.id) AS secrets
    FROM connections c`;

  /** In creation order (`seq`), as in SQLite. */
  async list(): Promise<Connection[]> {
    return (await this.sql.query<Row>(`${this.select} ORDER BY c.seq`)).map(toConnection);
  }

  async get(id: ConnectionId | string): Promise<Connection | undefined> {
    const row = (await this.sql.query<Row>(`${this.select} WHERE c.id = $1`, [id]))[0];
    return row ? toConnection(row) : undefined;
  }

  async create(input: NewConnection & { id?: string }): Promise<Connection> {
    const now = new Date().toISOString();
    const id = input.id ?? randomUUID();
    await this.sql.query(
      'INSERT INTO connections (id, system, name, settings, sandbox, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [id, input.system, input.name, JSON.stringify(input.settings), input.sandbox, now, now],
    );
    return (await this.get(id))!;
  }

  async update(
    id: string,
    patch: Partial<Pick<Connection, 'name' | 'settings' | 'sandbox'>>,
  ): Promise<Connection | undefined> {
    const current = await this.get(id);
    if (!current) return undefined;
    await this.sql.query(
      'UPDATE connections SET name = $1, settings = $2, sandbox = $3, updated_at = $4 WHERE id = $5',
      [
        patch.name ?? current.name,
        JSON.stringify(patch.settings ?? current.settings),
        patch.sandbox ?? current.sandbox,
        new Date().toISOString(),
        id,
      ],
    );
    return this.get(id);
  }

  async remove(id: string): Promise<boolean> {
    return (await this.sql.query('DELETE FROM connections WHERE id = $1 RETURNING id', [id])).length > 0;
  }
}

interface Row {
  id: string;
  system: SystemId;
  name: string;
  settings: string;
  sandbox: boolean;
  created_at: string;
  updated_at: string;
  secrets: string | null;
}

function toConnection(row: Row): Connection {
  return {
    id: row.id as ConnectionId,
    system: row.system,
    name: row.name,
    settings: JSON.parse(row.settings) as Connection['settings'],
    secretsSet: row.secrets ? row.secrets.split(',').sort() : [],
    sandbox: row.sandbox,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** SqliteSecretsRepository's semantics (secrets/secrets.repository.ts): ciphertexts only. */
export class PgSecretsRepository implements AsyncSecretsRepository {
  constructor(private readonly sql: Sql) {}

  /** All or none, as in SQLite. */
  putMany(connectionId: string, ciphertexts: Record<string, string | null>): Promise<void> {
    return this.sql.tx(async (sql) => {
      const now = new Date().toISOString();
      for (const [slot, ciphertext] of Object.entries(ciphertexts)) {
        if (ciphertext === null)
          await sql.query('DELETE FROM connection_secrets WHERE connection_id = $1 AND slot = $2', [
            connectionId,
            slot,
          ]);
        else
          await sql.query(
            `INSERT INTO connection_secrets (connection_id, slot, ciphertext, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (connection_id, slot) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
            [connectionId, slot, ciphertext, now],
          );
      }
    });
  }

  async get(connectionId: string, slot: string): Promise<string | undefined> {
    return (
      await this.sql.query<{ ciphertext: string }>(
        'SELECT ciphertext FROM connection_secrets WHERE connection_id = $1 AND slot = $2',
        [connectionId, slot],
      )
    )[0]?.ciphertext;
  }

  async slots(connectionId: string): Promise<string[]> {
    return (
      await this.sql.query<{ slot: string }>(
        'SELECT slot FROM connection_secrets WHERE connection_id = $1 ORDER BY slot',
        [connectionId],
      )
    ).map((row) => row.slot);
  }

  async remove(connectionId: string, slot: string): Promise<boolean> {
    return (
      (
        await this.sql.query('DELETE FROM connection_secrets WHERE connection_id = $1 AND slot = $2 RETURNING slot', [
          connectionId,
          slot,
        ])
      ).length > 0
    );
  }
}

/** SqliteConnectionCacheRepository's semantics (connections/connection-cache.repository.ts). */
export class PgConnectionCacheRepository implements AsyncConnectionCacheRepository {
  constructor(private readonly sql: Sql) {}

  async schema(connectionId: string, entity: string): Promise<string | undefined> {
    return (
      await this.sql.query<{ schema_json: string }>(
        'SELECT schema_json FROM entity_schemas WHERE connection_id = $1 AND entity = $2',
        [connectionId, entity],
      )
    )[0]?.schema_json;
  }

  async schemaHash(connectionId: string, entity: string): Promise<string | undefined> {
    return (
      await this.sql.query<{ hash: string }>(
        'SELECT hash FROM entity_schemas WHERE connection_id = $1 AND entity = $2',
        [connectionId, entity],
      )
    )[0]?.hash;
  }

  async putSchema(
    connectionId: string,
    schema: { entity: string; hash: string; fetchedAt: string },
    json: string,
  ): Promise<void> {
    await this.sql.query(
      `INSERT INTO entity_schemas (connection_id, entity, hash, schema_json, fetched_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (connection_id, entity) DO UPDATE SET hash = excluded.hash, schema_json = excluded.schema_json, fetched_at = excluded.fetched_at`,
      [connectionId, schema.entity, schema.hash, json, schema.fetchedAt],
    );
  }

  async clearSchemas(connectionId: string): Promise<void> {
    await this.sql.query('DELETE FROM entity_schemas WHERE connection_id = $1', [connectionId]);
  }

  async token(connectionId: string): Promise<string | undefined> {
    return (
      await this.sql.query<{ ciphertext: string }>(
        'SELECT ciphertext FROM connection_tokens WHERE connection_id = $1',
        [connectionId],
      )
    )[0]?.ciphertext;
  }

  /** Skipped while the connection row does not exist yet (a connection being created), as in SQLite. */
  async putToken(connectionId: string, ciphertext: string, expiresAt: number | null): Promise<void> {
    await this.sql.query(
      `INSERT INTO connection_tokens (connection_id, ciphertext, expires_at, updated_at)
       SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM connections WHERE id = $1)
       ON CONFLICT (connection_id) DO UPDATE SET ciphertext = excluded.ciphertext, expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
      [connectionId, ciphertext, expiresAt, new Date().toISOString()],
    );
  }

  async clearToken(connectionId: string): Promise<void> {
    await this.sql.query('DELETE FROM connection_tokens WHERE connection_id = $1', [connectionId]);
  }

  /** One atomic upsert: two workers asking at once cannot both get it (ON CONFLICT takes the row lock). */
  async tryAcquireRefreshLease(connectionId: string, holder: string, expiresAt: number, now: number): Promise<boolean> {
    const rows = await this.sql.query(
      `INSERT INTO token_refresh_leases (connection_id, holder, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (connection_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE token_refresh_leases.expires_at < $4 OR token_refresh_leases.holder = excluded.holder
       RETURNING connection_id`,
      [connectionId, holder, expiresAt, now],
    );
    return rows.length === 1;
  }

  async releaseRefreshLease(connectionId: string, holder: string): Promise<void> {
    await this.sql.query('DELETE FROM token_refresh_leases WHERE connection_id = $1 AND holder = $2', [
      connectionId,
      holder,
    ]);
  }

  async tenantCheck(connectionId: string): Promise<string | undefined> {
    return (
      await this.sql.query<{ report_json: string }>('SELECT report_json FROM tenant_checks WHERE connection_id = $1', [
        connectionId,
      ])
    )[0]?.report_json;
  }

  async putTenantCheck(connectionId: string, checkedAt: string, json: string): Promise<void> {
    await this.sql.query(
      `INSERT INTO tenant_checks (connection_id, report_json, checked_at)
       SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM connections WHERE id = $1)
       ON CONFLICT (connection_id) DO UPDATE SET report_json = excluded.report_json, checked_at = excluded.checked_at`,
      [connectionId, json, checkedAt],
    );
  }
}
