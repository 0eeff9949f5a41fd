import { field, type EntityField, type EntitySchema } from '../../shared/domain/entity-schema';
import type { SystemId } from '../../shared/domain/connection';

/** Customer/account schemas of the source and the five targets, as their connectors would discover them. */
const required = { onCreate: true, onUpdate: false };
const schema = (system: SystemId, entity: string, keyFields: string[], fields: EntityField[]): EntitySchema => ({
  system,
  entity,
  label: entity,
  keyFields,
  fields,
  hash: `${system}-${entity}`,
  fetchedAt: '2025-01-01T00:00:00Z',
});

export const m3Customers = schema(
  'infor',
  'customers',
  ['CUNO'],
  [
    field('CUNO', 'string', { label: 'Customer number', maxLength: 10 }),
    field('CUNM', 'string', { label: 'Customer name', maxLength: 36 }),
    field('CUA1', 'string', { label: 'Address line 1' }),
    field('CUA2', 'string', { label: 'Address line 2' }),
    field('CUA3', 'string', { label: 'Address line 3' }),
    field('CUA4', 'string', { label: 'Address line 4' }),
    field('TOWN', 'string', { label: 'City' }),
    field('PONO', 'string', { label: 'Postal code' }),
    field('CSCD', 'string', { label: 'Country' }),
    field('PHNO', 'string', { label: 'Telephone number 1' }),
    field('TFNO', 'string', { label: 'Facsimile transmission number' }),
    field('EMAL', 'string', { label: 'Email address' }),
    field('CRL1', 'number', { label: 'Credit limit 1' }),
    field('TEPY', 'string', { label: 'Payment terms' }),
    field('CUCD', 'string', { label: 'Currency' }),
    field('STAT', 'string', { label: 'Status' }),
    field('CUTP', 'string', { label: 'Customer type' }),
    field('LMDT', 'date', { label: 'Change date' }),
  ],
);

export const csiCustomers = schema(
  'infor',
  'SLCustomers',
  ['CustNum'],
  [
    field('CustNum', 'string', { label: 'Customer' }),
    field('CustSeq', 'integer', { label: 'Ship To' }),
    field('Name', 'string', { label: 'Name' }),
    field('Addr_1', 'string', { label: 'Address 1' }),
    field('Addr_2', 'string', { label: 'Address 2' }),
    field('City', 'string', { label: 'City' }),
    field('State', 'string', { label: 'State' }),
    field('Zip', 'string', { label: 'Postal/Zip' }),
    field('Country', 'string', { label: 'Country' }),
    field('Phone', 'string', { label: 'Phone' }),
    field('CreditLimit', 'string', { label: 'Credit Limit' }),
    field('TermsCode', 'string', { label: 'Terms' }),
    field('CurrCode', 'string', { label: 'Currency' }),
    field('RecordDate', 'datetime', { label: 'Record Date' }),
  ],
);

export const zohoAccounts = schema(
  'zoho',
  'Accounts',
  ['Account_Number'],
  [
    field('Account_Name', 'string', { label: 'Account Name', required, maxLength: 200 }),
    field('Account_Number', 'string', { label: 'Account Number', maxLength: 40, externalId: true }),
    field('Phone', 'string', { label: 'Phone', maxLength: 30 }),
    field('Website', 'string', { label: 'Website' }),
    field('Account_Type', 'picklist', {
      label: 'Account Type',
      picklist: [
        { value: 'Customer', label: 'Customer', active: true },
        { value: 'Prospect', label: 'Prospect', active: true },
      ],
    }),
    field('Billing_Street', 'string', { label: 'Billing Street', maxLength: 250 }),
    field('Billing_City', 'string', { label: 'Billing City', maxLength: 30 }),
    field('Billing_State', 'string', { label: 'Billing State' }),
    field('Billing_Code', 'string', { label: 'Billing Code' }),
    field('Billing_Country', 'string', { label: 'Billing Country' }),
    field('Credit_Limit', 'number', { label: 'Credit Limit' }),
    field('Payment_Terms', 'picklist', {
      label: 'Payment Terms',
      picklist: [
        { value: 'Net 30', label: 'Net 30', active: true },
        { value: 'Net 60', label: 'Net 60', active: true },
      ],
    }),
    field('Created_Time', 'datetime', { label: 'Created Time', readOnly: true }),
  ],
);

