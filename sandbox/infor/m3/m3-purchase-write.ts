import type { InforData, Order, OrderLine } from '../data/records';
import { items, warehouses } from '../data/vocabulary';
import type { M3Column } from './m3-tables';
import type { M3Failure, M3Session } from './m3-transactions';

/**
 * M3 purchase order writes the sandbox accepts (issue 16).
 *
 * PPS200MI has no AddHead (M3H5 catalogue: AddLine, UpdHead, UpdLine, DltLine, Get…/Lst…): a new
 * purchase order is entered through PPS370MI "Purchase order batch entry" — StartEntry (BAOR) answers
 * a message number MSGN, AddHead (MSGN, FACI, WHLO, SUNO, DWDT mandatory) answers the PUNO, AddLine
 * (MSGN, ITNO, ORQA mandatory; PUNO, PNLI) answers PUNO and PNLI, FinishEntry (MSGN) ends the entry
 * and DeleteEntry (MSGN) drops it. Inputs and outputs are M3H5's (GaryWayneSmith/M3H5,
 * M3H5Lib.Api/PPS370MIResource.cs, PPS370MI/StartEntryResponse.cs, AddHeadResponse.cs,
 * AddLineResponse.cs); the compact catalogue (`catalogue.json`) lacks PPS370MI, so it is added here
 * from the same source. Existing orders change through PPS200MI UpdHead / UpdLine (PUNO, PNLI, PNLS
 * mandatory) and get new lines through PPS200MI AddLine (PUNO, ITNO, ORQA mandatory; no outputs, so a
 * caller that needs the line number sends PNLI).
 *
 * Unconfirmed: on a real tenant FinishEntry hands the entry to a batch job; when the order exists is
 * the switch `m3PurchaseEntry` (U22, behaviour.ts). The NOK for an unknown supplier, item or
 * warehouse is the switch `m3UnknownReference` (U23); an unknown message number answers M3's usual
 * "… does not exist" form (no public sample).
 * Line numbers PPS200MI/AddLine assigns without PNLI: the highest + 1.
 */

/** PPS370MI in the compact catalogue's shape: description, [input, required], outputs. */
export const pps370Catalogue: Record<
  string,
  { d: string; i: Array<[string, number]>; o: Array<[string, string, number, string]> }
> = {
  StartEntry: { d: 'Start entry', i: [['BAOR', 1]], o: [['MSGN', 'A', 15, 'Message number']] },
  AddHead: {
    d: 'Add order head',
    i: [
      ['MSGN', 1],
      ['FACI', 1],
      ['WHLO', 1],
      ['SUNO', 1],
      ['DWDT', 1],
      ...(
        'HREF ORTY CMCO PUDT LNCD CUCD TEPY PYME MODL TEDL TEAF TEPA YRE1 PRSU OURR OURT AGNT PURC BUYE FUSC TFNO LRED TEL1 DUDT CUTE AGRA PROJ ELNO HAFE USD1 USD2 USD3 USD4 USD5 RASN'.split(
          ' ',
        ) as string[]
      ).map((name): [string, number] => [name, 0]),
    ],
    o: [['PUNO', 'A', 10, 'Purchase order number']],
  },
  AddLine: {
    d: 'Add order line',
    i: [
      ['MSGN', 1],
      ['ITNO', 1],
      ['ORQA', 1],
      ...(
        'PUNO HREF PNLI LREF FACI WHLO SUNO DWDT SITE PITD PITT PROD ECVE REVN ETRF PUPR ODI1 ODI2 ODI3 PUUN PPUN PUCD PTCD RORC RORN RORL RORX OURR OURT PRIP FUSC PURC BUYE TERE GRMT IRCV PACT VTCD ACRF COCE CSNO ECLC VRCD PROJ ELNO CPRI HAFE TAXC TIHM MSTN UPCK USD1 USD2 USD3 USD4 USD5 ORCO GEOC TRRC TRRN TRRL TRRX RASN PIAD ORAD'.split(
          ' ',
        ) as string[]
      ).map((name): [string, number] => [name, 0]),
    ],
    o: [
      ['PUNO', 'A', 10, 'Purchase order number'],
      ['PNLI', 'N', 3, 'Purchase order line'],
    ],
  },
  FinishEntry: { d: 'Finish entry', i: [['MSGN', 1]], o: [] },
  DeleteEntry: { d: 'Delete entry', i: [['MSGN', 1]], o: [] },
};

