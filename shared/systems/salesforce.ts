import {
  salesforceSecretSlots,
  salesforceSecretsSchema,
  salesforceSettingsSchema,
} from '../connectors/salesforce.settings';
import { defineSystem } from './spec';

export const salesforceSystem = defineSystem({
  id: 'salesforce',
  label: 'Salesforce',
  description: 'Target: Salesforce objects through the REST API, signed in with a connected app (client credentials).',
  mark: { initials: 'Sf', background: '#00a1e0' },
  settings: salesforceSettingsSchema,
  secrets: { required: () => salesforceSecretSlots },
  setup: {
    kind: 'form',
    secrets: salesforceSecretsSchema,
    fields: [
      {
        key: 'myDomainUrl',
        label: 'My Domain URL',
        where: 'settings',
        kind: 'text',
        placeholder: 'https://acme.my.salesforce.com',
        help: 'Setup → My Domain. login.salesforce.com does not issue client-credentials tokens.',
      },
      {
        key: 'clientId',
        label: 'Consumer key (client id)',
        where: 'settings',
        kind: 'text',
        help: 'Connected app with the client-credentials flow and a Run-As user.',
      },
      { key: 'client_secret', label: 'Consumer secret', where: 'secrets', kind: 'secret' },
    ],
  },
});
