import { createCin7Connector } from '../../electron/backend/connectors/cin7/cin7.connector';
import { startCin7Sandbox, type Cin7Sandbox } from '../../sandbox/cin7/index';
import { describeConformance, type ConnectorOptions } from './kit/conformance-kit';

let run = 0;
let current: Cin7Sandbox;

function connector(
  sandbox: Cin7Sandbox,
  options: ConnectorOptions,
  secrets: Partial<Record<'accountId' | 'applicationKey', string>> = {},
) {
  const connection = sandbox.connection();
  run += 1;
  return createCin7Connector({
    connection: { id: `conformance-cin7-${run}`, settings: connection.settings, sandbox: true },
    secrets: { ...connection.secrets, ...secrets },
    http: options.http,
  });
}

const unique = () => `${Date.now().toString(36)}-${(run += 1)}`;

describeConformance<Cin7Sandbox>({
  name: 'Cin7 Core',
  // The rolling 60-per-minute limit has its own test (integration/targets/cin7-rate-limit); here it would only slow the kit down.
  start: async () => (current = await startCin7Sandbox({ rateLimit: null })),
  connector,
  auth: {
    badClient: (sandbox, options) => connector(sandbox, options, { applicationKey: 'not-the-application-key' }),
  },
  throttle: (sandbox, status, times, retryAfter) =>
    sandbox.control.setFaults([{ path: '/ExternalApi/v2/', status, times, retryAfter }]),
  clearFaults: (sandbox) => sandbox.control.clearFaults(),
  entities: {
    Supplier: {
      pageSize: 10,
      count: (sandbox) => sandbox.inspect.suppliers().length,
      modify: (sandbox, n) => sandbox.control.modify('supplier', n),
      write: {
        matchKey: ['ID', 'Name'],
        records: (count) =>
          Array.from({ length: count }, (_, index) => ({
            Name: `Conformance supplier ${unique()} ${index}`,
            // A tax rule the tenant does not have: Cin7 refuses the record.
            TaxRule: index === 1 ? 'No Such Tax Rule' : 'BAS Excluded',
          })),
        invalid: [1],
        largestBatch: () => current.inspect.largestWriteBatch(),
      },
    },
    Customer: {
      pageSize: 15,
      count: (sandbox) => sandbox.inspect.customers().length,
      modify: (sandbox, n) => sandbox.control.modify('customer', n),
      write: {
        matchKey: ['ID', 'Name'],
        records: (count) =>
          Array.from({ length: count }, (_, index) => ({
            Name: `Conformance customer ${unique()} ${index}`,
            Status: 'Active',
            Currency: 'AUD',
            PaymentTerm: '30 days',
            AccountReceivable: '610',
            TaxRule: 'GST on Income',
            ...(index === 2 ? {} : { RevenueAccount: '200' }),
          })),
        invalid: [2],
        largestBatch: () => current.inspect.largestWriteBatch(),
      },
    },
    Purchase: {
      pageSize: 5,
      count: (sandbox) => sandbox.inspect.purchases().length,
      modify: (sandbox, n) => sandbox.control.modify('purchase', n),
    },
    Account: { pageSize: 4, count: (sandbox) => sandbox.inspect.accounts().length },
  },
});
