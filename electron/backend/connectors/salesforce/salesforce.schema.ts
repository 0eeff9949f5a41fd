import { field, type EntityField, type EntitySchema, type FieldType } from '../../../../shared/domain/entity-schema';

/** One entry of `describe().fields` (keys as Salesforce sends them). */
export interface SalesforceDescribeField {
  name: string;
  label?: string;
  type: string;
  length?: number;
  nillable?: boolean;
  createable?: boolean;
  updateable?: boolean;
  defaultedOnCreate?: boolean;
  calculated?: boolean;
  externalId?: boolean;
  idLookup?: boolean;
  unique?: boolean;
  referenceTo?: string[];
  picklistValues?: Array<{ value: string; label?: string; active?: boolean }>;
  inlineHelpText?: string | null;
}

const typeMap: Record<string, FieldType> = {
  id: 'string',
  string: 'string',
  textarea: 'string',
  email: 'string',
  phone: 'string',
  url: 'string',
  encryptedstring: 'string',
  combobox: 'string',
  picklist: 'picklist',
  multipicklist: 'array',
  reference: 'reference',
  boolean: 'boolean',
  currency: 'number',
  double: 'number',
  percent: 'number',
  int: 'integer',
  long: 'integer',
  date: 'date',
  datetime: 'datetime',
  time: 'string',
  address: 'object',
  location: 'object',
};

/** API-FACTS §3.5: required = createable && !nillable && !defaultedOnCreate; read-only = neither createable nor updateable. */
export function salesforceField(meta: SalesforceDescribeField): EntityField {
  const createable = meta.createable === true;
  const updateable = meta.updateable === true;
  const picklist = (meta.picklistValues ?? []).map((value) => ({
    value: value.value,
    label: value.label ?? value.value,
    active: value.active !== false,
  }));
  return field(meta.name, typeMap[meta.type] ?? 'string', {
    label: meta.label ?? meta.name,
    required: { onCreate: createable && meta.nillable === false && meta.defaultedOnCreate !== true, onUpdate: false },
    readOnly: !createable && !updateable,
    createOnly: createable && !updateable,
    ...(meta.length &&
    ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'combobox', 'encryptedstring'].includes(meta.type)
      ? { maxLength: meta.length }
      : {}),
    ...(picklist.length ? { picklist } : {}),
    externalId: meta.externalId === true,
    ...(meta.referenceTo?.[0] ? { referenceTo: meta.referenceTo[0] } : {}),
    nativeType: meta.type,
    ...(meta.inlineHelpText ? { description: meta.inlineHelpText } : {}),
  });
}

export function salesforceEntitySchema(
  object: string,
  label: string,
  fields: SalesforceDescribeField[],
): Omit<EntitySchema, 'hash' | 'fetchedAt'> {
  return { system: 'salesforce', entity: object, label, keyFields: ['Id'], fields: fields.map(salesforceField) };
}
