import { entitySchemaSchema, type EntitySchema } from '../../../../shared/domain/entity-schema';
import { stableHash } from '../../../../shared/hash';
import type { ConnectionCacheRepository } from '../../connections/connection-cache.repository';

/** Live schemas per connection and entity, in the store, with the hash mappings compare against. */
export class SchemaCache {
  constructor(private readonly caches: ConnectionCacheRepository) {}

  get(connectionId: string, entity: string): EntitySchema | undefined {
    const json = this.caches.schema(connectionId, entity);
    if (json === undefined) return undefined;
    const parsed = entitySchemaSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  }

  put(connectionId: string, schema: EntitySchema): void {
    this.caches.putSchema(connectionId, schema, JSON.stringify(schema));
  }

  clear(connectionId: string): void {
    this.caches.clearSchemas(connectionId);
  }
}

/** Completes a discovered schema with its hash (over the normalised fields and keys only). */
export function finishSchema(partial: Omit<EntitySchema, 'hash' | 'fetchedAt'>, now = new Date()): EntitySchema {
  const hash = stableHash({ entity: partial.entity, keyFields: partial.keyFields, fields: partial.fields });
  return entitySchemaSchema.parse({ ...partial, hash, fetchedAt: now.toISOString() });
}
