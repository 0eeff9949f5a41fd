import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zohoDescriptor } from '../../electron/backend/connectors/zoho/zoho.descriptor';
import { describeZohoError } from '../../electron/backend/connectors/zoho/zoho.hooks';
import { zohoField, type ZohoFieldMetadata } from '../../electron/backend/connectors/zoho/zoho.schema';
import { fieldMetadata, zohoModules } from '../../sandbox/zoho/zoho-modules';
import { entityFieldSchema } from '../../shared/domain/entity-schema';
import { fixturePath, readJsonFixture } from '../support/paths';

/** Zoho's official OpenAPI (v8) files: each is parsed, and what the connector and sandbox rely on is checked against them. */
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: Array<{ $ref?: string }> }>>;
  components: {
    schemas: Record<string, { properties?: Record<string, { enum?: string[] }>; type?: string }>;
    parameters?: Record<string, { name: string }>;
  };
}

const oas = (file: string) => readJsonFixture<OpenApi>('zoho', 'oas', file);

describe('Zoho OpenAPI fixtures', () => {
  const files = fs.readdirSync(fixturePath('zoho', 'oas')).filter((file) => file.endsWith('.json'));

  it.each(files)('%s parses as OpenAPI 3 with paths', (file) => {
    const spec = oas(file);
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths).length).toBeGreaterThan(0);
  });

  it('record.json has every record endpoint the connector calls, with the parameters it sends', () => {
    const spec = oas('record.json');
    for (const [module, entity] of Object.entries(zohoDescriptor.entities)) {
      expect(entity.read?.endpoint).toBe(`/${module}`);
      if (entity.write.mode !== 'read-only') expect(entity.write.endpoint).toBe(`/${module}/upsert`);
    }
    expect(spec.paths['/crm/v8/{module_api_name}']?.get).toBeDefined();
    expect(spec.paths['/crm/v8/{module_api_name}/upsert']?.post).toBeDefined();
    expect(spec.paths['/crm/v8/{module_api_name}/search']?.get).toBeDefined();
    const listParameters = (spec.paths['/crm/v8/{module_api_name}']!.get!.parameters ?? []).map(
      (parameter) => spec.components.parameters?.[parameter.$ref!.split('/').pop()!]?.name,
    );
    for (const name of ['fields', 'per_page', 'page_token', 'sort_by', 'sort_order', 'If-Modified-Since', 'ids'])
      expect(listParameters).toContain(name);
    const body = spec.components.schemas.Body_Wrapper!.properties!;
    for (const key of ['data', 'duplicate_check_fields', 'trigger']) expect(body).toHaveProperty(key);
  });

  it('record.json documents every code and key the sandbox answers with', () => {
    const spec = oas('record.json');
    const codes = spec.components.schemas.API_Exception!.properties!.code!.enum!;
    for (const code of [
      'MANDATORY_NOT_FOUND',
      'INVALID_DATA',
      'DUPLICATE_DATA',
      'LIMIT_EXCEEDED',
      'LIMIT_REACHED',
      'INVALID_TOKEN',
      'INVALID_MODULE',
      'REQUIRED_PARAM_MISSING',
      'INVALID_QUERY',
    ]) {
      expect(codes).toContain(code);
    }
    const success = spec.components.schemas.Success_Response!.properties!;
    for (const key of ['status', 'code', 'duplicate_field', 'action', 'message', 'details'])
      expect(success).toHaveProperty(key);
    expect(success.message!.enum).toEqual(expect.arrayContaining(['record added', 'record updated']));
    const info = Object.keys(spec.components.schemas.Info!.properties!);
    for (const key of [
      'per_page',
      'count',
      'page',
      'more_records',
      'next_page_token',
      'page_token_expiry',
      'sort_by',
      'sort_order',
    ])
      expect(info).toContain(key);
  });

  it('fields.json covers every key of the sandbox field metadata, and the schema mapper reads them', () => {
    const spec = oas('fields.json');
    const documented = Object.keys(spec.components.schemas.fields!.properties!);
    for (const module of zohoModules) {
      module.fields.forEach((field, index) => {
        const metadata = fieldMetadata(module, field, index);
        for (const key of Object.keys(metadata))
          expect(documented, `${module.api}.${field.api}: ${key}`).toContain(key);
        const normalised = zohoField(metadata as unknown as ZohoFieldMetadata);
        expect(() => entityFieldSchema.parse(normalised)).not.toThrow();
        expect(normalised.required.onCreate).toBe(field.mandatory === true && field.readOnly !== true);
        expect(normalised.externalId).toBe(field.external === true);
      });
    }
    expect(spec.paths['/crm/v8/settings/fields']?.get).toBeDefined();
    const picklist = Object.keys(spec.components.schemas.pick_list_values!.properties!);
    expect(picklist).toEqual(expect.arrayContaining(['display_value', 'actual_value', 'type']));
  });

  it('common.json error shapes are what the connector turns into per-record messages', () => {
    const spec = oas('common.json');
    const maxLength = Object.keys(spec.components.schemas.MaxLengthDetails!.properties!);
    const invalidType = Object.keys(spec.components.schemas.InvalidTypeDetails!.properties!);
    const supported = Object.keys(spec.components.schemas.SupportedValueDetails!.properties!);
    expect(maxLength).toContain('maximum_length');
    expect(invalidType).toContain('expected_data_type');
    expect(supported).toContain('supported_values');
    const sample = (detail: string, value: unknown) =>
      describeZohoError({
        code: 'INVALID_DATA',
        message: 'invalid data',
        status: 'error',
        details: { [detail]: value, api_name: 'Phone', json_path: '$.data[0].Phone' },
      });
    expect(sample('expected_data_type', 'phone')).toEqual({
      code: 'INVALID_DATA',
      message: 'invalid data (Phone: expected phone)',
      field: 'Phone',
    });
    expect(sample('maximum_length', 30).message).toBe('invalid data (Phone: at most 30 characters)');
    expect(sample('supported_values', ['A', 'B']).message).toBe('invalid data (Phone: allowed A, B)');
  });

  it('notifications.json matches the watch calls and callback fields', () => {
    const spec = oas('notifications.json');
    const methods = Object.keys(spec.paths['/crm/v8/actions/watch']!);
    expect(methods).toEqual(expect.arrayContaining(['get', 'post', 'patch', 'delete']));
    const notification = Object.keys(spec.components.schemas.Notification!.properties!);
    for (const key of ['channel_id', 'events', 'token', 'notify_url', 'channel_expiry'])
      expect(notification).toContain(key);
    expect(spec.components.schemas.Success_Response!.properties!.message!.enum).toEqual(
      expect.arrayContaining([
        'Successfully subscribed for actions-watch of the given module',
        'Successfully updated the subscribe details',
        'Successfully un-subscribed from actions-watch',
      ]),
    );
  });

  it('modules.json, coql.json, composite_requests.json and bulk_write.json describe the endpoints the sandbox or later work relies on', () => {
    expect(oas('modules.json').paths['/crm/v8/settings/modules']?.get).toBeDefined();
    expect(oas('coql.json').paths['/crm/v8/coql']?.post).toBeDefined();
    expect(oas('composite_requests.json').paths['/crm/v8/__composite_requests']?.post).toBeDefined();
    expect(oas('bulk_write.json').paths['/crm/bulk/v8/write']?.post).toBeDefined();
  });
});