/** The write transactions below; their inputs are checked for kind as well as length. */
export const purchaseWriteIds = new Set([
  'PPS370MI/StartEntry',
  'PPS370MI/AddHead',
  'PPS370MI/AddLine',
  'PPS370MI/FinishEntry',
  'PPS370MI/DeleteEntry',
  'PPS200MI/UpdHead',
  'PPS200MI/AddLine',
  'PPS200MI/UpdLine',
]);

/**
 * Input types and lengths the catalogue does not give (it lists input names only): M3H5's response
 * classes (MSGN A15) and PPS200MI/GetHead and GetLine outputs for the rest (`outputColumn`). Batch
 * origin BAOR: A3 (unconfirmed; M3H5 gives no length).
 */
const entryColumns: Record<string, M3Column> = {
  MSGN: { name: 'MSGN', type: 'A', length: 15, description: 'Message number' },
  BAOR: { name: 'BAOR', type: 'A', length: 3, description: 'Batch origin' },
  // D outputs show as 10 characters; an input date is yyyyMMdd.
  DWDT: { name: 'DWDT', type: 'D', length: 8, description: 'Requested delivery date' },
  PUDT: { name: 'PUDT', type: 'D', length: 8, description: 'Order date' },
};

export function purchaseInputColumn(input: string, outputColumn: (name: string) => M3Column | undefined) {
  return entryColumns[input] ?? outputColumn(input);
}

type Run = (session: M3Session, input: Record<string, string>) => Iterable<Record<string, string>> | M3Failure;

const nok = (code: string, field: string, message: string): M3Failure => ({
  type: 'ServerReturnedNOK',
  code,
  field,
  message,
});

interface Entry {
  head?: { puno: string; input: Record<string, string> };
  lines: Array<Record<string, string>>;
}

/** Open batch entries per company dataset, by MSGN. */
const entries = new WeakMap<InforData, Map<string, Entry>>();
let messageNumbers = 0;

function entriesOf(data: InforData): Map<string, Entry> {
  let found = entries.get(data);
  if (!found) entries.set(data, (found = new Map()));
  return found;
}

const text = (input: Record<string, string>, name: string) => input[name]?.trim() ?? '';

/** The references M3 checks on a head or line input (beyond kinds and lengths): field, M3H5 description. */
const references: Array<{
  field: string;
  label: string;
  /** The description in the `invalid` form (the sample says "Customer number" of CUNO). */
  invalid?: string;
  known: (session: M3Session, value: string) => boolean;
}> = [
  {
    field: 'SUNO',
    label: 'Supplier',
    invalid: 'Supplier number',
    known: (session, value) => session.data.datasets.suppliers.indexOf(value) !== undefined,
  },
  { field: 'ITNO', label: 'Item number', known: (_session, value) => items.some((item) => item.number === value) },
  { field: 'WHLO', label: 'Warehouse', known: (_session, value) => (warehouses as readonly string[]).includes(value) },
];

/** The data checks M3 makes on a head or line input, answered in the form `m3UnknownReference` picks (U23). */
function checkReferences(session: M3Session, input: Record<string, string>): M3Failure | undefined {
  for (const { field, label, invalid, known } of references) {
    const value = text(input, field);
    if (!value || known(session, value)) continue;
    return session.behaviour.m3UnknownReference === 'invalid'
      ? nok('XIM0002', '', `${invalid ?? label} is invalid`)
      : nok('', field, `${label} ${value} does not exist`);
  }
  return undefined;
}

/** A date input (yyyyMMdd) as the sandbox's instant (UTC midnight). */
function instant(value: string): number {
  return Date.UTC(Number(value.slice(0, 4)), Number(value.slice(4, 6)) - 1, Number(value.slice(6, 8)));
}

function applyHead(order: Order, input: Record<string, string>): void {
  if (text(input, 'DWDT')) order.requestedDate = instant(text(input, 'DWDT'));
  if (text(input, 'PUDT')) order.orderDate = instant(text(input, 'PUDT'));
  if (text(input, 'YRE1')) order.reference = text(input, 'YRE1');
  if (text(input, 'CUCD')) order.currency = text(input, 'CUCD');
}

