import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  createZendeskConnector,
  type ZendeskConnector,
} from '../../electron/backend/connectors/zendesk/zendesk.connector';
import { zendeskDescriptors } from '../../electron/backend/connectors/zendesk/zendesk.descriptor';
import { zendeskError } from '../../electron/backend/connectors/zendesk/zendesk-http';
import { zendeskSchema } from '../../electron/backend/connectors/zendesk/zendesk.schema';
import { mapJobResults, type JobResult } from '../../electron/backend/connectors/zendesk/zendesk-write';
import { startZendeskSandbox, type ZendeskSandbox } from '../../sandbox/zendesk/index';
import { fixturePath, readFixture, readJsonFixture } from '../support/paths';

type Operation = { description?: string; responses?: Record<string, unknown> };
type Spec = { paths: Record<string, Record<string, Operation>> };
const spec = (file: string) => parseYaml(readFixture('zendesk', 'oas_fragments', file)) as Spec;
const descriptor = zendeskDescriptors.api_token;

describe('Zendesk Support real payloads', () => {
  let sandbox: ZendeskSandbox;
  let connector: ZendeskConnector;

  beforeAll(async () => {
    sandbox = await startZendeskSandbox();
    const connection = sandbox.connection();
    connector = createZendeskConnector({
      connection: { id: 'zendesk-fixtures', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
  });
  afterAll(async () => {
    await connector?.close();
    await sandbox?.close();
  });

  it('create_or_update_many_users_real_job_results.json: results map back to input order with Zendesk’s own text', () => {
    const { job_status } = readJsonFixture<{ job_status: { results: JobResult[] } }>(
      'zendesk',
      'create_or_update_many_users_real_job_results.json',
    );
    const records = [
      { email: 'success_created@example.com', name: 'A' },
      { email: 'success_modified@example.com', name: 'B' },
      { email: 'error@example.com_', name: 'C' },
    ];
    const results = mapJobResults(records, job_status.results, 'fixture');
    expect(results.map((result) => result.outcome)).toEqual(['created', 'updated', 'failed']);
    expect(results[0]?.targetKey).toBe('1900233268488');
    expect(results[1]).toMatchObject({
      targetKey: '902860577023',
      match: { by: 'email', value: 'success_modified@example.com' },
    });
    expect(results[2]?.error).toEqual({
      code: 'UserUpdateError',
      message: 'Name: Email: error@example.com_ is not properly formatted',
    });
  });

  it('the sandbox reports an invalid e-mail in the same words as the real job result', async () => {
    const [result] = await connector.write('users', [{ name: 'C', email: 'error@example.com_' }], {
      matchKey: ['email'],
    });
    expect(result?.error?.message).toBe('Name: Email: error@example.com_ is not properly formatted');
  });

  it('error_record_invalid_422.json: code, text and field come from the body; the sandbox answers the same shape', async () => {
    const body = readJsonFixture<Record<string, unknown>>('zendesk', 'error_record_invalid_422.json');
    expect(zendeskError({ status: 422, data: body, text: JSON.stringify(body) })).toEqual({
      code: 'RecordInvalid',
      message: 'Assignee cannot be set while the ticket is being routed',
      field: 'assignee_id',
    });
    // Tickets are still written one call each, so a 422 reaches the connector as this body.
    const [ticket] = await connector.write(
      'tickets',
      [{ subject: 'Invoice', comment: { body: 'From Infor' }, status: 'bogus', external_id: 'FIXTURE-422' }],
      { matchKey: ['external_id'] },
    );
    expect(ticket).toMatchObject({
      outcome: 'failed',
      error: { code: 'RecordInvalid', message: 'Status: bogus is not valid', field: 'status' },
    });
    // Organizations go in create_many jobs: a taken name fails that record with the same words (no field there).
    const taken = String(sandbox.inspect.organizations()[0]?.name);
    const [result] = await connector.write('organizations', [{ name: taken, external_id: 'FIXTURE-DUP' }], {
      matchKey: ['external_id'],
    });
    expect(result).toMatchObject({
      outcome: 'failed',
      error: { code: 'RecordInvalid', message: 'Name: has already been taken' },
    });
  });

  it('every OpenAPI fragment parses', () => {
    const files = fs.readdirSync(fixturePath('zendesk', 'oas_fragments'));
    expect(files.length).toBe(7);
    for (const file of files) expect(Object.keys(spec(file).paths).length).toBeGreaterThan(0);
  });

  it('the descriptor’s endpoints exist with the methods the connector uses', () => {
    const organizations = spec('organizations-openapi-original.yml').paths;
    const users = spec('users-openapi-original.yml').paths;
    const jobs = spec('job-statuses-openapi-original.yml').paths;
    for (const [paths, entity] of [
      [organizations, 'organizations'],
      [users, 'users'],
    ] as const) {
      expect(paths[`/api/v2${descriptor.entities[entity]?.read?.endpoint}`]?.get).toBeDefined();
      const write = descriptor.entities[entity]?.write;
      expect(write && write.mode !== 'read-only' && paths[`/api/v2${write.endpoint}`]?.post).toBeDefined();
      expect(paths[`/api/v2/${entity}/show_many`]?.get).toBeDefined();
      expect(paths[`/api/v2/${entity}/search`]?.get).toBeDefined();
    }
    expect(jobs['/api/v2/job_statuses/{job_status_id}']?.get).toBeDefined();
    expect(spec('oauth-openapi-original.yml').paths['/oauth/tokens']?.post).toBeDefined();
    for (const [file, path] of [
      ['organization-fields-openapi-original.yml', 'organization_fields'],
      ['user-fields-openapi-original.yml', 'user_fields'],
      ['ticket-fields-openapi-original.yml', 'ticket_fields'],
    ]) {
      expect(spec(file as string).paths[`/api/v2/${path}`]?.get).toBeDefined();
    }
  });

  it('the documented semantics match the descriptor: 100 users a job, 403 without bulk import, org upsert never by name, 200/201', () => {
    const many = spec('users-openapi-original.yml').paths['/api/v2/users/create_or_update_many']?.post;
    expect(many?.description).toMatch(/up to 100 user objects/);
    expect(many?.description).toMatch(/403 Forbidden/);
    const write = descriptor.entities.users?.write;
    expect(write?.mode !== 'read-only' && write?.maxBatch).toBe(100);
    const upsert = spec('organizations-openapi-original.yml').paths['/api/v2/organizations/create_or_update']?.post;
    expect(upsert?.description).toMatch(/Name is\s+not available as a matching criteria/);
    const orgWrite = descriptor.entities.organizations?.write;
    expect(orgWrite && orgWrite.mode !== 'read-only' ? orgWrite.matchKeys : []).not.toContain('name');
    expect(Object.keys(upsert?.responses ?? {}).sort()).toEqual(['200', '201']);
    expect(spec('oauth-openapi-original.yml').paths['/oauth/tokens']?.post?.description).toMatch(
      /"refresh_token", or\s+"client_credentials"/,
    );
  });

  it('every custom field type the fragments document maps to an EntitySchema type', () => {
    const documented =
      spec('organization-fields-openapi-original.yml').paths['/api/v2/organization_fields']?.post?.description ?? '';
    const types = [...documented.matchAll(/^\* (\w+)/gm)].map((match) => match[1] as string);
    expect(types).toEqual(
      expect.arrayContaining([
        'text',
        'textarea',
        'checkbox',
        'date',
        'integer',
        'decimal',
        'regexp',
        'dropdown',
        'lookup',
        'multiselect',
      ]),
    );
    const schema = zendeskSchema(
      'organizations',
      types.map((type, index) => ({ id: index, key: `f_${type}`, type, title: type })),
    );
    const custom = schema.fields.find((field) => field.name === 'organization_fields')?.children ?? [];
    expect(Object.fromEntries(custom.map((field) => [field.nativeType, field.type]))).toMatchObject({
      checkbox: 'boolean',
      date: 'date',
      decimal: 'number',
      integer: 'integer',
      dropdown: 'picklist',
      lookup: 'reference',
      multiselect: 'array',
      text: 'string',
      textarea: 'string',
      regexp: 'string',
    });
  });
});
