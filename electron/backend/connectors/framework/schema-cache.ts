import { entitySchemaSchema, type EntitySchema } from '../../../../shared/domain/entity-schema';
import { stableHash } from '../../../../shared/hash';
import type { AsyncConnectionCacheRepository } from '../../store/async-store';

/**
 * Live schemas per connection and entity, in the store, with the hash mappings compare against. Over
 * the async store, so workers sharing a PostgreSQL store share discovered schemas too.
 */
export class SchemaCache {
  constructor(private readonly caches: Pick<AsyncConnectionCacheRepository, 'schema' | 'putSchema' | 'clearSchemas'>) {}

  async get(connectionId: string, entity: string): Promise<EntitySchema | undefined> {
    return parseCachedSchema(await this.caches.schema(connectionId, entity));
  }

  async put(connectionId: string, schema: EntitySchema): Promise<void> {
    await this.caches.putSchema(connectionId, schema, JSON.stringify(schema));
  }

  async clear(connectionId: string): Promise<void> {
    await this.caches.clearSchemas(connectionId);
  }
}

/** A cached schema's JSON as a schema; undefined when absent or no longer valid. */
export function parseCachedSchema(json: string | undefined): EntitySchema | undefined {
  if (json === undefined) return undefined;
  const parsed = entitySchemaSchema.safeParse(JSON.parse(json));
  return parsed.success ? parsed.data : undefined;
}

/** Completes a discovered schema with its hash (over the normalised fields and keys only). */
export function finishSchema(partial: Omit<EntitySchema, 'hash' | 'fetchedAt'>, now = new Date()): EntitySchema {
  const hash = stableHash({ entity: partial.entity, keyFields: partial.keyFields, fields: partial.fields });
  return entitySchemaSchema.parse({ ...partial, hash, fetchedAt: now.toISOString() });
}
