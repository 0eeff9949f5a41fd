import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZendeskConnector } from '../../electron/backend/connectors/zendesk/zendesk.connector';
import { startZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk/index';
import { zendeskOpenApi } from '../support/openapi';

/**
 * What the Zendesk simulator exchanged with the connector, checked against
 * Zendesk's own OpenAPI fragments (`../shared/fixtures/zendesk/oas_fragments`)
 * for the resources they cover (users, organizations, their fields, job
 * statuses). Tickets have no fragment here and are not checked.
 */
const spec = zendeskOpenApi();

describe('Zendesk exchanges against the Zendesk OpenAPI fragments', () => {
  let sandbox: ZendeskSandbox;
  beforeAll(async () => {
    sandbox = await startZendeskSandbox({ counts: { organizations: 12, users: 12, tickets: 0 } });
  });
  afterAll(() => sandbox.close());

  // The fragments define the envelopes but not the objects in them (UserObject, OrganizationObject)
  // nor their shared parameters, so items and query names go unchecked; the envelopes are checked.
  it('is not vacuous: a wrong envelope is reported', () => {
    const call = {
      method: 'GET',
      path: '/api/v2/users.json',
      query: { 'page[size]': '5' },
      route: 'Zendesk users',
      metered: true,
      headers: {},
      hasBody: false,
      exchange: { status: 200, responseBody: JSON.stringify({ users: 'none' }) },
    };
    expect(spec.check(call)).toEqual([expect.stringContaining('/users must be array')]);
  });

  it('reads, looks up, discovers and writes users and organizations only in shapes the OpenAPI allows', async () => {
    const connection = sandbox.connection('api_token');
    const zendesk = createZendeskConnector({
      connection: { id: 'zendesk-oas', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
    sandbox.control.captureBodies(true);
    sandbox.control.clearRequests();
    try {
      for (const entity of ['organizations', 'users']) {
        await zendesk.schema(entity);
        for await (const page of zendesk.read(entity, { pageSize: 5 })) expect(page.records.length).toBeGreaterThan(0);
      }
      const organizations = await zendesk.write(
        'organizations',
        [
          { name: 'OpenAPI Org 1', external_id: 'OAS-ORG-1' },
          { name: 'OpenAPI Org 2', external_id: 'OAS-ORG-2' },
        ],
        { matchKey: ['external_id'] },
      );
      expect(organizations.map((result) => result.outcome)).toEqual(['created', 'created']);
      const users = await zendesk.write(
        'users',
        [
          { name: 'OpenAPI User 1', external_id: 'OAS-USER-1', email: 'oas-user-1@example.com' },
          { name: 'OpenAPI User 2', external_id: 'OAS-USER-2', email: 'oas-user-2@example.com' },
        ],
        { matchKey: ['external_id', 'email'] },
      );
      expect(users.map((result) => result.outcome)).toEqual(['created', 'created']);
      await zendesk.lookup!('organizations', 'external_id', ['OAS-ORG-1', 'OAS-ORG-404']);
      await zendesk.lookup!('users', 'email', ['oas-user-1@example.com']);
    } finally {
      sandbox.control.captureBodies(false);
      await zendesk.close();
    }
    const calls = sandbox.control.requests().filter((call) => call.metered);
    // Every call maps to a documented operation (none is left unchecked for want of one).
    expect(calls.filter((call) => !spec.operation(call.method, call.path)).map((call) => call.path)).toEqual([]);
    const problems = calls.flatMap((call) => spec.check(call));
    expect(problems).toEqual([]);
  });

  it('exports organizations and users since a watermark only in envelopes the OpenAPI allows', async () => {
    const connection = sandbox.connection('api_token');
    const zendesk = createZendeskConnector({
      connection: { id: 'zendesk-oas-incremental', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
    const since = new Date(sandbox.control.clock.now() - 3_600_000).toISOString();
    // Exports leave out the last minute's changes: let one pass on the sandbox clock.
    sandbox.control.clock.advance(61_000);
    sandbox.control.captureBodies(true);
    sandbox.control.clearRequests();
    try {
      for (const entity of ['organizations', 'users']) {
        let read = 0;
        for await (const page of zendesk.read(entity, { since })) read += page.records.length;
        expect(read).toBeGreaterThan(0);
      }
    } finally {
      sandbox.control.captureBodies(false);
      await zendesk.close();
    }
    const calls = sandbox.control.requests().filter((call) => call.metered);
    expect(new Set(calls.map((call) => spec.operation(call.method, call.path)?.template))).toEqual(
      new Set(['/api/v2/incremental/organizations', '/api/v2/incremental/users/cursor']),
    );
    expect(calls.flatMap((call) => spec.check(call))).toEqual([]);
  });
});