export const salesforceAccount = schema(
  'salesforce',
  'Account',
  ['AccountNumber'],
  [
    field('Name', 'string', { label: 'Account Name', required, maxLength: 255 }),
    field('AccountNumber', 'string', { label: 'Account Number', maxLength: 40 }),
    field('Phone', 'string', { label: 'Account Phone' }),
    field('Fax', 'string', { label: 'Account Fax' }),
    field('BillingStreet', 'string', { label: 'Billing Street' }),
    field('BillingCity', 'string', { label: 'Billing City' }),
    field('BillingPostalCode', 'string', { label: 'Billing Zip/Postal Code' }),
    field('BillingCountry', 'string', { label: 'Billing Country' }),
    field('ERP_Credit_Limit__c', 'number', { label: 'Credit Limit' }),
    field('Payment_Terms__c', 'string', { label: 'Payment Terms' }),
    field('CurrencyIsoCode', 'picklist', { label: 'Account Currency' }),
    field('OwnerId', 'reference', { label: 'Owner ID', createOnly: true, referenceTo: 'User' }),
  ],
);

export const zendeskOrganization = schema(
  'zendesk',
  'organizations',
  ['external_id'],
  [
    field('name', 'string', { label: 'Name', required }),
    field('external_id', 'string', { label: 'External ID', externalId: true }),
    field('details', 'string', { label: 'Details' }),
    field('notes', 'string', { label: 'Notes' }),
    field('organization_fields', 'object', {
      label: 'Organization fields',
      children: [
        field('phone', 'string', { label: 'Phone' }),
        field('city', 'string', { label: 'City' }),
        field('country', 'string', { label: 'Country' }),
        field('credit_limit', 'number', { label: 'Credit limit' }),
        field('payment_terms', 'string', { label: 'Payment terms' }),
      ],
    }),
  ],
);

export const dynamicsAccount = schema(
  'dynamics',
  'accounts',
  ['accountnumber'],
  [
    field('name', 'string', { label: 'Account Name', required, maxLength: 160 }),
    field('accountnumber', 'string', { label: 'Account Number', maxLength: 20 }),
    field('telephone1', 'string', { label: 'Main Phone' }),
    field('emailaddress1', 'string', { label: 'Email' }),
    field('address1_line1', 'string', { label: 'Address 1: Street 1' }),
    field('address1_city', 'string', { label: 'Address 1: City' }),
    field('address1_postalcode', 'string', { label: 'Address 1: ZIP/Postal Code' }),
    field('address1_country', 'string', { label: 'Address 1: Country/Region' }),
    field('creditlimit', 'number', { label: 'Credit Limit' }),
    field('paymenttermscode', 'picklist', {
      label: 'Payment Terms',
      picklist: [
        { value: 1, label: 'Net 30', active: true },
        { value: 2, label: '2% 10, Net 30', active: true },
        { value: 3, label: 'Net 45', active: true },
        { value: 4, label: 'Net 60', active: true },
      ],
    }),
    field('createdon', 'datetime', { label: 'Created On', readOnly: true }),
  ],
);

export const cin7Customer = schema(
  'cin7',
  'customer',
  ['Name'],
  [
    field('Name', 'string', { label: 'Name', required, maxLength: 256 }),
    field('Status', 'picklist', {
      label: 'Status',
      required,
      picklist: [
        { value: 'Active', label: 'Active', active: true },
        { value: 'Deprecated', label: 'Deprecated', active: true },
      ],
    }),
    field('Currency', 'string', { label: 'Currency', required }),
    field('PaymentTerm', 'string', { label: 'Payment term', required }),
    field('CreditLimit', 'number', { label: 'Credit limit' }),
    field('Phone', 'string', { label: 'Phone' }),
    field('Email', 'string', { label: 'Email' }),
    field('Addresses', 'array', {
      label: 'Addresses',
      children: [
        field('Line1', 'string', { label: 'Line 1' }),
        field('City', 'string', { label: 'City' }),
        field('Postcode', 'string', { label: 'Postcode' }),
        field('Country', 'string', { label: 'Country' }),
      ],
    }),
  ],
);

