import { describe, expect, it } from 'vitest';
import { diffMappings, diffSchemas, seedValueMap, validateMapping } from '../../shared/mapping/index';
import { TestGraph } from './support/graph-builder';
import { dynamicsAccount, zohoAccounts } from './schemas';

function zohoGraph(): TestGraph {
  const b = new TestGraph(
    { CUNO: 'string', CUNM: 'string', TOWN: 'string', CRL1: 'string', CUTP: 'string', LMDT: 'date' },
    {
      Account_Number: 'string',
      Billing_City: 'string',
      Credit_Limit: 'number',
      Account_Type: 'picklist',
      Created_Time: 'datetime',
      Account_Name: 'string',
    },
  );
  b.to('Account_Number', b.src('CUNO'))
    .to('Billing_City', b.src('TOWN'))
    .to('Credit_Limit', b.src('CRL1'))
    .to('Account_Type', b.src('CUTP'))
    .to('Created_Time', b.src('LMDT'));
  return b;
}

const samples = [
  { CUNO: 'C1', CUNM: 'Acme', TOWN: 'Springfield', CRL1: '100', CUTP: 'Customer' },
  { CUNO: 'C2', CUNM: 'Bolt', TOWN: 'A city name that is far too long for Zoho', CRL1: '200', CUTP: 'Reseller' },
  { CUNO: null, CUNM: 'Cog', TOWN: null, CRL1: '300', CUTP: 'Prospect' },
];

describe('validator', () => {
  it('reports each problem and points at graph nodes', async () => {
    const report = await validateMapping(zohoGraph().graph, zohoAccounts, {
      samples,
      matchKey: ['Account_Number', 'External_Id'],
    });
    const byCode = (code: string) => report.issues.filter((issue) => issue.code === code);
    expect(byCode('unmapped-required').map((issue) => issue.field)).toEqual(['Account_Name']);
    expect(byCode('read-only').map((issue) => issue.field)).toEqual(['Created_Time']);
    expect(byCode('missing-match-key').map((issue) => issue.field)).toEqual(['External_Id']);
    const typeIssues = byCode('type-mismatch');
    expect(typeIssues.map((issue) => issue.field)).toContain('Credit_Limit');
    expect(typeIssues.find((issue) => issue.field === 'Credit_Limit')?.nodeIds).toEqual(['source', 'target']);
    const picklist = byCode('picklist-value');
    expect(picklist).toHaveLength(1);
    expect(picklist[0]).toMatchObject({ field: 'Account_Type', records: [1], count: 1 });
    expect(byCode('max-length')[0]).toMatchObject({ field: 'Billing_City', records: [1] });
    const city = report.fields.find((stats) => stats.field === 'Billing_City');
    expect(city).toMatchObject({ values: 3, nullPercent: 33.3, failingPercent: 33.3, distinctCount: 2 });
    expect(report.fields.find((stats) => stats.field === 'Account_Number')).toMatchObject({
      nullPercent: 33.3,
      distinctCount: 2,
    });
  });

  it('flags create-only targets, a missing match key and evaluation errors', async () => {
    const b = new TestGraph({ CUNM: 'string' }, { name: 'string', creditlimit: 'number' });
    b.to('name', b.fn('uppercase', b.src('CUNM'))).to('creditlimit', b.fn('number', b.src('CUNM')));
    const schema = {
      ...dynamicsAccount,
      keyFields: [],
      fields: dynamicsAccount.fields.map((field) => (field.name === 'name' ? { ...field, createOnly: true } : field)),
    };
    const report = await validateMapping(b.graph, schema, { samples: [{ CUNM: 'x' }, { CUNM: 5 }] });
    const codes = report.issues.map((issue) => issue.code);
    expect(codes).toContain('create-only');
    expect(codes).toContain('missing-match-key');
    const failures = report.issues.filter((issue) => issue.code === 'evaluation-error');
    expect(failures.map((issue) => issue.field).sort()).toEqual(['creditlimit', 'name']);
    expect(failures.every((issue) => issue.nodeIds.length > 0)).toBe(true);
  });
});

describe('value-map seeding', () => {
  it('pre-fills entries whose value or label matches, ignoring case and spaces', () => {
    const picklist = dynamicsAccount.fields.find((field) => field.name === 'paymenttermscode')?.picklist ?? [];
    expect(seedValueMap(['net 30', ' NET  45 ', '4', 'N90', null, 'net 30'], picklist)).toEqual([
      { from: ' NET  45 ', to: 3, match: 'label' },
      { from: '4', to: 4, match: 'value' },
      { from: 'N90', to: null, match: 'none' },
      { from: 'net 30', to: 1, match: 'label' },
    ]);
  });
});

describe('mapping diff', () => {
  it('describes changes in words', () => {
    const before = zohoGraph();
    const after = new TestGraph(
      { CUNO: 'string', CUA3: 'string', TOWN: 'string', CUTP: 'string' },
      { Account_Number: 'string', Billing_City: 'string', Account_Type: 'picklist', Account_Name: 'string' },
    );
    after
      .to('Account_Number', after.src('CUNO'))
      .to('Billing_City', after.src('CUA3'))
      .to('Account_Name', after.fn('trim', after.src('CUNM')));
    before.to('Account_Name', before.fn('trim', before.src('CUNM')));
    const oldMap = new TestGraph({ STAT: 'string' }, { Status: 'string' });
    oldMap.to('Status', oldMap.valueMap(oldMap.src('STAT'), { '20': 'Active', '90': 'Blocked' }));
    const newMap = new TestGraph({ STAT: 'string' }, { Status: 'string' });
    newMap.to('Status', newMap.valueMap(newMap.src('STAT'), { '20': 'Active', '90': 'Inactive', '10': 'Prospect' }));

    const messages = diffMappings(
      {
        ...before.graph,
        edges: before.graph.edges.map((edge) =>
          edge.targetHandle === 'Billing_City' ? { ...edge, sourceHandle: 'CUA3' } : edge,
        ),
      },
      before.graph,
    ).map((change) => change.message);
    expect(messages).toEqual(['Billing_City: source changed from CUA3 to TOWN']);
    expect(diffMappings(before.graph, after.graph).map((change) => change.message)).toEqual([
      'Account_Type: no longer mapped (was CUTP)',
      'Billing_City: source changed from TOWN to CUA3',
      'Created_Time: no longer mapped (was LMDT)',
      'Credit_Limit: no longer mapped (was CRL1)',
    ]);
    expect(diffMappings(oldMap.graph, newMap.graph).map((change) => change.message)).toEqual([
      'Status: value map entry "90" changed from "Blocked" to "Inactive"; value map entry "10" → "Prospect" added',
    ]);
  });

  it('re-validates against a changed schema', () => {
    const graph = zohoGraph().graph;
    const changed = {
      ...zohoAccounts,
      fields: [
        ...zohoAccounts.fields
          .filter((field) => field.name !== 'Billing_City')
          .map((field) =>
            field.name === 'Account_Type'
              ? { ...field, picklist: field.picklist?.filter((option) => option.value !== 'Prospect') }
              : field,
          ),
        {
          name: 'Region',
          label: 'Region',
          type: 'string' as const,
          required: { onCreate: true, onUpdate: false },
          readOnly: false,
          createOnly: false,
          externalId: false,
        },
      ],
    };
    expect(diffSchemas(zohoAccounts, changed, graph).map((change) => `${change.code} ${change.field}`)).toEqual([
      'picklist-value-removed Account_Type',
      'new-required-field Region',
      'removed-field Billing_City',
    ]);
  });
});
