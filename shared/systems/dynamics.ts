import { dynamicsSecretSlots, dynamicsSecretsSchema, dynamicsSettingsSchema } from '../connectors/dynamics.settings';
import { defineSystem } from './spec';

export const dynamicsSystem = defineSystem({
  id: 'dynamics',
  label: 'Dynamics 365 Sales',
  description: 'Target: Dynamics 365 Sales tables through the Dataverse Web API, as an application user (Entra ID).',
  mark: { initials: 'D365', background: '#0b53ce' },
  settings: dynamicsSettingsSchema,
  secrets: { required: () => dynamicsSecretSlots },
  setup: {
    kind: 'form',
    secrets: dynamicsSecretsSchema,
    fields: [
      {
        key: 'tenant',
        label: 'Tenant',
        where: 'settings',
        kind: 'text',
        placeholder: 'contoso.onmicrosoft.com',
        help: 'Directory id (GUID) or a verified domain.',
      },
      {
        key: 'orgUrl',
        label: 'Environment URL',
        where: 'settings',
        kind: 'text',
        placeholder: 'https://contoso.crm4.dynamics.com',
      },
      {
        key: 'clientId',
        label: 'Application (client) id',
        where: 'settings',
        kind: 'text',
        placeholder: '00000000-0000-0000-0000-000000000000',
      },
      {
        key: 'client_secret',
        label: 'Client secret',
        where: 'secrets',
        kind: 'secret',
        help: 'The secret value, not its id (Certificates & secrets).',
      },
    ],
  },
});
