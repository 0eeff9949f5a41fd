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
  description: 'Target: Zoho CRM modules in any data centre, through a Self Client refresh token.',
  mark: { initials: 'Zo', background: 'linear-gradient(135deg, #e42527, #f9b21d)' },
  settings: zohoSettingsSchema,
  secrets: { required: () => zohoSecretSlots },
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
        help: 'From api-console.zoho.com (Self Client).',
      },
      { key: 'client_secret', label: 'Client secret', where: 'secrets', kind: 'secret' },
      {
        key: 'refresh_token',
        label: 'Refresh token',
        where: 'secrets',
        kind: 'secret',
        placeholder: '1000.<hex>.<hex>',
        help: 'Grant code with access_type=offline, exchanged once for a refresh token.',
      },
    ],
  },
});
