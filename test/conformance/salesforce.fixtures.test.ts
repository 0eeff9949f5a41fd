import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { salesforceDescriptor } from '../../electron/backend/connectors/salesforce/salesforce.descriptor';
import {
  mapSaveResults,
  salesforceErrorCode,
  type SaveResult,
} from '../../electron/backend/connectors/salesforce/salesforce.hooks';
import {
  salesforceEntitySchema,
  type SalesforceDescribeField,
} from '../../electron/backend/connectors/salesforce/salesforce.schema';
import { finishSchema } from '../../electron/backend/connectors/framework/schema-cache';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../sandbox/salesforce/index';
import { fixturePath, readFixture, readJsonFixture } from '../support/paths';

interface Interaction {
  request: { method: string; uri: string; body: string | null };
  response: { status: { code: number }; body: { string: string } };
}

/** VCR cassettes keep HTTP bodies as strings: parse the YAML, then the JSON inside. */
const cassette = (file: string) =>
  parse(readFixture('salesforce', file)) as {
    interactions?: Array<Interaction | { include_file: string }>;
  } & Partial<Interaction>;
const bodyOf = (file: string) => JSON.parse(cassette(file).response!.body.string) as Record<string, unknown>;

describe('Salesforce fixtures', () => {
  let sandbox: SalesforceSandbox;
  beforeAll(async () => {
    sandbox = await startSalesforceSandbox({ seedAccounts: 3 });
  });
  afterAll(() => sandbox.close());

  it('covers every file in the fixture folder', () => {
    const files = fs.readdirSync(fixturePath('salesforce')).sort();
    expect(files).toHaveLength(11);
  });

  it('client_credentials_token_response.json: the sandbox answers with the same keys, no expires_in, no refresh token', async () => {
    const fixture = readJsonFixture<Record<string, string>>('salesforce', 'client_credentials_token_response.json');
    const connection = sandbox.connection();
    const response = await fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: connection.settings.clientId,
        client_secret: connection.secrets.client_secret,
      }).toString(),
    });
    const answer = (await response.json()) as Record<string, string>;
    expect(Object.keys(answer).sort()).toEqual(Object.keys(fixture).sort());
    expect(fixture).not.toHaveProperty('expires_in');
    expect(fixture.token_type).toBe(answer.token_type);
    expect(answer.issued_at).toMatch(/^\d{13}$/);
  });

  it('error_invalid_session_401.json and error_request_limit_exceeded_403.json: codes the descriptor acts on, bodies the sandbox sends', async () => {
    const session = readFixture('salesforce', 'error_invalid_session_401.json');
    const limit = readFixture('salesforce', 'error_request_limit_exceeded_403.json');
    expect(salesforceErrorCode({ text: session })).toBe('INVALID_SESSION_ID');
    expect(salesforceDescriptor.errors.authFailureCodes).toContain('INVALID_SESSION_ID');
    expect(salesforceErrorCode({ text: limit })).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(salesforceDescriptor.errors.quotaCodes).toContain('REQUEST_LIMIT_EXCEEDED');
    expect(salesforceDescriptor.errors.retryableStatuses).not.toContain(403);
    const unauthorised = await fetch(`${sandbox.url}/services/data/v65.0/limits`, {
      headers: { authorization: 'Bearer expired' },
    });
    expect(unauthorised.status).toBe(401);
    expect(await unauthorised.json()).toEqual(JSON.parse(session));
  });

  it('sobject_collections_*.json: SaveResults map to per-record outcomes in request order', () => {
    const rolledBack = mapSaveResults(
      readJsonFixture<SaveResult[]>('salesforce', 'sobject_collections_create_allOrNone_error_response.json'),
      'Id',
    );
    expect(rolledBack.map((result) => result.error?.code)).toEqual([
      'DUPLICATES_DETECTED',
      'ALL_OR_NONE_OPERATION_ROLLED_BACK',
    ]);
    expect(rolledBack[0]!.error!.message).toBe('Use one of these records?');
    const updated = mapSaveResults(
      readJsonFixture<SaveResult[]>('salesforce', 'sobject_collections_update_response.json'),
      'Id',
    );
    expect(updated).toEqual([
      { outcome: 'updated', targetKey: '001xx000003DGb2AAG', match: { by: 'id' } },
      { outcome: 'updated', targetKey: '003xx000004TmiQAAS', match: { by: 'id' } },
    ]);
  });

  it.each(['Account', 'Contact'])(
    'describe_%s_cassette.yaml: describe becomes a valid EntitySchema; the sandbox uses the same field keys',
    async (object) => {
      const describe = bodyOf(`describe_${object}_cassette.yaml`) as {
        name: string;
        label: string;
        fields: SalesforceDescribeField[];
      };
      const schema = finishSchema(salesforceEntitySchema(object, describe.label, describe.fields));
      const byName = new Map(schema.fields.map((field) => [field.name, field]));
      expect(byName.get('Id')).toMatchObject({ readOnly: true, required: { onCreate: false } });
      expect(byName.get(object === 'Account' ? 'Name' : 'LastName')).toMatchObject({
        required: { onCreate: true },
        type: 'string',
      });
      expect(byName.get('OwnerId')!.required.onCreate).toBe(false);
      if (object === 'Account')
        expect(byName.get('Type')!.picklist!.map((value) => value.value)).toContain('Customer - Direct');
      const realKeys = new Set(Object.keys(describe.fields[0]!));
      const connection = sandbox.connection();
      const token = (await (
        await fetch(`${sandbox.url}/services/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: connection.settings.clientId,
            client_secret: connection.secrets.client_secret,
          }).toString(),
        })
      ).json()) as { access_token: string };
      const simulated = (await (
        await fetch(`${sandbox.url}/services/data/v65.0/sobjects/${object}/describe`, {
          headers: { authorization: `Bearer ${token.access_token}` },
        })
      ).json()) as { fields: Array<Record<string, unknown>> };
      for (const key of Object.keys(simulated.fields[0]!)) expect(realKeys, key).toContain(key);
    },
  );

  it('describe_Global_cassette.yaml: maxBatchSize is the Collections batch the descriptor uses', () => {
    const global = bodyOf('describe_Global_cassette.yaml') as {
      maxBatchSize: number;
      sobjects: Array<{ name: string }>;
    };
    const write = salesforceDescriptor.entities.Account!.write;
    expect(write.mode !== 'read-only' && write.maxBatch).toBe(global.maxBatchSize);
    expect(global.sobjects.map((object) => object.name)).toEqual(expect.arrayContaining(['Account', 'Contact']));
  });

  it('cassette_TestUpsert…yaml: Collections upserts go to /composite/sobjects/{Obj}/{field} and every SaveResult maps', () => {
    const recorded = (
      cassette('cassette_TestUpsert.test_upsert_complex_external_id_field_rest__duplicate_error.yaml').interactions ??
      []
    ).filter(
      (interaction): interaction is Interaction => 'request' in interaction && interaction.request.method === 'PATCH',
    );
    expect(recorded.length).toBeGreaterThan(0);
    for (const interaction of recorded) {
      expect(new URL(interaction.request.uri).pathname).toMatch(/\/composite\/sobjects\/(Account|Contact)\/Id$/);
      const request = JSON.parse(interaction.request.body!) as {
        allOrNone: boolean;
        records: Array<{ attributes: { type: string } }>;
      };
      const results = mapSaveResults(JSON.parse(interaction.response.body.string) as SaveResult[], 'Id');
      expect(results).toHaveLength(request.records.length);
      for (const result of results) expect(['created', 'updated', 'failed']).toContain(result.outcome);
    }
  });

  it.each([
    ['cassette_TestCompositeParallelSalesforce.test_errors.yaml', 'NOT_FOUND'],
    ['cassette_TestCountSObjects.test_count_sobjects__errors.yaml', 'INVALID_TYPE'],
  ])('%s: composite sub-response errors read as %s', (file, code) => {
    const interaction = cassette(file).interactions![0] as Interaction;
    const body = JSON.parse(interaction.response.body.string) as {
      compositeResponse: Array<{ httpStatusCode: number; body: unknown }>;
    };
    const failed = body.compositeResponse.find((item) => item.httpStatusCode >= 400)!;
    expect(salesforceErrorCode({ text: JSON.stringify(failed.body) })).toBe(code);
  });
});
