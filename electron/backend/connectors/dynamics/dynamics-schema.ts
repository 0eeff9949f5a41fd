import { AppError } from '../../../../shared/errors';
import type { EntityField, EntitySchema, FieldType, PicklistValue } from '../../../../shared/domain/entity-schema';
import type { HookContext } from '../framework/hooks';
import { apiBaseOf, odataHeaders } from './dynamics-odata';

/**
 * Schema discovery from Dataverse metadata (API-FACTS §5.5): the table
 * definition with its alternate keys and lookup navigation names, every
 * column, then typed casts for lengths, option sets and lookup targets.
 * Metadata is not paged; the result is cached by the runtime.
 */

interface Label {
  UserLocalizedLabel?: { Label?: string } | null;
  LocalizedLabels?: Array<{ Label?: string }>;
}

export interface EntityDefinition {
  LogicalName: string;
  EntitySetName?: string;
  PrimaryIdAttribute?: string;
  PrimaryNameAttribute?: string;
  DisplayName?: Label;
  Keys?: Array<{ LogicalName?: string; KeyAttributes?: string[]; EntityKeyIndexStatus?: string }>;
  ManyToOneRelationships?: Array<{
    ReferencingAttribute?: string;
    ReferencingEntityNavigationPropertyName?: string;
    ReferencedEntity?: string;
  }>;
}

export interface AttributeDefinition {
  LogicalName: string;
  AttributeTypeName?: { Value?: string };
  RequiredLevel?: { Value?: string };
  IsValidForCreate?: boolean;
  IsValidForUpdate?: boolean;
  IsPrimaryId?: boolean;
  AttributeOf?: string | null;
  DisplayName?: Label;
  Description?: Label;
}

type OptionSet = { Options?: Array<{ Value?: number; Label?: Label; IsActive?: boolean }> } | null;

export interface AttributeCasts {
  maxLength: Map<string, number>;
  options: Map<string, PicklistValue[]>;
  targets: Map<string, string[]>;
}

const casts = {
  string: 'Microsoft.Dynamics.CRM.StringAttributeMetadata?$select=LogicalName,MaxLength',
  memo: 'Microsoft.Dynamics.CRM.MemoAttributeMetadata?$select=LogicalName,MaxLength',
  picklist:
    'Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options),GlobalOptionSet($select=Options)',
  status: 'Microsoft.Dynamics.CRM.StatusAttributeMetadata?$select=LogicalName&$expand=OptionSet($select=Options)',
  lookup: 'Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets',
};

export async function discoverDynamicsSchema(
  context: HookContext,
  entity: string,
): Promise<Omit<EntitySchema, 'hash' | 'fetchedAt'>> {
  const table = `${apiBaseOf(context)}/EntityDefinitions(LogicalName='${entity.replace(/'/g, "''")}')`;
  const get = async <T>(url: string): Promise<T> => {
    const response = await context.http.request({ url, headers: odataHeaders(), expect: 'json' });
    if (response.status === 404)
      throw new AppError('E_NOT_FOUND', `Dataverse has no table "${entity}" in this environment.`);
    if (response.status >= 400)
      throw new AppError(
        'E_REMOTE',
        `Reading the metadata of ${entity} failed with HTTP ${response.status}: ${response.text.slice(0, 300)}`,
      );
    return response.data as T;
  };
  const definition = await get<EntityDefinition>(
    `${table}?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,DisplayName` +
      '&$expand=Keys($select=LogicalName,KeyAttributes,EntityKeyIndexStatus),' +
      'ManyToOneRelationships($select=ReferencingAttribute,ReferencingEntityNavigationPropertyName,ReferencedEntity)',
  );
  const attributes = await get<{ value: AttributeDefinition[] }>(
    `${table}/Attributes?$select=LogicalName,AttributeTypeName,RequiredLevel,IsValidForCreate,IsValidForUpdate,IsPrimaryId,AttributeOf,DisplayName,Description`,
  );
  const [strings, memos, picklists, statuses, lookups] = await Promise.all(
    [casts.string, casts.memo, casts.picklist, casts.status, casts.lookup].map((cast) =>
      get<{ value: Array<Record<string, unknown>> }>(`${table}/Attributes/${cast}`),
    ),
  );
  const found: AttributeCasts = { maxLength: new Map(), options: new Map(), targets: new Map() };
  for (const row of [...(strings?.value ?? []), ...(memos?.value ?? [])]) {
    if (typeof row.MaxLength === 'number' && row.MaxLength > 0)
      found.maxLength.set(String(row.LogicalName), row.MaxLength);
  }
  for (const row of [...(picklists?.value ?? []), ...(statuses?.value ?? [])]) {
    const set = (row.OptionSet as OptionSet) ?? (row.GlobalOptionSet as OptionSet);
    found.options.set(String(row.LogicalName), optionsOf(set));
  }
  for (const row of lookups?.value ?? []) {
    if (Array.isArray(row.Targets)) found.targets.set(String(row.LogicalName), row.Targets.map(String));
  }
  return buildEntitySchema(entity, definition, attributes.value ?? [], found);
}

