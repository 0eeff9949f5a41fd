import { field, type EntityField, type EntitySchema, type FieldType } from '../../../../shared/domain/entity-schema';

/** One entry of `GET /settings/fields` (the keys the OpenAPI documents that matter here). */
export interface ZohoFieldMetadata {
  api_name: string;
  field_label?: string;
  display_label?: string;
  data_type: string;
  json_type?: string;
  system_mandatory?: boolean;
  length?: number | null;
  read_only?: boolean;
  field_read_only?: boolean;
  custom_field?: boolean;
  unique?: Record<string, unknown> | null;
  external?: Record<string, unknown> | null;
  lookup?: { module?: { api_name?: string } | null } | null;
  subform?: { module?: string | null } | null;
  pick_list_values?: Array<{ display_value?: string; actual_value?: string; type?: string }> | null;
}

const typeMap: Record<string, FieldType> = {
  text: 'string',
  textarea: 'string',
  email: 'string',
  phone: 'string',
  website: 'string',
  autonumber: 'string',
  formula: 'string',
  bigint: 'string',
  integer: 'integer',
  double: 'number',
  currency: 'number',
  percent: 'number',
  decimal: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  picklist: 'picklist',
  multiselectpicklist: 'array',
  lookup: 'reference',
  ownerlookup: 'reference',
  userlookup: 'reference',
  subform: 'array',
};

const computed = new Set(['autonumber', 'formula', 'rollup_summary']);

const lookupTypes = new Set(['lookup', 'ownerlookup', 'userlookup']);

/** Zoho writes and reads a lookup as `{ "id": "…" }` (API-FACTS §2): the id is the member a mapping fills. */
function lookupId(readOnly: boolean): EntityField {
  return field('id', 'string', { label: 'Record id', readOnly, description: 'Id of the record this lookup points at' });
}

/** Zoho field metadata → the normalised `EntityField` (required = system mandatory; external id = `external` set). */
export function zohoField(meta: ZohoFieldMetadata, children?: EntityField[]): EntityField {
  const readOnly =
    meta.read_only === true || meta.field_read_only === true || computed.has(meta.data_type) || meta.api_name === 'id';
  const mandatory = meta.system_mandatory === true && !readOnly;
  const picklist = (meta.pick_list_values ?? [])
    .filter((value) => value.actual_value !== undefined)
    .map((value) => ({
      value: value.actual_value as string,
      label: value.display_value ?? (value.actual_value as string),
      active: value.type !== 'unused',
    }));
  return field(meta.api_name, typeMap[meta.data_type] ?? (meta.json_type === 'jsonobject' ? 'object' : 'string'), {
    label: meta.field_label ?? meta.display_label ?? meta.api_name,
    required: { onCreate: mandatory, onUpdate: false },
    readOnly,
    ...(typeof meta.length === 'number' &&
    meta.length > 0 &&
    ['text', 'textarea', 'email', 'phone', 'website', 'picklist'].includes(meta.data_type)
      ? { maxLength: meta.length }
      : {}),
    ...(picklist.length > 0 ? { picklist } : {}),
    externalId: isExternal(meta.external),
    ...(meta.lookup?.module?.api_name ? { referenceTo: meta.lookup.module.api_name } : {}),
    ...(children ? { children } : lookupTypes.has(meta.data_type) ? { children: [lookupId(readOnly)] } : {}),
    nativeType: meta.data_type,
    ...(meta.custom_field ? { description: 'Custom field' } : {}),
  });
}

export function zohoEntitySchema(
  module: string,
  label: string,
  fields: EntityField[],
): Omit<EntitySchema, 'hash' | 'fetchedAt'> {
  return { system: 'zoho', entity: module, label, keyFields: ['id'], fields };
}

/**
 * Zoho's OpenAPI (fields.json, `external`) makes `external` an object with a
 * nullable `type` on every field: a plain field carries `{show: false, type:
 * null}`, so "present and non-empty" is not enough. Older answers send `null`
 * or `{}`; an external id field has a type (`user`, `org`).
 */
function isExternal(external: Record<string, unknown> | null | undefined): boolean {
  if (!external) return false;
  if ('type' in external || 'show' in external) return external.type !== null && external.type !== undefined;
  return Object.keys(external).length > 0;
}
