import {
  dynamicsRequiredSecrets,
  dynamicsSecretsSchema,
  dynamicsSettingsSchema,
} from '../connectors/dynamics.settings';
import { defineSystem } from './spec';

export const dynamicsSystem = defineSystem({
  id: 'dynamics',
  label: 'Dynamics 365 Sales',
  description: 'Target: Dynamics 365 Sales tables through the Dataverse Web API, as an application user (Entra ID).',
  mark: { initials: 'D365', background: '#0b53ce' },
  settings: dynamicsSettingsSchema,
  secrets: { required: dynamicsRequiredSecrets },
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
        key: 'credential',
        label: 'Credential',
        where: 'settings',
        kind: 'select',
        options: [
          { value: 'secret', label: 'Client secret' },
          { value: 'certificate', label: 'Certificate (signed client assertion)' },
        ],
        help: 'Many tenants allow only certificates for app-only access.',
      },
      {
        key: 'client_secret',
        label: 'Client secret',
        where: 'secrets',
        kind: 'secret',
        optional: true,
        help: 'The secret value, not its id (Certificates & secrets).',
      },
      {
        key: 'certificate',
        label: 'Certificate and private key (PEM)',
        where: 'secrets',
        kind: 'secret',
        optional: true,
        placeholder: '-----BEGIN CERTIFICATE-----… -----BEGIN PRIVATE KEY-----…',
        help: 'The certificate uploaded under Certificates & secrets, with its private key; kept encrypted, never shown again.',
      },
    ],
  },
});
