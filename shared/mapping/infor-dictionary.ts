/**
 * Known field names mapped to shared concepts, so `CUNM` (M3), `Name` (CSI), `Account_Name`
 * (Zoho) and `name` (Dynamics) meet on `account.name`. Keys are compared case-insensitively.
 */
export type Concept =
  | 'account.number'
  | 'account.name'
  | 'address.line1'
  | 'address.line2'
  | 'address.line3'
  | 'address.line4'
  | 'address.city'
  | 'address.state'
  | 'address.postalCode'
  | 'address.country'
  | 'contact.phone'
  | 'contact.fax'
  | 'contact.email'
  | 'contact.website'
  | 'finance.creditLimit'
  | 'finance.paymentTerms'
  | 'finance.currency'
  | 'finance.taxNumber'
  | 'record.status'
  | 'supplier.number'
  | 'supplier.name'
  | 'order.number'
  | 'order.date'
  | 'order.requestedDate'
  | 'order.customerReference'
  | 'order.type'
  | 'order.systemNumber'
  | 'account.type';

export const sourceConcepts: Readonly<Record<string, Concept>> = {
  // M3 (CRS610MI / CRS620MI / OIS100MI)
  CUNO: 'account.number',
  CUNM: 'account.name',
  CUA1: 'address.line1',
  CUA2: 'address.line2',
  CUA3: 'address.line3',
  CUA4: 'address.line4',
  TOWN: 'address.city',
  ECAR: 'address.state',
  PONO: 'address.postalCode',
  CSCD: 'address.country',
  PHNO: 'contact.phone',
  TFNO: 'contact.fax',
  EMAL: 'contact.email',
  // OCUSMA's e-mail and credit limit 1 as EXPORTMI names them (the live sandbox's customers schema).
  MAIL: 'contact.email',
  CRL1: 'finance.creditLimit',
  CRLM: 'finance.creditLimit',
  TEPY: 'finance.paymentTerms',
  CUCD: 'finance.currency',
  VRNO: 'finance.taxNumber',
  STAT: 'record.status',
  SUNO: 'supplier.number',
  SUNM: 'supplier.name',
  ORNO: 'order.number',
  ORDT: 'order.date',
  RLDT: 'order.requestedDate',
  CUOR: 'order.customerReference',
  ORTP: 'order.type',
  ORST: 'record.status',
  // Not CUTP: M3's customer type is a technical code (0 for an ordinary customer, sandbox m3-tables),
  // not a CRM account type (Customer, Partner, Prospect); analysts reject that guess (e2e journey).
  // CSI / SyteLine IDOs (SLCustomers, SLVendors, SLCos)
  CustNum: 'account.number',
  Name: 'account.name',
  Addr_1: 'address.line1',
  Addr_2: 'address.line2',
  Addr_3: 'address.line3',
  Addr_4: 'address.line4',
  City: 'address.city',
  State: 'address.state',
  Zip: 'address.postalCode',
  Country: 'address.country',
  Phone: 'contact.phone',
  Fax: 'contact.fax',
  ExternalEmailAddr: 'contact.email',
  EmailAddr: 'contact.email',
  CreditLimit: 'finance.creditLimit',
  TermsCode: 'finance.paymentTerms',
  CurrCode: 'finance.currency',
  TaxRegNum1: 'finance.taxNumber',
  VendNum: 'supplier.number',
  CoNum: 'order.number',
  OrderDate: 'order.date',
  Stat: 'record.status',
  CustType: 'account.type',
  // LN (tcapi.comBusinessPartner)
  BusinessPartner: 'account.number',
  BusinessPartnerStatus: 'record.status',
  Currency: 'finance.currency',
  Telephone: 'contact.phone',
  TermsOfPayment: 'finance.paymentTerms',
  CityName: 'address.city',
  PostalCode: 'address.postalCode',
  CountryCode: 'address.country',
  Street: 'address.line1',
  SalesOrder: 'order.number',
  // LN's business-partner and sales-order entity sets as the sandbox serves them.
  SoldtoBusinessPartner: 'account.number',
  BuyfromBusinessPartner: 'supplier.number',
  AddressLine1: 'address.line1',
  ZIPCode: 'address.postalCode',
  Email: 'contact.email',
  TaxNumber: 'finance.taxNumber',
  Status: 'record.status',
  PlannedDeliveryDate: 'order.requestedDate',
  OrderStatus: 'record.status',
  CustomerOrder: 'order.customerReference',
  // CSI's customer PO on an order
  CustPo: 'order.customerReference',
  // FSM (Vendor)
  Vendor: 'supplier.number',
  VendorName: 'supplier.name',
  VendorGroup: 'account.type',
  PostalAddress: 'address.line1',
  // FSM Customer / Vendor business classes (sandbox)
  Customer: 'account.number',
  Municipality: 'address.city',
  PhoneNumber: 'contact.phone',
  EmailAddress: 'contact.email',
  TaxID: 'finance.taxNumber',
};

