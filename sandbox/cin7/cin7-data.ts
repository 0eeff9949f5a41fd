import { recordRandom, uuidFrom, type Random } from '../kit';

/** Reference lists a Cin7 tenant carries (`/ref/tax`, `/ref/paymentterm`, `/ref/location`, currencies). */
export const cin7Reference = {
  taxRules: [
    'BAS Excluded',
    'GST on Capital Imports',
    'GST Free Exports',
    'GST on Income',
    'GST on Expenses',
    'Sales Tax on Imports',
    'Tax Exempt',
  ],
  paymentTerms: ['7 days', '15 days', '30 days', '60 days', 'COD', 'Last day of next month'],
  locations: ['Main Warehouse', 'Secondary Warehouse', 'Showroom'],
  currencies: ['AUD', 'NZD', 'USD', 'EUR', 'GBP', 'RUB'],
  accounts: [
    ['090', 'Business Bank Account', 'BANK', 'ASSET'],
    ['200', 'Sales', 'REVENUE', 'REVENUE'],
    ['260', 'Other Revenue', 'OTHERINCOME', 'REVENUE'],
    ['300', 'Purchases', 'DIRECTCOSTS', 'EXPENSE'],
    ['310', 'Cost of Goods Sold', 'DIRECTCOSTS', 'EXPENSE'],
    ['400', 'Advertising', 'EXPENSE', 'EXPENSE'],
    ['404', 'Bank Fees', 'EXPENSE', 'EXPENSE'],
    ['429', 'General Expenses', 'EXPENSE', 'EXPENSE'],
    ['610', 'Accounts Receivable', 'CURRENT', 'ASSET'],
    ['630', 'Inventory', 'INVENTORY', 'ASSET'],
    ['715', 'Inventory Asset', 'CURRENT', 'ASSET'],
    ['800', 'Accounts Payable', 'CURRLIAB', 'LIABILITY'],
    ['820', 'GST', 'CURRLIAB', 'LIABILITY'],
    ['960', 'Retained Earnings', 'EQUITY', 'EQUITY'],
    ['970', 'Owner A Funds Introduced', 'EQUITY', 'EQUITY'],
  ] as const,
};

const firstWords = [
  'Bayside',
  'Harbour',
  'Summit',
  'Golden',
  'Redwood',
  'Northern',
  'Silver',
  'Coastal',
  'Pioneer',
  'Eastern',
  'Granite',
  'Maple',
];
const secondWords = [
  'Club',
  'Supplies',
  'Traders',
  'Foods',
  'Logistics',
  'Packaging',
  'Timber',
  'Textiles',
  'Imports',
  'Metals',
];
const cities = [
  ['Ridge Heights', 'Madeupville', 'MVL 6001', 'Australia'],
  ['Melbourne', 'VIC', '3331', 'Australia'],
  ['Auckland', 'AUK', '1010', 'New Zealand'],
  ['Portland', 'OR', '97201', 'United States'],
] as const;

export type Cin7Record = Record<string, unknown>;

function party(random: Random, index: number, kind: 'supplier' | 'customer', stamp: number): Cin7Record {
  const name = `${random.pick(firstWords)} ${random.pick(secondWords)} ${kind === 'supplier' ? 'S' : 'C'}${String(index + 1).padStart(4, '0')}`;
  const [city, state, postcode, country] = random.pick(cities);
  const common: Cin7Record = {
    ID: uuidFrom(random),
    Name: name,
    Currency: random.pick(cin7Reference.currencies.slice(0, 4)),
    PaymentTerm: random.pick(cin7Reference.paymentTerms),
    TaxRule: random.pick(cin7Reference.taxRules),
    Discount: random.pick([0, 0, 5, 10]),
    Comments: random.chance(0.5) ? null : '',
    TaxNumber: random.chance(0.5) ? null : String(random.int(10_000_000, 99_999_999)),
    ...Object.fromEntries(
      Array.from({ length: 10 }, (_, slot) => [
        `AdditionalAttribute${slot + 1}`,
        slot === 0 && random.chance(0.4) ? 'Preferred' : null,
      ]),
    ),
    AttributeSet: null,
    Status: random.chance(0.9) ? 'Active' : 'Deprecated',
    LastModifiedOn: stamp,
    Addresses: [
      {
        Line1: `${random.int(1, 400)} Bay Harbour Road`,
        Line2: '',
        City: city,
        State: state,
        Postcode: postcode,
        Country: country,
        Type: 'Business',
        DefaultForType: true,
      },
    ],
    Contacts: [
      {
        Name: `${random.pick(['Bob', 'Alice', 'Nick', 'Priya', 'Mei'])} ${random.pick(['Partridge', 'Wakefield', 'Nguyen', 'Okafor'])}`,
        Phone: `02 ${random.int(2_000_000, 2_999_999)}`,
        MobilePhone: null,
        Fax: null,
        Email: `contact${index + 1}@example.com`,
        Website: null,
        Default: true,
        Comment: null,
        IncludeInEmail: false,
      },
    ],
  };
  if (kind === 'supplier') return { ...common, AccountPayable: '800' };
  return {
    ...common,
    Carrier: null,
    SalesRepresentative: null,
    Location: 'Main Warehouse',
    AccountReceivable: '610',
    RevenueAccount: '200',
    PriceTier: 'Tier 1',
    Tags: '',
    CreditLimit: 0,
    IsOnCreditHold: false,
  };
}

/** Seeded suppliers or customers, modified over the 30 days before `now`. */
export function seedParties(seed: number, kind: 'supplier' | 'customer', count: number, now: number): Cin7Record[] {
  return Array.from({ length: count }, (_, index) => {
    const random = recordRandom(seed, kind, index);
    return party(random, index, kind, now - random.int(1, 30 * 86_400) * 1000 - random.int(0, 999));
  });
}

export function seedAccounts(): Cin7Record[] {
  return cin7Reference.accounts.map(([Code, Name, Type, Class]) => ({
    Code,
    Name,
    Type,
    Class,
    Status: 'ACTIVE',
    Description: null,
    DisplayName: `${Code} - ${Name}`,
    SystemAccount: Code === '800' ? 'PAYABLE' : Code === '610' ? 'RECEIVABLE' : null,
    SystemAccountCode: null,
    Currency: null,
  }));
}

/**
 * Cin7 prints stamps with as many fraction digits as it has (`…30.39Z`, `…13.913Z`,
 * `…17Z`), and some endpoints without the zone; `withoutZone` reproduces the latter.
 */
export function cin7Date(instant: number, withoutZone = false): string {
  const iso = new Date(instant).toISOString().replace(/\.?0+Z$/, 'Z');
  return withoutZone ? iso.slice(0, -1) : iso;
}
