import { z } from 'zod';

/**
 * Connection settings for Dynamics 365 Sales / Dataverse (API-FACTS §5.1).
 * Non-secret values only; the client secret lives in the vault under
 * `dynamicsSecretSlots`. Messages are written for the connection form.
 */

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Tenant as a GUID, a verified domain (`contoso.onmicrosoft.com`, `contoso.com`), or the sandbox's name. */
const tenantPattern =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)$/i;

const httpUrl = (what: string, example: string) =>
  z
    .string({ message: `Enter the ${what}, e.g. ${example}.` })
    .trim()
    .min(1, `Enter the ${what}, e.g. ${example}.`)
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    }, `The ${what} must be a full URL such as ${example}.`)
    .transform((value) => value.replace(/\/+$/, ''));

export const dynamicsSettingsSchema = z.object({
  /** Entra tenant (directory) id or a verified domain. */
  tenant: z
    .string({ message: 'Enter the Entra tenant id (a GUID) or the directory domain, e.g. contoso.onmicrosoft.com.' })
    .trim()
    .regex(tenantPattern, 'The tenant is a directory id (GUID) or a domain such as contoso.onmicrosoft.com.'),
  /** Application (client) id of the app registration behind the Dataverse application user. */
  clientId: z
    .string({ message: 'Enter the application (client) id from the app registration.' })
    .trim()
    .regex(guidPattern, 'The application (client) id is a GUID like 00000000-0000-0000-0000-000000000000.'),
  /** Environment URL, e.g. `https://contoso.crm4.dynamics.com` (the suffix varies by region). */
  orgUrl: httpUrl('environment URL', 'https://contoso.crm4.dynamics.com'),
  /** Entra authority host; other clouds (US Gov, China) and the sandbox use another one. */
  authorityUrl: httpUrl('sign-in authority', 'https://login.microsoftonline.com').default(
    'https://login.microsoftonline.com',
  ),
  /** Web API version segment. */
  apiVersion: z
    .string()
    .trim()
    .regex(/^\d+\.\d+$/, 'The API version looks like 9.2.')
    .default('9.2'),
  /**
   * Ask Dataverse to run its duplicate-detection rules on writes
   * (`MSCRM.SuppressDuplicateDetection: false`); off by default, as in the Web API.
   */
  duplicateDetection: z.boolean().default(false),
  /**
   * How the app proves itself to Entra ID: a client secret, or a certificate (a signed
   * `client_assertion`; Microsoft identity platform "certificate credentials").
   */
  credential: z.enum(['secret', 'certificate'], { message: 'Choose client secret or certificate.' }).default('secret'),
  /** Requests per minute this connection may send (service protection allows 6,000 per 5 minutes per user). */
  rateLimitPerMinute: z
    .number()
    .int()
    .min(10, 'At least 10 requests per minute.')
    .max(1200, 'At most 1,200 requests per minute (service protection).')
    .optional(),
});
export type DynamicsSettings = z.infer<typeof dynamicsSettingsSchema>;
export type DynamicsSettingsInput = z.input<typeof dynamicsSettingsSchema>;

export const dynamicsSecretSlots = ['client_secret', 'certificate'] as const;

/** The vault slot the connection's credential needs (bundles ask for it). */
export function dynamicsRequiredSecrets(settings: Readonly<Record<string, unknown>>): readonly string[] {
  return settings.credential === 'certificate' ? ['certificate'] : ['client_secret'];
}

export const dynamicsSecretsSchema = z.object({
  client_secret: z
    .string({ message: 'Enter the client secret value (not its id) from Certificates & secrets.' })
    .min(1, 'Enter the client secret value (not its id) from Certificates & secrets.')
    .refine(
      (value) => !guidPattern.test(value.trim()),
      'This looks like the secret id; paste the secret value instead.',
    ),
  /** The certificate uploaded to the app registration and its private key, in one PEM text. */
  certificate: z
    .string()
    .refine(
      (value) => /-----BEGIN CERTIFICATE-----/.test(value) && /-----BEGIN (RSA )?PRIVATE KEY-----/.test(value),
      'Paste one PEM with the certificate (-----BEGIN CERTIFICATE-----) and its private key (-----BEGIN PRIVATE KEY-----).',
    )
    .optional(),
});
export type DynamicsSecrets = z.infer<typeof dynamicsSecretsSchema>;
