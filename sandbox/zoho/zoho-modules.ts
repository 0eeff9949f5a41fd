/**
 * Field metadata of the simulated org: Zoho's standard fields for the modules
 * the connector uses, plus the custom fields an Infor integration adds (the
 * ERP key as an external, unique field). Served by `/settings/fields` in
 * Zoho's own shape and used to validate writes.
 */
export type ZohoDataType =
  | 'text'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'website'
  | 'picklist'
  | 'multiselectpicklist'
  | 'integer'
  | 'bigint'
  | 'double'
  | 'currency'
  | 'percent'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'lookup'
  | 'ownerlookup'
  | 'subform'
  | 'autonumber'
  | 'formula';

export interface ZohoFieldSpec {
  api: string;
  label: string;
  type: ZohoDataType;
  length?: number;
  mandatory?: boolean;
  readOnly?: boolean;
  unique?: boolean;
  external?: boolean;
  custom?: boolean;
  picklist?: string[];
  lookup?: string;
  subform?: string;
}

export interface ZohoModuleSpec {
  api: string;
  singular: string;
  plural: string;
  /** The system duplicate-check field (API-FACTS §2.3). */
  systemKey: string;
  fields: ZohoFieldSpec[];
  /** Subform modules have no list/upsert endpoints of their own. */
  subform?: boolean;
}

const f = (api: string, type: ZohoDataType, extra: Partial<ZohoFieldSpec> = {}): ZohoFieldSpec => ({
  api,
  label: extra.label ?? api.replace(/_/g, ' '),
  type,
  length: extra.length ?? defaultLength(type),
  ...extra,
});

function defaultLength(type: ZohoDataType): number | undefined {
  if (type === 'text' || type === 'website') return 255;
  if (type === 'textarea') return 32_000;
  if (type === 'email') return 100;
  if (type === 'phone') return 30;
  if (type === 'picklist') return 120;
  if (type === 'integer') return 9;
  if (type === 'currency' || type === 'double') return 16;
  return undefined;
}

const system = [
  f('id', 'bigint', { label: 'Record Id', readOnly: true }),
  f('Owner', 'ownerlookup', { label: 'Record Owner', lookup: 'users' }),
  f('Created_Time', 'datetime', { readOnly: true }),
  f('Modified_Time', 'datetime', { readOnly: true }),
  f('Created_By', 'ownerlookup', { readOnly: true, lookup: 'users' }),
  f('Modified_By', 'ownerlookup', { readOnly: true, lookup: 'users' }),
];

const address = (prefix: string, code = 'Code') => [
  f(`${prefix}Street`, 'textarea', { length: 250 }),
  f(`${prefix}City`, 'text', { length: 30 }),
  f(`${prefix}State`, 'text', { length: 30 }),
  f(`${prefix}${code}`, 'text', { length: 30 }),
  f(`${prefix}Country`, 'text', { length: 30 }),
];

const industries = [
  '-None-',
  'ASP (Application Service Provider)',
  'Data/Telecom OEM',
  'ERP (Enterprise Resource Planning)',
  'Government/Military',
  'Large Enterprise',
  'Management ISV',
  'MSP (Management Service Provider)',
  'Network Equipment Enterprise',
  'Non-management ISV',
  'Optical Networking',
  'Service Provider',
  'Small/Medium Enterprise',
  'Storage Equipment',
  'Storage Service Provider',
  'Systems Integrator',
  'Wireless Industry',
  'Manufacturing',
  'Wholesale',
];
const paymentTerms = ['-None-', 'Net 15', 'Net 30', 'Net 45', 'Net 60', 'Due on Receipt'];
const lineItem = (module: string): ZohoModuleSpec => ({
  api: module,
  singular: module,
  plural: module,
  systemKey: 'id',
  subform: true,
  fields: [
    f('id', 'bigint', { readOnly: true }),
    f('Product_Name', 'lookup', { label: 'Product Name', mandatory: true, lookup: 'Products' }),
    f('Quantity', 'double', { mandatory: true }),
    f('List_Price', 'currency', { label: 'List Price' }),
    f('Discount', 'currency'),
    f('Tax', 'currency', { readOnly: true }),
    f('Total', 'currency', { readOnly: true }),
    f('Description', 'textarea', { length: 2000 }),
  ],
});

