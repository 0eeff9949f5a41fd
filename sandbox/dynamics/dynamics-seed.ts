import { createRandom, hash32, recordRandom, uuidFrom } from '../kit';
import type { DataverseStore, Json } from './dynamics-store';
import { tableByLogicalName } from './dynamics-tables';

/**
 * Deterministic starting data: reference rows lookups bind to (price lists,
 * currencies, units, products, the application user) and accounts, contacts
 * and orders with modification stamps spread over the last 90 days.
 */
export interface SeedCounts {
  account: number;
  contact: number;
  salesorder: number;
  invoice: number;
  quote: number;
}

const companies = [
  'Contoso',
  'Fabrikam',
  'Northwind',
  'Adventure Works',
  'Tailspin',
  'Litware',
  'Wingtip',
  'Proseware',
  'Alpine Ski House',
  'Coho Winery',
];
const suffixes = ['Ltd', 'GmbH', 'Inc.', 'AB', 'BV', 'S.A.', 'Oy', 'plc'];
const cities: Array<[string, string, string]> = [
  ['Amsterdam', '1012 AB', 'Netherlands'],
  ['Stockholm', '111 22', 'Sweden'],
  ['Munich', '80331', 'Germany'],
  ['Leeds', 'LS1 4AP', 'United Kingdom'],
  ['Lyon', '69002', 'France'],
  ['Helsinki', '00100', 'Finland'],
];
const firstNames = ['Anna', 'Bram', 'Chloé', 'Dmitri', 'Eva', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonas'];
const lastNames = [
  'Jansen',
  'Lindqvist',
  'Müller',
  'Okafor',
  'Dubois',
  'Virtanen',
  'Smith',
  'Rossi',
  'García',
  'Novak',
];

export function seedDataverse(
  store: DataverseStore,
  seed: number,
  now: number,
  counts: SeedCounts,
  applicationUserId: string,
): void {
  const table = (name: string) => tableByLogicalName.get(name)!;
  const id = (stream: string, index: number) => uuidFrom(createRandom(hash32(seed, 'seed', stream, index)));
  const day = 86_400_000;
  const stamp = (index: number, count: number) => now - 90 * day + Math.floor(((index + 1) / (count + 1)) * 89 * day);
  const put = (name: string, rowId: string, values: Record<string, Json>, at: number) => {
    const row = store.create(table(name), values, rowId);
    row.createdon = at;
    row.modifiedon = at;
    return row;
  };
  const past = now - 120 * day;
  put('systemuser', applicationUserId, { fullname: '# MLC Integration' }, past);
  ['EUR', 'USD', 'GBP', 'SEK'].forEach((code, index) =>
    put('transactioncurrency', id('currency', index), { isocurrencycode: code }, past),
  );
  ['Default Price List', 'Wholesale'].forEach((name, index) =>
    put('pricelevel', id('pricelevel', index), { name }, past),
  );
  ['Primary Unit', 'Box', 'Pallet'].forEach((name, index) => put('uom', id('uom', index), { name }, past));
  ['Steel bracket', 'Hydraulic pump', 'Control unit', 'Service hour'].forEach((name, index) =>
    put('product', id('product', index), { name }, past),
  );

  const accountIds: string[] = [];
  for (let index = 0; index < counts.account; index += 1) {
    const random = recordRandom(seed, 'dynamics-account', index);
    const [city, postal, country] = random.pick(cities);
    const number = String(index + 1).padStart(5, '0');
    const at = stamp(index, counts.account);
    const row = put(
      'account',
      id('account', index),
      {
        name: `${random.pick(companies)} ${random.pick(['Industries', 'Logistics', 'Foods', 'Systems', 'Trading'])} ${random.pick(suffixes)} ${number}`,
        accountnumber: `ACC-${number}`,
        mlc_inforcustomerno: random.chance(0.6) ? `C${number}` : null,
        telephone1: `+31 20 ${random.int(100, 999)} ${random.int(1000, 9999)}`,
        emailaddress1: `info${index + 1}@example.com`,
        websiteurl: `https://www.example.com/${number}`,
        address1_line1: `${random.int(1, 250)} Harbour Road`,
        address1_city: city,
        address1_postalcode: postal,
        address1_country: country,
        paymenttermscode: random.int(1, 4),
        customertypecode: random.pick([3, 3, 3, 8, 10, 11]),
        creditlimit: random.int(1, 500) * 1000,
        numberofemployees: random.int(5, 5000),
        transactioncurrencyid: id('currency', random.int(0, 3)),
        ownerid: applicationUserId,
      },
      at,
    );
    accountIds.push(row.id);
  }
  for (let index = 0; index < counts.contact; index += 1) {
    const random = recordRandom(seed, 'dynamics-contact', index);
    const first = random.pick(firstNames);
    const last = random.pick(lastNames);
    put(
      'contact',
      id('contact', index),
      {
        firstname: first,
        lastname: last,
        mlc_inforcontactid: `CT-${String(index + 1).padStart(5, '0')}`,
        emailaddress1: `${first}.${last}.${index + 1}@example.com`.toLowerCase(),
        telephone1: `+46 8 ${random.int(100, 999)} ${random.int(10, 99)} ${random.int(10, 99)}`,
        jobtitle: random.pick(['Buyer', 'Purchasing Manager', 'CFO', 'Warehouse Lead']),
        parentcustomerid: accountIds.length > 0 ? random.pick(accountIds) : null,
        preferredcontactmethodcode: random.int(1, 5),
        ownerid: applicationUserId,
      },
      stamp(index, counts.contact),
    );
  }
  const documents = [
    ['salesorder', counts.salesorder, 'Order', 'ordernumber', 'ORD', 'mlc_inforordernumber', 'SO'],
    ['invoice', counts.invoice, 'Invoice', 'invoicenumber', 'INV', 'mlc_inforinvoicenumber', 'IN'],
    ['quote', counts.quote, 'Quote', 'quotenumber', 'QUO', 'mlc_inforquotenumber', 'QT'],
  ] as const;
  for (const [logical, count, label, numberColumn, prefix, keyColumn, keyPrefix] of documents) {
    for (let index = 0; index < count && accountIds.length > 0; index += 1) {
      const random = recordRandom(seed, `dynamics-${logical}`, index);
      const number = String(index + 1).padStart(6, '0');
      put(
        logical,
        id(logical, index),
        {
          name: `${label} ${number}`,
          [numberColumn]: `${prefix}-${number}-X0Y1Z2`,
          [keyColumn]: `${keyPrefix}${number}`,
          customerid: random.pick(accountIds),
          pricelevelid: id('pricelevel', 0),
          transactioncurrencyid: id('currency', 0),
          paymenttermscode: random.int(1, 4),
          ownerid: applicationUserId,
        },
        stamp(index, count),
      );
    }
  }
}