function newLine(order: Order, input: Record<string, string>, number: number): OrderLine {
  const item = items.find((known) => known.number === text(input, 'ITNO'))!;
  const line: OrderLine = {
    line: number,
    itemNumber: item.number,
    description: item.description,
    unit: item.unit,
    quantity: 0,
    price: item.price,
    amount: 0,
    warehouse: order.warehouse,
    requestedDate: order.requestedDate,
    schedules: [],
  };
  applyLine(line, input);
  return line;
}

function applyLine(line: OrderLine, input: Record<string, string>): void {
  if (text(input, 'ORQA')) line.quantity = Number(text(input, 'ORQA'));
  if (text(input, 'PUPR')) line.price = Number(text(input, 'PUPR'));
  if (text(input, 'PITD')) line.description = text(input, 'PITD');
  if (text(input, 'PUUN')) line.unit = text(input, 'PUUN');
  if (text(input, 'DWDT')) line.requestedDate = instant(text(input, 'DWDT'));
  line.amount = Math.round(line.quantity * line.price * 100) / 100;
}

/** The number AddHead answers: taken when the head is entered, so two open entries never share one. */
function nextPurchaseNumber(data: InforData): string {
  const dataset = data.datasets.purchaseOrders;
  let highest = 2_000_000_000;
  // Generated numbers rise with the index: the last generated one is the highest of them.
  if (dataset.count > 0) highest = Math.max(highest, Number(dataset.key(dataset.count - 1)) || 0);
  for (let index = dataset.count; index < dataset.size; index += 1)
    highest = Math.max(highest, Number(dataset.key(index)) || 0);
  // Open entries and finished ones the batch job has not processed yet hold their numbers too.
  for (const entry of [...entriesOf(data).values(), ...queued(data)])
    if (entry.head) highest = Math.max(highest, Number(entry.head.puno));
  return String(highest + 1);
}

/** The order with this number, or M3's XRE0103. */
function orderOf(session: M3Session, puno: string): Order | M3Failure {
  const index = session.data.datasets.purchaseOrders.indexOf(puno);
  if (index === undefined) return nok('XRE0103', 'PUNO', 'Record does not exist');
  return session.data.purchaseOrder(index);
}

/** Entries FinishEntry queued for the batch job (U22 `batchJob`), per company dataset. */
const jobs = new WeakMap<InforData, Entry[]>();

function queued(data: InforData): Entry[] {
  let found = jobs.get(data);
  if (!found) jobs.set(data, (found = []));
  return found;
}

/** The batch job (U22): queued entries become orders before any call of a program other than PPS370MI. */
export function runPurchaseJobs(session: M3Session, program: string): void {
  if (program === 'PPS370MI') return;
  const waiting = queued(session.data);
  while (waiting.length > 0) createOrder(session, waiting.shift()!);
}

/** A finished entry as an order in the data every view reads. */
function createOrder(session: M3Session, entry: Entry): void {
  if (!entry.head) return;
  const head = entry.head.input;
  const supplierIndex = session.data.datasets.suppliers.indexOf(text(head, 'SUNO'))!;
  const supplier = session.data.supplier(supplierIndex);
  const today = Math.floor(session.now() / 86_400_000) * 86_400_000;
  session.data.writePurchaseOrder(
    entry.head.puno,
    (order) => {
      applyHead(order, head);
      order.lines = entry.lines.map((line) => newLine(order, line, Number(line.PNLI)));
    },
    session.now(),
    {
      number: entry.head.puno,
      partyIndex: supplierIndex,
      partyNumber: supplier.number,
      currency: supplier.place.currency,
      orderDate: today,
      requestedDate: instant(text(head, 'DWDT')),
      status: 'open',
      reference: '',
      warehouse: text(head, 'WHLO'),
      facility: text(head, 'FACI'),
      lines: [],
    },
  );
}

