import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cin7DefaultBaseUrl } from '../../shared/connectors/cin7.settings';
import type { EntityField } from '../../shared/domain/entity-schema';
import { createCin7Connector, type Cin7Connector } from '../../electron/backend/connectors/cin7/cin7.connector';
import { cin7Descriptor, type Cin7Entity } from '../../electron/backend/connectors/cin7/cin7.descriptor';
import { cin7ErrorsOf, cin7Instant, normaliseCin7Record } from '../../electron/backend/connectors/cin7/cin7-http';
import { cin7Schema } from '../../electron/backend/connectors/cin7/cin7.schema';
import type { JsonObject } from '../../electron/backend/connectors/framework/connector';
import { startCin7Sandbox, type Cin7Sandbox } from '../../sandbox/cin7/index';
import { readFixture, readJsonFixture } from '../support/paths';

type Json = Record<string, unknown>;
const fieldNames = (entity: Cin7Entity) => new Set(cin7Schema(entity).fields.map((field) => field.name));
const childNames = (entity: Cin7Entity, path: string[]) => {
  let fields: EntityField[] | undefined = cin7Schema(entity).fields;
  for (const name of path) fields = fields?.find((field) => field.name === name)?.children;
  return new Set((fields ?? []).map((field) => field.name));
};
const unknownKeys = (record: Json, known: Set<string>) => Object.keys(record).filter((key) => !known.has(key));

/** The OpenAPI file embeds the portal's examples as single-quoted strings written in Ruby: `nil`, trailing commas. */
function portalExample(text: string): Json {
  return JSON.parse(text.replace(/\bnil\b/g, 'null').replace(/,(\s*[}\]])/g, '$1')) as Json;
}

