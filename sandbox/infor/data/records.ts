import { KeyedDataset } from '../../kit/keyed-dataset';
import { recordRandom, uuidFrom, type Random } from '../../kit/random';
import {
  customerGroups,
  firstNames,
  glAccountNames,
  items,
  lastNames,
  legalForms,
  namePrefixes,
  nameCores,
  paymentTerms,
  places,
  salesReps,
  streets,
  warehouses,
  type PaymentTerm,
  type Place,
} from './vocabulary';

/**
 * The neutral model behind all four product lines: one customer is the same company whether
 * read as M3 OCUSMA, CSI SLCustomers, LN BusinessPartners or FSM Customer. Record i is a pure
 * function of (seed, i, version); `version` > 0 only for records touched by `modify`.
 */
export const inforEntities = [
  'customers',
  'suppliers',
  'salesOrders',
  'purchaseOrders',
  'invoices',
  'glAccounts',
] as const;
export type InforEntity = (typeof inforEntities)[number];

export const defaultCounts: Record<InforEntity, number> = {
  customers: 1000,
  suppliers: 200,
  salesOrders: 2000,
  purchaseOrders: 500,
  invoices: 1500,
  glAccounts: 60,
};

export interface Party {
  index: number;
  number: string;
  name: string;
  address1: string;
  address2: string;
  place: Place;
  phone: string;
  fax: string;
  email: string;
  website: string;
  contact: string;
  vatNumber: string;
  paymentTerm: PaymentTerm;
  creditLimit: number;
  blocked: boolean;
  group: string;
  salesRep: string;
  rowPointer: string;
  createdAt: number;
  changedAt: number;
  version: number;
}

export interface ScheduleLine {
  sequence: number;
  date: number;
  quantity: number;
}

export interface OrderLine {
  line: number;
  itemNumber: string;
  description: string;
  unit: string;
  quantity: number;
  price: number;
  amount: number;
  warehouse: string;
  requestedDate: number;
  /** Present on some lines only: split deliveries, so nested-array mappings have something to loop. */
  schedules: ScheduleLine[];
}

export interface Order {
  index: number;
  number: string;
  partyIndex: number;
  partyNumber: string;
  currency: string;
  orderDate: number;
  requestedDate: number;
  status: 'open' | 'released' | 'delivered' | 'invoiced';
  reference: string;
  warehouse: string;
  /** M3 facility (MPHEAD FACI); generated orders are all in the sandbox's one facility, A01. */
  facility?: string;
  lines: OrderLine[];
  total: number;
  rowPointer: string;
  createdAt: number;
  changedAt: number;
  version: number;
}

export interface Invoice {
  index: number;
  number: string;
  customerIndex: number;
  customerNumber: string;
  orderNumber: string;
  invoiceDate: number;
  dueDate: number;
  currency: string;
  amount: number;
  vat: number;
  total: number;
  paid: boolean;
  rowPointer: string;
  changedAt: number;
  version: number;
}

export interface GlAccount {
  index: number;
  number: string;
  name: string;
  kind: 'balance' | 'result';
  accountClass: string;
  active: boolean;
  rowPointer: string;
  changedAt: number;
  version: number;
}

const day = 86_400_000;
/** Base stamps spread over this window; `modify` moves a record to the sandbox clock's now. */
const historyStart = Date.UTC(2023, 0, 2, 6, 0, 0);
const historySpan = Date.UTC(2025, 5, 30) - historyStart;

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const round2 = (value: number) => Math.round(value * 100) / 100;

function keyFormat(entity: InforEntity): (index: number) => string {
  switch (entity) {
    case 'customers':
      return (index) => `C${pad(index + 1, 7)}`;
    case 'suppliers':
      return (index) => `S${pad(index + 1, 7)}`;
    case 'salesOrders':
      return (index) => String(1_000_000_001 + index);
    case 'purchaseOrders':
      return (index) => String(2_000_000_001 + index);
    case 'invoices':
      return (index) => String(300_000_001 + index);
    case 'glAccounts':
      return (index) => String(100_000 + index * 10);
  }
}