export const purchaseRuns: Record<string, Run> = {
  'PPS370MI/StartEntry': (session) => {
    messageNumbers += 1;
    const msgn = String(100_000_000_000_000 + messageNumbers).slice(-15);
    entriesOf(session.data).set(msgn, { lines: [] });
    return [{ MSGN: msgn }];
  },
  'PPS370MI/AddHead': (session, input) => {
    const entry = entriesOf(session.data).get(text(input, 'MSGN'));
    if (!entry) return nok('', 'MSGN', `Message number ${text(input, 'MSGN')} does not exist`);
    if (entry.head) return nok('XRE0104', 'MSGN', 'Record already exists');
    const refused = checkReferences(session, input);
    if (refused) return refused;
    const puno = nextPurchaseNumber(session.data);
    entry.head = { puno, input: { ...input } };
    return [{ PUNO: puno }];
  },
  'PPS370MI/AddLine': (session, input) => {
    const entry = entriesOf(session.data).get(text(input, 'MSGN'));
    if (!entry) return nok('', 'MSGN', `Message number ${text(input, 'MSGN')} does not exist`);
    if (!entry.head) return nok('', 'MSGN', 'The entry has no order head');
    const puno = text(input, 'PUNO');
    if (puno && puno !== entry.head.puno) return nok('XRE0103', 'PUNO', 'Record does not exist');
    const refused = checkReferences(session, input);
    if (refused) return refused;
    const taken = entry.lines.map((line) => Number(line.PNLI));
    const asked = text(input, 'PNLI');
    if (asked && taken.includes(Number(asked))) return nok('XRE0104', 'PNLI', 'Record already exists');
    const pnli = asked ? Number(asked) : Math.max(0, ...taken) + 1;
    entry.lines.push({ ...input, PNLI: String(pnli) });
    return [{ PUNO: entry.head.puno, PNLI: String(pnli) }];
  },
  'PPS370MI/FinishEntry': (session, input) => {
    const all = entriesOf(session.data);
    const msgn = text(input, 'MSGN');
    const entry = all.get(msgn);
    if (!entry) return nok('', 'MSGN', `Message number ${msgn} does not exist`);
    if (!entry.head) return nok('', 'MSGN', 'The entry has no order head');
    all.delete(msgn);
    if (session.behaviour.m3PurchaseEntry === 'batchJob') queued(session.data).push(entry);
    else createOrder(session, entry);
    return [];
  },
  'PPS370MI/DeleteEntry': (session, input) => {
    const msgn = text(input, 'MSGN');
    if (!entriesOf(session.data).delete(msgn)) return nok('', 'MSGN', `Message number ${msgn} does not exist`);
    return [];
  },
  'PPS200MI/UpdHead': (session, input) => {
    const order = orderOf(session, text(input, 'PUNO'));
    if ('type' in order) return order;
    session.data.writePurchaseOrder(order.number, (written) => applyHead(written, input), session.now());
    return [];
  },
  'PPS200MI/AddLine': (session, input) => {
    const order = orderOf(session, text(input, 'PUNO'));
    if ('type' in order) return order;
    const refused = checkReferences(session, input);
    if (refused) return refused;
    const asked = text(input, 'PNLI');
    if (asked && order.lines.some((line) => line.line === Number(asked)))
      return nok('XRE0104', 'PNLI', 'Record already exists');
    const pnli = asked ? Number(asked) : Math.max(0, ...order.lines.map((line) => line.line)) + 1;
    session.data.writePurchaseOrder(
      order.number,
      (written) => {
        written.lines.push(newLine(written, input, pnli));
        written.lines.sort((a, b) => a.line - b.line);
      },
      session.now(),
    );
    return [];
  },
  'PPS200MI/UpdLine': (session, input) => {
    const order = orderOf(session, text(input, 'PUNO'));
    if ('type' in order) return order;
    // Sandbox lines have subnumber 0 only (MPLINE PNLS).
    const pnli = Number(text(input, 'PNLI'));
    if (Number(text(input, 'PNLS') || '0') !== 0 || !order.lines.some((line) => line.line === pnli))
      return nok('XRE0103', 'PNLI', 'Record does not exist');
    session.data.writePurchaseOrder(
      order.number,
      (written) =>
        applyLine(
          written.lines.find((line) => line.line === pnli)!,
          input,
        ),
      session.now(),
    );
    return [];
  },
};
