import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../electron/backend/backend';
import type { EntitySchema } from '../../shared/domain/entity-schema';
import { readableHandle, suggestMappings, type SuggestionCandidate } from '../../shared/mapping/auto-map';
import { parse } from 'yaml';
import { salesforceEntitySchema } from '../../electron/backend/connectors/salesforce/salesforce.schema';
import { field } from '../../shared/domain/entity-schema';
import { testBackend } from '../support/backend';
import { readFixture, readJsonFixture } from '../support/paths';

/**
 * Issue 19: auto-map measured where analysts use it, on the schemas the real connectors discover
 * from the sandbox simulators (Infor M3, CSI, LN, FSM sources; Zoho, Salesforce, Dynamics, Zendesk,
 * Cin7 targets), and on schemas built from ../shared/fixtures (M3's own MI metadata for
 * CRS610MI/GetBasicData, a real Salesforce Account describe), scored against a reviewed answer key
 * (fixtures/auto-map-answer-key.json).
 */
interface MiOutput {
  name: string;
  description: string;
  type: 'A' | 'N' | 'D';
}
function fixtureSchemas(): [string, EntitySchema][] {
  const catalogue = readJsonFixture<{ programs: Record<string, Record<string, { outputs: MiOutput[] }>> }>(
    'infor',
    'm3-mi-catalogue.json',
  );
  const outputs = catalogue.programs.CRS610MI?.GetBasicData?.outputs ?? [];
  const m3: EntitySchema = {
    system: 'infor',
    entity: 'CRS610MI/GetBasicData',
    label: 'Customer basic data',
    keyFields: ['CUNO'],
    // MI types: A alphanumeric, N numeric, D date (yyyyMMdd).
    fields: outputs.map((output) =>
      field(output.name, output.type === 'N' ? 'number' : output.type === 'D' ? 'date' : 'string', {
        label: output.description,
      }),
    ),
    hash: 'fixture-m3',
    fetchedAt: '2026-01-01T00:00:00Z',
  };
  const describe = JSON.parse(
    (parse(readFixture('salesforce', 'describe_Account_cassette.yaml')) as { response: { body: { string: string } } })
      .response.body.string,
  ) as { label: string; fields: Parameters<typeof salesforceEntitySchema>[2] };
  const account: EntitySchema = {
    ...salesforceEntitySchema('Account', describe.label, describe.fields),
    hash: 'fixture-sf',
    fetchedAt: '2026-01-01T00:00:00Z',
  };
  return [
    ['fixture-m3/CRS610MI.GetBasicData', m3],
    ['fixture-salesforce/Account', account],
  ];
}
interface KeyEntry {
  source: string;
  target: string;
  correct: Record<string, string | { source: string; needs: SuggestionCandidate['needs'] }>;
}
const answerKey = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'auto-map-answer-key.json'), 'utf8')) as {
  pairs: KeyEntry[];
};

