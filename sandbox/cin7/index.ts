import { createSandboxServer, type SandboxControl } from '../kit';
import { cin7Date, type Cin7Record } from './cin7-data';
import { busiestWindow, Cin7CallLog, type Cin7CallRecord, type Cin7RateLimit } from './cin7-limit';
import { registerCin7Routes, type Cin7Switches } from './cin7-routes';
import { Cin7Store, type PartyKind } from './cin7-store';
import { Cin7Products, defaultCin7Products, type Cin7ProductSeed } from './cin7-products';

/**
 * Cin7 Core API v2 sandbox (API-FACTS §6 and §7): static header auth, `Page`/`Limit`
 * lists with `Total`, starts-with `Name` filter, one object per call, the
 * portal's validation with the `{ErrorCode, Exception}` model, no supplier
 * DELETE, a rolling 60-calls-per-minute limit (429, or 503 behind a switch),
 * error models in HTTP 200 behind a switch, and stamps with varying fractions.
 */
export interface Cin7SandboxOptions {
  port?: number;
  seed?: number;
  /** Seeded records (defaults: 25 suppliers, 40 customers, 12 purchases). */
  counts?: { suppliers?: number; customers?: number; purchases?: number };
  /** Default 60 per 60,000 ms; tests scale the window down; `null` = unlimited. */
  rateLimit?: Cin7RateLimit | null;
  switches?: Partial<Cin7Switches>;
  /** The product catalogue (default: the portal's example `Bread` and one product per Infor sandbox item). */
  products?: Cin7ProductSeed[];
  /** The chart of accounts (default: a new tenant's standard accounts, `seedAccounts`). */
  accounts?: Cin7Record[];
}

export interface Cin7SandboxControl extends SandboxControl {
  setRateLimit(limit: Cin7RateLimit | null): void;
  setSwitches(switches: Partial<Cin7Switches>): void;
  /** Touches `n` records now (their stamp becomes the sandbox clock's now) and returns their IDs. */
  modify(entity: 'supplier' | 'customer' | 'purchase', n: number): string[];
  /** Touches these records now (as a Cin7 user's edit) and returns the IDs found. */
  touch(entity: 'supplier' | 'customer' | 'purchase', ids: string[]): string[];
}

export interface Cin7SandboxInspect {
  /** Authenticated calls in arrival order, with sub-millisecond arrival times. */
  calls(): Cin7CallRecord[];
  clearCalls(): void;
  /** Most calls that arrived within any rolling window of `windowMs`. */
  busiestWindow(windowMs: number): { count: number; from: number };
  suppliers(): Cin7Record[];
  customers(): Cin7Record[];
  purchases(): Cin7Record[];
  accounts(): Cin7Record[];
  products(): Cin7Record[];
  supplier(id: string): Cin7Record | undefined;
  /** Most objects any single write call carried (Cin7 takes one object per call; arrays are refused). */
  largestWriteBatch(): number;
  /** Adds a record straight into the store (not counted as a call), e.g. "created by someone else". */
  seedParty(kind: PartyKind, record: Cin7Record): Cin7Record;
}

export interface Cin7Sandbox {
  readonly url: string;
  /** Ready-made sandbox connection for the Cin7 connector. */
  connection(): {
    system: 'cin7';
    name: string;
    sandbox: true;
    settings: { baseUrl: string; matchByName: boolean; rateLimitPerMinute: number };
    secrets: { accountId: string; applicationKey: string };
  };
  readonly control: Cin7SandboxControl;
  readonly inspect: Cin7SandboxInspect;
  close(): Promise<void>;
}

