import {
  zohoDataCentreIds,
  zohoDataCentres,
  zohoEnvironments,
  zohoSecretSlots,
  zohoSecretsSchema,
  zohoSettingsSchema,
} from '../connectors/zoho.settings';
import { defineSystem } from './spec';

export const zohoSystem = defineSystem({
  id: 'zoho',
  label: 'Zoho CRM',
  description:
    'Target: Zoho CRM modules in any data centre: sign in through the browser, or paste a Self Client refresh token.',
  mark: { initials: 'Zo', background: 'linear-gradient(135deg, #e42527, #f9b21d)' },
  settings: zohoSettingsSchema,
  secrets: { required: () => zohoSecretSlots },
  signIn: { label: 'Sign in with Zoho', slot: 'refresh_token' },
  setup: {
    kind: 'form',
    secrets: zohoSecretsSchema,
    fields: [
      {
        key: 'dataCentre',
        label: 'Data centre',
        where: 'settings',
        kind: 'select',
        options: zohoDataCentreIds.map((id) => ({ value: id, label: zohoDataCentres[id].label })),
        help: 'Where your Zoho account lives: the domain you sign in at.',
      },
      {
        key: 'environment',
        label: 'Environment',
        where: 'settings',
        kind: 'select',
        options: zohoEnvironments.map((value) => ({ value, label: value[0]!.toUpperCase() + value.slice(1) })),
      },
      {
        key: 'clientId',
        label: 'Client ID',
        where: 'settings',
        kind: 'text',
        placeholder: '1000.XXXXXXXXXXXX',
        help: 'From api-console.zoho.com: a Server-based client with the redirect URI http://127.0.0.1/callback (any port), or a Self Client.',
      },
      { key: 'client_secret', label: 'Client secret', where: 'secrets', kind: 'secret' },
      {
        key: 'refresh_token',
        label: 'Refresh token',
        where: 'secrets',
        kind: 'secret',
        placeholder: '1000.<hex>.<hex>',
        optional: true,
        help: 'Leave empty to use “Sign in with Zoho” on the card, or paste a Self Client one.',
      },
      {
        key: 'redirectPort',
        label: 'Sign-in redirect port',
        where: 'settings',
        kind: 'number',
        optional: true,
        placeholder: 'any free port',
        help: 'Only if the registered redirect URI names a port.',
      },
    ],
  },
});
