/**
 * The simulated tables: columns as Dataverse describes them (type, required
 * level, create/update validity, max length, option sets, lookup targets),
 * alternate keys and lookup navigation names (API-FACTS §5.5, §5.7). Lengths
 * follow the out-of-the-box Sales schema where known; `mlc_*` are the custom
 * columns a customer adds for the Infor link.
 */
export type AttributeType =
  | 'String'
  | 'Memo'
  | 'Integer'
  | 'BigInt'
  | 'Decimal'
  | 'Money'
  | 'Double'
  | 'Boolean'
  | 'DateTime'
  | 'Picklist'
  | 'State'
  | 'Status'
  | 'Lookup'
  | 'Customer'
  | 'Owner'
  | 'Uniqueidentifier';

export type RequiredLevel = 'None' | 'SystemRequired' | 'ApplicationRequired' | 'Recommended';

export interface AttributeSpec {
  name: string;
  label: string;
  type: AttributeType;
  required?: RequiredLevel;
  maxLength?: number;
  options?: Array<[number, string]>;
  /** Lookup targets, with the navigation property used to bind each. */
  targets?: Array<{ table: string; navigation: string }>;
  create?: boolean;
  update?: boolean;
  /** Name-shadow columns (`parentaccountidname`) point at their lookup. */
  attributeOf?: string;
  description?: string;
}

export interface TableSpec {
  logicalName: string;
  setName: string;
  primaryId: string;
  primaryName: string;
  label: string;
  attributes: AttributeSpec[];
  keys: Array<{ name: string; attributes: string[]; status: 'Active' | 'Pending' | 'Failed' }>;
  /** Columns compared by the published duplicate-detection rules (case-insensitive equality). */
  duplicateRules: string[][];
}

const paymentTerms: Array<[number, string]> = [
  [1, 'Net 30'],
  [2, '2% 10, Net 30'],
  [3, 'Net 45'],
  [4, 'Net 60'],
];
const customerTypes: Array<[number, string]> = [
  [1, 'Competitor'],
  [2, 'Consultant'],
  [3, 'Customer'],
  [4, 'Investor'],
  [5, 'Partner'],
  [6, 'Influencer'],
  [7, 'Press'],
  [8, 'Prospect'],
  [9, 'Reseller'],
  [10, 'Supplier'],
  [11, 'Vendor'],
  [12, 'Other'],
];

const id = (name: string, label: string): AttributeSpec => ({
  name,
  label,
  type: 'Uniqueidentifier',
  required: 'SystemRequired',
  create: true,
  update: false,
});
const text = (name: string, label: string, maxLength: number, extra: Partial<AttributeSpec> = {}): AttributeSpec => ({
  name,
  label,
  type: 'String',
  maxLength,
  ...extra,
});
const lookup = (name: string, label: string, targets: string[], extra: Partial<AttributeSpec> = {}): AttributeSpec => ({
  name,
  label,
  type: targets.length > 1 ? 'Customer' : 'Lookup',
  // Customer lookups bind through one navigation property per target table.
  targets: targets.map((table) => ({ table, navigation: targets.length > 1 ? `${name}_${table}` : name })),
  ...extra,
});
const shadow = (of: string, label: string): AttributeSpec => ({
  name: `${of}name`,
  label,
  type: 'String',
  maxLength: 100,
  attributeOf: of,
  create: false,
  update: false,
});
const audit: AttributeSpec[] = [
  { name: 'createdon', label: 'Created On', type: 'DateTime', create: false, update: false },
  { name: 'modifiedon', label: 'Modified On', type: 'DateTime', create: false, update: false },
  { name: 'versionnumber', label: 'Version Number', type: 'BigInt', create: false, update: false },
  lookup('ownerid', 'Owner', ['systemuser'], { type: 'Owner', required: 'SystemRequired' }),
  lookup('transactioncurrencyid', 'Currency', ['transactioncurrency']),
];
const state = (options: Array<[number, string]>): AttributeSpec => ({
  name: 'statecode',
  label: 'Status',
  type: 'State',
  required: 'SystemRequired',
  options,
  create: false,
});
const status = (options: Array<[number, string]>): AttributeSpec => ({
  name: 'statuscode',
  label: 'Status Reason',
  type: 'Status',
  options,
});
const address = (prefix: string, label: string): AttributeSpec[] => [
  text(`${prefix}_line1`, `${label}: Street 1`, 250),
  text(`${prefix}_city`, `${label}: City`, 80),
  text(`${prefix}_postalcode`, `${label}: ZIP/Postal Code`, 20),
  text(`${prefix}_country`, `${label}: Country/Region`, 80),
];
const key = (column: string) => ({ name: `${column}_key`, attributes: [column], status: 'Active' as const });

