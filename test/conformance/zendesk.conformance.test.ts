import { createZendeskConnector } from '../../electron/backend/connectors/zendesk/zendesk.connector';
import { startZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk/index';
import { afterAll, expect } from 'vitest';
import type { RecordedRequest } from '../../sandbox/kit/request-log';
import { keepExchanges, zendeskOpenApi } from '../support/openapi';
import { describeConformance, type ConnectorOptions, type EntityCase } from './kit/conformance-kit';

const spec = zendeskOpenApi();
const exchanged: RecordedRequest[] = [];
const sandboxes: ZendeskSandbox[] = [];

let run = 0;
let current: ZendeskSandbox;
const unique = () => `${Date.now().toString(36)}${(run += 1)}`;

function connector(
  sandbox: ZendeskSandbox,
  mode: 'api_token' | 'oauth',
  options: ConnectorOptions,
  secrets: Record<string, string> = {},
) {
  const connection = sandbox.connection(mode);
  run += 1;
  return createZendeskConnector({
    connection: { id: `conformance-zendesk-${mode}-${run}`, settings: connection.settings, sandbox: true },
    secrets: { ...connection.secrets, ...secrets },
    http: options.http,
  });
}

const entities: Record<string, EntityCase<ZendeskSandbox>> = {
  organizations: {
    pageSize: 7,
    count: (sandbox) => sandbox.inspect.organizations().length,
    write: {
      matchKey: ['external_id'],
      records: (count) =>
        Array.from({ length: count }, (_, index) => ({
          name: `Conformance org ${unique()}`,
          external_id: `CONF-ORG-${unique()}`,
          // Not one of the dropdown's options: Zendesk answers 422 RecordInvalid.
          organization_fields: { credit_status: index === 1 ? 'excellent' : 'good' },
        })),
      invalid: [1],
      largestBatch: () => current.inspect.largestOrganizationBatch(),
    },
  },
  users: {
    pageSize: 15,
    count: (sandbox) => sandbox.inspect.users().length,
    write: {
      matchKey: ['external_id', 'email'],
      records: (count) =>
        Array.from({ length: count }, (_, index) => {
          const id = unique();
          return {
            name: `Contact ${id}`,
            external_id: `CONF-USER-${id}`,
            email: index === 3 ? `broken-${id}@` : `contact-${id}@example.com`,
          };
        }),
      invalid: [3],
      largestBatch: () => current.inspect.largestBatch(),
    },
  },
  tickets: {
    pageSize: 5,
    count: (sandbox) => sandbox.inspect.tickets().length,
    write: {
      matchKey: ['external_id'],
      records: (count) =>
        Array.from({ length: count }, (_, index) => ({
          subject: 'Invoice synced from Infor',
          external_id: `CONF-INV-${unique()}`,
          comment: { body: 'Invoice created in Infor CloudSuite.' },
          custom_fields: { '360001': `INV-${index}`, '360003': index === 2 ? 'twelve' : '120.50' },
        })),
      invalid: [2],
      largestBatch: () => 1,
    },
  },
};

for (const mode of ['api_token', 'oauth'] as const) {
  describeConformance<ZendeskSandbox>({
    name: `Zendesk Support (${mode})`,
    start: async () => {
      current = await startZendeskSandbox({ settings: { rateLimitPerMinute: null } });
      keepExchanges(current.control, exchanged);
      sandboxes.push(current);
      return current;
    },
    connector: (sandbox, options) => connector(sandbox, mode, options),
    auth: {
      badClient: (sandbox, options) =>
        connector(
          sandbox,
          mode,
          options,
          mode === 'api_token'
            ? { api_token: 'not-the-api-token-at-all-123' }
            : { client_secret: 'not-the-client-secret' },
        ),
      failureCodes: ['E_AUTH_FAILED', 'E_AUTH_REFRESH_FAILED'],
      ...(mode === 'oauth'
        ? {
            expireTokens: (sandbox: ZendeskSandbox) => void sandbox.control.expireTokens(),
            tokensIssued: (sandbox: ZendeskSandbox) => sandbox.control.stats().counters.tokensIssued ?? 0,
          }
        : {}),
    },
    throttle: (sandbox, status, times, retryAfter) =>
      sandbox.control.setFaults([{ path: '/api/v2/', status, times, retryAfter }]),
    clearFaults: (sandbox) => sandbox.control.clearFaults(),
    entities,
  });
}

// After both runs: what the simulator answered itself on the resources Zendesk's OpenAPI fragments
// cover (users, organizations, their fields, job statuses; not tickets) must match them.
afterAll(() => {
  const calls = [...exchanged, ...sandboxes.flatMap((sandbox) => sandbox.control.requests())].filter(
    (call) => call.metered && call.exchange && spec.operation(call.method, call.path),
  );
  expect(calls.length).toBeGreaterThan(50);
  expect(calls.flatMap((call) => spec.check(call))).toEqual([]);
});
