import { cin7SecretSlots, cin7SecretsSchema, cin7SettingsSchema } from '../connectors/cin7.settings';
import { defineSystem } from './spec';

export const cin7System = defineSystem({
  id: 'cin7',
  label: 'Cin7 Core',
  description: 'Target: Cin7 Core (formerly DEAR Inventory) through its External API, with an API application’s keys.',
  mark: { initials: 'C7', background: '#1b9e77' },
  settings: cin7SettingsSchema,
  secrets: { required: () => cin7SecretSlots },
  setup: {
    kind: 'form',
    secrets: cin7SecretsSchema,
    fields: [
      {
        key: 'accountId',
        label: 'Account ID',
        where: 'secrets',
        kind: 'secret',
        placeholder: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
        help: 'Integrations → API in Cin7 Core.',
      },
      { key: 'applicationKey', label: 'Application key', where: 'secrets', kind: 'secret' },
      {
        key: 'rateLimitPerMinute',
        label: 'Calls per minute',
        where: 'settings',
        kind: 'number',
        optional: true,
        placeholder: '60',
        help: 'Lower it when another integration shares the API application.',
      },
    ],
  },
});