const account: TableSpec = {
  logicalName: 'account',
  setName: 'accounts',
  primaryId: 'accountid',
  primaryName: 'name',
  label: 'Account',
  attributes: [
    id('accountid', 'Account'),
    text('name', 'Account Name', 160, { required: 'ApplicationRequired' }),
    text('accountnumber', 'Account Number', 20),
    text('mlc_inforcustomerno', 'Infor Customer No.', 20, {
      description: 'Customer number in Infor CloudSuite (M3 CUNO / CSI CustNum).',
    }),
    text('telephone1', 'Main Phone', 50),
    text('emailaddress1', 'Email', 100),
    text('websiteurl', 'Website', 200),
    ...address('address1', 'Address 1'),
    lookup('parentaccountid', 'Parent Account', ['account']),
    shadow('parentaccountid', 'Parent Account name'),
    { name: 'paymenttermscode', label: 'Payment Terms', type: 'Picklist', options: paymentTerms },
    { name: 'customertypecode', label: 'Relationship Type', type: 'Picklist', options: customerTypes },
    { name: 'creditlimit', label: 'Credit Limit', type: 'Money' },
    { name: 'numberofemployees', label: 'Number of Employees', type: 'Integer' },
    { name: 'donotemail', label: 'Do not allow Emails', type: 'Boolean' },
    { name: 'description', label: 'Description', type: 'Memo', maxLength: 2000 },
    state([
      [0, 'Active'],
      [1, 'Inactive'],
    ]),
    status([
      [1, 'Active'],
      [2, 'Inactive'],
    ]),
    ...audit,
  ],
  keys: [key('accountnumber'), key('mlc_inforcustomerno')],
  duplicateRules: [['name'], ['emailaddress1']],
};

const contact: TableSpec = {
  logicalName: 'contact',
  setName: 'contacts',
  primaryId: 'contactid',
  primaryName: 'fullname',
  label: 'Contact',
  attributes: [
    id('contactid', 'Contact'),
    text('firstname', 'First Name', 50),
    text('lastname', 'Last Name', 50, { required: 'ApplicationRequired' }),
    text('fullname', 'Full Name', 160, { create: false, update: false }),
    text('mlc_inforcontactid', 'Infor Contact Id', 40),
    text('emailaddress1', 'Email', 100),
    text('telephone1', 'Business Phone', 50),
    text('mobilephone', 'Mobile Phone', 50),
    text('jobtitle', 'Job Title', 100),
    lookup('parentcustomerid', 'Company Name', ['account', 'contact']),
    {
      name: 'preferredcontactmethodcode',
      label: 'Preferred Method of Contact',
      type: 'Picklist',
      options: [
        [1, 'Any'],
        [2, 'Email'],
        [3, 'Phone'],
        [4, 'Fax'],
        [5, 'Mail'],
      ],
    },
    ...address('address1', 'Address 1'),
    state([
      [0, 'Active'],
      [1, 'Inactive'],
    ]),
    status([
      [1, 'Active'],
      [2, 'Inactive'],
    ]),
    ...audit,
  ],
  keys: [key('mlc_inforcontactid')],
  duplicateRules: [['emailaddress1']],
};

const orderLike = (
  logical: string,
  set: string,
  label: string,
  numberColumn: string,
  keyColumn: string,
  states: Array<[number, string]>,
  statuses: Array<[number, string]>,
): TableSpec => ({
  logicalName: logical,
  setName: set,
  primaryId: `${logical}id`,
  primaryName: 'name',
  label,
  attributes: [
    id(`${logical}id`, label),
    text('name', 'Name', 300, { required: 'ApplicationRequired' }),
    text(numberColumn, `${label} ID`, 100, { update: false }),
    text(keyColumn, `Infor ${label} No.`, 40),
    lookup('customerid', 'Customer', ['account', 'contact'], { required: 'SystemRequired' }),
    lookup('pricelevelid', 'Price List', ['pricelevel'], { required: 'ApplicationRequired' }),
    { name: 'paymenttermscode', label: 'Payment Terms', type: 'Picklist', options: paymentTerms },
    { name: 'totalamount', label: 'Total Amount', type: 'Money', create: false, update: false },
    { name: 'requestdeliveryby', label: 'Requested Delivery Date', type: 'DateTime' },
    { name: 'description', label: 'Description', type: 'Memo', maxLength: 2000 },
    ...address('billto', 'Bill To'),
    ...address('shipto', 'Ship To'),
    ...(logical === 'invoice' ? [lookup('salesorderid', 'Order', ['salesorder'])] : []),
    state(states),
    status(statuses),
    ...audit,
  ],
  keys: [key(keyColumn)],
  duplicateRules: [],
});

const salesorder = orderLike(
  'salesorder',
  'salesorders',
  'Order',
  'ordernumber',
  'mlc_inforordernumber',
  [
    [0, 'Active'],
    [1, 'Submitted'],
    [2, 'Canceled'],
    [3, 'Fulfilled'],
    [4, 'Invoiced'],
  ],
  [
    [1, 'New'],
    [2, 'Pending'],
    [3, 'In Progress'],
    [4, 'No Money'],
    [100001, 'Complete'],
    [100002, 'Partial'],
    [100003, 'Invoiced'],
  ],
);
const invoice = orderLike(
  'invoice',
  'invoices',
  'Invoice',
  'invoicenumber',
  'mlc_inforinvoicenumber',
  [
    [0, 'Active'],
    [1, 'Closed'],
    [2, 'Paid'],
    [3, 'Canceled'],
  ],
  [
    [1, 'New'],
    [2, 'Partially Shipped'],
    [4, 'Billed'],
    [5, 'Booked (applies to services)'],
    [6, 'Installed (applies to services)'],
    [100001, 'Complete'],
    [100002, 'Partial'],
    [100003, 'Canceled'],
  ],
);
const quote = orderLike(
  'quote',
  'quotes',
  'Quote',
  'quotenumber',
  'mlc_inforquotenumber',
  [
    [0, 'Draft'],
    [1, 'Active'],
    [2, 'Won'],
    [3, 'Closed'],
  ],
  [
    [1, 'In Progress'],
    [3, 'Open'],
    [4, 'Won'],
    [5, 'Lost'],
    [6, 'Canceled'],
    [7, 'Revised'],
  ],
);

