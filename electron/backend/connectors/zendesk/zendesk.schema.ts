import { field, type EntityField, type EntitySchema, type FieldType } from '../../../../shared/domain/entity-schema';
import type { ZendeskEntity } from './zendesk.descriptor';

/** A custom field definition as `GET /{user,organization,ticket}_fields` returns it. */
export interface ZendeskFieldDefinition {
  id: number;
  key?: string;
  type: string;
  title: string;
  active?: boolean;
  system?: boolean;
  required?: boolean;
  regexp_for_validation?: string | null;
  description?: string;
  custom_field_options?: Array<{ id?: number; name: string; value: string }>;
  relationship_target_type?: string;
}

const typeOf: Record<string, FieldType> = {
  checkbox: 'boolean',
  date: 'date',
  decimal: 'number',
  integer: 'integer',
  dropdown: 'picklist',
  tagger: 'picklist',
  multiselect: 'array',
  lookup: 'reference',
  regexp: 'string',
  text: 'string',
  textarea: 'string',
  partialcreditcard: 'string',
};

const create = { onCreate: true, onUpdate: false };
const roles = ['end-user', 'agent', 'admin'].map((value) => ({ value, label: value, active: true }));
const statuses = ['new', 'open', 'pending', 'hold', 'solved', 'closed'].map((value) => ({
  value,
  label: value,
  active: true,
}));

/** Standard fields are not in the metadata endpoints (API-FACTS §4.5): hard-coded here. */
const standard: Record<ZendeskEntity, () => EntityField[]> = {
  organizations: () => [
    field('id', 'integer', { label: 'ID', readOnly: true, externalId: true }),
    field('external_id', 'string', {
      label: 'External ID',
      externalId: true,
      description: 'Matched by create_or_update (never the name).',
    }),
    field('name', 'string', { required: create, maxLength: 255, description: 'Unique in the account.' }),
    field('details', 'string'),
    field('notes', 'string'),
    field('domain_names', 'array', { label: 'Domain names' }),
    field('tags', 'array'),
    field('group_id', 'integer', { label: 'Group ID', referenceTo: 'groups' }),
    field('shared_tickets', 'boolean', { label: 'Shared tickets' }),
    field('shared_comments', 'boolean', { label: 'Shared comments' }),
    field('created_at', 'datetime', { label: 'Created', readOnly: true }),
    field('updated_at', 'datetime', { label: 'Updated', readOnly: true }),
    field('deleted_at', 'datetime', {
      label: 'Deleted',
      readOnly: true,
      description: 'Set on deleted organizations, which only the incremental export still returns.',
    }),
  ],
  users: () => [
    field('id', 'integer', { label: 'ID', readOnly: true, externalId: true }),
    field('external_id', 'string', {
      label: 'External ID',
      externalId: true,
      description: 'Case-insensitive; matched by create_or_update_many.',
    }),
    field('email', 'string', {
      label: 'E-mail',
      externalId: true,
      description: 'Also matched by create_or_update_many.',
    }),
    field('name', 'string', { required: create, maxLength: 255 }),
    field('organization_id', 'integer', { label: 'Organization ID', referenceTo: 'organizations' }),
    field('phone', 'string'),
    field('role', 'picklist', { picklist: roles }),
    field('time_zone', 'string', { label: 'Time zone' }),
    field('locale', 'string'),
    field('notes', 'string'),
    field('details', 'string'),
    field('tags', 'array'),
    field('verified', 'boolean'),
    field('created_at', 'datetime', { label: 'Created', readOnly: true }),
    field('updated_at', 'datetime', { label: 'Updated', readOnly: true }),
    field('active', 'boolean', {
      readOnly: true,
      description: 'false once the user is deleted (the incremental export still returns deleted users).',
    }),
  ],
  tickets: () => [
    field('id', 'integer', { label: 'ID', readOnly: true, externalId: true }),
    field('external_id', 'string', { label: 'External ID', externalId: true }),
    field('subject', 'string'),
    field('comment', 'object', {
      required: create,
      createOnly: true,
      children: [field('body', 'string', { required: create }), field('public', 'boolean')],
    }),
    field('requester_id', 'integer', { label: 'Requester ID', referenceTo: 'users' }),
    field('organization_id', 'integer', { label: 'Organization ID', referenceTo: 'organizations' }),
    field('status', 'picklist', { picklist: statuses }),
    field('type', 'picklist', {
      picklist: ['problem', 'incident', 'question', 'task'].map((value) => ({ value, label: value, active: true })),
    }),
    field('priority', 'picklist', {
      picklist: ['low', 'normal', 'high', 'urgent'].map((value) => ({ value, label: value, active: true })),
    }),
    field('tags', 'array'),
    field('created_at', 'datetime', { label: 'Created', readOnly: true }),
    field('updated_at', 'datetime', { label: 'Updated', readOnly: true }),
  ],
};

/** One custom field as a child of `user_fields` / `organization_fields` (by key) or `custom_fields` (by id). */
export function customField(definition: ZendeskFieldDefinition, entity: ZendeskEntity): EntityField {
  const options = definition.custom_field_options?.map((option) => ({
    value: option.value,
    label: option.name,
    active: true,
  }));
  return field(
    entity === 'tickets' ? String(definition.id) : String(definition.key),
    typeOf[definition.type] ?? 'string',
    {
      label: definition.title,
      required: { onCreate: definition.required === true, onUpdate: false },
      nativeType: definition.type,
      ...(options && options.length > 0 ? { picklist: options } : {}),
      ...(definition.type === 'lookup' && definition.relationship_target_type
        ? { referenceTo: definition.relationship_target_type }
        : {}),
      ...(definition.regexp_for_validation
        ? { description: `Must match ${definition.regexp_for_validation}` }
        : definition.description
          ? { description: definition.description }
          : {}),
    },
  );
}

export function zendeskSchema(
  entity: ZendeskEntity,
  definitions: ZendeskFieldDefinition[],
): Omit<EntitySchema, 'hash' | 'fetchedAt'> {
  // Ticket system fields (subject, status …) come back from /ticket_fields too; only custom ones are extra.
  const custom = definitions.filter(
    (definition) => definition.active !== false && !(entity === 'tickets' && definition.system),
  );
  const container =
    entity === 'users' ? 'user_fields' : entity === 'organizations' ? 'organization_fields' : 'custom_fields';
  return {
    system: 'zendesk',
    entity,
    label: entity[0]!.toUpperCase() + entity.slice(1),
    keyFields: ['id'],
    fields: [
      ...standard[entity](),
      field(container, 'object', {
        label: entity === 'tickets' ? 'Custom fields (by field id)' : 'Custom fields',
        children: custom.map((definition) => customField(definition, entity)),
      }),
    ],
  };
}
