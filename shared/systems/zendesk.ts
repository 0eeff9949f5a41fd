import { zendeskSecretSlots, zendeskSettingsSchema, zendeskTokenSecretsSchema } from '../connectors/zendesk.settings';
import { defineSystem } from './spec';

const oauth = (settings: Readonly<Record<string, unknown>>) => settings.authMode === 'oauth';

export const zendeskSystem = defineSystem({
  id: 'zendesk',
  label: 'Zendesk Support',
  description: 'Target: Zendesk Support on your subdomain, with an agent’s API token or OAuth.',
  mark: { initials: 'Zd', background: '#03363d' },
  settings: zendeskSettingsSchema,
  secrets: {
    // OAuth needs an access token or a client; we ask for the access token and let the others be optional.
    required: (settings) => (oauth(settings) ? ['access_token'] : zendeskSecretSlots.api_token),
    optional: (settings) => (oauth(settings) ? zendeskSecretSlots.oauth : []),
  },
  setup: {
    // The form makes API-token connections; OAuth ones come from bundles and the sandbox.
    kind: 'form',
    secrets: zendeskTokenSecretsSchema,
    fields: [
      {
        key: 'subdomain',
        label: 'Subdomain',
        where: 'settings',
        kind: 'text',
        placeholder: 'acme',
        help: 'For https://acme.zendesk.com enter “acme”.',
      },
      {
        key: 'email',
        label: 'Agent e-mail',
        where: 'secrets',
        kind: 'text',
        placeholder: 'admin@acme.com',
        help: 'The API token acts as this agent or admin.',
      },
      {
        key: 'api_token',
        label: 'API token',
        where: 'secrets',
        kind: 'secret',
        help: 'Admin Center → Apps and integrations → APIs → Zendesk API.',
      },
    ],
  },
});