const inventoryStatus = {
  Sales_Orders: ['Created', 'Approved', 'Delivered', 'Cancelled'],
  Purchase_Orders: ['Created', 'Approved', 'Delivered', 'Cancelled'],
  Invoices: ['Created', 'Approved', 'Delivered', 'Cancelled', 'Paid'],
};

export const zohoModules: ZohoModuleSpec[] = [
  {
    api: 'Accounts',
    singular: 'Account',
    plural: 'Accounts',
    systemKey: 'Account_Name',
    fields: [
      ...system,
      f('Account_Name', 'text', { label: 'Account Name', mandatory: true, length: 200 }),
      f('Account_Number', 'text', { label: 'Account Number', length: 40 }),
      f('Account_Site', 'text', { length: 30 }),
      f('Phone', 'phone'),
      f('Fax', 'phone'),
      f('Website', 'website'),
      f('Account_Type', 'picklist', {
        label: 'Account Type',
        picklist: [
          '-None-',
          'Analyst',
          'Competitor',
          'Customer',
          'Distributor',
          'Integrator',
          'Investor',
          'Other',
          'Partner',
          'Press',
          'Prospect',
          'Reseller',
          'Supplier',
          'Vendor',
        ],
      }),
      f('Industry', 'picklist', { picklist: industries }),
      f('Ownership', 'picklist', {
        picklist: [
          '-None-',
          'Other',
          'Private',
          'Public',
          'Subsidiary',
          'Partnership',
          'Government',
          'Privately Held',
          'Public Company',
        ],
      }),
      f('Employees', 'integer'),
      f('Annual_Revenue', 'currency', { label: 'Annual Revenue' }),
      f('Parent_Account', 'lookup', { label: 'Parent Account', lookup: 'Accounts' }),
      ...address('Billing_'),
      ...address('Shipping_'),
      f('Description', 'textarea'),
      f('Infor_Customer_No', 'text', {
        label: 'Infor Customer No',
        length: 20,
        unique: true,
        external: true,
        custom: true,
      }),
      f('Credit_Limit', 'currency', { label: 'Credit Limit', custom: true }),
      f('Payment_Terms', 'picklist', { label: 'Payment Terms', picklist: paymentTerms, custom: true }),
      f('Customer_Since', 'date', { label: 'Customer Since', custom: true }),
      f('On_Credit_Hold', 'boolean', { label: 'On Credit Hold', custom: true }),
      // The rest of a stock Accounts layout (Zoho CRM v8 Accounts module fields), then custom fields a
      // working org has added: together more than the 50 one `fields=` list may name (API-FACTS §2.2),
      // so a client reading "the first 50" misses some, as on a real tenant.
      f('Rating', 'picklist', { picklist: ['-None-', 'Acquired', 'Active', 'Market Failed', 'Project Cancelled'] }),
      f('Ticker_Symbol', 'text', { label: 'Ticker Symbol', length: 30 }),
      f('SIC_Code', 'integer', { label: 'SIC Code' }),
      f('Last_Activity_Time', 'datetime', { label: 'Last Activity Time', readOnly: true }),
      f('Locked__s', 'boolean', { label: 'Locked', readOnly: true }),
      f('Change_Log_Time__s', 'datetime', { label: 'Change Log Time', readOnly: true }),
      f('Last_Enriched_Time__s', 'datetime', { label: 'Last Enriched Time', readOnly: true }),
      f('Enrich_Status__s', 'picklist', {
        label: 'Enrich Status',
        readOnly: true,
        picklist: ['-None-', 'Available', 'Enriched', 'Data not found'],
      }),
      f('Key_Account', 'boolean', { label: 'Key Account', custom: true }),
      f('Churn_Risk', 'picklist', { label: 'Churn Risk', picklist: ['-None-', 'Low', 'Medium', 'High'], custom: true }),
      f('Partner_Tier', 'picklist', {
        label: 'Partner Tier',
        picklist: ['-None-', 'Registered', 'Silver', 'Gold'],
        custom: true,
      }),
      f('Renewal_Date', 'date', { label: 'Renewal Date', custom: true }),
      f('Health_Score', 'integer', { label: 'Health Score', custom: true }),
      f('Marketing_Segment', 'text', { label: 'Marketing Segment', length: 100, custom: true }),
      f('Support_Plan', 'picklist', {
        label: 'Support Plan',
        picklist: ['-None-', 'Basic', 'Premium', 'Enterprise'],
        custom: true,
      }),
      f('Customer_Success_Manager', 'text', { label: 'Customer Success Manager', length: 100, custom: true }),
      f('Sales_Region', 'text', { label: 'Sales Region', length: 50, custom: true }),
    ],
  },
  {
    api: 'Vendors',
    singular: 'Vendor',
    plural: 'Vendors',
    systemKey: 'Vendor_Name',
    fields: [
      ...system,
      f('Vendor_Name', 'text', { label: 'Vendor Name', mandatory: true, length: 200 }),
      f('Email', 'email'),
      f('Phone', 'phone'),
      f('Website', 'website'),
      f('GL_Account', 'picklist', {
        label: 'GL Account',
        picklist: [
          '-None-',
          'Sales-Software',
          'Sales-Hardware',
          'Rental-Income',
          'Interest-Income',
          'Sales Software Support',
          'Sales Other',
          'Interest Sales',
          'Service-Hardware Labor',
        ],
      }),
      f('Category', 'text', { length: 100 }),
      f('Street', 'textarea', { length: 250 }),
      f('City', 'text', { length: 30 }),
      f('State', 'text', { length: 30 }),
      f('Zip_Code', 'text', { label: 'Zip Code', length: 30 }),
      f('Country', 'text', { length: 30 }),
      f('Description', 'textarea'),
      f('Infor_Supplier_No', 'text', {
        label: 'Infor Supplier No',
        length: 20,
        unique: true,
        external: true,
        custom: true,
      }),
      f('Payment_Terms', 'picklist', { label: 'Payment Terms', picklist: paymentTerms, custom: true }),
    ],
  },
  {
    api: 'Contacts',
    singular: 'Contact',
    plural: 'Contacts',
    systemKey: 'Email',
    fields: [
      ...system,
      f('First_Name', 'text', { label: 'First Name', length: 40 }),
      f('Last_Name', 'text', { label: 'Last Name', mandatory: true, length: 80 }),
      f('Full_Name', 'text', { label: 'Full Name', readOnly: true }),
      f('Email', 'email'),
      f('Phone', 'phone'),
      f('Mobile', 'phone'),
      f('Title', 'text', { length: 100 }),
      f('Department', 'text', { length: 30 }),
      f('Account_Name', 'lookup', { label: 'Account Name', lookup: 'Accounts' }),
      f('Vendor_Name', 'lookup', { label: 'Vendor Name', lookup: 'Vendors' }),
      ...address('Mailing_', 'Zip'),
      f('Infor_Contact_Key', 'text', {
        label: 'Infor Contact Key',
        length: 40,
        unique: true,
        external: true,
        custom: true,
      }),
    ],
  },
  {
    api: 'Deals',
    singular: 'Deal',
    plural: 'Deals',
    systemKey: 'Deal_Name',
    fields: [
      ...system,
      f('Deal_Name', 'text', { label: 'Deal Name', mandatory: true, length: 120 }),
      f('Account_Name', 'lookup', { label: 'Account Name', lookup: 'Accounts' }),
      f('Amount', 'currency'),
      f('Closing_Date', 'date', { label: 'Closing Date' }),
      f('Stage', 'picklist', {
        mandatory: true,
        picklist: [
          'Qualification',
          'Needs Analysis',
          'Value Proposition',
          'Id. Decision Makers',
          'Proposal/Price Quote',
          'Negotiation/Review',
          'Closed Won',
          'Closed Lost',
          'Closed Lost to Competition',
        ],
      }),
      f('Probability', 'integer', { label: 'Probability (%)', length: 3 }),
    ],
  },
  {
    api: 'Products',
    singular: 'Product',
    plural: 'Products',
    systemKey: 'Product_Name',
    fields: [
      ...system,
      f('Product_Name', 'text', { label: 'Product Name', mandatory: true, length: 120 }),
      f('Product_Code', 'text', { label: 'Product Code', length: 40 }),
      f('Unit_Price', 'currency', { label: 'Unit Price' }),
      f('Product_Active', 'boolean', { label: 'Product Active' }),
      f('Infor_Item_No', 'text', { label: 'Infor Item No', length: 30, unique: true, external: true, custom: true }),
    ],
  },
  ...(['Sales_Orders', 'Purchase_Orders', 'Invoices'] as const).map((module): ZohoModuleSpec => ({
    api: module,
    singular: module.replace(/s$/, '').replace(/_/g, ' '),
    plural: module.replace(/_/g, ' '),
    systemKey: 'Subject',
    fields: [
      ...system,
      f('Subject', 'text', { mandatory: true, length: 255 }),
      ...(module === 'Purchase_Orders'
        ? [
            f('Vendor_Name', 'lookup', { label: 'Vendor Name', mandatory: true, lookup: 'Vendors' }),
            f('PO_Number', 'text', { label: 'PO Number', length: 50 }),
            f('PO_Date', 'date', { label: 'PO Date' }),
            f('Purchased_Items', 'subform', { label: 'Purchase Items', mandatory: true, subform: 'Purchased_Items' }),
            f('Infor_PO_No', 'text', { label: 'Infor PO No', length: 30, unique: true, external: true, custom: true }),
          ]
        : module === 'Sales_Orders'
          ? [
              f('Account_Name', 'lookup', { label: 'Account Name', mandatory: true, lookup: 'Accounts' }),
              f('SO_Number', 'autonumber', { label: 'SO Number', readOnly: true }),
              f('Customer_No', 'text', { label: 'Customer No', length: 30 }),
              f('Ordered_Items', 'subform', { label: 'Ordered Items', mandatory: true, subform: 'Ordered_Items' }),
              f('Infor_Order_No', 'text', {
                label: 'Infor Order No',
                length: 30,
                unique: true,
                external: true,
                custom: true,
              }),
            ]
          : [
              f('Account_Name', 'lookup', { label: 'Account Name', mandatory: true, lookup: 'Accounts' }),
              f('Sales_Order', 'lookup', { label: 'Sales Order', lookup: 'Sales_Orders' }),
              f('Invoice_Number', 'autonumber', { label: 'Invoice Number', readOnly: true }),
              f('Invoice_Date', 'date', { label: 'Invoice Date' }),
              f('Invoiced_Items', 'subform', { label: 'Invoiced Items', mandatory: true, subform: 'Invoiced_Items' }),
              f('Infor_Invoice_No', 'text', {
                label: 'Infor Invoice No',
                length: 30,
                unique: true,
                external: true,
                custom: true,
              }),
            ]),
      f('Due_Date', 'date', { label: 'Due Date' }),
      f('Status', 'picklist', { picklist: inventoryStatus[module] }),
      ...address('Billing_'),
      ...address('Shipping_'),
      f('Sub_Total', 'currency', { label: 'Sub Total', readOnly: true }),
      f('Tax', 'currency'),
      f('Adjustment', 'currency'),
      f('Grand_Total', 'currency', { label: 'Grand Total', readOnly: true }),
      f('Terms_and_Conditions', 'textarea', { label: 'Terms and Conditions' }),
    ],
  })),
  lineItem('Ordered_Items'),
  lineItem('Purchased_Items'),
  lineItem('Invoiced_Items'),
];

