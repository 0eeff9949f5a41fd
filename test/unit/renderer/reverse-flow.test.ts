import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/domain/connection';
import type { Flow, Mapping } from '../../../shared/domain/flow';
import { compileGraph, type MappingGraph } from '../../../shared/mapping';
import { createReverseFlow, planReverseFlow } from '../../../renderer/src/features/flows/reverse-flow';
import type { EntityInfo } from '../../../renderer/src/features/schemas/schemas.store';
import { TestGraph } from '../../mapping/support/graph-builder';
import { rendererWorld, type RendererWorld } from './support/sandbox-backend';

/** M3 customers → Dynamics contacts as the Mapper draws it: copies, a trim, a value map, and three one-way fields. */
function customersToContacts(): MappingGraph {
  const b = new TestGraph(
    { CUNO: 'string', CUNM: 'string', CUA1: 'string', TOWN: 'string', CSCD: 'string', PHNO: 'string' },
    {
      mlc_inforcontactid: 'string',
      lastname: 'string',
      firstname: 'string',
      address1_line1: 'string',
      address1_city: 'string',
      address1_country: 'string',
      telephone1: 'string',
      preferredcontactmethodcode: 'picklist',
    },
  );
  b.to('mlc_inforcontactid', b.src('CUNO'));
  b.to('lastname', b.fn('trim', b.src('CUNM')));
  b.to('firstname', b.fn('concat', b.src('CUNO'), b.src('TOWN')));
  b.to('address1_line1', b.fn('uppercase', b.src('CUA1')));
  b.to('address1_city', b.src('TOWN'));
  b.to(
    'address1_country',
    b.valueMap(b.src('CSCD'), { GB: 'United Kingdom', SE: 'Sweden', US: 'United States' }, { kind: 'input' }),
  );
  b.to('telephone1', b.src('PHNO'));
  b.to('preferredcontactmethodcode', b.constant(3));
  b.graph.matchKey = ['mlc_inforcontactid'];
  return b.graph;
}

const info = (id: string, readable: boolean, writable: boolean, keyFields: string[] = []): EntityInfo => ({
  id,
  label: id,
  keyFields,
  readable,
  writable,
  incremental: readable,
});

describe('planReverseFlow', () => {
  const flow = {
    name: 'Customers to contacts',
    source: { connectionId: 'infor-1', entity: 'customers', lookbackSeconds: 60 },
    target: { connectionId: 'dyn-1', entity: 'contact', matchKey: ['mlc_inforcontactid'] },
  } as unknown as Flow;
  const mapping = { id: 'm1', name: 'Customers → contacts', graph: customersToContacts() } as unknown as Mapping;
  const both = { source: [info('customers', true, true, ['CUNO'])], target: [info('contact', true, true)] };

  it('swaps source and target, inverts the mapping and matches Infor on CUNO, started by hand', () => {
    const plan = planReverseFlow(flow, mapping, both, { source: 'infor', target: 'dynamics' });
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.flow).toMatchObject({
      name: 'Customers to contacts (reverse)',
      source: { connectionId: 'dyn-1', entity: 'contact' },
      target: { connectionId: 'infor-1', entity: 'customers', matchKey: ['CUNO'] },
      schedule: { kind: 'manual' },
    });
    expect(plan.mapping).toMatchObject({
      name: 'Customers → contacts (reverse)',
      sourceEntity: 'contact',
      targetEntity: 'customers',
      sourceConnectionId: 'dyn-1',
      targetConnectionId: 'infor-1',
    });
    const nodes = plan.mapping.graph!.nodes;
    expect(nodes.find((node) => node.kind === 'source')?.data).toMatchObject({ system: 'dynamics', entity: 'contact' });
    expect(nodes.find((node) => node.kind === 'target')?.data).toMatchObject({ system: 'infor', entity: 'customers' });
    expect(plan.report.total).toBe(8);
    expect(plan.report.notInverted.map((field) => field.field)).toEqual([
      'firstname',
      'address1_line1',
      'preferredcontactmethodcode',
    ]);
    expect(plan.mapping.expression).toBe(compileGraph(plan.mapping.graph!).expression);
  });

  it('says why when the reverse flow could not run', () => {
    const noRead = planReverseFlow(flow, mapping, { ...both, target: [info('contact', false, true)] });
    expect(noRead).toEqual({ ok: false, reason: expect.stringContaining('cannot be read from the target') });
    const noWrite = planReverseFlow(flow, mapping, { ...both, source: [info('customers', true, false)] });
    expect(noWrite).toEqual({ ok: false, reason: expect.stringContaining('cannot be written in the source') });
    const lines = planReverseFlow(
      { ...flow, source: { ...flow.source, each: { path: 'lines', lineKey: ['PONR'] } } },
      mapping,
      both,
    );
    expect(lines).toEqual({ ok: false, reason: expect.stringContaining('lines') });
    expect(planReverseFlow(flow, mapping, {})).toEqual({ ok: false, reason: expect.stringContaining('Checking') });
    expect(planReverseFlow(flow, undefined, both)).toEqual({ ok: false, reason: expect.stringContaining('missing') });
    // Made once already (or the forward flow of a reverse one): not twice.
    const back = {
      name: 'Contacts to customers',
      source: { connectionId: flow.target.connectionId, entity: flow.target.entity, lookbackSeconds: 60 },
      target: { connectionId: flow.source.connectionId, entity: flow.source.entity, matchKey: ['CUNO'] },
    };
    expect(planReverseFlow(flow, mapping, both, {}, [flow, back])).toEqual({
      ok: false,
      reason: '“Contacts to customers” already goes the other way.',
    });
  });

  it('falls back to the Infor entity key when the forward match key is not a plain copy', () => {
    const b = new TestGraph(
      { CUNO: 'string', CUNM: 'string' },
      { accountnumber: 'string', name: 'string', key: 'string' },
    );
    b.to('accountnumber', b.src('CUNO'));
    b.to('key', b.fn('concat', b.constant('M3-'), b.src('CUNO')));
    b.to('name', b.src('CUNM'));
    const keyed = { ...mapping, graph: b.graph } as Mapping;
    const plan = planReverseFlow({ ...flow, target: { ...flow.target, matchKey: ['key'] } }, keyed, both);
    expect(plan.ok && plan.flow.target.matchKey).toEqual(['CUNO']);
    // Nothing writes the key back: no reverse flow, and the reason names the match key.
    const b2 = new TestGraph({ CUNO: 'string', CUNM: 'string' }, { key: 'string', name: 'string' });
    b2.to('key', b2.fn('concat', b2.constant('M3-'), b2.src('CUNO')));
    b2.to('name', b2.src('CUNM'));
    const unkeyed = planReverseFlow(
      { ...flow, target: { ...flow.target, matchKey: ['key'] } },
      { ...mapping, graph: b2.graph } as Mapping,
      both,
    );
    expect(unkeyed).toEqual({ ok: false, reason: expect.stringMatching(/match key key is not mapped back/) });
  });
});

