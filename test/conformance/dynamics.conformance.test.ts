import { DynamicsConnector } from '../../electron/backend/connectors/dynamics/dynamics.connector';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../sandbox/dynamics/index';
import { describeConformance, type ConnectorOptions } from './kit/conformance-kit';

let run = 0;

function connector(sandbox: DynamicsSandbox, options: ConnectorOptions, secrets: Record<string, string> = {}) {
  const connection = sandbox.connection();
  run += 1;
  return new DynamicsConnector({
    connection: { id: `conformance-dynamics-${run}`, settings: connection.settings, sandbox: true },
    secrets: { ...connection.secrets, ...secrets },
    http: options.http,
  });
}

const unique = () => `${Date.now().toString(36)}${(run += 1)}`;
const largestBatch = (sandbox: () => DynamicsSandbox) => () =>
  Math.max(
    0,
    ...sandbox()
      .inspect.batches()
      .map((batch) => batch.requests),
  );
let current: DynamicsSandbox;

describeConformance<DynamicsSandbox>({
  name: 'Dynamics 365 Sales',
  start: async () => (current = await startDynamicsSandbox({ counts: { account: 30, contact: 12, salesorder: 9 } })),
  connector,
  auth: {
    badClient: (sandbox, options) =>
      connector(sandbox, options, { client_secret: 'wrong8Q~secret-value-that-entra-refuses' }),
    revokeAccount: (sandbox) => sandbox.control.disableApplicationUser(true),
    restoreAccount: (sandbox) => sandbox.control.disableApplicationUser(false),
    expireTokens: (sandbox) => sandbox.control.expireTokens(),
    tokensIssued: (sandbox) => sandbox.control.stats().counters.tokensIssued ?? 0,
  },
  throttle: (sandbox, status, times, retryAfter) =>
    sandbox.control.setFaults([
      {
        path: '/api/data/',
        status,
        times,
        retryAfter,
        contentType: 'application/json; charset=utf-8',
        body:
          status === 429
            ? JSON.stringify({
                error: {
                  code: '0x80072322',
                  message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
                },
              })
            : 'Service Unavailable',
      },
    ]),
  clearFaults: (sandbox) => sandbox.control.clearFaults(),
  entities: {
    account: {
      pageSize: 7,
      count: (sandbox) => sandbox.inspect.records('account').length,
      modify: (sandbox, n) => sandbox.control.modify('account', n),
      write: {
        matchKey: ['accountnumber'],
        records: (count) =>
          Array.from({ length: count }, (_, index) => ({
            accountnumber: `CF-${unique()}-${index}`,
            name: index === 3 ? 'N'.repeat(161) : `Conformance account ${index}`,
            ...(index === 8 ? { paymenttermscode: 99 } : { paymenttermscode: 1 }),
            ...(index === 11 ? { numberofemployees: 'many' } : {}),
          })),
        invalid: [3, 8, 11],
        largestBatch: largestBatch(() => current),
      },
    },
    contact: {
      pageSize: 5,
      count: (sandbox) => sandbox.inspect.records('contact').length,
      modify: (sandbox, n) => sandbox.control.modify('contact', n),
      write: {
        matchKey: ['mlc_inforcontactid'],
        records: (count) =>
          Array.from({ length: count }, (_, index) => ({
            mlc_inforcontactid: `CF-${unique()}-${index}`,
            lastname: `Contact ${index}`,
            ...(index === 5
              ? { 'parentcustomerid_account@odata.bind': "/accounts(accountnumber='NO-SUCH-ACCOUNT')" }
              : {}),
            ...(index === 6 ? { 'parentcustomerid_account@odata.bind': "/accounts(accountnumber='ACC-00001')" } : {}),
          })),
        invalid: [5],
        largestBatch: largestBatch(() => current),
      },
    },
    salesorder: {
      pageSize: 4,
      count: (sandbox) => sandbox.inspect.records('salesorder').length,
      modify: (sandbox, n) => sandbox.control.modify('salesorder', n),
      write: {
        matchKey: ['mlc_inforordernumber'],
        records: (count) =>
          Array.from({ length: count }, (_, index) => ({
            mlc_inforordernumber: `CF-${unique()}-${index}`,
            name: `Conformance order ${index}`,
            // Missing customer: a SystemRequired column the Web API enforces.
            ...(index === 2 ? {} : { 'customerid_account@odata.bind': "/accounts(accountnumber='ACC-00002')" }),
          })),
        invalid: [2],
        largestBatch: largestBatch(() => current),
      },
    },
    invoice: { pageSize: 5, count: (sandbox) => sandbox.inspect.records('invoice').length },
    quote: { pageSize: 5, count: (sandbox) => sandbox.inspect.records('quote').length },
  },
});