describe('auto-map on the schemas the connectors discover from the sandbox', () => {
  let backend: Backend;
  let dispose: () => Promise<void>;
  const schemas = new Map<string, EntitySchema>();

  const invoke = async <T>(method: string, input: unknown): Promise<T> => {
    // The backend's invoke is typed per method; this test walks several by name.
    const answer = await (backend.invoke as (m: string, i: unknown) => Promise<{ ok: boolean; value?: unknown }>)(
      method,
      input,
    );
    if (!answer.ok) throw new Error(`${method}: ${JSON.stringify(answer)}`);
    return answer.value as T;
  };

  beforeAll(async () => {
    let dataDir: string;
    ({ backend, dispose, dataDir } = testBackend());
    const workspace = await invoke<{ systems: { system: string; connection: { id: string } }[] }>(
      'sandbox.openWorkspace',
      {},
    );
    const connections: [string, string][] = workspace.systems.map((entry) => [
      entry.system === 'infor' ? 'infor-m3' : entry.system,
      entry.connection.id,
    ]);
    // The same Infor simulator as CSI, LN and FSM tenants (the workspace opens it as M3).
    const ionapi = fs.readFileSync(path.join(dataDir, 'sandbox', 'infor-backend-service.ionapi'), 'utf8');
    for (const line of ['csi', 'ln', 'fsm'] as const) {
      const imported = await invoke<{ id: string }>('connections.importIonapi', {
        fileName: `${line}.ionapi`,
        content: ionapi,
        productLine: line,
      });
      if (line === 'csi')
        await invoke('connections.update', {
          id: imported.id,
          settings: { mongooseConfig: `${String((JSON.parse(ionapi) as { ti: string }).ti)}_DALS` },
        });
      connections.push([`infor-${line}`, imported.id]);
    }
    for (const [name, schema] of fixtureSchemas()) schemas.set(name, schema);
    const wanted = new Set(answerKey.pairs.flatMap((pair) => [pair.source, pair.target]));
    for (const [prefix, connectionId] of connections)
      for (const name of wanted) {
        const [system, entity] = name.split('/') as [string, string];
        if (system === prefix) schemas.set(name, await invoke<EntitySchema>('schemas.get', { connectionId, entity }));
      }
  }, 120_000);
  afterAll(() => dispose());

  it('is right at least 9 times in 10 against the reviewed answer key, and says its recall', () => {
    let offered = 0;
    let right = 0;
    let expected = 0;
    let found = 0;
    const wrong: string[] = [];
    const missed: string[] = [];
    const perPair: Record<string, { precision: number; recall: number }> = {};
    for (const pair of answerKey.pairs) {
      const source = schemas.get(pair.source);
      const target = schemas.get(pair.target);
      expect(source, `${pair.source} discovered`).toBeDefined();
      expect(target, `${pair.target} discovered`).toBeDefined();
      const suggestions = suggestMappings(source!, target!, { lookups: true });
      let pairRight = 0;
      for (const suggestion of suggestions) {
        const best = suggestion.candidates[0]!;
        const field = readableHandle(suggestion.target);
        const key = pair.correct[field];
        const wantedSource = typeof key === 'object' ? key.source : key;
        const wantedNeeds = typeof key === 'object' ? key.needs : undefined;
        offered += 1;
        if (wantedSource === best.source && (wantedNeeds === undefined || wantedNeeds === best.needs)) {
          right += 1;
          pairRight += 1;
        } else
          wrong.push(`${pair.source}→${pair.target}: ${best.source} → ${field}${best.needs ? ` (${best.needs})` : ''}`);
      }
      const offeredTargets = new Set(suggestions.map((suggestion) => readableHandle(suggestion.target)));
      for (const [field, key] of Object.entries(pair.correct))
        if (!offeredTargets.has(field))
          missed.push(`${pair.source}→${pair.target}: ${typeof key === 'object' ? key.source : key} → ${field}`);
      expected += Object.keys(pair.correct).length;
      found += pairRight;
      perPair[`${pair.source}→${pair.target}`] = {
        precision: Number((pairRight / Math.max(1, suggestions.length)).toFixed(2)),
        recall: Number((pairRight / Object.keys(pair.correct).length).toFixed(2)),
      };
    }
    const precision = right / offered;
    const recall = found / expected;
    console.log(
      JSON.stringify(
        {
          autoMapLive: {
            precision: Number(precision.toFixed(3)),
            recall: Number(recall.toFixed(3)),
            offered,
            perPair,
            wrong,
            missed,
          },
        },
        null,
        1,
      ),
    );
    expect(precision, wrong.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('fixes the failures seen on the sandbox (issue 19)', () => {
    const top = (source: string, target: string) =>
      new Map(
        suggestMappings(schemas.get(source)!, schemas.get(target)!, { lookups: true }).map((suggestion) => [
          readableHandle(suggestion.target),
          suggestion.candidates[0]!,
        ]),
      );
    const zoho = top('infor-m3/customers', 'zoho/Accounts');
    // Text never becomes a date: CUNO is no Customer_Since.
    expect(zoho.get('Customer_Since')?.source).not.toBe('CUNO');
    // No shipping field is filled from the (billing) main address M3 customers carry.
    for (const field of ['Shipping_Street', 'Shipping_City', 'Shipping_Code', 'Shipping_Country'])
      expect(zoho.get(field), field).toBeUndefined();
    const salesforce = top('infor-m3/customers', 'salesforce/Account');
    expect(salesforce.get('Infor_Customer_Number__c')).toMatchObject({ source: 'CUNO', reason: 'matchKey' });
    const dynamics = top('infor-m3/customers', 'dynamics/account');
    expect(dynamics.get('statecode')).toMatchObject({ source: 'STAT', needs: 'valueMap' });
    expect(dynamics.get('statuscode')).toBeUndefined();
    expect(dynamics.get('transactioncurrencyid@odata.bind')).toMatchObject({ source: 'CUCD', needs: 'lookup' });
    const orders = top('infor-m3/salesOrders', 'dynamics/salesorder');
    expect(orders.get('mlc_inforordernumber')).toMatchObject({ source: 'ORNO', reason: 'matchKey' });
    expect(orders.get('ordernumber')?.source).not.toBe('ORDT');
    expect(top('infor-m3/salesOrders', 'salesforce/Order').get('EffectiveDate')?.source).toBe('ORDT');
  });
});
