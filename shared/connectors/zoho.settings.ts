import { z } from 'zod';

/**
 * Zoho CRM connection settings (API-FACTS §2.1). Each data centre has its own
 * accounts server and API domain; Canada is the odd one out (`zohocloud.ca`).
 * The token response's `api_domain` is authoritative for API calls.
 *
 * `upload` is the Bulk Write file host of the data centre (all its environments). It is not derivable
 * from the API domain: most are `content.zohoapis.{tld}`, but Saudi Arabia uploads to `files.zoho.sa`
 * and Canada to `upload.zohocloud.ca` (API-FACTS §2.1; Zoho's CRM SDKs agree, `SADataCenter` and
 * `CADataCenter` `getFileUploadUrl`). Zoho's "Bulk Write API - Upload File" page names the common
 * `upload.zoho.com` instead, without a per-data-centre list.
 */
export const zohoDataCentres = {
  us: {
    label: 'United States (zoho.com)',
    accounts: 'https://accounts.zoho.com',
    api: 'zohoapis.com',
    upload: 'content.zohoapis.com',
  },
  eu: {
    label: 'Europe (zoho.eu)',
    accounts: 'https://accounts.zoho.eu',
    api: 'zohoapis.eu',
    upload: 'content.zohoapis.eu',
  },
  in: {
    label: 'India (zoho.in)',
    accounts: 'https://accounts.zoho.in',
    api: 'zohoapis.in',
    upload: 'content.zohoapis.in',
  },
  au: {
    label: 'Australia (zoho.com.au)',
    accounts: 'https://accounts.zoho.com.au',
    api: 'zohoapis.com.au',
    upload: 'content.zohoapis.com.au',
  },
  jp: {
    label: 'Japan (zoho.jp)',
    accounts: 'https://accounts.zoho.jp',
    api: 'zohoapis.jp',
    upload: 'content.zohoapis.jp',
  },
  cn: {
    label: 'China (zoho.com.cn)',
    accounts: 'https://accounts.zoho.com.cn',
    api: 'zohoapis.com.cn',
    upload: 'content.zohoapis.com.cn',
  },
  sa: {
    label: 'Saudi Arabia (zoho.sa)',
    accounts: 'https://accounts.zoho.sa',
    api: 'zohoapis.sa',
    upload: 'files.zoho.sa',
  },
  ca: {
    label: 'Canada (zohocloud.ca)',
    accounts: 'https://accounts.zohocloud.ca',
    api: 'zohoapis.ca',
    upload: 'upload.zohocloud.ca',
  },
} as const;
export type ZohoDataCentre = keyof typeof zohoDataCentres;
export const zohoDataCentreIds = Object.keys(zohoDataCentres) as [ZohoDataCentre, ...ZohoDataCentre[]];

/** Production orgs use `www.`, sandbox and developer orgs their own API host. */
export const zohoEnvironments = ['production', 'sandbox', 'developer'] as const;
export type ZohoEnvironment = (typeof zohoEnvironments)[number];

export function zohoApiDomain(dataCentre: ZohoDataCentre, environment: ZohoEnvironment = 'production'): string {
  const prefix = environment === 'production' ? 'www' : environment;
  return `https://${prefix}.${zohoDataCentres[dataCentre].api}`;
}

/** Every host a real Zoho connection may call: accounts servers and API domains of all data centres. */
/**
 * The data centre an API domain belongs to (any environment), or undefined for a host that is not
 * Zoho's (a loopback sandbox).
 */
export function zohoDataCentreOfApiHost(host: string): ZohoDataCentre | undefined {
  return zohoDataCentreIds.find((id) =>
    zohoEnvironments.some((environment) => new URL(zohoApiDomain(id, environment)).host === host),
  );
}

export function zohoKnownHosts(): string[] {
  const hosts: string[] = [];
  for (const id of zohoDataCentreIds) {
    hosts.push(new URL(zohoDataCentres[id].accounts).host);
    for (const environment of zohoEnvironments) hosts.push(new URL(zohoApiDomain(id, environment)).host);
    // Bulk Write: uploads go to the data centre's file host (see `zohoDataCentres`), results come
    // from `download-accl.zoho.com` (Zoho's "Download Bulk Write Result" samples).
    hosts.push(zohoDataCentres[id].upload);
    hosts.push(new URL(zohoDataCentres[id].accounts).host.replace(/^accounts\./, 'download-accl.'));
  }
  return hosts;
}

/**
 * Zoho CRM's published limits per edition (API-FACTS §2.4, Zoho CRM v8 "API Limits"): calls in flight
 * per app, and API credits per org over a rolling 24 hours: a base plus a share per licensed user, up
 * to a cap (Ultimate: none published). There is no per-minute request limit.
 */
