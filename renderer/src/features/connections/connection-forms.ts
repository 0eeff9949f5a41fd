import type { z } from 'zod';
import { cin7SecretsSchema, cin7SettingsSchema } from '../../../../shared/connectors/cin7.settings';
import { dynamicsSecretsSchema, dynamicsSettingsSchema } from '../../../../shared/connectors/dynamics.settings';
import { salesforceSecretsSchema, salesforceSettingsSchema } from '../../../../shared/connectors/salesforce.settings';
import { zendeskSettingsSchema, zendeskTokenSecretsSchema } from '../../../../shared/connectors/zendesk.settings';
import { zohoDataCentreIds, zohoDataCentres, zohoEnvironments, zohoSecretsSchema, zohoSettingsSchema } from '../../../../shared/connectors/zoho.settings';
import type { Connection, SystemId } from '../../../../shared/domain/connection';

/**
 * The connection forms as data: which inputs each target system needs, where
 * each value goes (non-secret settings or a write-only secret slot) and the
 * zod schema from `shared/connectors/<system>.settings.ts` that validates it,
 * so the form says exactly what the connector would refuse.
 */
export type FormSystem = Exclude<SystemId, 'infor'>;
export const formSystems: FormSystem[] = ['zoho', 'salesforce', 'zendesk', 'dynamics', 'cin7'];

export interface FormField {
  key: string;
  label: string;
  where: 'settings' | 'secrets';
  kind: 'text' | 'secret' | 'select' | 'number' | 'boolean';
  options?: ReadonlyArray<{ value: string; label: string }>;
  placeholder?: string;
  help?: string;
  /** Optional fields may stay empty (the schema's default applies). */
  optional?: boolean;
  schema: z.ZodType;
}

type Shape = Record<string, z.ZodType>;
const settingsOf = (schema: { shape: Shape }, key: string) => schema.shape[key]!;

export const connectionForms: Record<FormSystem, FormField[]> = {
  zoho: [
    {
      key: 'dataCentre',
      label: 'Data centre',
      where: 'settings',
      kind: 'select',
      options: zohoDataCentreIds.map((id) => ({ value: id, label: zohoDataCentres[id].label })),
      help: 'Where your Zoho account lives: the domain you sign in at.',
      schema: settingsOf(zohoSettingsSchema, 'dataCentre'),
    },
    {
      key: 'environment',
      label: 'Environment',
      where: 'settings',
      kind: 'select',
      options: zohoEnvironments.map((value) => ({ value, label: value[0]!.toUpperCase() + value.slice(1) })),
      schema: settingsOf(zohoSettingsSchema, 'environment'),
    },
    { key: 'clientId', label: 'Client ID', where: 'settings', kind: 'text', placeholder: '1000.XXXXXXXXXXXX', help: 'From api-console.zoho.com (Self Client).', schema: settingsOf(zohoSettingsSchema, 'clientId') },
    { key: 'client_secret', label: 'Client secret', where: 'secrets', kind: 'secret', schema: zohoSecretsSchema.shape.client_secret },
    {
      key: 'refresh_token',
      label: 'Refresh token',
      where: 'secrets',
      kind: 'secret',
      placeholder: '1000.<hex>.<hex>',
      help: 'Grant code with access_type=offline, exchanged once for a refresh token.',
      schema: zohoSecretsSchema.shape.refresh_token,
    },
  ],
  salesforce: [
    {
      key: 'myDomainUrl',
      label: 'My Domain URL',
      where: 'settings',
      kind: 'text',
      placeholder: 'https://acme.my.salesforce.com',
      help: 'Setup → My Domain. login.salesforce.com does not issue client-credentials tokens.',
      schema: settingsOf(salesforceSettingsSchema, 'myDomainUrl'),
    },
    { key: 'clientId', label: 'Consumer key (client id)', where: 'settings', kind: 'text', help: 'Connected app with the client-credentials flow and a Run-As user.', schema: settingsOf(salesforceSettingsSchema, 'clientId') },
    { key: 'client_secret', label: 'Consumer secret', where: 'secrets', kind: 'secret', schema: salesforceSecretsSchema.shape.client_secret },
  ],
  zendesk: [
    { key: 'subdomain', label: 'Subdomain', where: 'settings', kind: 'text', placeholder: 'acme', help: 'For https://acme.zendesk.com enter “acme”.', schema: settingsOf(zendeskSettingsSchema, 'subdomain') },
    { key: 'email', label: 'Agent e-mail', where: 'secrets', kind: 'text', placeholder: 'admin@acme.com', help: 'The API token acts as this agent or admin.', schema: zendeskTokenSecretsSchema.shape.email },
    {
      key: 'api_token',
      label: 'API token',
      where: 'secrets',
      kind: 'secret',
      help: 'Admin Center → Apps and integrations → APIs → Zendesk API.',
      schema: zendeskTokenSecretsSchema.shape.api_token,
    },
  ],
  dynamics: [
    { key: 'tenant', label: 'Tenant', where: 'settings', kind: 'text', placeholder: 'contoso.onmicrosoft.com', help: 'Directory id (GUID) or a verified domain.', schema: settingsOf(dynamicsSettingsSchema, 'tenant') },
    { key: 'orgUrl', label: 'Environment URL', where: 'settings', kind: 'text', placeholder: 'https://contoso.crm4.dynamics.com', schema: settingsOf(dynamicsSettingsSchema, 'orgUrl') },
    { key: 'clientId', label: 'Application (client) id', where: 'settings', kind: 'text', placeholder: '00000000-0000-0000-0000-000000000000', schema: settingsOf(dynamicsSettingsSchema, 'clientId') },
    { key: 'client_secret', label: 'Client secret', where: 'secrets', kind: 'secret', help: 'The secret value, not its id (Certificates & secrets).', schema: dynamicsSecretsSchema.shape.client_secret },
  ],
  cin7: [
    { key: 'accountId', label: 'Account ID', where: 'secrets', kind: 'secret', placeholder: '3fa85f64-5717-4562-b3fc-2c963f66afa6', help: 'Integrations → API in Cin7 Core.', schema: cin7SecretsSchema.shape.accountId },
    { key: 'applicationKey', label: 'Application key', where: 'secrets', kind: 'secret', schema: cin7SecretsSchema.shape.applicationKey },
    {
      key: 'rateLimitPerMinute',
      label: 'Calls per minute',
      where: 'settings',
      kind: 'number',
      optional: true,
      placeholder: '60',
      help: 'Lower it when another integration shares the API application.',
      schema: settingsOf(cin7SettingsSchema, 'rateLimitPerMinute'),
    },
  ],
};

