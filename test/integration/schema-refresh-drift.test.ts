import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MappingId } from '../../shared/domain/flow';
import { compileGraph } from '../../shared/mapping';
import { TestGraph } from '../mapping/support/graph-builder';
import { syncWorld, type SyncWorld } from '../sync/support/sync-harness';

/** M3 customers → Zoho accounts, drawn: two custom fields an admin can delete or retype. */
function customersToAccounts() {
  const b = new TestGraph(
    { CUNO: 'string', CUNM: 'string', CRL2: 'number', RGDT: 'date' },
    { Infor_Customer_No: 'string', Account_Name: 'string', Credit_Limit: 'number', Customer_Since: 'date' },
  );
  b.to('Infor_Customer_No', b.src('CUNO'));
  b.to('Account_Name', b.src('CUNM'));
  b.to('Credit_Limit', b.src('CRL2'));
  b.to('Customer_Since', b.src('RGDT'));
  b.graph.matchKey = ['Infor_Customer_No'];
  return b.graph;
}

/**
 * `schemas.refresh`: the designer's schema refresh reports what a change breaks in saved mappings,
 * with the comparison `mlc validate --live-schemas` uses. The Zoho sandbox changes its schema the
 * way an admin does in Setup (action `changeField`).
 */
describe('schema refresh reports drift in saved mappings', () => {
  let world: SyncWorld;
  let mappingId: MappingId;

  beforeAll(async () => {
    world = await syncWorld({ infor: { counts: { customers: 2 } } });
    const graph = customersToAccounts();
    const mapping = await world.api.call('mappings.save', {
      name: 'Customers → accounts',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      sourceConnectionId: world.source.id,
      targetConnectionId: world.target.id,
      graph,
      expression: compileGraph(graph).expression,
    });
    mappingId = mapping.id;
    await world.api.call('flows.save', {
      name: 'Customers to accounts',
      source: { connectionId: world.source.id, entity: 'customers', lookbackSeconds: 0 },
      mappingId: mapping.id,
      target: { connectionId: world.target.id, entity: 'Accounts', matchKey: ['Infor_Customer_No'] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false },
      paused: false,
    });
    // What the Mapper did when it opened the mapping: the schema as it was drawn against.
    await world.api.call('schemas.get', { connectionId: world.target.id, entity: 'Accounts' });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it('reports nothing when the live schema did not change', async () => {
    const result = await world.api.call('schemas.refresh', { connectionId: world.target.id, entity: 'Accounts' });
    expect(result).toMatchObject({ changed: false, drift: [] });
    expect(result.schema.entity).toBe('Accounts');
  });

  it('names the removed and retyped mapped fields with the mapping and its flow', async () => {
    world.zoho.control.action('changeField', { module: 'Accounts', field: 'Customer_Since', remove: true });
    world.zoho.control.action('changeField', { module: 'Accounts', field: 'Credit_Limit', type: 'text' });
    // Unmapped: changes the schema's hash but breaks nothing.
    world.zoho.control.action('changeField', { module: 'Accounts', field: 'On_Credit_Hold', remove: true });
    const result = await world.api.call('schemas.refresh', { connectionId: world.target.id, entity: 'Accounts' });
    expect(result.changed).toBe(true);
    expect(result.schema.fields.some((field) => field.name === 'Customer_Since')).toBe(false);
    const flows = [{ id: expect.any(String) as string, name: 'Customers to accounts' }];
    expect(result.drift).toEqual([
      {
        side: 'target',
        entity: 'Accounts',
        field: 'Credit_Limit',
        code: 'type-changed',
        message: expect.stringMatching(/^Credit_Limit .*number.*string/) as string,
        mappingId,
        mapping: 'Customers → accounts',
        flows,
      },
      {
        side: 'target',
        entity: 'Accounts',
        field: 'Customer_Since',
        code: 'removed-field',
        message: expect.stringContaining('Customer_Since') as string,
        mappingId,
        mapping: 'Customers → accounts',
        flows,
      },
    ]);
  });

  it('compares with the schema as last read: a second refresh of the same change reports nothing new', async () => {
    const result = await world.api.call('schemas.refresh', { connectionId: world.target.id, entity: 'Accounts' });
    expect(result).toMatchObject({ changed: false, drift: [] });
  });

  it('the sandbox refuses to change a standard field, as Zoho Setup does', () => {
    expect(() =>
      world.zoho.control.action('changeField', { module: 'Accounts', field: 'Account_Name', remove: true }),
    ).toThrow(/standard field/);
  });
});