const maxCounts: Record<InforEntity, number> = {
  customers: 9_999_999,
  suppliers: 9_999_999,
  salesOrders: 999_999_999,
  purchaseOrders: 999_999_999,
  invoices: 99_999_999,
  glAccounts: 89_999,
};

/**
 * What writes (M3 Add/Chg/Upd) did to one customer or supplier: the M3 column values written, over
 * what the generator says. `frozen` keeps the generated values a new version would otherwise
 * re-roll (phone, credit limit), so a write changes exactly the fields it names.
 */
export interface WrittenParty {
  columns: Record<string, string>;
  frozen?: { phone: string; creditLimit: number };
  /** Records inserted by a write: their entry date. */
  createdAt?: number;
  /** Fields an LN or FSM write set that no M3 column holds, by `view:Field` (party-writes.ts). */
  views?: Record<string, unknown>;
  /** CSI property values an IDO update wrote (csi-write.ts), shown over the generated row. */
  idoValues?: Record<string, string | null>;
}

/** M3 columns that are neutral-model fields too, so CSI, LN and FSM views show what M3 writes changed. */
const partyFieldOf: Record<
  'customers' | 'suppliers',
  Record<string, 'name' | 'address1' | 'address2' | 'phone' | 'fax' | 'email' | 'contact' | 'vatNumber'>
> = {
  customers: {
    CUNM: 'name',
    CUA1: 'address1',
    CUA2: 'address2',
    PHNO: 'phone',
    TFNO: 'fax',
    MAIL: 'email',
    YREF: 'contact',
    VRNO: 'vatNumber',
  },
  suppliers: { SUNM: 'name', PHNO: 'phone', TFNO: 'fax', VRNO: 'vatNumber' },
};

const partyCacheSize = 50_000;

/** A generated party and everything it was generated from (see `InforData.party`). */
interface CachedParty {
  version: number;
  stamp: number;
  first: number;
  written: WrittenParty | undefined;
  party: Party;
}

export class InforData {
  readonly datasets: Record<InforEntity, KeyedDataset>;
  /** Written customers and suppliers by dataset index (the overlay M3 writes leave; see `writeParty`). */
  readonly written: Record<'customers' | 'suppliers', Map<number, WrittenParty>> = {
    customers: new Map(),
    suppliers: new Map(),
  };

  /**
   * Purchase orders M3 writes made (PPS370MI entry, PPS200MI UpdHead/AddLine/UpdLine), each the
   * whole order as last written, by dataset index (`writePurchaseOrder`).
   */
  readonly writtenOrders = new Map<number, Order>();

  constructor(
    readonly seed: number,
    counts: Partial<Record<InforEntity, number>> = {},
  ) {
    const make = (entity: InforEntity) => {
      const count = Math.min(counts[entity] ?? defaultCounts[entity], maxCounts[entity]);
      return new KeyedDataset({
        count,
        key: keyFormat(entity),
        baseStamp: (index) =>
          historyStart +
          Math.floor((index * historySpan) / Math.max(1, count)) +
          (hashStamp(seed, entity, index) % 1000),
      });
    };
    this.datasets = {
      customers: make('customers'),
      suppliers: make('suppliers'),
      salesOrders: make('salesOrders'),
      purchaseOrders: make('purchaseOrders'),
      invoices: make('invoices'),
      glAccounts: make('glAccounts'),
    };
  }

  /**
   * Applies an M3 write: `create` inserts a record with `key` (in key order) holding `columns`;
   * otherwise the named columns of the existing record change. Either way the record's stamp is
   * `now`, so every view's change stamp (LMDT/LMTS, RecordDate, …) moves. Returns its index.
   */
  writeParty(
    entity: 'customers' | 'suppliers',
    key: string,
    columns: Record<string, string>,
    now: number,
    create: boolean,
  ): number {
    const dataset = this.datasets[entity];
    if (create) {
      const index = dataset.insert(key, now);
      this.written[entity].set(index, { columns: { ...columns }, createdAt: now });
      return index;
    }
    const index = dataset.indexOf(key);
    if (index === undefined) throw new Error(`No ${entity} record "${key}"`);
    const before = this.party(entity, index);
    const previous = this.written[entity].get(index);
    this.written[entity].set(index, {
      ...previous,
      columns: { ...previous?.columns, ...columns },
      frozen: previous?.frozen ?? { phone: before.phone, creditLimit: before.creditLimit },
    });
    dataset.modify([index], now);
    return index;
  }