/** Pure: metadata rows → EntitySchema (without hash); exported for fixture tests. */
export function buildEntitySchema(
  entity: string,
  definition: EntityDefinition,
  attributes: AttributeDefinition[],
  found: AttributeCasts,
): Omit<EntitySchema, 'hash' | 'fetchedAt'> {
  const keyFields = [
    ...new Set(
      (definition.Keys ?? [])
        .filter((key) => (key.EntityKeyIndexStatus ?? 'Active') === 'Active')
        .flatMap((key) => key.KeyAttributes ?? []),
    ),
  ];
  const navigation = new Map<string, Array<{ name: string; target: string }>>();
  for (const relation of definition.ManyToOneRelationships ?? []) {
    if (!relation.ReferencingAttribute || !relation.ReferencingEntityNavigationPropertyName) continue;
    const list = navigation.get(relation.ReferencingAttribute) ?? [];
    list.push({ name: relation.ReferencingEntityNavigationPropertyName, target: relation.ReferencedEntity ?? '' });
    navigation.set(relation.ReferencingAttribute, list);
  }
  const fields: EntityField[] = [];
  for (const attribute of [...attributes].sort((left, right) => left.LogicalName.localeCompare(right.LogicalName))) {
    const typeName = attribute.AttributeTypeName?.Value ?? '';
    if (
      attribute.AttributeOf ||
      typeName === 'VirtualType' ||
      typeName === 'EntityNameType' ||
      typeName === 'ManagedPropertyType'
    )
      continue;
    const level = attribute.RequiredLevel?.Value ?? 'None';
    // Dataverse fills the primary id and the owner (the calling user) by itself, although
    // both are SystemRequired; asking a mapping for them would block every create.
    const filledByDataverse = attribute.IsPrimaryId === true || typeName === 'OwnerType';
    const required = !filledByDataverse && (level === 'SystemRequired' || level === 'ApplicationRequired');
    const canCreate = attribute.IsValidForCreate === true;
    const canUpdate = attribute.IsValidForUpdate === true;
    const label = labelOf(attribute.DisplayName) || attribute.LogicalName;
    const description = labelOf(attribute.Description) || undefined;
    const base = {
      required: { onCreate: required && canCreate, onUpdate: false },
      readOnly: !canCreate && !canUpdate,
      createOnly: canCreate && !canUpdate,
      externalId: keyFields.includes(attribute.LogicalName),
      nativeType: typeName || undefined,
      ...(description ? { description } : {}),
    };
    if (typeName === 'LookupType' || typeName === 'CustomerType' || typeName === 'OwnerType') {
      // Lookups are written through their navigation property: `parentcustomerid_account@odata.bind`.
      const targets = found.targets.get(attribute.LogicalName) ?? [];
      const links =
        navigation.get(attribute.LogicalName) ??
        targets.map((target) => ({
          name: targets.length > 1 ? `${attribute.LogicalName}_${target}` : attribute.LogicalName,
          target,
        }));
      // Reads return the lookup's id as `_{column}_value` (a GUID): a table read as a source maps from it.
      fields.push({
        ...base,
        name: `_${attribute.LogicalName}_value`,
        label: `${label} (id)`,
        type: 'string',
        required: { onCreate: false, onUpdate: false },
        readOnly: true,
        createOnly: false,
        externalId: false,
      });
      for (const link of links) {
        fields.push({
          ...base,
          name: `${link.name}@odata.bind`,
          label: links.length > 1 ? `${label} (${link.target})` : label,
          type: 'reference',
          required: { onCreate: base.required.onCreate && links.length === 1, onUpdate: false },
          referenceTo: link.target,
        });
      }
      continue;
    }
    const picklist = found.options.get(attribute.LogicalName);
    // A state column without a fetched option set still takes integers.
    const type = fieldTypeOf(typeName) === 'picklist' && !picklist ? 'integer' : fieldTypeOf(typeName);
    const maxLength = found.maxLength.get(attribute.LogicalName);
    fields.push({
      ...base,
      name: attribute.LogicalName,
      label,
      type,
      ...(maxLength !== undefined && type === 'string' ? { maxLength } : {}),
      ...(picklist && type === 'picklist' ? { picklist } : {}),
    });
  }
  return {
    system: 'dynamics',
    entity,
    label: labelOf(definition.DisplayName) || entity,
    keyFields: keyFields.length > 0 ? keyFields : [definition.PrimaryIdAttribute ?? `${entity}id`],
    fields,
  };
}

export function fieldTypeOf(typeName: string): FieldType {
  switch (typeName) {
    case 'IntegerType':
    case 'BigIntType':
      return 'integer';
    case 'DecimalType':
    case 'DoubleType':
    case 'MoneyType':
      return 'number';
    case 'BooleanType':
      return 'boolean';
    case 'DateTimeType':
      return 'datetime';
    case 'PicklistType':
    case 'StateType':
    case 'StatusType':
      return 'picklist';
    case 'MultiSelectPicklistType':
      return 'string';
    default:
      return 'string';
  }
}

function optionsOf(set: OptionSet): PicklistValue[] {
  return (set?.Options ?? [])
    .filter(
      (option): option is { Value: number; Label?: Label; IsActive?: boolean } => typeof option.Value === 'number',
    )
    .map((option) => ({
      value: option.Value,
      label: labelOf(option.Label) || String(option.Value),
      active: option.IsActive !== false,
    }));
}

function labelOf(label: Label | undefined): string {
  return label?.UserLocalizedLabel?.Label ?? label?.LocalizedLabels?.[0]?.Label ?? '';
}