export async function startCin7Sandbox(options: Cin7SandboxOptions = {}): Promise<Cin7Sandbox> {
  const seed = options.seed ?? 1;
  const credentials = {
    accountId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    applicationKey: `mlc-sandbox-cin7-key-${seed}`,
  };
  const switches: Cin7Switches = {
    overLimitStatus: 429,
    errorsWithHttp200: false,
    datesWithoutZone: false,
    unsetAttributes: 'empty-string',
    accountsLinked: false,
    accountsLinkedAnswer: 'forbidden-403',
    listOrder: 'stored',
    ...options.switches,
  };
  const log = new Cin7CallLog(options.rateLimit === undefined ? { requests: 60, windowMs: 60_000 } : options.rateLimit);
  const server = createSandboxServer({
    system: 'cin7',
    port: options.port,
    seed,
    extraStats: () => ({ calls: log.calls.length, rateLimit: log.limit, switches: { ...switches } }),
  });
  const store = new Cin7Store(
    seed,
    { suppliers: options.counts?.suppliers ?? 25, customers: options.counts?.customers ?? 40 },
    () => server.clock.now(),
  );
  if (options.accounts) store.accounts.splice(0, store.accounts.length, ...structuredClone(options.accounts));
  store.products = new Cin7Products(options.products ?? defaultCin7Products(), seed);
  registerCin7Routes(server, store, log, credentials, switches);
  const suppliers = [...store.parties.supplier.values()];
  for (let index = 0; index < (options.counts?.purchases ?? 12) && suppliers.length > 0; index += 1) {
    const supplier = suppliers[index % suppliers.length] as Cin7Record;
    const purchase = store.createPurchase({
      SupplierID: supplier.ID,
      Approach: index % 3 === 0 ? 'STOCK' : 'INVOICE',
      Location: 'Main Warehouse',
    });
    if (!Array.isArray(purchase)) purchase.LastUpdatedDate = Number(purchase.LastUpdatedDate) - (index + 1) * 3_600_000;
  }

  const dated = (record: Cin7Record): Cin7Record => {
    const out = structuredClone(record);
    for (const name of ['LastModifiedOn', 'LastUpdatedDate', 'OrderDate'])
      if (typeof out[name] === 'number') out[name] = cin7Date(out[name] as number);
    return out;
  };
  const inspect: Cin7SandboxInspect = {
    calls: () => log.calls.map((call) => ({ ...call })),
    clearCalls: () => log.reset(),
    largestWriteBatch: () => log.largestBatch,
    busiestWindow: (windowMs) =>
      busiestWindow(
        log.calls.map((call) => call.at),
        windowMs,
      ),
    suppliers: () => [...store.parties.supplier.values()].map(dated),
    customers: () => [...store.parties.customer.values()].map(dated),
    purchases: () => [...store.purchases.values()].map(dated),
    accounts: () => store.accounts.map(dated),
    products: () => store.products!.all().map((product) => ({ ...product })),
    supplier: (id) => {
      const found = store.findParty('supplier', id);
      return found ? dated(found) : undefined;
    },
    seedParty: (kind, record) => {
      const result = store.createParty(kind, record);
      if (Array.isArray(result)) throw new Error(result.map((fault) => fault.Exception).join('; '));
      return dated(result);
    },
  };

  const setRateLimit = (limit: Cin7RateLimit | null) => {
    log.limit = limit;
  };
  const setSwitches = (changes: Partial<Cin7Switches>) => void Object.assign(switches, changes);
  const modify = (entity: 'supplier' | 'customer' | 'purchase', n: number): string[] => {
    const records = entity === 'purchase' ? [...store.purchases.values()] : [...store.parties[entity].values()];
    const stampField = entity === 'purchase' ? 'LastUpdatedDate' : 'LastModifiedOn';
    const chosen = records.filter((_, index) => index % 2 === 1).slice(0, n);
    for (const record of chosen) record[stampField] = server.clock.now();
    return chosen.map((record) => String(record.ID));
  };
  const touch = (entity: 'supplier' | 'customer' | 'purchase', ids: string[]): string[] => {
    const records = entity === 'purchase' ? store.purchases : store.parties[entity];
    const stampField = entity === 'purchase' ? 'LastUpdatedDate' : 'LastModifiedOn';
    return ids.filter((id) => {
      const record = records.get(id);
      if (record) record[stampField] = server.clock.now();
      return record !== undefined;
    });
  };
  server.action('modify', (args) => {
    const { entity, n } = (args ?? {}) as { entity: 'supplier' | 'customer' | 'purchase'; n?: number };
    return modify(entity, n ?? 1);
  });
  server.action('setRateLimit', (args) => setRateLimit((args ?? null) as Cin7RateLimit | null));
  server.action('setSwitches', (args) => setSwitches((args ?? {}) as Partial<Cin7Switches>));
  server.action('calls', () => inspect.calls());
  server.action('busiestWindow', (args) =>
    inspect.busiestWindow(Number((args as { windowMs?: number } | null)?.windowMs ?? log.limit?.windowMs ?? 60_000)),
  );
  server.action('suppliers', () => inspect.suppliers());
  server.action('customers', () => inspect.customers());
  server.action('purchases', () => inspect.purchases());
  const control: Cin7SandboxControl = Object.assign(Object.create(null) as object, server.control, {
    setRateLimit,
    setSwitches,
    modify,
    touch,
  });

  await server.listen();
  return {
    url: server.url,
    connection: () => ({
      system: 'cin7',
      name: 'Cin7 Core sandbox',
      sandbox: true,
      settings: {
        baseUrl: `${server.url}/ExternalApi/v2`,
        matchByName: true,
        rateLimitPerMinute: log.limit?.requests ?? 60,
      },
      secrets: { ...credentials },
    }),
    control,
    inspect,
    close: () => server.close(),
  };
}