  /**
   * Applies an M3 purchase order write: `create` inserts `order` under its number; otherwise `change`
   * edits a copy of the order as it reads now, which from then on is the order every view shows.
   * Either way the order's stamp is `now`; the total follows the lines. Returns its index.
   */
  writePurchaseOrder(
    key: string,
    change: (order: Order) => void,
    now: number,
    create?: Omit<Order, 'index' | 'changedAt' | 'createdAt' | 'version' | 'total' | 'rowPointer'>,
  ): number {
    const dataset = this.datasets.purchaseOrders;
    let index: number;
    let order: Order;
    if (create) {
      index = dataset.insert(key, now);
      order = {
        ...create,
        index,
        total: 0,
        rowPointer: uuidFrom(recordRandom(this.seed, 'po#written', index)),
        createdAt: now,
        changedAt: now,
        version: 0,
      };
    } else {
      const found = dataset.indexOf(key);
      if (found === undefined) throw new Error(`No purchase order "${key}"`);
      index = found;
      const current = this.purchaseOrder(index);
      order = { ...current, lines: current.lines.map((line) => ({ ...line, schedules: [...line.schedules] })) };
      dataset.modify([index], now);
    }
    change(order);
    order.total = round2(order.lines.reduce((sum, line) => sum + line.amount, 0));
    this.writtenOrders.set(index, order);
    return index;
  }

  customer(index: number): Party {
    return this.party('customers', index);
  }

  supplier(index: number): Party {
    return this.party('suppliers', index);
  }

  salesOrder(index: number): Order {
    return this.order('salesOrders', index);
  }

  purchaseOrder(index: number): Order {
    return this.order('purchaseOrders', index);
  }

  invoice(index: number): Invoice {
    const dataset = this.datasets.invoices;
    const random = recordRandom(this.seed, 'invoices', index);
    const orders = this.datasets.salesOrders.count;
    // Most invoices bill one sales order; the customer always exists.
    const order = orders > 0 ? this.salesOrder(random.int(0, orders - 1)) : undefined;
    const customerIndex = order?.partyIndex ?? random.int(0, Math.max(0, this.datasets.customers.count - 1));
    const customer = this.customer(customerIndex);
    const changedAt = dataset.stamp(index);
    const invoiceDate = startOfDay(dataset.stamp(index) - (dataset.version(index) > 0 ? 0 : random.int(0, 2) * day));
    const amount = order ? order.total : round2(random.int(100, 50_000) + random.next());
    const vat = round2(amount * 0.21);
    return {
      index,
      number: dataset.key(index),
      customerIndex,
      customerNumber: customer.number,
      orderNumber: order?.number ?? '',
      invoiceDate,
      dueDate: invoiceDate + customer.paymentTerm.days * day,
      currency: customer.place.currency,
      amount,
      vat,
      total: round2(amount + vat),
      paid: dataset.version(index) > 0 ? true : random.chance(0.6),
      rowPointer: uuidFrom(random),
      changedAt,
      version: dataset.version(index),
    };
  }

  glAccount(index: number): GlAccount {
    const dataset = this.datasets.glAccounts;
    const random = recordRandom(this.seed, 'glAccounts', index);
    const base = glAccountNames[index % glAccountNames.length] as string;
    const round = Math.floor(index / glAccountNames.length);
    const resultStart = glAccountNames.indexOf('Sales revenue');
    return {
      index,
      number: dataset.key(index),
      name: round === 0 ? base : `${base} ${round + 1}`,
      kind: index % glAccountNames.length >= resultStart ? 'result' : 'balance',
      accountClass: String(1 + (index % glAccountNames.length) / 4).slice(0, 1),
      active: dataset.version(index) % 2 === 0,
      rowPointer: uuidFrom(random),
      changedAt: dataset.stamp(index),
      version: dataset.version(index),
    };
  }

