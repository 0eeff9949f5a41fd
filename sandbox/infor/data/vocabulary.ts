/** Word lists for believable, deterministic ERP records. */

export interface Place {
  city: string;
  country: string;
  state: string;
  postalCode: string;
  currency: string;
  language: string;
  phonePrefix: string;
  vatPrefix: string;
}

export const places: readonly Place[] = [
  {
    city: 'Amsterdam',
    country: 'NL',
    state: 'NH',
    postalCode: '1012 AB',
    currency: 'EUR',
    language: 'NL',
    phonePrefix: '+31 20',
    vatPrefix: 'NL',
  },
  {
    city: 'Rotterdam',
    country: 'NL',
    state: 'ZH',
    postalCode: '3011 AD',
    currency: 'EUR',
    language: 'NL',
    phonePrefix: '+31 10',
    vatPrefix: 'NL',
  },
  {
    city: 'Stockholm',
    country: 'SE',
    state: 'AB',
    postalCode: '111 52',
    currency: 'SEK',
    language: 'SE',
    phonePrefix: '+46 8',
    vatPrefix: 'SE',
  },
  {
    city: 'Gothenburg',
    country: 'SE',
    state: 'O',
    postalCode: '411 03',
    currency: 'SEK',
    language: 'SE',
    phonePrefix: '+46 31',
    vatPrefix: 'SE',
  },
  {
    city: 'Hamburg',
    country: 'DE',
    state: 'HH',
    postalCode: '20095',
    currency: 'EUR',
    language: 'DE',
    phonePrefix: '+49 40',
    vatPrefix: 'DE',
  },
  {
    city: 'Munich',
    country: 'DE',
    state: 'BY',
    postalCode: '80331',
    currency: 'EUR',
    language: 'DE',
    phonePrefix: '+49 89',
    vatPrefix: 'DE',
  },
  {
    city: 'Lyon',
    country: 'FR',
    state: 'ARA',
    postalCode: '69002',
    currency: 'EUR',
    language: 'FR',
    phonePrefix: '+33 4',
    vatPrefix: 'FR',
  },
  {
    city: 'Manchester',
    country: 'GB',
    state: 'ENG',
    postalCode: 'M1 1AE',
    currency: 'GBP',
    language: 'GB',
    phonePrefix: '+44 161',
    vatPrefix: 'GB',
  },
  {
    city: 'Leeds',
    country: 'GB',
    state: 'ENG',
    postalCode: 'LS1 4DY',
    currency: 'GBP',
    language: 'GB',
    phonePrefix: '+44 113',
    vatPrefix: 'GB',
  },
  {
    city: 'Chicago',
    country: 'US',
    state: 'IL',
    postalCode: '60601',
    currency: 'USD',
    language: 'GB',
    phonePrefix: '+1 312',
    vatPrefix: 'US',
  },
  {
    city: 'Columbus',
    country: 'US',
    state: 'OH',
    postalCode: '43215',
    currency: 'USD',
    language: 'GB',
    phonePrefix: '+1 614',
    vatPrefix: 'US',
  },
  {
    city: 'Dallas',
    country: 'US',
    state: 'TX',
    postalCode: '75201',
    currency: 'USD',
    language: 'GB',
    phonePrefix: '+1 214',
    vatPrefix: 'US',
  },
  {
    city: 'Toronto',
    country: 'CA',
    state: 'ON',
    postalCode: 'M5H 2N2',
    currency: 'CAD',
    language: 'GB',
    phonePrefix: '+1 416',
    vatPrefix: 'CA',
  },
  {
    city: 'Milan',
    country: 'IT',
    state: 'MI',
    postalCode: '20121',
    currency: 'EUR',
    language: 'IT',
    phonePrefix: '+39 02',
    vatPrefix: 'IT',
  },
  {
    city: 'Barcelona',
    country: 'ES',
    state: 'B',
    postalCode: '08002',
    currency: 'EUR',
    language: 'ES',
    phonePrefix: '+34 93',
    vatPrefix: 'ES',
  },
  {
    city: 'Warsaw',
    country: 'PL',
    state: 'MZ',
    postalCode: '00-001',
    currency: 'PLN',
    language: 'PL',
    phonePrefix: '+48 22',
    vatPrefix: 'PL',
  },
  {
    city: 'Sydney',
    country: 'AU',
    state: 'NSW',
    postalCode: '2000',
    currency: 'AUD',
    language: 'GB',
    phonePrefix: '+61 2',
    vatPrefix: 'AU',
  },
  {
    city: 'Manila',
    country: 'PH',
    state: 'NCR',
    postalCode: '1000',
    currency: 'PHP',
    language: 'GB',
    phonePrefix: '+63 2',
    vatPrefix: 'PH',
  },
];

