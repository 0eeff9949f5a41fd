import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJsonFixture } from '../../support/paths';
import { openSession, shapeOf, type Session } from './infor-helpers';

/** The sandbox's answers must look like the real payloads in ../shared/fixtures/infor (keys, nesting, value types). */
describe('Infor sandbox: response shapes match real fixtures', () => {
  let session: Session;
  const config = { 'X-Infor-MongooseConfig': 'MLC_SANDBOX_DALS' };
  beforeAll(async () => {
    session = await openSession({ counts: { customers: 30 } });
  });
  afterAll(async () => {
    await session.sandbox.close();
  });

  it('M3 v2 list: same envelope; records are flat string maps', async () => {
    const fixture = readJsonFixture<Record<string, unknown>>(
      'infor',
      'm3_v2_CRS949MI_LstPartnerMedia_response_redacted.json',
    );
    const body = await session.json('/M3/m3api-rest/v2/execute/CRS610MI/LstByNumber;maxrecs=3');
    // API-FACTS §1.4: a real payload carried wasTerminated as the string "false"; the sandbox emits the boolean.
    const normalise = (shape: unknown) =>
      JSON.parse(
        JSON.stringify(shape).replace(/"wasTerminated":"(string|boolean)"/, '"wasTerminated":"flag"'),
      ) as unknown;
    const recordShape = (value: Record<string, unknown>) => {
      const results = value.results as Array<{ records: Array<Record<string, unknown>> }>;
      return new Set(
        results.flatMap((result) =>
          result.records.flatMap((record) => Object.values(record).map((item) => typeof item)),
        ),
      );
    };
    const envelope = (value: Record<string, unknown>) =>
      normalise(
        shapeOf({
          ...value,
          results: (value.results as Array<Record<string, unknown>>).map((result) => ({ ...result, records: [] })),
        }),
      );
    expect(envelope(body)).toEqual(envelope(fixture));
    expect(recordShape(body)).toEqual(recordShape(fixture));
  });

  it('M3 v1 OK, NOK and NOK-after-N bodies', async () => {
    const ok = await session.json('/M3/m3api-rest/execute/CRS610MI/LstByNumber;maxrecs=5');
    expect(shapeOf(ok)).toEqual(shapeOf(readJsonFixture('infor', 'm3_v1_TST001MI_Lst10Out_OK.json')));
    const nok = await session.json('/M3/m3api-rest/execute/CRS610MI/GetBasicData?CUNO=MISSING');
    const nokFixture = readJsonFixture<Record<string, unknown>>('infor', 'm3_v1_TST001MI_Lst10Out_NOK.json');
    expect(Object.keys(nok).sort()).toEqual(Object.keys(nokFixture).sort());
    session.sandbox.control.setFaults([
      { path: `/${session.sandbox.tenant}/M3/m3api-rest/execute/`, effect: { m3ErrorAfterRows: 5 }, times: 1 },
    ]);
    const partial = await session.json('/M3/m3api-rest/execute/CRS610MI/LstByNumber;maxrecs=10');
    session.sandbox.control.clearFaults();
    expect(shapeOf(partial)).toEqual(shapeOf(readJsonFixture('infor', 'm3_v1_TST001MI_Lst10Out_NOK_AFTER_5.json')));
  });

  it('CSI load, info and configurations', async () => {
    const load = await session.json(
      '/CSI/IDORequestService/ido/load/SLCustomers?properties=CustNum,Name,City&recordcap=2&readonly=true',
      config,
    );
    const loadFixture = readJsonFixture<Record<string, unknown>>(
      'infor',
      'mongoose_v2_LoadCollection_response_UserNames.json',
    );
    // Different IDOs, so different property names: compare the envelope and the item value types.
    const envelope = (value: Record<string, unknown>) => shapeOf({ ...value, Items: [] });
    const itemTypes = (value: Record<string, unknown>) =>
      new Set(
        (value.Items as Array<Record<string, unknown>>).flatMap((item) =>
          Object.values(item).map((field) => typeof field),
        ),
      );
    expect(envelope(load as Record<string, unknown>)).toEqual(envelope(loadFixture));
    expect(itemTypes(load as Record<string, unknown>)).toEqual(itemTypes(loadFixture));
    const info = (await session.json('/CSI/IDORequestService/ido/info/SLCos', config)) as Record<string, unknown>;
    const infoFixture = readJsonFixture<Record<string, unknown>>(
      'infor',
      'mongoose_v2_GetPropertyInformation_response_UserNames.json',
    );
    expect(shapeOf(info)).toEqual(shapeOf(infoFixture));
    const misc = readJsonFixture<Record<string, unknown>>('infor', 'mongoose_v2_misc_responses.json');
    const configurations = await session.json('/CSI/IDORequestService/ido/configurations');
    expect(shapeOf(configurations)).toEqual(
      shapeOf(misc['GetConfigurations (GET /ido/configurations?configgroup=DEV)']),
    );
  });
});