export const zohoModuleByName = new Map(zohoModules.map((module) => [module.api, module]));

const jsonTypes: Record<ZohoDataType, string> = {
  text: 'string',
  textarea: 'string',
  email: 'string',
  phone: 'string',
  website: 'string',
  picklist: 'string',
  multiselectpicklist: 'jsonarray',
  integer: 'integer',
  bigint: 'string',
  double: 'double',
  currency: 'double',
  percent: 'double',
  boolean: 'boolean',
  date: 'string',
  datetime: 'string',
  lookup: 'jsonobject',
  ownerlookup: 'jsonobject',
  subform: 'jsonarray',
  autonumber: 'string',
  formula: 'string',
};

/** One field as `/settings/fields` returns it (the keys the OpenAPI documents; ids are stable per name). */
export function fieldMetadata(module: ZohoModuleSpec, spec: ZohoFieldSpec, index: number) {
  const id = String(3_652_397_000_000_000n + BigInt(index + 1) + BigInt(zohoModules.indexOf(module)) * 1000n);
  return {
    id,
    api_name: spec.api,
    field_label: spec.label,
    display_label: spec.label,
    data_type: spec.type,
    json_type: jsonTypes[spec.type],
    column_name: spec.api.toUpperCase(),
    system_mandatory: spec.mandatory === true,
    // fields.json types `length` as an integer, never null: 0 where this simulator sizes nothing.
    length: spec.length ?? 0,
    decimal_place: spec.type === 'currency' || spec.type === 'double' ? 2 : null,
    read_only: spec.readOnly === true,
    field_read_only: spec.readOnly === true,
    custom_field: spec.custom === true,
    visible: true,
    sortable: spec.type !== 'subform',
    searchable: spec.type !== 'subform',
    filterable: spec.type !== 'subform',
    unique: spec.unique ? { casesensitive: 'false' } : {},
    // fields.json: `external` is an object with `show` and `type` (both nullable), never null itself.
    external: spec.external
      ? { show: true, type: 'user', allow_multiple_config: false }
      : { show: false, type: null, allow_multiple_config: false },
    pick_list_values: (spec.picklist ?? []).map((value, position) => ({
      display_value: value,
      actual_value: value,
      reference_value: value,
      sequence_number: position + 1,
      type: 'used',
      id: String(3_652_397_000_001_000n + BigInt(position)),
      colour_code: null,
    })),
    lookup: spec.lookup
      ? {
          display_label: spec.label,
          api_name: spec.api,
          module: { api_name: spec.lookup, id: String(3_652_397_000_000_100n) },
          id: null,
        }
      : {},
    subform: spec.subform ? { module: spec.subform, id: String(3_652_397_000_000_200n) } : null,
    auto_number: spec.type === 'autonumber' ? { prefix: spec.api.slice(0, 2) + '-', start_number: 1000 } : {},
    formula: {},
    multiselectlookup: {},
    history_tracking: null,
    tooltip: null,
    crypt: null,
    // The rest of what Zoho's OpenAPI requires of every field (zoho/crm-oas v8.0 fields.json,
    // components.schemas.fields.required), with a stock tenant's values for a plain layout field.
    associated_module: { api_name: null, id: null },
    operation_type: {
      web_update: !spec.readOnly,
      api_create: !spec.readOnly,
      web_create: !spec.readOnly,
      api_update: !spec.readOnly,
    },
    webhook: true,
    blueprint_supported: spec.type !== 'subform',
    virtual_field: false,
    customizable_properties: [],
    businesscard_supported: spec.type !== 'subform',
    available_in_user_layout: true,
    display_field: index === 0,
    pick_list_values_sorted_lexically: false,
    layout_associations: [{ api_name: 'Standard', name: 'Standard', id: String(3_652_397_000_000_091n) }],
    separator: false,
    enable_colour_code: false,
    mass_update: !spec.readOnly && spec.type !== 'subform',
    created_source: spec.custom ? 'crm' : 'default',
    type: 'used',
    display_type: -1,
    ui_type: uiTypes[spec.type] ?? 1,
    colour_code_enabled_by_system: false,
    quick_sequence_number: String(index + 1),
    email_parser: { fields_update_supported: false, record_operations_supported: false },
    rollup_summary: null,
    refer_from_field: { id: null, api_name: null },
    created_time: null,
    modified_time: null,
    show_type: 7,
    category: 0,
    multi_module_lookup: null,
    sharing_properties: {},
    currency: null,
    file_upolad_optionlist: [],
    profiles: [{ name: 'Administrator', id: String(3_652_397_000_000_026n), permission_type: 'read_write' }],
    view_type: { view: true, edit: !spec.readOnly, quick_create: false, create: !spec.readOnly },
    sub_module: { api_name: null, id: null },
    convert_mapping: {},
    multiuserlookup: {
      display_label: null,
      linking_module: { api_name: null, id: null },
      connected_module: { api_name: null, id: null },
      lookup_apiname: null,
      api_name: null,
      connectedfield_apiname: null,
      connectedlookup_apiname: null,
      id: null,
      record_access: null,
    },
    autonumber: { starting_number_length: 0, prefix: null, suffix: null, start_number: null },
    association_details: { related_field: { api_name: null, id: null }, lookup_field: { api_name: null, id: null } },
    allowed_modules: [],
    additional_column: null,
    'common.picklist': null,
    hipaa_compliance_enabled: false,
    hipaa_compliance: { restricted_in_export: false, restricted: false },
    _update_existing_records: false,
    number_separator: false,
    textarea: {},
    static_field: false,
  };
}

/** Zoho's `ui_type` per data type as a stock org reports it (1 text, 2 picklist, …); unknown types read as text. */
const uiTypes: Record<string, number> = {
  text: 1,
  picklist: 2,
  email: 25,
  phone: 33,
  date: 24,
  datetime: 333,
  integer: 32,
  double: 38,
  currency: 36,
  boolean: 301,
  lookup: 133,
  subform: 1008,
  autonumber: 1001,
  textarea: 3,
  website: 21,
};
