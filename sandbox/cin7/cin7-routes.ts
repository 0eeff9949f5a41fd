import type { SandboxServer, SimulatorContext } from '../kit';
import { cin7Date, cin7Reference, type Cin7Record } from './cin7-data';
import type { Cin7CallLog } from './cin7-limit';
import type { Cin7Fault, Cin7Store, PartyKind } from './cin7-store';
import { cin7AccountsLinkedMessage, createAccount, updateAccount } from './cin7-accounts';

export interface Cin7Switches {
  /** Over-limit answer: the portal says 429, a generated client and a connector report 503. */
  overLimitStatus: 429 | 503;
  /** Send error models with HTTP 200 instead of 400 (reported for some endpoints, unconfirmed). */
  errorsWithHttp200: boolean;
  /** Print every other stamp without its `Z`, as some endpoints do. */
  datesWithoutZone: boolean;
  /**
   * How an unset `AdditionalAttribute1..10` of a supplier or customer is printed. The portal's own
   * examples disagree: POST /supplier answers `""` (fixtures/cin7/supplier_post_response.json), the
   * GET /supplier list example shows `null` (supplier_get_response.json). A stock tenant answers `""`
   * (issue 15's audit); `null` stays a switch.
   */
  unsetAttributes: 'empty-string' | 'null';
  /**
   * The chart of accounts comes from a linked Xero or QuickBooks Online: Cin7 keeps it read-only
   * (API-FACTS §6.2), so account writes are refused. Off by default (a tenant without one).
   */
  accountsLinked: boolean;
  /**
   * How Cin7 refuses an account write while the chart is linked: unpublished (cin7-accounts.ts).
   * `forbidden-403`: HTTP 403 with a bare body, the harshest (it reads like a key without rights);
   * `error-400`: the usual error model `{ErrorCode:400, Exception}` with a text that says why.
   */
  accountsLinkedAnswer: 'forbidden-403' | 'error-400';
  /**
   * The order of `/customer`, `/supplier` and `/purchaseList` pages. No source states it
   * (unconfirmed): `stored` keeps creation order; `updated` lists by the stamp the `…Since` filter
   * reads (`LastModifiedOn`/`LastUpdatedDate`), so a record edited mid-read moves to the last page
   * and every later record moves back one place (a plain `Page` walk then skips one).
   */
  listOrder: 'stored' | 'updated';
}

const attributeSlots = Array.from({ length: 10 }, (_, index) => `AdditionalAttribute${index + 1}`);

export interface Cin7Credentials {
  accountId: string;
  applicationKey: string;
}

const base = '/ExternalApi/v2';
const listKeys: Record<PartyKind, string> = { supplier: 'SupplierList', customer: 'CustomerList' };

/** Query parameters in any case (`Page`, `page`, `PAGE`). */
function param(context: SimulatorContext, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of context.query) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function paging(context: SimulatorContext): { page: number; limit: number } {
  const page = Math.max(1, Math.floor(Number(param(context, 'Page') ?? 1)) || 1);
  const limit = Math.min(1000, Math.max(1, Math.floor(Number(param(context, 'Limit') ?? 100)) || 100));
  return { page, limit };
}

