import type { JsonObject } from '../../electron/backend/connectors/framework/connector';
import { createSalesforceConnector } from '../../electron/backend/connectors/salesforce/salesforce.connector';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index';
import { describeConformance, type ConnectorOptions } from './kit/conformance-kit';

let current: SalesforceSandbox | undefined;

function connector(sandbox: SalesforceSandbox, options: ConnectorOptions, secret?: string) {
  const connection = sandbox.connection();
  return createSalesforceConnector({
    connection: { id: `salesforce-conformance-${Math.random()}`, settings: connection.settings, sandbox: true },
    secrets: { client_secret: secret ?? connection.secrets.client_secret },
    http: options.http,
  });
}

const modify = (sandbox: SalesforceSandbox, object: string, n: number) =>
  sandbox.control.modify(
    object,
    sandbox.inspect
      .records(object)
      .slice(-n)
      .map((record) => String(record.Id)),
  );

describeConformance<SalesforceSandbox>({
  name: 'Salesforce',
  start: async () => (current = await startSalesforceSandbox({ seedAccounts: 450 })),
  connector: (sandbox, options) => connector(sandbox, options),
  auth: {
    badClient: (sandbox, options) => connector(sandbox, options, 'wrong-secret'),
    revokeAccount: (sandbox) => sandbox.control.disableRunAsUser(),
    restoreAccount: (sandbox) => sandbox.control.enableRunAsUser(),
    expireTokens: (sandbox) => sandbox.control.expireSessions(),
    tokensIssued: (sandbox) => sandbox.control.stats().counters.tokensIssued ?? 0,
  },
  // Salesforce itself never answers 429; the kit's generic back-off check still has to hold.
  throttle: (sandbox, status, times, retryAfter) =>
    sandbox.control.addFault({
      path: '/services/data/',
      status,
      times,
      retryAfter,
      contentType: 'application/json;charset=UTF-8',
      body: JSON.stringify([{ message: 'Service temporarily unavailable', errorCode: 'SERVER_UNAVAILABLE' }]),
    }),
  clearFaults: (sandbox) => sandbox.control.clearFaults(),
  entities: {
    Account: {
      pageSize: 200,
      count: (sandbox) => sandbox.inspect.count('Account'),
      modify: (sandbox, n) => modify(sandbox, 'Account', n),
      write: {
        matchKey: ['Infor_Customer_Number__c'],
        records: (count) =>
          Array.from({ length: count }, (_, index): JsonObject => ({
            Infor_Customer_Number__c: `CONF${index}`,
            Infor_Account_Kind__c: index === 4 ? 'Partner' : 'Customer',
            ...(index === 9 ? {} : { Name: `Conformance ${index}` }),
          })),
        invalid: [4, 9],
        largestBatch: () => current!.inspect.largestBatch('Account'),
      },
    },
    Contact: {
      pageSize: 200,
      count: (sandbox) => sandbox.inspect.count('Contact'),
      modify: (sandbox, n) => modify(sandbox, 'Contact', n),
      write: {
        matchKey: ['Infor_Contact_Key__c'],
        records: (count) =>
          Array.from({ length: count }, (_, index): JsonObject => ({
            Infor_Contact_Key__c: `K${index}`,
            LastName: `Person ${index}`,
            Email: index === 1 ? 'nope' : `p${index}@example.com`,
          })),
        invalid: [1],
        largestBatch: () => current!.inspect.largestBatch('Contact'),
      },
    },
    Infor_Document__c: {
      pageSize: 200,
      count: (sandbox) => sandbox.inspect.count('Infor_Document__c'),
      write: {
        matchKey: ['Infor_Document_No__c'],
        records: (count) =>
          Array.from({ length: count }, (_, index): JsonObject => ({
            Infor_Document_No__c: `INV-${index}`,
            Name: `Invoice ${index}`,
            Document_Type__c: 'Invoice',
            Amount__c: 100 + index,
            // Linked to its Account by the Account's Infor number; position 6 names one that does not exist.
            Account__r: { Infor_Customer_Number__c: index === 6 ? 'NOPE' : 'CONF0' },
          })),
        invalid: [6],
        largestBatch: () => current!.inspect.largestBatch('Infor_Document__c'),
      },
    },
  },
});
