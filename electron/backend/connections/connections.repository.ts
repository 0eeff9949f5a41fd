import { randomUUID } from 'node:crypto';
import type { Connection, ConnectionId, SystemId } from '../../../shared/domain/connection';
import type { Db } from '../store/database';

interface Row {
  id: string;
  system: SystemId;
  name: string;
  settings: string;
  sandbox: number;
  created_at: string;
  updated_at: string;
  secrets: string | null;
}

export interface NewConnection {
  system: SystemId;
  name: string;
  settings: Connection['settings'];
  sandbox: boolean;
}

/** Connections without secrets (table `connections`); secrets are stored through the secrets vault. */
export interface ConnectionsRepository {
  list(): Connection[];
  get(id: ConnectionId | string): Connection | undefined;
  /** A new connection with a new id; `id` keeps a given one (bundle installs, so a bundle's flows find it). */
  create(input: NewConnection & { id?: string }): Connection;
  update(id: string, patch: Partial<Pick<Connection, 'name' | 'settings' | 'sandbox'>>): Connection | undefined;
  remove(id: string): boolean;
}

export class SqliteConnectionsRepository implements ConnectionsRepository {
  constructor(private readonly db: Db) {}

  /** In creation order (`seq`, unique): the sandbox workspace creates six within a millisecond. */
  list(): Connection[] {
    const rows = this.db
      .prepare(
        `SELECT c.*, (SELECT group_concat(slot, ',') FROM connection_secrets s WHERE s.connection_id = c.id) AS secrets
         FROM connections c ORDER BY c.seq`,
      )
      .all() as Row[];
    return rows.map(toConnection);
  }

  get(id: ConnectionId | string): Connection | undefined {
    const row = this.db
      .prepare(
        `SELECT c.*, (SELECT group_concat(slot, ',') FROM connection_secrets s WHERE s.connection_id = c.id) AS secrets
         FROM connections c WHERE c.id = ?`,
      )
      .get(id) as Row | undefined;
    return row ? toConnection(row) : undefined;
  }

  create(input: NewConnection & { id?: string }): Connection {
    const now = new Date().toISOString();
    const id = input.id ?? randomUUID();
    this.db
      .prepare(
        'INSERT INTO connections (id, system, name, settings, sandbox, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(id, input.system, input.name, JSON.stringify(input.settings), input.sandbox ? 1 : 0, now, now);
    return this.get(id)!;
  }

  update(id: string, patch: Partial<Pick<Connection, 'name' | 'settings' | 'sandbox'>>): Connection | undefined {
    const current = this.get(id);
    if (!current) return undefined;
    this.db
      .prepare('UPDATE connections SET name = ?, settings = ?, sandbox = ?, updated_at = ? WHERE id = ?')
      .run(
        patch.name ?? current.name,
        JSON.stringify(patch.settings ?? current.settings),
        (patch.sandbox ?? current.sandbox) ? 1 : 0,
        new Date().toISOString(),
        id,
      );
    return this.get(id);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM connections WHERE id = ?').run(id).changes > 0;
  }
}

function toConnection(row: Row): Connection {
  return {
    id: row.id as ConnectionId,
    system: row.system,
    name: row.name,
    settings: JSON.parse(row.settings) as Connection['settings'],
    secretsSet: row.secrets ? row.secrets.split(',').sort() : [],
    sandbox: row.sandbox === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
