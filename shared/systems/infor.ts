import { inforSettingsSchema } from '../connectors/infor.settings';
import { defineSystem } from './spec';

/** Infor CloudSuite: the source. Connections come from the customer's `.ionapi` file, not a form. */
export const inforSystem = defineSystem({
  id: 'infor',
  label: 'Infor CloudSuite',
  description: 'Source: M3, CloudSuite Industrial (SyteLine), LN and FSM through the ION API gateway.',
  mark: { initials: 'In', background: '#c8102e' },
  settings: inforSettingsSchema,
  secrets: {
    // Backend-service files sign in as a service account (password grant); client-credentials files need only the client secret.
    required: (settings) =>
      settings.grant === 'client_credentials'
        ? ['client_secret']
        : ['client_secret', 'service_account_key', 'service_account_secret'],
  },
  setup: { kind: 'ionapi' },
});