/** Full settings schemas: on create they fill in defaults (API version, base URL …). */
const settingsSchemas: Record<FormSystem, z.ZodType> = {
  zoho: zohoSettingsSchema,
  salesforce: salesforceSettingsSchema,
  zendesk: zendeskSettingsSchema,
  dynamics: dynamicsSettingsSchema,
  cin7: cin7SettingsSchema,
};

export type FormValues = Record<string, string>;

/** Starting values: a new form gets the schema defaults; an edit form the saved settings (never secrets). */
export function initialValues(system: FormSystem, connection?: Connection): FormValues {
  const values: FormValues = {};
  for (const field of connectionForms[system]) {
    if (field.where === 'secrets') values[field.key] = '';
    else if (connection && connection.settings[field.key] !== undefined && connection.settings[field.key] !== null) values[field.key] = String(connection.settings[field.key]);
    else if (field.kind === 'select') values[field.key] = field.options?.[0]?.value ?? '';
    else values[field.key] = '';
  }
  return values;
}

export interface FormResult {
  errors: Record<string, string>;
  settings: Connection['settings'];
  /** Only slots the user typed into: an edit leaves the others as they are. */
  secrets: Record<string, string>;
}

/**
 * Validates every field with its schema. In edit mode an empty secret means
 * "keep the stored one" (its slot is already set), so it is not required.
 */
export function validateForm(system: FormSystem, values: FormValues, options: { name: string; secretsSet?: string[]; editing?: boolean }): FormResult & { nameError?: string } {
  const errors: Record<string, string> = {};
  const settings: Connection['settings'] = {};
  const secrets: Record<string, string> = {};
  for (const field of connectionForms[system]) {
    const raw = (values[field.key] ?? '').trim();
    if (raw === '') {
      if (field.optional) continue;
      if (field.where === 'secrets' && options.editing && options.secretsSet?.includes(field.key)) continue;
    }
    const input: unknown = field.kind === 'number' ? (raw === '' ? undefined : Number(raw)) : raw;
    const parsed = field.schema.safeParse(input);
    if (!parsed.success) {
      errors[field.key] = parsed.error.issues[0]?.message ?? 'Check this value.';
      continue;
    }
    if (field.where === 'secrets') secrets[field.key] = String(parsed.data);
    else settings[field.key] = parsed.data as string | number | boolean;
  }
  const nameError = options.name.trim() === '' ? 'Give the connection a name, e.g. “Zoho CRM EU production”.' : undefined;
  if (!options.editing && Object.keys(errors).length === 0) {
    // The whole schema on create: defaults for what the form does not ask.
    const full = settingsSchemas[system].safeParse(settings);
    if (full.success) Object.assign(settings, full.data as Connection['settings']);
  }
  return { errors, settings, secrets, nameError };
}

export const hasErrors = (result: { errors: Record<string, string>; nameError?: string }) => Object.keys(result.errors).length > 0 || result.nameError !== undefined;