export const namePrefixes = [
  'Nordic',
  'Atlas',
  'Blue Harbor',
  'Summit',
  'Evergreen',
  'Ironbridge',
  'Polar',
  'Redwood',
  'Silverline',
  'Northwind',
  'Keystone',
  'Meridian',
  'Oakfield',
  'Pioneer',
  'Riverside',
  'Sterling',
  'Granite',
  'Horizon',
  'Lakeshore',
  'Crestview',
  'Falcon',
  'Harbor Point',
  'Westbrook',
  'Alder',
  'Copperleaf',
] as const;

export const nameCores = [
  'Foods',
  'Dairy',
  'Machinery',
  'Fashion',
  'Pharma',
  'Logistics',
  'Building Supplies',
  'Beverages',
  'Tools',
  'Plastics',
  'Furniture',
  'Electronics',
  'Paper',
  'Textiles',
  'Equipment',
  'Chemicals',
  'Packaging',
  'Marine',
  'Agri',
  'Medical',
] as const;

export const legalForms = ['AB', 'GmbH', 'B.V.', 'Ltd', 'Inc.', 'S.A.', 'S.r.l.', 'LLC', 'Corp.', 'Oy'] as const;

export const streets = [
  'Main Street',
  'Harbour Road',
  'Industrial Park',
  'Station Square',
  'Market Lane',
  'Mill Road',
  'Canal Street',
  'Park Avenue',
  'Commerce Drive',
  'Kingsway',
  'Bridge Street',
  'Dock Road',
] as const;

export const firstNames = [
  'Anna',
  'Lars',
  'Maria',
  'Johan',
  'Sofia',
  'Peter',
  'Elena',
  'Marco',
  'Grace',
  'David',
  'Ines',
  'Tom',
  'Hannah',
  'Luis',
] as const;
export const lastNames = [
  'Berg',
  'Jansen',
  'Schmidt',
  'Rossi',
  'Smith',
  'Dubois',
  'Garcia',
  'Nowak',
  'Lindqvist',
  'Reyes',
  'Clarke',
  'Weber',
] as const;

export interface PaymentTerm {
  code: string;
  description: string;
  days: number;
}

export const paymentTerms: readonly PaymentTerm[] = [
  { code: '010', description: 'Net 10 days', days: 10 },
  { code: '030', description: 'Net 30 days', days: 30 },
  { code: '045', description: 'Net 45 days', days: 45 },
  { code: '060', description: 'Net 60 days', days: 60 },
  { code: 'CIA', description: 'Cash in advance', days: 0 },
];

export interface Item {
  number: string;
  description: string;
  unit: string;
  price: number;
}

export const items: readonly Item[] = [
  { number: 'A100-1000', description: 'Steel bracket 40 mm', unit: 'PCS', price: 2.45 },
  { number: 'A100-2000', description: 'Hydraulic pump HP-20', unit: 'PCS', price: 640 },
  { number: 'B200-0150', description: 'Cardboard box 600x400', unit: 'PCS', price: 0.85 },
  { number: 'B200-0300', description: 'Stretch film roll', unit: 'ROL', price: 14.9 },
  { number: 'C300-0042', description: 'Whole milk 1 l', unit: 'PCS', price: 0.92 },
  { number: 'C300-0100', description: 'Cheddar block 5 kg', unit: 'KG', price: 7.3 },
  { number: 'D400-7700', description: 'Cotton fabric, navy', unit: 'M', price: 6.2 },
  { number: 'E500-0001', description: 'Control unit CU-1', unit: 'PCS', price: 189 },
  { number: 'F600-0900', description: 'Pallet, euro', unit: 'PCS', price: 11.5 },
  { number: 'G700-3100', description: 'Lubricant 20 l', unit: 'CAN', price: 48 },
];

export const warehouses = ['100', '200', '300'] as const;
export const salesReps = ['SR01', 'SR02', 'SR03', 'SR04', 'SR05'] as const;
export const customerGroups = ['RETAIL', 'WHOLESALE', 'DISTRIB', 'OEM'] as const;

export const glAccountNames = [
  'Cash at bank',
  'Petty cash',
  'Accounts receivable',
  'Inventory',
  'Prepaid expenses',
  'Machinery and equipment',
  'Accumulated depreciation',
  'Accounts payable',
  'VAT payable',
  'Accrued liabilities',
  'Share capital',
  'Retained earnings',
  'Sales revenue',
  'Service revenue',
  'Cost of goods sold',
  'Freight costs',
  'Salaries',
  'Rent',
  'Utilities',
  'Travel expenses',
] as const;
