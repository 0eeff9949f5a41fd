import { hash32, uuidFrom, createRandom } from '../kit';
import type { AttributeSpec, TableSpec } from './dynamics-tables';
import { tables } from './dynamics-tables';

/**
 * `EntityDefinitions` answers shaped like Dataverse's metadata service:
 * labels as `{LocalizedLabels, UserLocalizedLabel}`, `RequiredLevel` as a
 * managed property, typed casts (`…/Microsoft.Dynamics.CRM.StringAttributeMetadata`).
 */

const metadataId = (...parts: string[]) => uuidFrom(createRandom(hash32('dataverse-metadata', ...parts)));

const label = (text: string) => {
  const localized = {
    Label: text,
    LanguageCode: 1033,
    IsManaged: true,
    MetadataId: metadataId('label', text),
    HasChanged: null,
  };
  return { LocalizedLabels: [localized], UserLocalizedLabel: localized };
};

const castNames: Record<AttributeSpec['type'], string> = {
  String: 'StringAttributeMetadata',
  Memo: 'MemoAttributeMetadata',
  Integer: 'IntegerAttributeMetadata',
  BigInt: 'BigIntAttributeMetadata',
  Decimal: 'DecimalAttributeMetadata',
  Money: 'MoneyAttributeMetadata',
  Double: 'DoubleAttributeMetadata',
  Boolean: 'BooleanAttributeMetadata',
  DateTime: 'DateTimeAttributeMetadata',
  Picklist: 'PicklistAttributeMetadata',
  State: 'StateAttributeMetadata',
  Status: 'StatusAttributeMetadata',
  Lookup: 'LookupAttributeMetadata',
  Customer: 'LookupAttributeMetadata',
  Owner: 'LookupAttributeMetadata',
  Uniqueidentifier: 'UniqueIdentifierAttributeMetadata',
};

export function castNameOf(attribute: AttributeSpec): string {
  return castNames[attribute.type];
}

export function attributeJson(table: TableSpec, attribute: AttributeSpec): Record<string, unknown> {
  const create = attribute.create ?? true;
  const update = attribute.update ?? true;
  return {
    '@odata.type': `#Microsoft.Dynamics.CRM.${castNameOf(attribute)}`,
    MetadataId: metadataId(table.logicalName, attribute.name),
    LogicalName: attribute.name,
    SchemaName: attribute.name.startsWith('mlc_') ? `mlc_${attribute.name.slice(4)}` : attribute.name,
    EntityLogicalName: table.logicalName,
    AttributeType: attribute.type,
    AttributeTypeName: { Value: `${attribute.type}Type` },
    AttributeOf: attribute.attributeOf ?? null,
    IsCustomAttribute: attribute.name.startsWith('mlc_'),
    IsPrimaryId: attribute.name === table.primaryId,
    IsPrimaryName: attribute.name === table.primaryName,
    IsValidForCreate: create,
    IsValidForUpdate: update,
    IsValidForRead: true,
    RequiredLevel: {
      Value: attribute.required ?? 'None',
      CanBeChanged: !attribute.required || attribute.required !== 'SystemRequired',
      ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings',
    },
    DisplayName: label(attribute.label),
    Description: label(attribute.description ?? ''),
  };
}

/** Type-specific properties a cast exposes. */
export function castJson(table: TableSpec, attribute: AttributeSpec): Record<string, unknown> {
  const base = attributeJson(table, attribute);
  if (attribute.maxLength !== undefined) base.MaxLength = attribute.maxLength;
  if (attribute.targets) base.Targets = attribute.targets.map((target) => target.table);
  if (attribute.options) {
    base.OptionSet = {
      MetadataId: metadataId(table.logicalName, attribute.name, 'optionset'),
      Name: `${table.logicalName}_${attribute.name}`,
      IsGlobal: false,
      OptionSetType: attribute.type === 'State' ? 'State' : attribute.type === 'Status' ? 'Status' : 'Picklist',
      Options: attribute.options.map(([value, text]) => ({
        Value: value,
        Label: label(text),
        Description: label(''),
        Color: null,
        IsManaged: true,
        IsActive: true,
      })),
    };
    base.GlobalOptionSet = null;
  }
  return base;
}

export function entityDefinitionJson(
  table: TableSpec,
  expand: string,
  changeTracking = false,
): Record<string, unknown> {
  const definition: Record<string, unknown> = {
    MetadataId: metadataId(table.logicalName),
    LogicalName: table.logicalName,
    SchemaName: table.logicalName.charAt(0).toUpperCase() + table.logicalName.slice(1),
    EntitySetName: table.setName,
    LogicalCollectionName: table.setName,
    PrimaryIdAttribute: table.primaryId,
    PrimaryNameAttribute: table.primaryName,
    ObjectTypeCode: 10000 + tables.indexOf(table),
    IsCustomEntity: false,
    DisplayName: label(table.label),
    DisplayCollectionName: label(`${table.label}s`),
    // "Track changes" of the table: only then do reads with `Prefer: odata.track-changes` get a delta link.
    ChangeTrackingEnabled: changeTracking,
  };
  if (/\bKeys\b/.test(expand)) {
    definition.Keys = table.keys.map((key) => ({
      MetadataId: metadataId(table.logicalName, 'key', key.name),
      LogicalName: key.name,
      SchemaName: key.name,
      KeyAttributes: key.attributes,
      EntityKeyIndexStatus: key.status,
      DisplayName: label(key.attributes.join(', ')),
    }));
  }
  if (/\bManyToOneRelationships\b/.test(expand)) {
    definition.ManyToOneRelationships = table.attributes.flatMap((attribute) =>
      (attribute.targets ?? []).map((target) => ({
        MetadataId: metadataId(table.logicalName, 'relationship', target.navigation),
        SchemaName: `${table.logicalName}_${target.navigation}_${target.table}`,
        ReferencingEntity: table.logicalName,
        ReferencingAttribute: attribute.name,
        ReferencedEntity: target.table,
        ReferencedAttribute: `${target.table}id`,
        ReferencingEntityNavigationPropertyName: target.navigation,
        RelationshipType: 'OneToManyRelationship',
      })),
    );
  }
  return definition;
}
