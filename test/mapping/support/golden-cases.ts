import { TestGraph } from './graph-builder';
import type { MappingGraph } from '../../../shared/mapping/graph.model';

/**
 * Definitions of the golden cases. `write-golden.ts` turns them into folders once; the folders
 * (reviewed by hand) are the truth and the golden test never reads this file.
 */
export interface GoldenDefinition {
  name: string;
  graph: MappingGraph;
  input: unknown;
}

const customer = {
  CUNO: 'C1001',
  CUNM: '  Acme Tools  ',
  CUA1: 'Main Street 1',
  CUA2: 'Building B',
  TOWN: 'Springfield',
  PONO: '12345',
  CSCD: 'US',
  PHNO: '+1 555 0100',
  CRL1: '25000.50',
  TEPY: '30',
  STAT: '20',
  CUCD: 'USD',
  RGDT: '20240131',
};
const order = {
  ORNO: 'SO-9',
  CUNO: 'C1001',
  lines: [
    {
      PONR: 1,
      ITNO: 'A-1',
      ORQT: 2,
      SAPR: 10.5,
      subs: [
        { LOT: 'L1', QTY: 1 },
        { LOT: 'L2', QTY: 1 },
      ],
    },
    { PONR: 2, ITNO: 'B-2', ORQT: 1, SAPR: 99, subs: { LOT: 'L3', QTY: 1 } },
  ],
};

const cases: GoldenDefinition[] = [];
function add(
  name: string,
  sourceFields: Record<string, never> | Record<string, string>,
  targetFields: Record<string, string>,
  input: unknown,
  build: (b: TestGraph) => void,
): void {
  const b = new TestGraph(sourceFields as never, targetFields as never);
  build(b);
  cases.push({ name, graph: b.graph, input });
}
const text = (...names: string[]): Record<string, string> => Object.fromEntries(names.map((name) => [name, 'string']));

