import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { entitySchemaSchema } from '../../shared/domain/entity-schema';
import { finishSchema } from '../../electron/backend/connectors/framework/schema-cache';
import { flattenIdoItems, idoCheck, normalizeIdo } from '../../electron/backend/connectors/infor/csi-reader';
import { tokenClaims } from '../../electron/backend/connectors/infor/infor-auth';
import { csiSchemaFrom } from '../../electron/backend/connectors/infor/infor-schema';
import { ionApiSecrets, parseIonApi } from '../../electron/backend/connectors/infor/ionapi';
import { m3ErrorOf, m3Rows } from '../../electron/backend/connectors/infor/m3-api';
import { readFixture, readJsonFixture } from '../support/paths';

/** Every Infor payload and `.ionapi` file in ../shared/fixtures/infor goes through the connector's parsers. */
describe('Infor fixtures', () => {
  it('ionapi_backend_placeholder_cjrentier_README.ionapi: a Backend Service file', () => {
    const parsed = parseIonApi(readFixture('infor', 'ionapi_backend_placeholder_cjrentier_README.ionapi'));
    expect(parsed.kind).toBe('backend-service');
    expect(parsed.tokenUrl).toBe('https://mingle-sso.inforcloudsuite.com:443/<your Tenant>/as/token.oauth2');
    expect(parsed.revokeUrl).toBe('https://mingle-sso.inforcloudsuite.com:443/<your Tenant>/as/revoke_token.oauth2');
    expect(parsed.hosts).toEqual(['mingle-ionapi.inforcloudsuite.com', 'mingle-sso.inforcloudsuite.com']);
    expect(parsed.sandbox).toBe(false);
    expect(Object.keys(ionApiSecrets(parsed)).sort()).toEqual([
      'client_secret',
      'service_account_key',
      'service_account_secret',
    ]);
  });

  it('the same app as an LN 2025+ client-credentials file (cn, ci, cs, pu, ot only) and with stray slashes', () => {
    const file = JSON.parse(
      readFixture('infor', 'ionapi_backend_placeholder_cjrentier_README.ionapi').replace(/^\uFEFF/, ''),
    ) as Record<string, string>;
    const lean = { cn: file.cn, ci: file.ci, cs: file.cs, pu: file.pu, ot: file.ot };
    const parsed = parseIonApi(JSON.stringify(lean));
    expect(parsed).toMatchObject({
      kind: 'client-credentials',
      tokenUrl: 'https://mingle-sso.inforcloudsuite.com:443/<your Tenant>/as/token.oauth2',
      derived: ['ti', 'iu'],
    });
    // The tenant is the client id's prefix; the gateway sits beside the authorization server.
    expect(parsed.file.ti).toBe('<your Tenant or Infor OS farm>');
    expect(parsed.file.iu).toBe(file.iu);
    expect(Object.keys(ionApiSecrets(parsed))).toEqual(['client_secret']);
    const slashed = parseIonApi(
      JSON.stringify({ ...file, iu: `${file.iu}/`, pu: file.pu!.replace(/\/$/, ''), ot: `/${file.ot}` }),
    );
    expect([slashed.file.iu, slashed.file.pu, slashed.tokenUrl]).toEqual([file.iu, file.pu, `${file.pu}${file.ot}`]);
  });

  it('the same file with a BOM and wrapped in InforConnection', () => {
    const text = readFixture('infor', 'ionapi_backend_placeholder_cjrentier_README.ionapi');
    expect(parseIonApi('\uFEFF' + text).file.ti).toBe('<your Tenant>');
    expect(parseIonApi(`{"InforConnection":${text}}`).kind).toBe('backend-service');
  });

  it('postman_environment-Template_cjrentier.json: placeholders are refused key by key, secrets never echoed', () => {
    const env = readJsonFixture<{ values: Array<{ key: string; value: string }> }>(
      'infor',
      'postman_environment-Template_cjrentier.json',
    );
    const file = Object.fromEntries(env.values.filter((v) => v.key !== 'tenant').map((v) => [v.key, v.value]));
    file.ti = env.values.find((v) => v.key === 'tenant')!.value;
    let error: AppError | undefined;
    try {
      parseIonApi(JSON.stringify(file), 'template.ionapi');
    } catch (caught) {
      error = caught as AppError;
    }
    expect(error?.code).toBe('E_IONAPI_INVALID_KEY');
    expect(error?.message).toMatch(/"iu"/);
    expect(error?.message).toMatch(/"pu"/);
    expect(error?.message).not.toContain(String(file.cs));
  });

  it('ion_access_token_jwt_claims_shape_redacted.json: claims are read from a JWS payload', () => {
    const shape = readJsonFixture<{ header: object; payload: Record<string, unknown> }>(
      'infor',
      'ion_access_token_jwt_claims_shape_redacted.json',
    );
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = tokenClaims(`${encode(shape.header)}.${encode(shape.payload)}.signature`);
    expect(claims.Tenant).toBe('<TENANT>_DEM');
    expect(Number(claims.exp) - Number(claims.iat)).toBe(7200);
  });

  it('m3_v1_TST001MI_Lst10Out_OK.json: rows as name/value maps, no error', () => {
    const body = readJsonFixture('infor', 'm3_v1_TST001MI_Lst10Out_OK.json');
    expect(m3ErrorOf(200, body, 'TST001MI', 'Lst10Out')).toBeUndefined();
    const rows = m3Rows(body);
    expect(rows).toHaveLength(5);
    expect(rows[0]!.F001).toBe('00000001');
  });

  it('m3_v1_TST001MI_Lst10Out_NOK.json: a whole-body NOK in HTTP 200, trimmed', () => {
    const error = m3ErrorOf(200, readJsonFixture('infor', 'm3_v1_TST001MI_Lst10Out_NOK.json'), 'TST001MI', 'Lst10Out');
    expect(error?.code).toBe('E_REMOTE');
    expect(error?.message).toBe('M3 TST001MI/Lst10Out failed: Designed to fail!');
    expect(error?.details).toMatchObject({ code: 'CPF9898', field: 'RETT', type: 'ServerReturnedNOK' });
  });

  it('m3_v1_TST001MI_Lst10Out_NOK_AFTER_5.json: an error after 5 rows is an error, not a short list', () => {
    const error = m3ErrorOf(
      200,
      readJsonFixture('infor', 'm3_v1_TST001MI_Lst10Out_NOK_AFTER_5.json'),
      'TST001MI',
      'Lst10Out',
    );
    expect(error?.message).toMatch(/after 5 rows/);
    expect(error?.details).toMatchObject({ rowsBeforeError: 5 });
  });

  it('m3_v2_CRS949MI_LstPartnerMedia_response_redacted.json: v2 rows, wasTerminated as a string', () => {
    const body = readJsonFixture('infor', 'm3_v2_CRS949MI_LstPartnerMedia_response_redacted.json');
    expect(m3ErrorOf(200, body, 'CRS949MI', 'LstPartnerMedia')).toBeUndefined();
    const rows = m3Rows(body);
    expect(rows).toHaveLength(1);
    expect(rows[0]!['1UDT']).toBe('');
    expect(m3ErrorOf(200, { ...(body as object), wasTerminated: 'true' }, 'CRS949MI', 'LstPartnerMedia')?.code).toBe(
      'E_REMOTE',
    );
  });

  it('mongoose_v1_adv_LoadCollection_bookmark_example.json: v1 name/value items', () => {
    const body = readJsonFixture<{ Items: unknown[] }>('infor', 'mongoose_v1_adv_LoadCollection_bookmark_example.json');
    idoCheck(body, 'load UserNames');
    const records = flattenIdoItems(body.Items).map((item) =>
      normalizeIdo({ keys: ['UserId'], stamp: 'RecordDate' }, item),
    );
    expect(records.map((record) => record.key)).toEqual(['1', '2']);
    expect(records[1]!.data.UserDesc).toBeNull();
    expect(records[0]!.data._ItemId).toBeUndefined();
    // Every field: the name/value pairs become the record, `_ItemId` (the lock token) stays in raw only.
    const items = body.Items as Array<Array<{ Name: string; Value: string | null }>>;
    records.forEach((record, index) => {
      const pairs = Object.fromEntries(items[index]!.map((pair) => [pair.Name, pair.Value]));
      const { _ItemId: itemId, ...fields } = pairs;
      expect(record).toEqual({ key: fields.UserId, stamp: '', data: fields, raw: pairs });
      expect(itemId).toMatch(/^PBT=\[UserNames\] UserNames\.DT=\[/);
    });
  });

  it('mongoose_v2_LoadCollection_response_UserNames.json: v2 flat items', () => {
    const body = readJsonFixture<{ Items: unknown[] }>('infor', 'mongoose_v2_LoadCollection_response_UserNames.json');
    idoCheck(body, 'load UserNames');
    const records = flattenIdoItems(body.Items).map((item) =>
      normalizeIdo({ keys: ['UserId'], stamp: 'RecordDate' }, item),
    );
    expect(records.map((record) => record.data.Username)).toEqual(['sa', 'jdoe']);
  });

  it('mongoose_v2_GetPropertyInformation_response_UserNames.json: Success:false with Properties is a schema', () => {
    const schema = finishSchema(
      csiSchemaFrom('users', readJsonFixture('infor', 'mongoose_v2_GetPropertyInformation_response_UserNames.json')),
    );
    expect(() => entitySchemaSchema.parse(schema)).not.toThrow();
    expect(schema.keyFields).toEqual(['UserId']);
    expect(schema.fields[0]).toMatchObject({
      name: 'UserId',
      type: 'number',
      readOnly: true,
      required: { onCreate: true, onUpdate: false },
    });
  });

  it('mongoose_v2_misc_responses.json: successful bodies pass, Success:false fails with its message', () => {
    const all = readJsonFixture<Record<string, unknown>>('infor', 'mongoose_v2_misc_responses.json');
    const bodies = Object.values(all).filter(
      (value) => value && typeof value === 'object' && !Array.isArray(value) && 'Success' in (value as object),
    );
    expect(bodies.length).toBeGreaterThan(2);
    for (const body of bodies) expect(() => idoCheck(body, 'call')).not.toThrow();
    expect(() => idoCheck({ Success: false, Message: 'Property X not found' }, 'load')).toThrow(/Property X not found/);
  });
});