describe('Reverse flow against a real backend and the sandbox', () => {
  let world: RendererWorld;
  let infor: Connection;
  let dynamics: Connection;
  beforeAll(async () => {
    world = rendererWorld();
    const workspace = await world.api.call('sandbox.openWorkspace', {});
    infor = workspace.systems.find((system) => system.system === 'infor')!.connection;
    dynamics = workspace.systems.find((system) => system.system === 'dynamics')!.connection;
  });
  afterAll(async () => {
    await world?.close();
  });

  it('creates the inverted mapping and a flow that reads Dynamics contacts and writes M3 customers', async () => {
    const graph = customersToContacts();
    const mapping = await world.api.call('mappings.save', {
      name: 'Customers → contacts',
      sourceEntity: 'customers',
      targetEntity: 'contact',
      sourceConnectionId: infor.id,
      targetConnectionId: dynamics.id,
      graph,
      expression: compileGraph(graph).expression,
    });
    const forward = await world.api.call('flows.save', {
      name: 'Customers to contacts',
      source: { connectionId: infor.id, entity: 'customers', lookbackSeconds: 60 },
      mappingId: mapping.id,
      target: { connectionId: dynamics.id, entity: 'contact', matchKey: ['mlc_inforcontactid'] },
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false },
      paused: false,
    });
    const entities = {
      source: await world.api.call('schemas.entities', { connectionId: infor.id }),
      target: await world.api.call('schemas.entities', { connectionId: dynamics.id }),
    };
    const plan = planReverseFlow(forward, mapping, entities, { source: 'infor', target: 'dynamics' });
    if (!plan.ok) throw new Error(plan.reason);
    const made = await createReverseFlow(world.api, plan);

    const reverse = await world.api.call('flows.get', { id: made.flowId });
    expect(reverse).toMatchObject({
      source: { connectionId: dynamics.id, entity: 'contact' },
      target: { connectionId: infor.id, entity: 'customers', matchKey: ['CUNO'] },
      schedule: { kind: 'manual' },
      mappingId: made.mappingId,
    });
    const saved = await world.api.call('mappings.get', { id: made.mappingId });
    expect(saved.graph?.matchKey).toEqual(['CUNO']);

    // It runs: a dry run reads contacts from Dynamics, maps them back, and checks them against M3's
    // live metadata. The street was upper-cased forward and not turned round, and M3 requires it: each
    // record fails alone naming that field, which is what the Mapper lists as not inverted.
    const run = await world.api.call('flows.run', { id: made.flowId, dryRun: true });
    expect(run.error ?? null).toBeNull();
    expect(run.counters.read).toBeGreaterThan(0);
    const rows = await world.api.call('audit.list', { runId: run.id, limit: 5 });
    const first = rows.items[0]!;
    const contact = first.sourcePayload as Record<string, unknown>;
    expect(first.transformedPayload).toMatchObject({
      CUNO: contact.mlc_inforcontactid,
      CUNM: contact.lastname,
      PHNO: contact.telephone1,
    });
    expect(first).toMatchObject({ outcome: 'failed', errorCode: 'E_SYNC_REQUIRED_MISSING' });
    expect(first.errorMessage).toContain('CUA1');
    expect(plan.report.notInverted.map((field) => field.field)).toContain('address1_line1');

    // Both or neither: a flow the backend refuses takes its new mapping with it.
    const before = (await world.api.call('mappings.list', {})).length;
    const refused = {
      ...plan,
      flow: { ...plan.flow, schedule: { kind: 'cron' as const, cron: 'not a cron', timeZone: 'UTC' } },
    };
    await expect(createReverseFlow(world.api, refused)).rejects.toThrow();
    expect((await world.api.call('mappings.list', {})).length).toBe(before);

    // An order flow cannot go back: M3 sales orders are not writable, and the plan says so.
    const orders = planReverseFlow(
      {
        ...forward,
        source: { ...forward.source, entity: 'salesOrders' },
        target: { ...forward.target, entity: 'salesorder' },
      },
      mapping,
      entities,
    );
    expect(orders).toEqual({ ok: false, reason: expect.stringContaining('cannot be written in the source') });
  });
});