export const zohoEditions = {
  free: { label: 'Free', concurrency: 5, credits: { base: 5_000, perUser: 0, cap: 5_000 } },
  standard: { label: 'Standard', concurrency: 10, credits: { base: 50_000, perUser: 250, cap: 100_000 } },
  professional: { label: 'Professional', concurrency: 15, credits: { base: 50_000, perUser: 500, cap: 3_000_000 } },
  enterprise: { label: 'Enterprise', concurrency: 20, credits: { base: 50_000, perUser: 1_000, cap: 5_000_000 } },
  ultimate: { label: 'Ultimate', concurrency: 25, credits: { base: 50_000, perUser: 2_000, cap: undefined } },
} as const satisfies Record<
  string,
  { label: string; concurrency: number; credits: { base: number; perUser: number; cap: number | undefined } }
>;
export type ZohoEdition = keyof typeof zohoEditions;
export const zohoEditionIds = Object.keys(zohoEditions) as [ZohoEdition, ...ZohoEdition[]];
/** Without an edition set, Standard: the one API-FACTS' throughput floors assume (10 in flight). */
export const defaultZohoEdition: ZohoEdition = 'standard';

/** The org's API credits per rolling 24 hours for its edition and licensed users (at least one). */
export function zohoDailyCredits(edition: ZohoEdition = defaultZohoEdition, users = 1): number {
  const { base, perUser, cap } = zohoEditions[edition].credits;
  const total = base + perUser * Math.max(1, Math.floor(users));
  return cap === undefined ? total : Math.min(cap, total);
}

const httpsUrl = z
  .string()
  .trim()
  .url('Enter a full URL, e.g. https://accounts.zoho.eu')
  .refine((value) => value.startsWith('https://') || value.startsWith('http://127.0.0.1'), 'Zoho URLs use https.');

export const zohoSettingsSchema = z.object({
  dataCentre: z
    .enum(zohoDataCentreIds, {
      message: 'Pick the data centre your Zoho account lives in (see the domain you log in at).',
    })
    .default('us'),
  environment: z.enum(zohoEnvironments, { message: 'Choose production, sandbox or developer.' }).default('production'),
  clientId: z
    .string()
    .trim()
    .min(1, 'Paste the Client ID from the Zoho API console (api-console.zoho.com).')
    .regex(/^1000\.[A-Z0-9]+$/i, 'A Zoho Client ID looks like 1000.XXXXXXXX.'),
  /** Sandbox connections only: the simulator's accounts server. Real connections derive it from the data centre. */
  accountsUrl: httpsUrl.optional(),
  /** Sandbox connections only; real connections take `api_domain` from the token response. */
  apiDomain: httpsUrl.optional(),
  /** Browser sign-in: a fixed loopback port, for clients whose registered redirect URI names one (default: any free port). */
  redirectPort: z
    .number()
    .int()
    .min(1024, 'Use a port from 1024 to 65535.')
    .max(65535, 'Use a port from 1024 to 65535.')
    .optional(),
  /**
   * The org's Zoho CRM edition: how many calls may be in flight (5–25) and its daily API credits
   * (API-FACTS §2.4). Absent: Standard.
   */
  edition: z.enum(zohoEditionIds, { message: 'Choose the Zoho CRM edition of the org.' }).optional(),
  /** Licensed users: each adds to the org's daily API credits (up to the edition's cap). Absent: 1. */
  licensedUsers: z
    .number()
    .int('Enter a whole number of users.')
    .min(1, 'Enter at least 1 user.')
    .max(100_000, 'Enter at most 100,000 users.')
    .optional(),
  /** Run Zoho workflows, approvals and blueprints on upsert (omitting `trigger`); off sends `trigger: []`. */
  runAutomation: z.boolean().default(false),
});
export type ZohoSettings = z.infer<typeof zohoSettingsSchema>;

export const zohoSecretsSchema = z.object({
  client_secret: z.string().min(1, 'Paste the Client Secret from the Zoho API console.'),
  refresh_token: z
    .string()
    .min(
      1,
      'Paste a refresh token (generate a grant code in the Self Client with access_type=offline, then exchange it).',
    )
    .regex(/^1000\.[a-f0-9]+\.[a-f0-9]+$/i, 'A Zoho refresh token looks like 1000.<hex>.<hex>.'),
});
export const zohoSecretSlots = ['client_secret', 'refresh_token'] as const;

export const zohoScopes = [
  'ZohoCRM.modules.ALL',
  'ZohoCRM.settings.fields.READ',
  'ZohoCRM.settings.modules.READ',
  'ZohoCRM.notifications.ALL',
  'ZohoCRM.coql.READ',
  // Bulk Write: creating and reading jobs, uploading the zip (Zoho v8 "Upload File": ZohoFiles.files.ALL),
  // and the org's zgid the upload names (Organization API, GET /crm/v8/org: ZohoCRM.org.READ).
  'ZohoCRM.bulk.ALL',
  'ZohoFiles.files.ALL',
  'ZohoCRM.org.READ',
];