describe('Cin7 Core real payloads', () => {
  let sandbox: Cin7Sandbox;
  let connector: Cin7Connector;

  beforeAll(async () => {
    sandbox = await startCin7Sandbox({ rateLimit: null });
    const connection = sandbox.connection();
    connector = createCin7Connector({
      connection: { id: 'cin7-fixtures', settings: connection.settings, sandbox: true },
      secrets: connection.secrets,
    });
  });
  afterAll(async () => {
    await connector?.close();
    await sandbox?.close();
  });

  it('supplier_get_response.json: every field is in the static schema and the sandbox answers the same shape', async () => {
    const body = readJsonFixture<{ Total: number; Page: number; SupplierList: Json[] }>(
      'cin7',
      'supplier_get_response.json',
    );
    expect(cin7ErrorsOf(body)).toEqual([]);
    const supplier = body.SupplierList[0] as Json;
    expect(unknownKeys(supplier, fieldNames('Supplier'))).toEqual([]);
    expect(unknownKeys((supplier.Addresses as Json[])[0] as Json, childNames('Supplier', ['Addresses']))).toEqual([]);
    expect(unknownKeys((supplier.Contacts as Json[])[0] as Json, childNames('Supplier', ['Contacts']))).toEqual([]);
    expect(normaliseCin7Record(supplier, ['LastModifiedOn']).LastModifiedOn).toBe('2017-12-28T06:15:17.237Z');

    let first: JsonObject | undefined;
    for await (const page of connector.read('Supplier', { pageSize: 1 })) {
      first = page.records[0]?.raw as JsonObject;
      break;
    }
    expect(Object.keys(first ?? {}).sort()).toEqual(Object.keys(supplier).sort());
  });

  it('supplier_post_request.json: the request body is accepted as it stands and custom attributes persist', async () => {
    const request = readJsonFixture<JsonObject>('cin7', 'supplier_post_request.json');
    expect(unknownKeys(request, fieldNames('Supplier'))).toEqual([]);
    const [result] = await connector.write('Supplier', [request], { matchKey: ['ID', 'Name'] });
    expect(result?.outcome).toBe('created');
    expect(result?.match).toEqual({ by: 'none' });
    const saved = sandbox.inspect.supplier(String(result?.targetKey));
    expect(saved).toMatchObject({
      Name: 'Post Supplier test',
      AdditionalAttribute1: 'Black',
      AdditionalAttribute3: 'Test string',
      AttributeSet: 'Test set',
    });
    // Same name again: matched by name and updated, never duplicated.
    const [again] = await connector.write('Supplier', [{ ...request, AdditionalAttribute2: 'False' }], {
      matchKey: ['ID', 'Name'],
    });
    expect(again).toMatchObject({
      outcome: 'updated',
      targetKey: result?.targetKey,
      match: { by: 'name', value: 'Post Supplier test' },
    });
  });

  it.each(['empty-string', 'null'] as const)(
    'an unset AdditionalAttribute answered as %s reads as null, so a dry run of a null mapping sees no change',
    async (unsetAttributes) => {
      sandbox.control.setSwitches({ unsetAttributes });
      try {
        const name = `Unset attributes ${unsetAttributes}`;
        const request = readJsonFixture<JsonObject>('cin7', 'supplier_post_request.json');
        const unset = Object.fromEntries(
          Array.from({ length: 9 }, (_, slot) => [`AdditionalAttribute${slot + 2}`, null]),
        );
        const [result] = await connector.write('Supplier', [{ ...request, ...unset, Name: name }], {
          matchKey: ['ID', 'Name'],
        });
        expect(result?.outcome).toBe('created');
        // The wire form differs by switch (POST /supplier answers "" in the portal, the GET example null) …
        const answer = (await (
          await fetch(`${sandbox.connection().settings.baseUrl}/supplier?ID=${String(result?.targetKey)}`, {
            headers: {
              'api-auth-accountid': sandbox.connection().secrets.accountId,
              'api-auth-applicationkey': sandbox.connection().secrets.applicationKey,
            },
          })
        ).json()) as { SupplierList: Json[] };
        expect(answer.SupplierList[0]?.AdditionalAttribute2).toBe(unsetAttributes === 'null' ? null : '');
        // … but the connector reads both as null: a mapping that sends null for it is unchanged, not "updated" forever.
        const hits = await connector.lookup('Supplier', 'Name', [name]);
        const data = hits.get(name)?.data ?? {};
        expect(data.AdditionalAttribute1).toBe('Black');
        for (let index = 2; index <= 10; index += 1) expect(data[`AdditionalAttribute${index}`]).toBeNull();
      } finally {
        sandbox.control.setSwitches({ unsetAttributes: 'empty-string' });
      }
    },
  );

  it('supplier_post_response.json and supplier_put_response.json: shapes, fields and stamps with two fraction digits', () => {
    for (const file of ['supplier_post_response.json', 'supplier_put_response.json']) {
      const body = readJsonFixture<{ Total: number; SupplierList: Json[] }>('cin7', file);
      expect(body.Total).toBe(1);
      const supplier = body.SupplierList[0] as Json;
      expect(unknownKeys(supplier, fieldNames('Supplier'))).toEqual([]);
      expect(cin7Instant(supplier.LastModifiedOn)).toBe('2018-02-02T03:37:30.390Z');
    }
    const put = readJsonFixture<{ SupplierList: Json[] }>('cin7', 'supplier_put_response.json').SupplierList[0] as Json;
    // PUT answers carry the child records' own IDs; the write path ignores them.
    expect(((put.Addresses as Json[])[0] as Json).SupplierID).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('purchase_post_request.json + purchase_order_post_request.json: header then lines, as one purchase write', async () => {
    const header = readJsonFixture<JsonObject>('cin7', 'purchase_post_request.json');
    const order = readJsonFixture<JsonObject>('cin7', 'purchase_order_post_request.json');
    expect(unknownKeys(header, fieldNames('Purchase'))).toEqual([]);
    expect(unknownKeys((order.Lines as Json[])[0] as Json, childNames('Purchase', ['Order', 'Lines']))).toEqual([]);
    const supplier = sandbox.inspect.suppliers()[0] as Json;
    const record: JsonObject = {
      ...header,
      SupplierID: String(supplier.ID),
      Supplier: String(supplier.Name),
      Order: { Status: order.Status as string, Lines: order.Lines as JsonObject[] },
    };
    const [result] = await connector.write('Purchase', [record], { matchKey: ['ID'] });
    expect(result).toMatchObject({ outcome: 'created', match: { by: 'none' } });
    const saved = sandbox.inspect.purchases().find((purchase) => purchase.ID === result?.targetKey) as Json;
    expect(saved).toMatchObject({ Approach: 'INVOICE', Status: 'ORDERING', Location: 'Main Warehouse' });
    expect((saved.Order as Json).Status).toBe('AUTHORISED');
    expect((saved.Order as Json).Lines).toHaveLength(2);
    // Authorised orders are closed: a second line write is refused with Cin7's own text, the header ID kept for the audit.
    const [again] = await connector.write('Purchase', [{ ...record, ID: String(result?.targetKey) }], {
      matchKey: ['ID'],
    });
    expect(again).toMatchObject({ outcome: 'failed', targetKey: result?.targetKey, error: { code: '400' } });
    expect(again?.error?.message).toMatch(/cannot be changed/);
  });

  it('purchase_post_response.json: the sandbox answers POST /purchase with the same keys; stamps with and without Z', async () => {
    const fixture = readJsonFixture<Json>('cin7', 'purchase_post_response.json');
    expect(fixture.Invoice as Json).toHaveProperty('InvocieNumber');
    expect(normaliseCin7Record(fixture, ['LastUpdatedDate', 'OrderDate'])).toMatchObject({
      LastUpdatedDate: '2017-12-08T10:14:18.450Z',
      OrderDate: '2017-12-08T00:00:00.000Z',
    });
    const created = sandbox.inspect.purchases()[0] as Json;
    expect(Object.keys(created).sort()).toEqual(Object.keys(fixture).sort());
    expect(Object.keys(created.Invoice as Json).sort()).toEqual(Object.keys(fixture.Invoice as Json).sort());
  });

  describe('dear-openapi_dear-inventory-apikey-ruby.yaml', () => {
    const spec = parseYaml(readFixture('cin7', 'dear-openapi_dear-inventory-apikey-ruby.yaml')) as {
      servers: Array<{ url: string }>;
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: Array<{ $ref?: string }>;
            responses?: Record<string, { content?: Record<string, { example?: string }> }>;
          }
        >
      >;
      components: {
        securitySchemes: Record<string, { in: string; name: string }>;
        schemas: Record<string, { properties: Json; required?: string[] }>;
        parameters: Record<string, { name: string }>;
      };
    };

    it('agrees with the descriptor on base URL, auth headers, paging parameters and endpoints', () => {
      expect(spec.servers[0]?.url).toBe(cin7DefaultBaseUrl);
      const headers = Object.values(spec.components.securitySchemes).map(
        (scheme) => scheme.in === 'header' && scheme.name,
      );
      expect(cin7Descriptor.auth.kind === 'static-headers' && Object.keys(cin7Descriptor.auth.headers).sort()).toEqual(
        headers.sort(),
      );
      const customerGet = spec.paths['/customer']?.get;
      const parameterNames = (customerGet?.parameters ?? []).map(
        (parameter) => spec.components.parameters[String(parameter.$ref).split('/').pop() as string]?.name,
      );
      const read = cin7Descriptor.entities.Customer?.read;
      expect(parameterNames).toEqual(
        expect.arrayContaining([
          'Page',
          read?.pagination.pageSizeParam,
          read?.modifiedSince?.template,
          'Name',
          'ID',
          'IncludeDeprecated',
        ]),
      );
      for (const entity of ['Customer', 'Account'] as const)
        expect(Object.keys(spec.paths)).toContain(cin7Descriptor.entities[entity]?.read?.endpoint);
      expect(spec.paths['/me']?.get).toBeDefined();
      expect(Object.keys(spec.components.schemas.Error?.properties ?? {})).toEqual(['ErrorCode', 'Exception']);
    });

    it('Customer and Account models match the static schemas, required fields included', () => {
      for (const [model, entity] of [
        ['Customer', 'Customer'],
        ['Account', 'Account'],
      ] as const) {
        const schema = spec.components.schemas[model];
        expect(unknownKeys(schema?.properties ?? {}, fieldNames(entity))).toEqual([]);
        const requiredOnCreate = cin7Schema(entity)
          .fields.filter((field) => field.required.onCreate)
          .map((field) => field.name);
        expect(requiredOnCreate.sort()).toEqual([...(schema?.required ?? [])].sort());
      }
      const customer = spec.components.schemas.Customer?.properties ?? {};
      for (let index = 1; index <= 10; index += 1) expect(customer).toHaveProperty(`AdditionalAttribute${index}`);
    });

    it('the embedded portal examples for customers, accounts and /me parse and normalise', () => {
      const example = (path: string) =>
        spec.paths[path]?.get?.responses?.['200']?.content?.['application/json']?.example as string;
      const customers = portalExample(example('/customer'));
      const list = customers.CustomerList as Json[];
      expect(list.length).toBe(customers.Total);
      for (const customer of list) {
        expect(unknownKeys(customer, fieldNames('Customer'))).toEqual([]);
        expect(normaliseCin7Record(customer, ['LastModifiedOn']).LastModifiedOn).toMatch(
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
        );
      }
      const accounts = portalExample(example('/ref/account')).AccountsList as Json[];
      expect(accounts.length).toBeGreaterThan(0);
      for (const account of accounts) expect(unknownKeys(account, fieldNames('Account'))).toEqual([]);
      expect(portalExample(example('/me'))).toHaveProperty('Company');
    });
  });
});