/** The obvious pairs: target handle → source field, per source system. */
export const expectedPairs: Record<
  string,
  { schema: EntitySchema; m3: Record<string, string>; csi: Record<string, string> }
> = {
  zoho: {
    schema: zohoAccounts,
    m3: {
      Account_Name: 'CUNM',
      Account_Number: 'CUNO',
      Billing_City: 'TOWN',
      Billing_Country: 'CSCD',
      Phone: 'PHNO',
      Credit_Limit: 'CRL1',
      Payment_Terms: 'TEPY',
      Billing_Code: 'PONO',
      Billing_Street: 'CUA1',
    },
    csi: {
      Account_Name: 'Name',
      Account_Number: 'CustNum',
      Billing_City: 'City',
      Billing_Country: 'Country',
      Phone: 'Phone',
      Credit_Limit: 'CreditLimit',
      Payment_Terms: 'TermsCode',
    },
  },
  salesforce: {
    schema: salesforceAccount,
    m3: {
      Name: 'CUNM',
      AccountNumber: 'CUNO',
      BillingCity: 'TOWN',
      BillingCountry: 'CSCD',
      Phone: 'PHNO',
      ERP_Credit_Limit__c: 'CRL1',
      Payment_Terms__c: 'TEPY',
      BillingPostalCode: 'PONO',
    },
    csi: {
      Name: 'Name',
      AccountNumber: 'CustNum',
      BillingCity: 'City',
      BillingCountry: 'Country',
      Phone: 'Phone',
      ERP_Credit_Limit__c: 'CreditLimit',
      Payment_Terms__c: 'TermsCode',
    },
  },
  zendesk: {
    schema: zendeskOrganization,
    m3: {
      name: 'CUNM',
      external_id: 'CUNO',
      'organization_fields.city': 'TOWN',
      'organization_fields.country': 'CSCD',
      'organization_fields.phone': 'PHNO',
      'organization_fields.credit_limit': 'CRL1',
      'organization_fields.payment_terms': 'TEPY',
    },
    csi: {
      name: 'Name',
      external_id: 'CustNum',
      'organization_fields.city': 'City',
      'organization_fields.country': 'Country',
      'organization_fields.phone': 'Phone',
    },
  },
  dynamics: {
    schema: dynamicsAccount,
    m3: {
      name: 'CUNM',
      accountnumber: 'CUNO',
      address1_city: 'TOWN',
      address1_country: 'CSCD',
      telephone1: 'PHNO',
      creditlimit: 'CRL1',
      paymenttermscode: 'TEPY',
      address1_postalcode: 'PONO',
      emailaddress1: 'EMAL',
    },
    csi: {
      name: 'Name',
      accountnumber: 'CustNum',
      address1_city: 'City',
      address1_country: 'Country',
      telephone1: 'Phone',
      creditlimit: 'CreditLimit',
      paymenttermscode: 'TermsCode',
    },
  },
  cin7: {
    schema: cin7Customer,
    m3: {
      Name: 'CUNM',
      Currency: 'CUCD',
      PaymentTerm: 'TEPY',
      CreditLimit: 'CRL1',
      Phone: 'PHNO',
      Email: 'EMAL',
      'Addresses[].City': 'TOWN',
      'Addresses[].Country': 'CSCD',
    },
    csi: {
      Name: 'Name',
      Currency: 'CurrCode',
      PaymentTerm: 'TermsCode',
      CreditLimit: 'CreditLimit',
      Phone: 'Phone',
      'Addresses[].City': 'City',
    },
  },
};
