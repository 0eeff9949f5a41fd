import { createZohoConnector } from '../../electron/backend/connectors/zoho/zoho.connector';
import type { JsonObject } from '../../electron/backend/connectors/framework/connector';
import { startZohoSandbox, type ZohoSandbox } from '../../sandbox/zoho/index';
import { afterAll, expect } from 'vitest';
import type { RecordedRequest } from '../../sandbox/kit/request-log';
import { keepExchanges, zohoOpenApi } from '../support/openapi';
import { describeConformance, type ConnectorOptions } from './kit/conformance-kit';

const spec = zohoOpenApi();
const exchanged: RecordedRequest[] = [];

let current: ZohoSandbox | undefined;

function connector(
  sandbox: ZohoSandbox,
  options: ConnectorOptions,
  secrets?: Partial<ReturnType<ZohoSandbox['connection']>['secrets']>,
) {
  const connection = sandbox.connection();
  return createZohoConnector({
    connection: { id: `zoho-conformance-${Math.random()}`, settings: connection.settings, sandbox: true },
    secrets: { ...connection.secrets, ...secrets },
    http: options.http,
  });
}

/** Zoho's stamps have whole seconds: step the sandbox clock past the watermark's second before editing. */
function modify(sandbox: ZohoSandbox, module: string, n: number): string[] {
  sandbox.control.clock.advance(1000);
  const ids = sandbox.inspect
    .records(module)
    .slice(-n)
    .map((record) => String(record.id));
  return sandbox.control.modify(module, ids, {});
}

const first = (module: string) => String(current!.inspect.records(module)[0]!.id);

describeConformance<ZohoSandbox>({
  name: 'Zoho CRM',
  // Every kit connector fetches its own token: lift Zoho's issuance cap here (its own test checks it).
  start: async () => {
    current = await startZohoSandbox({ seedAccounts: 230, issuanceCap: 10_000 });
    keepExchanges(current.control, exchanged);
    return current;
  },
  connector: (sandbox, options) => connector(sandbox, options),
  auth: {
    badClient: (sandbox, options) => connector(sandbox, options, { client_secret: 'not-the-secret' }),
    revokeAccount: (sandbox) => sandbox.control.revokeRefreshToken(),
    restoreAccount: (sandbox) => sandbox.control.restoreRefreshToken(),
    expireTokens: (sandbox) => sandbox.control.expireTokens(),
    tokensIssued: (sandbox) => sandbox.control.stats().counters.tokensIssued ?? 0,
    failureCodes: ['E_AUTH_REFRESH_FAILED'],
  },
  throttle: (sandbox, status, times, retryAfter) => sandbox.control.throttle(times, status, retryAfter),
  clearFaults: (sandbox) => sandbox.control.clearFaults(),
  entities: {
    Accounts: {
      pageSize: 50,
      count: (sandbox) => sandbox.inspect.count('Accounts'),
      modify: (sandbox, n) => modify(sandbox, 'Accounts', n),
      write: {
        matchKey: ['Infor_Customer_No'],
        records: (count) =>
          Array.from({ length: count }, (_, index): JsonObject => ({
            Infor_Customer_No: `CONF${String(index).padStart(5, '0')}`,
            // Position 3 misses the mandatory name, 7 has a picklist value Zoho does not know.
            ...(index === 3 ? {} : { Account_Name: `Conformance ${index}` }),
            ...(index === 7 ? { Account_Type: 'Enemy' } : { Account_Type: 'Customer' }),
          })),
        invalid: [3, 7],
        largestBatch: () => current!.inspect.largestBatch('Accounts'),
      },
    },
    Vendors: {
      pageSize: 20,
      count: (sandbox) => sandbox.inspect.count('Vendors'),
      modify: (sandbox, n) => modify(sandbox, 'Vendors', n),
    },
    Contacts: {
      pageSize: 20,
      count: (sandbox) => sandbox.inspect.count('Contacts'),
      modify: (sandbox, n) => modify(sandbox, 'Contacts', n),
      write: {
        matchKey: ['Infor_Contact_Key'],
        records: (count) =>
          Array.from({ length: count }, (_, index): JsonObject => ({
            Infor_Contact_Key: `K-${index}`,
            Last_Name: `Person ${index}`,
            Email: index === 2 ? 'not-an-email' : `person${index}@example.com`,
          })),
        invalid: [2],
        largestBatch: () => current!.inspect.largestBatch('Contacts'),
      },
    },
    Sales_Orders: {
      pageSize: 10,
      count: (sandbox) => sandbox.inspect.count('Sales_Orders'),
      write: {
        matchKey: ['Infor_Order_No'],
        records: (count) =>
          Array.from({ length: count }, (_, index): JsonObject => ({
            Infor_Order_No: `SO-${index}`,
            Subject: `Order ${index}`,
            Account_Name: { id: first('Accounts') },
            // Position 5 has an order line without its mandatory quantity.
            Ordered_Items: [
              {
                Product_Name: { id: first('Products') },
                ...(index === 5 ? {} : { Quantity: index + 1 }),
                List_Price: 12.5,
              },
            ],
          })),
        invalid: [5],
        largestBatch: () => current!.inspect.largestBatch('Sales_Orders'),
      },
    },
    Purchase_Orders: { pageSize: 10, count: (sandbox) => sandbox.inspect.count('Purchase_Orders') },
    Invoices: { pageSize: 10, count: (sandbox) => sandbox.inspect.count('Invoices') },
  },
});

// After the whole run: everything the simulator answered itself (injected faults are the kit's, not
// Zoho's) must match Zoho's v8 OpenAPI, whatever the kit asked of it.
afterAll(() => {
  const calls = [...exchanged, ...current!.control.requests()].filter((call) => call.metered && call.exchange);
  expect(calls.length).toBeGreaterThan(50);
  expect(calls.flatMap((call) => spec.check(call))).toEqual([]);
});
