import {
  salesforceLoginUrls,
  salesforceRequiredSecrets,
  salesforceSecretsSchema,
  salesforceSettingsSchema,
} from '../connectors/salesforce.settings';
import { defineSystem } from './spec';

export const salesforceSystem = defineSystem({
  id: 'salesforce',
  label: 'Salesforce',
  description:
    'Target: Salesforce objects through the REST API, signed in with a connected app (client credentials, browser sign-in or JWT bearer).',
  mark: { initials: 'Sf', background: '#00a1e0' },
  settings: salesforceSettingsSchema,
  // Only the slots of the chosen flow: the others are not used, so a bundle does not ask for them.
  secrets: { required: salesforceRequiredSecrets },
  signIn: {
    label: 'Sign in with Salesforce',
    slot: 'refresh_token',
    available: (settings) => settings.authFlow === 'web_server',
  },
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
        help: 'Of the connected app (for client credentials: with the flow enabled and a Run-As user).',
      },
      {
        key: 'authFlow',
        label: 'Sign-in flow',
        where: 'settings',
        kind: 'select',
        options: [
          { value: 'client_credentials', label: 'Client credentials (Run-As user)' },
          { value: 'web_server', label: 'Browser sign-in (web server flow with PKCE)' },
          { value: 'jwt_bearer', label: 'JWT bearer (certificate, for servers)' },
        ],
        help: 'Browser sign-in: save, then “Sign in with Salesforce” on the card. JWT bearer: upload the certificate to the app and pre-approve the user.',
      },
      {
        key: 'client_secret',
        label: 'Consumer secret',
        where: 'secrets',
        kind: 'secret',
        optional: true,
        help: 'Client credentials and browser sign-in; the JWT bearer flow needs none.',
      },
      {
        key: 'redirectPort',
        label: 'Sign-in redirect port (browser sign-in)',
        where: 'settings',
        kind: 'number',
        optional: true,
        placeholder: 'any free port',
        help: 'The port of the callback URL registered on the app, e.g. 53682 for http://127.0.0.1:53682/callback.',
      },
      {
        key: 'username',
        label: 'Username (JWT bearer)',
        where: 'settings',
        kind: 'text',
        optional: true,
        placeholder: 'integration@acme.com',
        help: 'The user the assertion names; the connected app must be approved for them.',
      },
      {
        key: 'loginUrl',
        label: 'Login URL (JWT bearer audience)',
        where: 'settings',
        kind: 'select',
        options: salesforceLoginUrls.map((value) => ({ value, label: value })),
      },
      {
        key: 'private_key',
        label: 'Private key (JWT bearer)',
        where: 'secrets',
        kind: 'secret',
        optional: true,
        placeholder: '-----BEGIN PRIVATE KEY-----…',
        help: 'PEM key of the certificate uploaded under “Use digital signatures”; kept encrypted, never shown again.',
      },
    ],
  },
});