export const targetConcepts: Readonly<Record<string, Concept>> = {
  // Zoho CRM Accounts / Vendors
  Account_Name: 'account.name',
  Account_Number: 'account.number',
  Billing_Street: 'address.line1',
  Billing_City: 'address.city',
  Billing_State: 'address.state',
  Billing_Code: 'address.postalCode',
  Billing_Country: 'address.country',
  Website: 'contact.website',
  Account_Type: 'account.type',
  Vendor_Name: 'supplier.name',
  Zip_Code: 'address.postalCode',
  SO_Number: 'order.number',
  // The custom fields that carry the Infor key in Zoho (what flows match on).
  Infor_Customer_No: 'account.number',
  Infor_Supplier_No: 'supplier.number',
  // The custom external-id fields that carry the Infor key in the other targets (sandbox schemas).
  Infor_Customer_Number__c: 'account.number',
  Infor_Supplier_Number__c: 'supplier.number',
  mlc_inforcustomerno: 'account.number',
  infor_customer_number: 'account.number',
  Infor_Order_No: 'order.number',
  Infor_Order_No__c: 'order.number',
  mlc_inforordernumber: 'order.number',
  // Dataverse numbers its orders itself (`ordernumber`, "Order ID", autonumbered ORD-…): no Infor
  // field is that number; the Infor order number goes to the key field `mlc_inforordernumber`.
  ordernumber: 'order.systemNumber',
  // Order dates: Salesforce Order's required start date is the order date; Dataverse's requested delivery.
  EffectiveDate: 'order.date',
  requestdeliveryby: 'order.requestedDate',
  PoNumber: 'order.customerReference',
  // Credit limits and payment terms under the targets' own names.
  Credit_Limit: 'finance.creditLimit',
  Credit_Limit__c: 'finance.creditLimit',
  ERP_Credit_Limit__c: 'finance.creditLimit',
  credit_limit: 'finance.creditLimit',
  Payment_Terms: 'finance.paymentTerms',
  Payment_Terms__c: 'finance.paymentTerms',
  payment_terms: 'finance.paymentTerms',
  // Dataverse: the state (active/inactive) is the status an Infor record has; statuscode is its reason.
  statecode: 'record.status',
  // Salesforce Account
  AccountNumber: 'account.number',
  BillingStreet: 'address.line1',
  BillingCity: 'address.city',
  BillingState: 'address.state',
  BillingPostalCode: 'address.postalCode',
  BillingCountry: 'address.country',
  Type: 'account.type',
  Fax: 'contact.fax',
  // Zendesk organization
  external_id: 'account.number',
  details: 'address.line1',
  // Dynamics account
  accountnumber: 'account.number',
  address1_line1: 'address.line1',
  address1_line2: 'address.line2',
  address1_line3: 'address.line3',
  address1_city: 'address.city',
  address1_stateorprovince: 'address.state',
  address1_postalcode: 'address.postalCode',
  address1_country: 'address.country',
  telephone1: 'contact.phone',
  fax: 'contact.fax',
  emailaddress1: 'contact.email',
  websiteurl: 'contact.website',
  creditlimit: 'finance.creditLimit',
  paymenttermscode: 'finance.paymentTerms',
  transactioncurrencyid: 'finance.currency',
  customertypecode: 'account.type',
  // Cin7 Customer / Supplier (Addresses[] and Contacts[] members included)
  PaymentTerm: 'finance.paymentTerms',
  TaxNumber: 'finance.taxNumber',
  Status: 'record.status',
  Line1: 'address.line1',
  Line2: 'address.line2',
  Postcode: 'address.postalCode',
  Email: 'contact.email',
  // Shared by several targets: `Name`/`name`, `Phone`/`phone`, `City`, `Country`, `Currency`, `CreditLimit`.
  Name: 'account.name',
  Phone: 'contact.phone',
  City: 'address.city',
  Country: 'address.country',
  State: 'address.state',
  Currency: 'finance.currency',
  CreditLimit: 'finance.creditLimit',
  Street: 'address.line1',
};

const lower = (table: Readonly<Record<string, Concept>>): Map<string, Concept> =>
  new Map(Object.entries(table).map(([key, concept]) => [key.toLowerCase(), concept]));
const sourceTable = lower(sourceConcepts);
const targetTable = lower(targetConcepts);

/**
 * Target members whose last segment reads like a known name but means something else: Cin7's
 * `Addresses[].Type` is the address kind (Billing/Business), not the account type, and a contact's
 * `Name` is a person's, not the customer's.
 */
const notConcepts = new Set(['addresses[].type', 'contacts[].name']);

/** `organization_fields.erp_number`, `Addresses[].City`: the concept of the last segment, or of the whole path. */
export function conceptOf(fieldName: string, side: 'source' | 'target'): Concept | undefined {
  const table = side === 'source' ? sourceTable : targetTable;
  // A Dataverse lookup is written as `<name>@odata.bind`: its concept is the one of `<name>`.
  fieldName = fieldName.replace(/\\?@odata\\?\.bind$/, '');
  if (side === 'target' && notConcepts.has(fieldName.toLowerCase())) return undefined;
  const last =
    fieldName
      .split(/\.|\[\]\.?/)
      .filter(Boolean)
      .pop() ?? fieldName;
  return table.get(fieldName.toLowerCase()) ?? table.get(last.toLowerCase());
}