/**
 * Lines of orders, quotes and invoices (`salesorderdetail`, `quotedetail`, `invoicedetail`): a
 * SystemRequired lookup to the head, an existing product (`productid` + `uomid`) or a write-in one
 * (`isproductoverridden` true + `productdescription`), quantity and price per unit. Microsoft's
 * entity references (learn.microsoft.com/power-apps/developer/data-platform/reference/entities/
 * salesorderdetail, quotedetail, invoicedetail) list these columns; the head lookup cannot be
 * changed after create.
 */
const detailOf = (logical: string, head: string, label: string, keyColumn: string): TableSpec => ({
  logicalName: logical,
  setName: `${logical}s`,
  primaryId: `${logical}id`,
  primaryName: 'productdescription',
  label,
  attributes: [
    id(`${logical}id`, label),
    lookup(`${head}id`, head === 'salesorder' ? 'Order' : head === 'quote' ? 'Quote' : 'Invoice', [head], {
      required: 'SystemRequired',
      update: false,
    }),
    text(keyColumn, `Infor ${label} Line`, 60),
    lookup('productid', 'Existing Product', ['product']),
    lookup('uomid', 'Unit', ['uom']),
    { name: 'isproductoverridden', label: 'Select Product', type: 'Boolean' },
    text('productdescription', 'Write-In Product', 500),
    { name: 'quantity', label: 'Quantity', type: 'Decimal', required: 'ApplicationRequired' },
    { name: 'priceperunit', label: 'Price Per Unit', type: 'Money' },
    { name: 'ispriceoverridden', label: 'Pricing', type: 'Boolean' },
    { name: 'extendedamount', label: 'Extended Amount', type: 'Money', create: false, update: false },
    { name: 'lineitemnumber', label: 'Line Item Number', type: 'Integer' },
    ...audit,
  ],
  keys: [key(keyColumn)],
  duplicateRules: [],
});

const salesorderdetail = detailOf('salesorderdetail', 'salesorder', 'Order Product', 'mlc_inforlineid');
const quotedetail = detailOf('quotedetail', 'quote', 'Quote Product', 'mlc_inforquotelineid');
const invoicedetail = detailOf('invoicedetail', 'invoice', 'Invoice Product', 'mlc_inforinvoicelineid');

/** Reference tables that lookups bind to; seeded with a few rows, not writable through the sandbox. */
const reference = (logical: string, set: string, label: string, nameColumn: string): TableSpec => ({
  logicalName: logical,
  setName: set,
  primaryId: `${logical}id`,
  primaryName: nameColumn,
  label,
  attributes: [
    id(`${logical}id`, label),
    text(nameColumn, 'Name', 100, { required: 'SystemRequired' }),
    audit[0]!,
    audit[1]!,
    audit[2]!,
  ],
  keys: [],
  duplicateRules: [],
});

export const tables: TableSpec[] = [
  account,
  contact,
  salesorder,
  salesorderdetail,
  invoice,
  invoicedetail,
  quote,
  quotedetail,
  reference('pricelevel', 'pricelevels', 'Price List', 'name'),
  reference('transactioncurrency', 'transactioncurrencies', 'Currency', 'isocurrencycode'),
  reference('product', 'products', 'Product', 'name'),
  reference('uom', 'uoms', 'Unit', 'name'),
  reference('systemuser', 'systemusers', 'User', 'fullname'),
];

/** Tables the sandbox accepts writes for (reference tables are read-only here). */
export const writableTables = new Set([
  'account',
  'contact',
  'salesorder',
  'salesorderdetail',
  'invoice',
  'invoicedetail',
  'quote',
  'quotedetail',
]);

export const tableByLogicalName = new Map(tables.map((table) => [table.logicalName, table]));
export const tableBySetName = new Map(tables.map((table) => [table.setName, table]));

export function attributeOf(table: TableSpec, name: string): AttributeSpec | undefined {
  return table.attributes.find((attribute) => attribute.name === name);
}

/** Navigation property → (lookup column, target table); names are case-sensitive as in Dataverse. */
export function navigationOf(
  table: TableSpec,
  navigation: string,
): { attribute: AttributeSpec; target: string } | undefined {
  for (const attribute of table.attributes) {
    const target = attribute.targets?.find((candidate) => candidate.navigation === navigation);
    if (target) return { attribute, target: target.table };
  }
  return undefined;
}