  /**
   * Parties as last generated, with what they were generated from: a table read builds each row
   * more than once (a window and its columns), and generating one is most of a read's cost.
   */
  private readonly parties = { customers: new Map<number, CachedParty>(), suppliers: new Map<number, CachedParty>() };

  private party(entity: 'customers' | 'suppliers', index: number): Party {
    return { ...this.cachedParty(entity, index).party };
  }

  /**
   * An object that stays the same while a party's generated values do (a cache of rows built from
   * it checks it; see m3-tables.ts).
   */
  partyToken(entity: 'customers' | 'suppliers', index: number): object {
    return this.cachedParty(entity, index);
  }

  private cachedParty(entity: 'customers' | 'suppliers', index: number): CachedParty {
    const dataset = this.datasets[entity];
    const inputs: Omit<CachedParty, 'party'> = {
      version: dataset.version(index),
      stamp: dataset.stamp(index),
      first: dataset.stamp(0),
      written: this.written[entity].get(index),
    };
    const cached = this.parties[entity].get(index);
    if (
      cached &&
      cached.version === inputs.version &&
      cached.stamp === inputs.stamp &&
      cached.first === inputs.first &&
      cached.written === inputs.written
    )
      return cached;
    // Bounded: a huge dataset read once gains nothing from keeping every party.
    if (this.parties[entity].size >= partyCacheSize) this.parties[entity].clear();
    const entry = { ...inputs, party: this.generateParty(entity, index) };
    this.parties[entity].set(index, entry);
    return entry;
  }

  private generateParty(entity: 'customers' | 'suppliers', index: number): Party {
    const dataset = this.datasets[entity];
    const random = recordRandom(this.seed, entity, index);
    const version = dataset.version(index);
    const place = random.pick(places);
    const name = `${random.pick(namePrefixes)} ${random.pick(nameCores)} ${random.pick(legalForms)}`;
    const contactFirst = random.pick(firstNames);
    const contactLast = random.pick(lastNames);
    const domain =
      name
        .toLowerCase()
        .replace(/[^a-z]+/g, '')
        .slice(0, 18) || 'example';
    const streetNumber = random.int(1, 240);
    const street = random.pick(streets);
    const changes = versionRandom(this.seed, entity, index, version);
    const createdAt = startOfDay(this.datasets[entity].stamp(0)) - random.int(30, 900) * day;
    const written = this.written[entity].get(index);
    const party: Party = {
      index,
      number: dataset.key(index),
      name,
      address1: `${streetNumber} ${street}`,
      address2: random.chance(0.3) ? `Unit ${random.int(1, 40)}` : '',
      place,
      // Modified records get a new phone number and credit limit: visible, realistic changes.
      phone: `${place.phonePrefix} ${pad((changes ?? random).int(1_000_000, 9_999_999), 7)}`,
      fax: random.chance(0.4) ? `${place.phonePrefix} ${pad(random.int(1_000_000, 9_999_999), 7)}` : '',
      email: `${entity === 'customers' ? 'orders' : 'sales'}@${domain}.example.com`,
      website: `https://www.${domain}.example.com`,
      contact: `${contactFirst} ${contactLast}`,
      vatNumber: `${place.vatPrefix}${pad(random.int(100_000_000, 999_999_999), 9)}`,
      paymentTerm: random.pick(paymentTerms),
      creditLimit: (changes ?? random).int(5, 500) * 1000,
      blocked: random.chance(0.04),
      group: random.pick(customerGroups),
      salesRep: random.pick(salesReps),
      // A row's identity never changes (CSI `_ItemId` names it), whatever a modification re-rolls.
      rowPointer: uuidFrom(recordRandom(this.seed, `${entity}#row`, index)),
      createdAt: written?.createdAt ?? Math.min(createdAt, dataset.stamp(index)),
      changedAt: dataset.stamp(index),
      version,
    };
    if (!written) return party;
    if (written.frozen) Object.assign(party, written.frozen);
    for (const [column, field] of Object.entries(partyFieldOf[entity])) {
      const value = written.columns[column];
      if (value !== undefined) party[field] = value;
    }
    return party;
  }

