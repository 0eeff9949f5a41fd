import { entitySchemaSchema, type EntitySchema } from '../../../../shared/domain/entity-schema';
import { stableHash } from '../../../../shared/hash';
import type { Db } from '../../store/database';

/** Live schemas per connection and entity, in SQLite, with the hash mappings compare against. */
export class SchemaCache {
  constructor(private readonly db: Db) {}

  get(connectionId: string, entity: string): EntitySchema | undefined {
    const row = this.db
      .prepare('SELECT schema_json FROM entity_schemas WHERE connection_id = ? AND entity = ?')
      .get(connectionId, entity) as { schema_json: string } | undefined;
    if (!row) return undefined;
    const parsed = entitySchemaSchema.safeParse(JSON.parse(row.schema_json));
    return parsed.success ? parsed.data : undefined;
  }

  put(connectionId: string, schema: EntitySchema): void {
    this.db
      .prepare(
        `INSERT INTO entity_schemas (connection_id, entity, hash, schema_json, fetched_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (connection_id, entity) DO UPDATE SET hash = excluded.hash, schema_json = excluded.schema_json, fetched_at = excluded.fetched_at`,
      )
      .run(connectionId, schema.entity, schema.hash, JSON.stringify(schema), schema.fetchedAt);
  }

  clear(connectionId: string): void {
    this.db.prepare('DELETE FROM entity_schemas WHERE connection_id = ?').run(connectionId);
  }
}

/** Completes a discovered schema with its hash (over the normalised fields and keys only). */
export function finishSchema(partial: Omit<EntitySchema, 'hash' | 'fetchedAt'>, now = new Date()): EntitySchema {
  const hash = stableHash({ entity: partial.entity, keyFields: partial.keyFields, fields: partial.fields });
  return entitySchemaSchema.parse({ ...partial, hash, fetchedAt: now.toISOString() });
}
