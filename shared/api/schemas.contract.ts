import { z } from 'zod';
import { connectionIdSchema } from '../domain/connection';
import { entitySchemaSchema } from '../domain/entity-schema';
import { flowIdSchema, mappingIdSchema } from '../domain/flow';
import { method } from './define';

/**
 * One mapped field a schema refresh broke: the same finding `mlc validate --live-schemas` and
 * `mlc run` print (shared/bundle/schema-drift.ts), with the saved mapping and the flows it affects.
 */
export const schemaDriftFindingSchema = z.object({
  side: z.enum(['source', 'target']),
  entity: z.string(),
  field: z.string(),
  code: z.enum(['removed-field', 'type-changed', 'became-read-only', 'max-length-reduced', 'picklist-value-removed']),
  message: z.string(),
  mappingId: mappingIdSchema,
  mapping: z.string(),
  flows: z
    .array(z.object({ id: flowIdSchema, name: z.string() }))
    .describe('Flows running the mapping on this connection, by name.'),
});
export type SchemaDriftFinding = z.infer<typeof schemaDriftFindingSchema>;

export const schemaRefreshSchema = z.object({
  schema: entitySchemaSchema,
  /** False when nothing was cached before (nothing to compare) or the live schema hashes the same. */
  changed: z.boolean(),
  /** Mapped fields that disappeared or changed, by mapping name, then side, then field. */
  drift: z.array(schemaDriftFindingSchema),
});
export type SchemaRefresh = z.infer<typeof schemaRefreshSchema>;

export const schemaMethods = {
  'schemas.refresh': method({
    summary:
      'Reads an entity’s schema again from the live system and reports what the change breaks in saved mappings (fields they use that disappeared or changed type).',
    input: z.object({ connectionId: connectionIdSchema, entity: z.string().min(1).max(200) }).strict(),
    output: schemaRefreshSchema,
  }),
};
