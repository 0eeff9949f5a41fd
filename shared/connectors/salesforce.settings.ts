import { z } from 'zod';

/**
 * Salesforce connection settings (API-FACTS §3.1). The client-credentials
 * flow works on the org's My Domain host only, never on login.salesforce.com.
 */
export const salesforceMyDomainPattern = /^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)*\.my\.salesforce\.com\/?$/i;

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
});
export type SalesforceSettings = z.infer<typeof salesforceSettingsSchema>;

export const salesforceSecretsSchema = z.object({
  client_secret: z.string().min(1, 'Paste the Consumer Secret of the connected app.'),
});
export const salesforceSecretSlots = ['client_secret'] as const;

/** Custom fields and objects the Infor integration package adds to the org. */
export const salesforceInforFields = {
  customerNumber: 'Infor_Customer_Number__c',
  supplierNumber: 'Infor_Supplier_Number__c',
  accountKind: 'Infor_Account_Kind__c',
  contactKey: 'Infor_Contact_Key__c',
  documentObject: 'Infor_Document__c',
  documentNumber: 'Infor_Document_No__c',
} as const;
