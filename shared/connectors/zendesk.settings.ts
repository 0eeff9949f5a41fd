import { z } from 'zod';

/**
 * Zendesk Support connection settings (API-FACTS §4.1). The account's API lives
 * on its own subdomain; credentials are an API token (Basic `{email}/token:{token}`)
 * or an OAuth access token (Bearer).
 */
export const zendeskAuthModes = ['api_token', 'oauth'] as const;
export type ZendeskAuthMode = (typeof zendeskAuthModes)[number];

export function zendeskBaseUrl(subdomain: string): string {
  return `https://${subdomain}.zendesk.com`;
}

export const zendeskSettingsSchema = z.object({
  subdomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Enter only the subdomain: for https://acme.zendesk.com that is "acme".'),
  authMode: z.enum(zendeskAuthModes, { message: 'Choose an API token or OAuth.' }).default('api_token'),
  /** Sandbox connections only: the simulator's URL. Real connections derive it from the subdomain. */
  baseUrl: z
    .string()
    .trim()
    .url('Enter a full URL.')
    .refine(
      (value) => value.startsWith('https://') || value.startsWith('http://127.0.0.1'),
      'Zendesk is reached over https.',
    )
    .optional(),
  /** How long to wait for a bulk job (users `create_or_update_many`) before giving up, in seconds. */
  jobTimeoutSeconds: z.number().int().min(10, 'At least 10 seconds.').max(3600, 'At most an hour.').default(600),
});
export type ZendeskSettings = z.infer<typeof zendeskSettingsSchema>;

/** API token: the agent's e-mail (the token acts as them) and the token from Admin Center → Apps and integrations → Zendesk API. */
export const zendeskTokenSecretsSchema = z.object({
  email: z.string().trim().email('Enter the e-mail address of the agent or admin the token acts as.'),
  api_token: z
    .string()
    .trim()
    .min(20, 'Paste the API token from Admin Center → Apps and integrations → APIs → Zendesk API.'),
});

/** OAuth: an access token, and optionally a refresh token with the client that issued it (refreshes rotate both). */
export const zendeskOAuthSecretsSchema = z
  .object({
    access_token: z.string().trim().min(1, 'Paste the OAuth access token.').optional(),
    refresh_token: z.string().trim().min(1).optional(),
    client_id: z
      .string()
      .trim()
      .min(1, 'The OAuth client’s unique identifier (Admin Center → OAuth clients).')
      .optional(),
    client_secret: z.string().trim().min(1).optional(),
  })
  .refine(
    (value) => value.access_token || (value.client_id && value.client_secret),
    'Give an access token, or a client id and secret.',
  );

export const zendeskSecretSlots: Record<ZendeskAuthMode, string[]> = {
  api_token: ['email', 'api_token'],
  oauth: ['access_token', 'refresh_token', 'client_id', 'client_secret'],
};