  private order(entity: 'salesOrders' | 'purchaseOrders', index: number): Order {
    const dataset = this.datasets[entity];
    const written = entity === 'purchaseOrders' ? this.writtenOrders.get(index) : undefined;
    if (written)
      return {
        ...written,
        lines: written.lines.map((line) => ({ ...line, schedules: [...line.schedules] })),
        changedAt: dataset.stamp(index),
        version: dataset.version(index),
      };
    const random = recordRandom(this.seed, entity, index);
    const parties = entity === 'salesOrders' ? this.datasets.customers : this.datasets.suppliers;
    const partyIndex = random.int(0, Math.max(0, parties.count - 1));
    const party = entity === 'salesOrders' ? this.customer(partyIndex) : this.supplier(partyIndex);
    const version = dataset.version(index);
    const changes = versionRandom(this.seed, entity, index, version);
    const orderDate = startOfDay(this.baseStampOf(entity, index));
    const requestedDate = orderDate + random.int(3, 30) * day;
    const warehouse = random.pick(warehouses);
    const lineCount = random.int(1, 5);
    const lines: OrderLine[] = [];
    for (let line = 1; line <= lineCount; line += 1) {
      const item = random.pick(items);
      const quantity = random.int(1, 400) * (line === 1 && changes ? changes.int(1, 3) : 1);
      const lineDate = requestedDate + random.int(0, 10) * day;
      const schedules: ScheduleLine[] = [];
      if (random.chance(0.3)) {
        const parts = random.int(2, 3);
        let left = quantity;
        for (let sequence = 1; sequence <= parts; sequence += 1) {
          const share = sequence === parts ? left : Math.max(1, Math.floor(quantity / parts));
          left -= share;
          if (share > 0) schedules.push({ sequence, date: lineDate + (sequence - 1) * 7 * day, quantity: share });
        }
      }
      lines.push({
        line,
        itemNumber: item.number,
        description: item.description,
        unit: item.unit,
        quantity,
        price: item.price,
        amount: round2(quantity * item.price),
        warehouse,
        requestedDate: lineDate,
        schedules,
      });
    }
    const statuses = ['open', 'released', 'delivered', 'invoiced'] as const;
    return {
      index,
      number: dataset.key(index),
      partyIndex,
      partyNumber: party.number,
      currency: party.place.currency,
      orderDate,
      requestedDate,
      status: version > 0 ? statuses[Math.min(3, version)]! : random.pick(statuses),
      reference: `${entity === 'salesOrders' ? 'PO' : 'SO'}-${random.int(10_000, 99_999)}`,
      warehouse,
      lines,
      total: round2(lines.reduce((sum, line) => sum + line.amount, 0)),
      rowPointer: uuidFrom(random),
      createdAt: Math.min(orderDate, dataset.stamp(index)),
      changedAt: dataset.stamp(index),
      version,
    };
  }

  /** The stamp a record had before any modification (its creation-ish time). */
  private baseStampOf(entity: InforEntity, index: number): number {
    const count = this.datasets[entity].count;
    return historyStart + Math.floor((index * historySpan) / Math.max(1, count));
  }
}

function versionRandom(seed: number, entity: string, index: number, version: number): Random | undefined {
  return version > 0 ? recordRandom(seed, `${entity}#v${version}`, index) : undefined;
}

function hashStamp(seed: number, entity: string, index: number): number {
  return Math.floor(recordRandom(seed, `${entity}#stamp`, index).next() * 1000);
}

function startOfDay(instant: number): number {
  return instant - (instant % day);
}