export function registerCin7Routes(
  server: SandboxServer,
  store: Cin7Store,
  log: Cin7CallLog,
  credentials: Cin7Credentials,
  switches: Cin7Switches,
): void {
  let stampCounter = 0;
  const date = (value: unknown) => {
    if (typeof value !== 'number') return value ?? null;
    stampCounter += 1;
    return cin7Date(value, switches.datesWithoutZone && stampCounter % 2 === 0);
  };
  const present = (record: Cin7Record): Cin7Record => {
    const out: Cin7Record = { ...record };
    for (const name of ['LastModifiedOn', 'LastUpdatedDate', 'OrderDate']) if (name in out) out[name] = date(out[name]);
    if (out.Invoice && typeof out.Invoice === 'object')
      out.Invoice = { ...(out.Invoice as Cin7Record), InvoiceDate: date((out.Invoice as Cin7Record).InvoiceDate) };
    for (const slot of attributeSlots) {
      if (!(slot in out) || (out[slot] !== null && out[slot] !== '')) continue;
      out[slot] = switches.unsetAttributes === 'null' ? null : '';
    }
    return out;
  };
  /** Records in the `listOrder` switch's order (a stable sort: ties keep creation order). */
  const ordered = (records: Iterable<Cin7Record>, stamp: string) => {
    const list = [...records];
    return switches.listOrder === 'updated' ? list.sort((a, b) => Number(a[stamp]) - Number(b[stamp])) : list;
  };
  const refuse = (context: SimulatorContext, faults: Cin7Fault[], status = 400) => {
    const body = faults.length === 1 ? faults[0] : faults;
    context.json(switches.errorsWithHttp200 ? 200 : status, body);
  };

  /** Auth, then the rolling limit, then the handler; every authenticated call is logged with its arrival time. */
  const api = (
    name: string,
    method: string,
    path: string,
    handler: (context: SimulatorContext) => Promise<void> | void,
  ) => {
    server.route({
      method,
      pattern: base + path,
      name,
      handler: async (context) => {
        const at = performance.timeOrigin + performance.now();
        if (
          context.header('api-auth-accountid') !== credentials.accountId ||
          context.header('api-auth-applicationkey') !== credentials.applicationKey
        ) {
          context.text(403, 'Incorrect credentials!');
          return;
        }
        const limited = log.arrive(at);
        if (limited) {
          server.bump('rateLimited');
          context.text(switches.overLimitStatus, `You reached ${log.limit?.requests ?? 60} calls per minute API limit`);
        } else {
          await handler(context);
        }
        log.record({ at, method, path: context.path, status: context.response.statusCode, limited });
      },
    });
  };

  const body = async (context: SimulatorContext): Promise<Cin7Record | undefined> => {
    try {
      const parsed = (await context.body()).json<unknown>();
      log.largestBatch = Math.max(log.largestBatch, Array.isArray(parsed) ? parsed.length : 1);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Cin7Record;
    } catch {
      // falls through to the error below
    }
    // One object per call: Cin7 has no batch endpoints.
    refuse(context, [{ ErrorCode: 400, Exception: 'Request body should be a single JSON object.' }]);
    return undefined;
  };

  api('Cin7 me', 'GET', '/me', (context) =>
    context.json(200, {
      Company: 'MLC Sandbox Pty Ltd',
      Currency: 'AUD',
      TimeZone: 'Etc/GMT',
      DefaultWeightUnits: 'kg',
      DefaultDimensionsUnits: 'cm',
      LockDate: null,
      OpeningBalanceDate: '2017-11-30T00:00:00Z',
    }),
  );

  for (const kind of ['supplier', 'customer'] as const) {
    api(`Cin7 ${kind} list`, 'GET', `/${kind}`, (context) => {
      const { page, limit } = paging(context);
      const id = param(context, 'ID')?.toLowerCase();
      const name = param(context, 'Name')?.trim().toLowerCase();
      const since = param(context, 'ModifiedSince');
      const sinceMs = since ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(since) ? since : `${since}Z`) : undefined;
      const includeDeprecated = param(context, 'IncludeDeprecated')?.toLowerCase() === 'true';
      if (sinceMs !== undefined && Number.isNaN(sinceMs))
        return refuse(context, [{ ErrorCode: 400, Exception: `ModifiedSince '${since}' is not a valid date.` }]);
      const matches = ordered(store.parties[kind].values(), 'LastModifiedOn').filter(
        (record) =>
          (id === undefined || String(record.ID).toLowerCase() === id) &&
          // Cin7's Name filter is "starts with", not equality.
          (name === undefined || String(record.Name).toLowerCase().startsWith(name)) &&
          (sinceMs === undefined || Number(record.LastModifiedOn) >= sinceMs) &&
          (includeDeprecated || id !== undefined || record.Status !== 'Deprecated'),
      );
      context.json(200, {
        Total: matches.length,
        Page: page,
        [listKeys[kind]]: matches.slice((page - 1) * limit, page * limit).map(present),
      });
    });
    api(`Cin7 ${kind} create`, 'POST', `/${kind}`, async (context) => {
      const input = await body(context);
      if (!input) return;
      const result = store.createParty(kind, input);
      if (Array.isArray(result)) return refuse(context, result);
      context.json(200, { Total: 1, Page: 1, [listKeys[kind]]: [present(result)] });
    });
    api(`Cin7 ${kind} update`, 'PUT', `/${kind}`, async (context) => {
      const input = await body(context);
      if (!input) return;
      const result = store.updateParty(kind, input);
      if (Array.isArray(result)) return refuse(context, result);
      context.json(200, { Total: 1, Page: 1, [listKeys[kind]]: [present(result)] });
    });
  }

  api('Cin7 accounts', 'GET', '/ref/account', (context) => {
    const { page, limit } = paging(context);
    const code = param(context, 'Code');
    const matches = store.accounts.filter((account) => code === undefined || account.Code === code);
    context.json(200, {
      Total: matches.length,
      Page: page,
      AccountsList: matches.slice((page - 1) * limit, page * limit),
    });
  });
  // One object per call, answered like the list (`AccountsList` with the saved account); see cin7-accounts.ts.
  for (const [method, write] of [
    ['POST', createAccount],
    ['PUT', updateAccount],
  ] as const) {
    api(`Cin7 account ${method === 'POST' ? 'create' : 'update'}`, method, '/ref/account', async (context) => {
      const input = await body(context);
      if (!input) return;
      if (switches.accountsLinked)
        return switches.accountsLinkedAnswer === 'error-400'
          ? refuse(context, [{ ErrorCode: 400, Exception: cin7AccountsLinkedMessage }])
          : context.text(403, 'Forbidden');
      const result = write(store.accounts, input);
      if (Array.isArray(result)) return refuse(context, result);
      context.json(200, { Total: 1, Page: 1, AccountsList: [result] });
    });
  }
  const referenceList = (path: string, key: string, items: Cin7Record[]) =>
    api(`Cin7 ${path}`, 'GET', path, (context) => {
      const { page, limit } = paging(context);
      context.json(200, { Total: items.length, Page: page, [key]: items.slice((page - 1) * limit, page * limit) });
    });
  referenceList(
    '/ref/tax',
    'TaxRuleList',
    cin7Reference.taxRules.map((Name) => ({ Name, IsActive: true, IsTaxForSale: true, IsTaxForPurchase: true })),
  );
  referenceList(
    '/ref/paymentterm',
    'PaymentTermList',
    cin7Reference.paymentTerms.map((Name) => ({ Name, IsActive: true, Method: 'number of days' })),
  );
  referenceList(
    '/ref/location',
    'LocationList',
    cin7Reference.locations.map((Name) => ({ Name, IsDefault: Name === 'Main Warehouse' })),
  );

  // GET /product: `{Total, Page, Products}`; `ID` exact, `Sku`/`Name` containing (Cin7 portal, product group).
  api('Cin7 product list', 'GET', '/product', (context) => {
    const { page, limit } = paging(context);
    const id = param(context, 'ID')?.toLowerCase();
    const sku = param(context, 'Sku')?.toLowerCase();
    const name = param(context, 'Name')?.toLowerCase();
    const matches = (store.products?.all() ?? []).filter(
      (product) =>
        (!id || String(product.ID).toLowerCase() === id) &&
        (!sku || String(product.SKU).toLowerCase().includes(sku)) &&
        (!name || String(product.Name).toLowerCase().includes(name)),
    );
    context.json(200, { Total: matches.length, Page: page, Products: matches.slice((page - 1) * limit, page * limit) });
  });
  api('Cin7 purchase list', 'GET', '/purchaseList', (context) => {
    const { page, limit } = paging(context);
    const since = param(context, 'UpdatedSince');
    const sinceMs = since ? Date.parse(since) : undefined;
    if (sinceMs !== undefined && Number.isNaN(sinceMs))
      return refuse(context, [{ ErrorCode: 400, Exception: `UpdatedSince '${since}' is not a valid date.` }]);
    const matches = ordered(store.purchases.values(), 'LastUpdatedDate').filter(
      (purchase) => sinceMs === undefined || Number(purchase.LastUpdatedDate) >= sinceMs,
    );
    const summary = (purchase: Cin7Record) => {
      const { ID, Supplier, SupplierID, OrderNumber, Status, OrderDate, LastUpdatedDate, Location, Approach } =
        present(purchase);
      const order = purchase.Order as Cin7Record;
      return {
        ID,
        Supplier,
        SupplierID,
        OrderNumber,
        Status,
        OrderDate,
        LastUpdatedDate,
        Location,
        Approach,
        OrderStatus: order.Status,
        InvoiceAmount: order.Total,
      };
    };
    context.json(200, {
      Total: matches.length,
      Page: page,
      PurchaseList: matches.slice((page - 1) * limit, page * limit).map(summary),
    });
  });
  api('Cin7 purchase get', 'GET', '/purchase', (context) => {
    const purchase = store.purchases.get(param(context, 'ID') ?? '');
    if (!purchase)
      return refuse(
        context,
        [{ ErrorCode: 404, Exception: `Purchase with ID '${param(context, 'ID') ?? ''}' not found.` }],
        404,
      );
    context.json(200, present(purchase));
  });
  api('Cin7 purchase create', 'POST', '/purchase', async (context) => {
    const input = await body(context);
    if (!input) return;
    const result = store.createPurchase(input);
    if (Array.isArray(result)) return refuse(context, result);
    context.json(200, present(result));
  });
  api('Cin7 purchase update', 'PUT', '/purchase', async (context) => {
    const input = await body(context);
    if (!input) return;
    const result = store.updatePurchase(input);
    if (Array.isArray(result)) return refuse(context, result);
    context.json(200, present(result));
  });
  api('Cin7 purchase void', 'DELETE', '/purchase', (context) => {
    const purchase = store.purchases.get(param(context, 'ID') ?? '');
    if (!purchase)
      return refuse(
        context,
        [{ ErrorCode: 404, Exception: `Purchase with ID '${param(context, 'ID') ?? ''}' not found.` }],
        404,
      );
    purchase.Status = param(context, 'Void')?.toLowerCase() === 'true' ? 'VOIDED' : 'DELETED';
    context.json(200, { ID: purchase.ID, Status: purchase.Status });
  });
  api('Cin7 purchase order', 'POST', '/purchase/order', async (context) => {
    const input = await body(context);
    if (!input) return;
    const result = store.writeOrder(input);
    if (Array.isArray(result)) return refuse(context, result);
    context.json(200, result);
  });
}