add('direct-field', text('CUNM'), text('Account_Name'), customer, (b) => b.to('Account_Name', b.src('CUNM')));
add(
  'm3-customer-to-zoho',
  text('CUNO', 'CUNM', 'TOWN', 'CSCD', 'PONO', 'PHNO'),
  text('Account_Name', 'Account_Number', 'Billing_City', 'Billing_Country', 'Billing_Code', 'Phone'),
  customer,
  (b) =>
    b
      .to('Account_Number', b.src('CUNO'))
      .to('Phone', b.src('PHNO'))
      .to('Account_Name', b.fn('trim', b.src('CUNM')))
      .to('Billing_City', b.src('TOWN'))
      .to('Billing_Country', b.src('CSCD'))
      .to('Billing_Code', b.src('PONO')),
);
add('constant-string', {}, text('Type'), customer, (b) => b.to('Type', b.constant('Customer')));
add('constant-number', {}, { Rating: 'number', Negative: 'number' }, customer, (b) =>
  b.to('Rating', b.constant(4.5)).to('Negative', b.constant(-12)),
);
add('constant-boolean', {}, { Active: 'boolean', Blocked: 'boolean' }, customer, (b) =>
  b.to('Active', b.constant(true)).to('Blocked', b.constant(false)),
);
add('constant-null', {}, text('Parent_Account'), customer, (b) => b.to('Parent_Account', b.constant(null)));
add('string-trim-uppercase', text('CUNM'), text('Name'), customer, (b) =>
  b.to('Name', b.fn('uppercase', b.fn('trim', b.src('CUNM')))),
);
add('string-substring', text('CUNM', 'PHNO'), text('Short', 'Tail'), customer, (b) =>
  b
    .to('Short', b.fn('substring', b.fn('trim', b.src('CUNM')), b.constant(0), b.constant(4)))
    .to('Tail', b.fn('substring', b.src('PHNO'), b.constant(-4))),
);
add('string-pad', text('CUNO'), text('Padded'), customer, (b) =>
  b.to('Padded', b.fn('pad', b.src('CUNO'), b.constant(-10), b.constant('0'))),
);
add('string-replace-contains', text('PHNO'), { Digits: 'string', HasPlus: 'boolean' }, customer, (b) =>
  b
    .to('Digits', b.fn('replace', b.src('PHNO'), b.constant(' '), b.constant('')))
    .to('HasPlus', b.fn('contains', b.src('PHNO'), b.constant('+'))),
);
add('concat-three', text('CUA1', 'CUA2'), text('Billing_Street'), customer, (b) =>
  b.to('Billing_Street', b.fn('concat', b.fn('concat', b.src('CUA1'), b.constant(', ')), b.src('CUA2'))),
);
add('concat-right-nested', text('CUNO', 'CUNM', 'TOWN'), text('Label'), customer, (b) =>
  b.to(
    'Label',
    b.fn(
      'concat',
      b.src('CUNO'),
      b.fn('concat', b.constant(' - '), b.fn('concat', b.fn('trim', b.src('CUNM')), b.src('TOWN'))),
    ),
  ),
);
add(
  'math-precedence',
  { ORQT: 'number', SAPR: 'number', DISC: 'number' },
  { Total: 'number', Plain: 'number' },
  { ORQT: 3, SAPR: 10, DISC: 2 },
  (b) =>
    b
      .to('Total', b.fn('multiply', b.fn('subtract', b.src('SAPR'), b.src('DISC')), b.src('ORQT')))
      .to('Plain', b.fn('subtract', b.src('SAPR'), b.fn('multiply', b.src('DISC'), b.src('ORQT')))),
);
add(
  'math-divide-modulo',
  { A: 'number', B: 'number' },
  { Quotient: 'number', Rest: 'number', Chain: 'number' },
  { A: 17, B: 5 },
  (b) =>
    b
      .to('Quotient', b.fn('divide', b.src('A'), b.src('B')))
      .to('Rest', b.fn('modulo', b.src('A'), b.src('B')))
      .to('Chain', b.fn('subtract', b.src('A'), b.fn('subtract', b.src('B'), b.constant(1)))),
);
add('number-conversion', text('CRL1'), { CreditLimit: 'number' }, customer, (b) =>
  b.to('CreditLimit', b.fn('number', b.src('CRL1'))),
);
add(
  'number-round-floor-abs',
  { V: 'number' },
  { Round: 'number', Floor: 'number', Ceil: 'number', Abs: 'number', Formatted: 'string' },
  { V: -1234.5678 },
  (b) =>
    b
      .to('Round', b.fn('round', b.src('V'), b.constant(2)))
      .to('Floor', b.fn('floor', b.src('V')))
      .to('Ceil', b.fn('ceil', b.src('V')))
      .to('Abs', b.fn('abs', b.src('V')))
      .to('Formatted', b.fn('formatNumber', b.fn('abs', b.src('V')), b.constant('#,##0.00'))),
);
add('date-m3-to-iso', text('RGDT'), { Created: 'date' }, customer, (b) =>
  b.to(
    'Created',
    b.fn(
      'fromMillis',
      b.fn('toMillis', b.src('RGDT'), b.constant('[Y0001][M01][D01]')),
      b.constant('[Y0001]-[M01]-[D01]'),
    ),
  ),
);
add(
  'logic-and-or-not',
  text('STAT', 'CSCD', 'CUNO'),
  { Active: 'boolean', Foreign: 'boolean', Either: 'boolean' },
  customer,
  (b) =>
    b
      .to('Active', b.fn('and', b.fn('equals', b.src('STAT'), b.constant('20')), b.fn('exists', b.src('CUNO'))))
      .to('Foreign', b.fn('not', b.fn('equals', b.src('CSCD'), b.constant('SE'))))
      .to(
        'Either',
        b.fn('or', b.fn('and', b.constant(false), b.constant(true)), b.fn('or', b.constant(false), b.constant(true))),
      ),
);
add(
  'comparison-operators',
  { A: 'number', B: 'number' },
  { Less: 'boolean', Greater: 'boolean', Different: 'boolean' },
  { A: 1, B: 2 },
  (b) =>
    b
      .to('Less', b.fn('lessThan', b.src('A'), b.src('B')))
      .to('Greater', b.fn('greaterThan', b.src('A'), b.src('B')))
      .to('Different', b.fn('notEquals', b.src('A'), b.src('B'))),
);
add('conditional-if-then-else', text('STAT'), text('Status'), customer, (b) =>
  b.to(
    'Status',
    b.conditional(b.fn('equals', b.src('STAT'), b.constant('20')), b.constant('Active'), b.constant('Inactive')),
  ),
);
add('conditional-without-else', text('CSCD'), text('Region'), customer, (b) =>
  b.to('Region', b.conditional(b.fn('equals', b.src('CSCD'), b.constant('SE')), b.constant('Nordics'))),
);
add('conditional-nested', text('CSCD'), text('Region'), customer, (b) =>
  b.to(
    'Region',
    b.conditional(
      b.fn('equals', b.src('CSCD'), b.constant('SE')),
      b.constant('Nordics'),
      b.conditional(b.fn('equals', b.src('CSCD'), b.constant('US')), b.constant('Americas'), b.constant('Other')),
    ),
  ),
);
add('conditional-in-condition', { A: 'boolean', B: 'boolean' }, text('Out'), { A: true, B: false }, (b) =>
  b.to('Out', b.conditional(b.conditional(b.src('A'), b.src('B'), b.src('A')), b.constant('yes'), b.constant('no'))),
);
add('coalesce-two', text('CUA3', 'TOWN'), text('Billing_City'), customer, (b) =>
  b.to('Billing_City', b.coalesce(b.src('CUA3'), b.src('TOWN'))),
);
add('coalesce-three-with-null', text('EMAL', 'MAIL', 'PHNO'), text('Contact'), { EMAL: null, PHNO: '+1 555' }, (b) =>
  b.to('Contact', b.coalesce(b.src('MAIL'), b.src('EMAL'), b.src('PHNO'))),
);
add('default-constant', text('CUCD'), text('Currency'), {}, (b) =>
  b.to('Currency', b.coalesce(b.src('CUCD'), b.constant('EUR'))),
);
add('value-map-no-fallback', text('STAT'), text('Status'), [customer][0], (b) =>
  b.to('Status', b.valueMap(b.src('STAT'), { '10': 'Prospect', '20': 'Active', '90': 'Blocked' })),
);
add('value-map-input-fallback', text('TEPY'), text('Payment_Terms'), { TEPY: '45' }, (b) =>
  b.to('Payment_Terms', b.valueMap(b.src('TEPY'), { '30': 'Net 30', '60': 'Net 60' }, { kind: 'input' })),
);
add('value-map-constant-fallback', { TEPY: 'number' }, { paymenttermscode: 'picklist' }, { TEPY: 30 }, (b) =>
  b.to('paymenttermscode', b.valueMap(b.src('TEPY'), { '30': 1, '45': 3, '60': 4 }, { kind: 'constant', value: null })),
);
add('value-map-escaped-keys', text('CODE'), text('Label'), { CODE: 'say "hi"' }, (b) =>
  b.to(
    'Label',
    b.valueMap(
      b.src('CODE'),
      { 'say "hi"': 'quoted', 'back\\slash': 'slash', Ärger: 'umlaut', '': 'empty' },
      { kind: 'constant', value: 'unknown' },
    ),
  ),
);
add('reference-lookup', text('CUNO'), { Account_Name: 'reference' }, order, (b) =>
  b.to('Account_Name', b.lookup('Accounts', b.src('CUNO'))),
);
add(
  'custom-node',
  text('CUNM'),
  text('Prefix', 'Lines'),
  {
    CUNM: 'ACME-42',
    lines: [
      { ORQT: 1, ITNO: 'A' },
      { ORQT: 5, ITNO: 'B' },
      { ORQT: 7, ITNO: 'C' },
    ],
  },
  (b) =>
    b
      .to('Prefix', b.custom('$substringBefore(CUNM, "-")'))
      .to('Lines', b.fn('join', b.custom('lines[ORQT > 1].ITNO'), b.constant(','))),
);
add('custom-node-low-precedence', text('STAT'), { Flag: 'boolean', Sum: 'number' }, { STAT: '20', A: 1, B: 2 }, (b) =>
  b
    .to('Flag', b.fn('and', b.custom('STAT in ["20", "30"]'), b.constant(true)))
    .to('Sum', b.fn('multiply', b.custom('A ~> $sum()'), b.constant(2))),
);
add(
  'loop-order-lines',
  { ORNO: 'string', lines: 'array', 'lines[].ITNO': 'string', 'lines[].ORQT': 'number', 'lines[].SAPR': 'number' },
  {
    Subject: 'string',
    Ordered_Items: 'array',
    'Ordered_Items[].Product_Code': 'string',
    'Ordered_Items[].Quantity': 'number',
    'Ordered_Items[].List_Price': 'number',
  },
  order,
  (b) => {
    b.to('Subject', b.src('ORNO'));
    b.loop('lines', 'Ordered_Items');
    b.to('Ordered_Items[].Product_Code', b.src('lines[].ITNO'))
      .to('Ordered_Items[].Quantity', b.src('lines[].ORQT'))
      .to('Ordered_Items[].List_Price', b.src('lines[].SAPR'));
  },
);
add(
  'loop-nested-sublines',
  {
    lines: 'array',
    'lines[].ITNO': 'string',
    'lines[].subs': 'array',
    'lines[].subs[].LOT': 'string',
    'lines[].subs[].QTY': 'number',
  },
  {
    Items: 'array',
    'Items[].Sku': 'string',
    'Items[].Lots': 'array',
    'Items[].Lots[].Lot': 'string',
    'Items[].Lots[].Quantity': 'number',
  },
  order,
  (b) => {
    b.loop('lines', 'Items');
    b.to('Items[].Sku', b.src('lines[].ITNO'));
    b.loop('lines[].subs', 'Items[].Lots');
    b.to('Items[].Lots[].Lot', b.src('lines[].subs[].LOT')).to('Items[].Lots[].Quantity', b.src('lines[].subs[].QTY'));
  },
);
add(
  'loop-with-root-field',
  { ORNO: 'string', CUNO: 'string', lines: 'array', 'lines[].PONR': 'number' },
  { Lines: 'array', 'Lines[].Order': 'string', 'Lines[].Key': 'string' },
  order,
  (b) => {
    b.loop('lines', 'Lines');
    b.to('Lines[].Order', b.src('ORNO')).to(
      'Lines[].Key',
      b.fn('concat', b.fn('concat', b.src('CUNO'), b.constant('/')), b.fn('string', b.src('lines[].PONR'))),
    );
  },
);
add(
  'loop-with-functions',
  { lines: 'array', 'lines[].ORQT': 'number', 'lines[].SAPR': 'number', 'lines[].ITNO': 'string' },
  { Lines: 'array', 'Lines[].Amount': 'number', 'Lines[].Sku': 'string', 'Lines[].Kind': 'string' },
  order,
  (b) => {
    b.loop('lines', 'Lines');
    b.to(
      'Lines[].Amount',
      b.fn('round', b.fn('multiply', b.src('lines[].ORQT'), b.src('lines[].SAPR')), b.constant(2)),
    );
    b.to('Lines[].Sku', b.fn('lowercase', b.src('lines[].ITNO')));
    b.to('Lines[].Kind', b.valueMap(b.src('lines[].ITNO'), { 'A-1': 'Tool' }, { kind: 'constant', value: 'Part' }));
  },
);
add(
  'loop-single-object-and-missing',
  { lines: 'array', 'lines[].ITNO': 'string', extra: 'array', 'extra[].X': 'string' },
  { Items: 'array', 'Items[].Sku': 'string', Extras: 'array', 'Extras[].Y': 'string' },
  { lines: { ITNO: 'ONLY' } },
  (b) => {
    b.loop('lines', 'Items');
    b.to('Items[].Sku', b.src('lines[].ITNO'));
    b.loop('extra', 'Extras');
    b.to('Extras[].Y', b.src('extra[].X'));
  },
);
add(
  'loop-unwrapped-as-written',
  { lines: 'array', 'lines[].ITNO': 'string', extra: 'array', 'extra[].X': 'string' },
  { Items: 'array', 'Items[].Sku': 'string', Extras: 'array', 'Extras[].Y': 'string' },
  // One line gives one object; no `extra` leaves Extras out, where `[extra.{…}]` would send [] (and clear lines).
  { lines: { ITNO: 'ONLY' } },
  (b) => {
    b.loop('lines', 'Items', { wrapped: false });
    b.to('Items[].Sku', b.src('lines[].ITNO'));
    b.loop('extra', 'Extras', { wrapped: false });
    b.to('Extras[].Y', b.src('extra[].X'));
  },
);
add('loop-empty-body', { lines: 'array' }, { Placeholders: 'array' }, order, (b) => b.loop('lines', 'Placeholders'));
add(
  'array-single-item',
  text('CUA1', 'TOWN', 'PONO', 'CSCD'),
  {
    Addresses: 'array',
    'Addresses[].Line1': 'string',
    'Addresses[].City': 'string',
    'Addresses[].Postcode': 'string',
    'Addresses[].Country': 'string',
    'Addresses[].Type': 'string',
  },
  customer,
  (b) =>
    b
      .to('Addresses[].Line1', b.src('CUA1'))
      .to('Addresses[].City', b.src('TOWN'))
      .to('Addresses[].Postcode', b.src('PONO'))
      .to('Addresses[].Country', b.src('CSCD'))
      .to('Addresses[].Type', b.constant('Billing')),
);
add(
  'nested-object-target',
  text('CUNO', 'CUNM', 'CUCD'),
  {
    name: 'string',
    external_id: 'string',
    'organization_fields.erp_number': 'string',
    'organization_fields.currency': 'string',
  },
  customer,
  (b) =>
    b
      .to('name', b.fn('trim', b.src('CUNM')))
      .to('external_id', b.src('CUNO'))
      .to('organization_fields.erp_number', b.src('CUNO'))
      .to('organization_fields.currency', b.src('CUCD')),
);
add(
  'escape-field-with-space',
  text('Customer Name', 'Zip Code'),
  text('Name', 'Billing Code'),
  { 'Customer Name': 'Acme', 'Zip Code': '1234' },
  (b) => b.to('Name', b.src('Customer Name')).to('Billing Code', b.src('Zip Code')),
);
add(
  'escape-field-with-dot',
  { 'Addr\\.City': 'string', 'meta.x\\.y': 'string' },
  { 'City\\.Name': 'string', Nested: 'string' },
  { 'Addr.City': 'Oslo', meta: { 'x.y': 'dotted' } },
  (b) => b.to('City\\.Name', b.src('Addr\\.City')).to('Nested', b.src('meta.x\\.y')),
);
add(
  'escape-field-with-backtick',
  text('we`ird', 'plain.a`b'),
  text('Out', 'Mixed'),
  { 'we`ird': 'tick', plain: { 'a`b': 'inner' } },
  (b) => b.to('Out', b.src('we`ird')).to('Mixed', b.src('plain.a`b')),
);
add(
  'escape-unicode-fields',
  text('Straße', '顧客名', 'Émoji😀'),
  text('Street', 'Kunde', 'Ünïcode'),
  { Straße: 'Hauptstraße 5', 顧客名: '山田', 'Émoji😀': '🙂' },
  (b) => b.to('Street', b.src('Straße')).to('Kunde', b.src('顧客名')).to('Ünïcode', b.src('Émoji😀')),
);
add('escape-string-literals', {}, text('Quote', 'Backslash', 'Controls', 'Unicode', 'CommentLike'), {}, (b) =>
  b
    .to('Quote', b.constant('He said "hi"'))
    .to('Backslash', b.constant('C:\\temp\\new'))
    .to('Controls', b.constant('line1\nline2\ttab\r'))
    .to('Unicode', b.constant('Grüße 😀 \u2028'))
    .to('CommentLike', b.constant('/* not a comment */ `x`')),
);
add('escape-target-keys', text('CUNO'), text('key "quoted"', 'back\\\\slash', 'tick`key', 'ключ'), customer, (b) =>
  b
    .to('key "quoted"', b.src('CUNO'))
    .to('back\\\\slash', b.src('CUNO'))
    .to('tick`key', b.src('CUNO'))
    .to('ключ', b.src('CUNO')),
);
add(
  'escape-digit-and-reserved-names',
  text('1UDT', 'and', 'true', 'null', 'function', 'x-y'),
  text('Udt', 'And', 'True', 'Null', 'Fn', 'Dash'),
  { '1UDT': 'one', and: 'A', true: 'T', null: 'N', function: 'F', 'x-y': 'dash' },
  (b) =>
    b
      .to('Udt', b.src('1UDT'))
      .to('And', b.src('and'))
      .to('True', b.src('true'))
      .to('Null', b.src('null'))
      .to('Fn', b.src('function'))
      .to('Dash', b.src('x-y')),
);
add(
  'nulls-and-missing',
  text('CUNO', 'EMAL', 'CUA3', 'TOWN'),
  text('Number', 'Email', 'Street3', 'City', 'Upper'),
  { CUNO: null, EMAL: '', TOWN: null },
  (b) =>
    b
      .to('Number', b.src('CUNO'))
      .to('Email', b.src('EMAL'))
      .to('Street3', b.src('CUA3'))
      .to('City', b.coalesce(b.src('CUA3'), b.src('TOWN')))
      .to('Upper', b.fn('uppercase', b.src('CUA3'))),
);
add('whole-record-custom', {}, {}, customer, (b) =>
  b.to('$', b.custom('$merge([{"Account_Number": CUNO}, {"Currency": CUCD}])')),
);
add(
  'collection-functions',
  { lines: 'array', 'lines[].ORQT': 'number', 'lines[].ITNO': 'string' },
  { LineCount: 'number', Quantity: 'number', Skus: 'string', Largest: 'number', Smallest: 'number' },
  order,
  (b) =>
    b
      .to('LineCount', b.fn('count', b.src('lines')))
      .to('Quantity', b.fn('sum', b.src('lines[].ORQT')))
      .to('Skus', b.fn('join', b.src('lines[].ITNO'), b.constant(', ')))
      .to('Largest', b.fn('max', b.src('lines[].ORQT')))
      .to('Smallest', b.fn('min', b.src('lines[].ORQT'))),
);
add(
  'collection-distinct',
  { lines: 'array', 'lines[].ITNO': 'string' },
  { Skus: 'array' },
  { lines: [{ ITNO: 'A' }, { ITNO: 'B' }, { ITNO: 'A' }] },
  (b) => b.to('Skus', b.fn('distinct', b.src('lines[].ITNO'))),
);
add(
  'nested-source-object',
  text('address.city', 'address.geo.lat'),
  { City: 'string', Lat: 'number' },
  { address: { city: 'Lund', geo: { lat: 55.7 } } },
  (b) => b.to('City', b.src('address.city')).to('Lat', b.src('address.geo.lat')),
);
add(
  'lookup-inside-loop',
  { lines: 'array', 'lines[].ITNO': 'string' },
  { Lines: 'array', 'Lines[].Product': 'reference' },
  order,
  (b) => {
    b.loop('lines', 'Lines');
    b.to('Lines[].Product', b.lookup('Products', b.src('lines[].ITNO')));
  },
);
add(
  'csi-customer-to-dynamics',
  text('CustNum', 'Name', 'Addr_1', 'City', 'Zip', 'Country', 'Phone', 'CreditLimit', 'TermsCode'),
  {
    name: 'string',
    accountnumber: 'string',
    address1_line1: 'string',
    address1_city: 'string',
    address1_postalcode: 'string',
    address1_country: 'string',
    telephone1: 'string',
    creditlimit: 'number',
    paymenttermscode: 'picklist',
  },
  {
    CustNum: '  C000123',
    Name: 'Contoso Ltd',
    Addr_1: '1 Way',
    City: 'Seattle',
    Zip: '98101',
    Country: 'USA',
    Phone: '555',
    CreditLimit: '10000.00000000',
    TermsCode: 'N45',
  },
  (b) =>
    b
      .to('name', b.src('Name'))
      .to('accountnumber', b.fn('trim', b.src('CustNum')))
      .to('address1_line1', b.src('Addr_1'))
      .to('address1_city', b.src('City'))
      .to('address1_postalcode', b.src('Zip'))
      .to('address1_country', b.src('Country'))
      .to('telephone1', b.src('Phone'))
      .to('creditlimit', b.fn('number', b.src('CreditLimit')))
      .to('paymenttermscode', b.valueMap(b.src('TermsCode'), { N30: 1, N45: 3, N60: 4 })),
);
add('now-function', {}, { Stamp: 'boolean' }, {}, (b) => b.to('Stamp', b.fn('exists', b.fn('now'))));
add(
  'boolean-and-string-conversion',
  { Flag: 'string', Count: 'number' },
  { Active: 'boolean', CountText: 'string', Len: 'number' },
  { Flag: 'yes', Count: 3 },
  (b) =>
    b
      .to('Active', b.fn('boolean', b.src('Flag')))
      .to('CountText', b.fn('string', b.src('Count')))
      .to('Len', b.fn('length', b.fn('string', b.src('Count')))),
);

export const goldenDefinitions: readonly GoldenDefinition[] = cases;
