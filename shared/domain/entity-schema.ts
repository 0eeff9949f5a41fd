import { z } from 'zod';
import { systemIdSchema } from './connection';

export const fieldTypes = [
  'string',
  'number',
  'integer',
  'boolean',
  'date',
  'datetime',
  'picklist',
  'reference',
  'object',
  'array',
] as const;
export const fieldTypeSchema = z.enum(fieldTypes);
export type FieldType = z.infer<typeof fieldTypeSchema>;

export const picklistValueSchema = z.object({
  /** What is sent on the wire (Dataverse option sets: the integer as a string is not enough, keep the type). */
  value: z.union([z.string(), z.number()]),
  label: z.string(),
  active: z.boolean().default(true),
});
export type PicklistValue = z.infer<typeof picklistValueSchema>;

export interface EntityField {
  /** Name on the wire, e.g. `CUNO`, `Billing_City`, `address1_city`. */
  name: string;
  label: string;
  type: FieldType;
  required: { onCreate: boolean; onUpdate: boolean };
  readOnly: boolean;
  /** Settable when creating, ignored or refused on update (Salesforce `createable && !updateable`). */
  createOnly: boolean;
  maxLength?: number;
  picklist?: PicklistValue[];
  externalId: boolean;
  /** Entity a `reference` field points at (`Account`, `accounts`). */
  referenceTo?: string;
  /** Members of an `object`, or of each item of an `array` (order lines …). */
  children?: EntityField[];
  description?: string;
  /** The system's own type name (`A`, `Edm.String`, `textarea` …), for display. */
  nativeType?: string;
}

export const entityFieldSchema: z.ZodType<EntityField> = z.lazy(() =>
  z.object({
    name: z.string().min(1),
    label: z.string(),
    type: fieldTypeSchema,
    required: z.object({ onCreate: z.boolean(), onUpdate: z.boolean() }),
    readOnly: z.boolean(),
    createOnly: z.boolean(),
    maxLength: z.number().int().positive().optional(),
    picklist: z.array(picklistValueSchema).optional(),
    externalId: z.boolean(),
    referenceTo: z.string().optional(),
    children: z.array(entityFieldSchema).optional(),
    description: z.string().optional(),
    nativeType: z.string().optional(),
  }),
) as z.ZodType<EntityField>;

/** Live metadata of one entity of one system, normalised the same way for all six. */
export const entitySchemaSchema = z.object({
  system: systemIdSchema,
  /** The connector's entity id (`customers`, `Accounts`, `account` …). */
  entity: z.string().min(1),
  label: z.string(),
  /** Fields that identify a record in the source (`CUNO`) or match it in the target. */
  keyFields: z.array(z.string()),
  fields: z.array(entityFieldSchema),
  /** Stable hash of the normalised fields; mappings remember it to notice schema changes. */
  hash: z.string(),
  fetchedAt: z.string(),
});
export type EntitySchema = z.infer<typeof entitySchemaSchema>;

/** A field with defaults filled in, for connectors building schemas by hand. */
export function field(name: string, type: FieldType, extra: Partial<EntityField> = {}): EntityField {
  return {
    name,
    label: extra.label ?? name,
    type,
    required: extra.required ?? { onCreate: false, onUpdate: false },
    readOnly: extra.readOnly ?? false,
    createOnly: extra.createOnly ?? false,
    externalId: extra.externalId ?? false,
    ...extra,
  };
}
