import { z } from 'zod';

/**
 * Salesforce connection settings (API-FACTS §3.1). The client-credentials
 * flow works on the org's My Domain host only, never on login.salesforce.com.
 */
export const salesforceMyDomainPattern = /^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)*\.my\.salesforce\.com\/?$/i;

export const salesforceAuthFlows = ['client_credentials', 'web_server', 'jwt_bearer'] as const;
export type SalesforceAuthFlow = (typeof salesforceAuthFlows)[number];
export const salesforceLoginUrls = ['https://login.salesforce.com', 'https://test.salesforce.com'] as const;

export const salesforceSettingsSchema = z.object({
  myDomainUrl: z
    .string()
    .trim()
    .refine(
      (value) => salesforceMyDomainPattern.test(value) || /^http:\/\/127\.0\.0\.1(:\d+)?\/?$/.test(value),
      'Use your My Domain URL, e.g. https://acme.my.salesforce.com (Setup → My Domain); login.salesforce.com does not issue client-credentials tokens.',
    ),
  clientId: z
    .string()
    .trim()
    .min(10, 'Paste the Consumer Key of the connected app (client credentials flow enabled, with a Run-As user).'),
  apiVersion: z
    .string()
    .regex(/^v\d{2,3}\.0$/, 'An API version looks like v65.0.')
    .default('v65.0'),
  /**
   * How the app signs in: client credentials (a Run-As user), the web server flow (a person
   * signs in once through the browser; the refresh token is kept) or the JWT bearer flow
   * (a server signs an assertion with the key of the certificate uploaded to the app).
   */
  authFlow: z
    .enum(salesforceAuthFlows, { message: 'Choose client credentials, browser sign-in or JWT bearer.' })
    .default('client_credentials'),
  /** Browser sign-in: a fixed loopback port, for apps whose callback URL names one (default: any free port). */
  redirectPort: z
    .number()
    .int()
    .min(1024, 'Use a port from 1024 to 65535.')
    .max(65535, 'Use a port from 1024 to 65535.')
    .optional(),
  /** JWT bearer: the user the assertion names (`sub`); the app must be approved for them. */
  username: z
    .string()
    .trim()
    .email('The Salesforce username looks like an email address, e.g. integration@acme.com.')
    .optional(),
  /** JWT bearer: the assertion's audience (`aud`): login.salesforce.com, or test.salesforce.com for sandbox orgs. */
  loginUrl: z
    .enum(salesforceLoginUrls, {
      message: 'Use https://login.salesforce.com or, for a sandbox org, https://test.salesforce.com.',
    })
    .default('https://login.salesforce.com'),
});
export type SalesforceSettings = z.infer<typeof salesforceSettingsSchema>;

export const salesforceSecretsSchema = z.object({
  client_secret: z.string().min(1, 'Paste the Consumer Secret of the connected app.'),
  /** Web server flow: kept from the browser sign-in, never typed. */
  refresh_token: z.string().min(1).optional(),
  private_key: z
    .string()
    .regex(
      /-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/,
      'Paste the whole PEM private key (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----) of the certificate uploaded to the connected app.',
    )
    .optional(),
});
export const salesforceSecretSlots = ['client_secret', 'refresh_token', 'private_key'] as const;

/** The vault slots a Salesforce connection needs for its sign-in flow (bundles list these). */
export function salesforceRequiredSecrets(settings: Readonly<Record<string, unknown>>): readonly string[] {
  const flow = settings.authFlow ?? 'client_credentials';
  if (flow === 'jwt_bearer') return ['private_key'];
  if (flow === 'web_server') return ['client_secret', 'refresh_token'];
  return ['client_secret'];
}

/** Custom fields and objects the Infor integration package adds to the org. */
export const salesforceInforFields = {
  customerNumber: 'Infor_Customer_Number__c',
  supplierNumber: 'Infor_Supplier_Number__c',
  accountKind: 'Infor_Account_Kind__c',
  contactKey: 'Infor_Contact_Key__c',
  documentObject: 'Infor_Document__c',
  documentNumber: 'Infor_Document_No__c',
  /** External ids of the sales objects (the Infor package adds them; custom fields, so `__c`). */
  orderNumber: 'Infor_Order_No__c',
  orderLineKey: 'Infor_Line_Key__c',
  activityKey: 'Infor_Activity_Key__c',
  opportunityNumber: 'Infor_Opportunity_No__c',
  itemNumber: 'Infor_Item_No__c',
  priceKey: 'Infor_Price_Key__c',
} as const;
