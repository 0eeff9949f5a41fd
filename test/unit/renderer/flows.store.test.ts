import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, ConnectionId } from '../../../shared/domain/connection';
import type { Flow, Mapping } from '../../../shared/domain/flow';
import {
  connectionsForMapping,
  draftFromFlow,
  draftFromMapping,
  scheduleFromDraft,
  validateDraft,
  wouldCycle,
} from '../../../renderer/src/features/flows/flow-draft';
import { createFlowsStore } from '../../../renderer/src/features/flows/flows.store';
import { customersToZohoAccounts, rendererWorld, type RendererWorld } from './support/sandbox-backend';

describe('flow drafts', () => {
  const connections = [
    { id: 'infor-1', system: 'infor' },
    { id: 'zoho-1', system: 'zoho' },
  ] as unknown as Connection[];
  const mapping = { id: 'm1', name: 'Customers', sourceEntity: 'customers', targetEntity: 'Accounts' } as Mapping;

  it('starts from a mapping and says what is missing', () => {
    const draft = draftFromMapping(mapping, connections, 'Europe/Berlin');
    expect(draft).toMatchObject({
      sourceConnectionId: 'infor-1',
      targetConnectionId: 'zoho-1',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
    });
    const { errors, input } = validateDraft({ ...draft, lookbackSeconds: '-1', batchSize: '9000' });
    expect(input).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(['batchSize', 'lookbackSeconds', 'matchKey']);
  });

  it('turns a valid draft into flows.save input and back', () => {
    const draft = {
      ...draftFromMapping(mapping, connections, 'Europe/Berlin'),
      matchKey: ['Infor_Customer_No'],
      batchSize: '50',
    };
    draft.schedule = { ...draft.schedule, kind: 'interval', every: '2', unit: 'hours' };
    const { input } = validateDraft(draft);
    expect(input?.schedule).toEqual({ kind: 'interval', everySeconds: 7200, timeZone: 'Europe/Berlin' });
    expect(input?.options).toEqual({ dryRun: false, batchSize: 50 });
    const back = draftFromFlow({ ...input!, id: 'f1', createdAt: '', updatedAt: '' } as Flow, 'UTC');
    expect(back.schedule).toMatchObject({ kind: 'interval', every: '2', unit: 'hours', timeZone: 'Europe/Berlin' });
  });

  it('carries the bulk threshold: empty = the target default, 0 = never, others refused', () => {
    const draft = { ...draftFromMapping(mapping, connections, 'UTC'), matchKey: ['Infor_Customer_No'] };
    expect(validateDraft(draft).input?.options).toEqual({ dryRun: false, batchSize: undefined });
    expect(validateDraft({ ...draft, bulkThreshold: '0' }).input?.options?.bulkThreshold).toBe(0);
    const { input } = validateDraft({ ...draft, bulkThreshold: '2500' });
    expect(input?.options?.bulkThreshold).toBe(2500);
    expect(draftFromFlow({ ...input!, id: 'f1', createdAt: '', updatedAt: '' } as Flow, 'UTC').bulkThreshold).toBe(
      '2500',
    );
    for (const wrong of ['-1', '1.5', 'many'])
      expect(Object.keys(validateDraft({ ...draft, bulkThreshold: wrong }).errors)).toEqual(['bulkThreshold']);
  });

  it('preselects the connections the mapping was drawn against, falling back per system when they are gone', () => {
    const several = [
      { id: 'infor-1', system: 'infor' },
      { id: 'zoho-1', system: 'zoho' },
      { id: 'infor-2', system: 'infor' },
      { id: 'zoho-2', system: 'zoho' },
    ] as unknown as Connection[];
    // Saved by the Mapper: the mapping names the two connections it was drawn against.
    const drawn = {
      ...mapping,
      sourceConnectionId: 'infor-2' as ConnectionId,
      targetConnectionId: 'zoho-2' as ConnectionId,
    };
    expect(draftFromMapping(drawn, several, 'UTC')).toMatchObject({
      sourceConnectionId: 'infor-2',
      targetConnectionId: 'zoho-2',
    });
    // A mapping saved before the ids existed: the first connection of each side.
    expect(draftFromMapping(mapping, several, 'UTC')).toMatchObject({
      sourceConnectionId: 'infor-1',
      targetConnectionId: 'zoho-1',
    });
    // A removed connection, or an id on the wrong side (not of the system the graph reads), falls back
    // instead of leaving an unknown id selected.
    const readsInfor = {
      version: 1 as const,
      nodes: [
        { id: 'source', kind: 'source' as const, position: { x: 0, y: 0 }, data: { system: 'infor', fields: [] } },
      ],
      edges: [],
    };
    const stale = {
      ...mapping,
      graph: readsInfor,
      sourceConnectionId: 'zoho-2' as ConnectionId,
      targetConnectionId: 'gone' as ConnectionId,
    };
    expect(draftFromMapping(stale, several, 'UTC')).toMatchObject({
      sourceConnectionId: 'infor-1',
      targetConnectionId: 'zoho-1',
    });
    // In the editor, a mapping without ids keeps what the form holds.
    expect(
      connectionsForMapping(mapping, several, { sourceConnectionId: 'infor-2', targetConnectionId: 'zoho-2' }),
    ).toEqual({ sourceConnectionId: 'infor-2', targetConnectionId: 'zoho-2' });
    expect(connectionsForMapping(drawn, [], {})).toEqual({ sourceConnectionId: '', targetConnectionId: '' });
    // Infor is a target too (M3 customers from another company or a CRM): a mapping drawn into it keeps it.
    const intoInfor = {
      ...mapping,
      sourceConnectionId: 'infor-2' as ConnectionId,
      targetConnectionId: 'infor-1' as ConnectionId,
    };
    expect(draftFromMapping(intoInfor, several, 'UTC')).toMatchObject({
      sourceConnectionId: 'infor-2',
      targetConnectionId: 'infor-1',
    });
    // A reverse mapping reads a target system: its own Zoho connection is its source.
    const reverse = {
      ...mapping,
      graph: {
        ...readsInfor,
        nodes: [{ ...readsInfor.nodes[0]!, data: { system: 'zoho', fields: [] } }],
      },
      sourceConnectionId: 'zoho-2' as ConnectionId,
      targetConnectionId: 'infor-2' as ConnectionId,
    };
    expect(draftFromMapping(reverse, several, 'UTC')).toMatchObject({
      sourceConnectionId: 'zoho-2',
      targetConnectionId: 'infor-2',
    });
    // Gone: another connection of the system it reads, not an Infor one.
    expect(draftFromMapping({ ...reverse, sourceConnectionId: 'gone' as ConnectionId }, several, 'UTC')).toMatchObject({
      sourceConnectionId: 'zoho-1',
    });
    // With only Infor connections, a new flow still gets a target.
    expect(
      connectionsForMapping(
        mapping,
        several.filter((one) => one.system === 'infor'),
      ),
    ).toEqual({
      sourceConnectionId: 'infor-1',
      targetConnectionId: 'infor-1',
    });
  });

  it('refuses cron expressions with the wrong field count and dependency loops', () => {
    expect(
      scheduleFromDraft({ kind: 'cron', cron: '*/5 *', every: '', unit: 'minutes', timeZone: 'UTC' }).error?.field,
    ).toBe('cron');
    expect(
      scheduleFromDraft({ kind: 'interval', cron: '', every: '10', unit: 'minutes', timeZone: 'UTC' }).schedule,
    ).toEqual({ kind: 'interval', everySeconds: 600, timeZone: 'UTC' });
    const flows = [
      { id: 'a', dependsOn: [] },
      { id: 'b', dependsOn: ['a'] },
    ] as unknown as Flow[];
    expect(wouldCycle('a', ['b'], flows)).toBe(true);
    expect(wouldCycle('c', ['b'], flows)).toBe(false);
  });
});

describe('flows store against a real backend and the sandbox', () => {
  let world: RendererWorld;
  let flow: Flow;
  beforeAll(async () => {
    world = rendererWorld();
    const workspace = await world.api.call('sandbox.openWorkspace', {});
    const source = workspace.systems.find((system) => system.system === 'infor')!.connection;
    const target = workspace.systems.find((system) => system.system === 'zoho')!.connection;
    // The Mapper saves mappings; here the contract does it for it.
    const mapping = await world.api.call('mappings.save', {
      name: 'Customers to Zoho',
      sourceEntity: 'customers',
      targetEntity: 'Accounts',
      expression: customersToZohoAccounts,
    });
    const store = createFlowsStore(world.api);
    await store.getState().refresh();
    const draft = {
      ...draftFromMapping(store.getState().mappings[0], [source, target], 'UTC'),
      matchKey: ['Infor_Customer_No'],
    };
    expect(draft.mappingId).toBe(mapping.id);
    flow = (await store.getState().save(validateDraft(draft).input!))!;
  });
  afterAll(async () => {
    await world?.close();
  });

  it('dry-runs and runs a flow, following sync.progress while it works', async () => {
    const store = createFlowsStore(world.api);
    const unsubscribe = store.getState().follow();
    await store.getState().refresh();
    const phases = new Set<string>();
    const seen = store.subscribe((state) => {
      const progress = state.active[flow.id]?.progress;
      if (progress) phases.add(progress.phase);
    });
    const dry = await store.getState().run(flow.id, true);
    expect('run' in dry && dry.run).toMatchObject({ dryRun: true, status: 'succeeded' });
    const real = await store.getState().run(flow.id, false);
    expect('run' in real && real.run.counters.created).toBeGreaterThan(0);
    expect(phases.has('reading') || phases.has('writing')).toBe(true);
    // Once the run answered, no bar is left behind and the list shows the run.
    expect(store.getState().active[flow.id]).toBeUndefined();
    expect(store.getState().latest[flow.id]?.id).toBe('run' in real ? real.run.id : undefined);
    seen();
    unsubscribe();
  });

  it('pauses and resumes, and previews a schedule in words with five next times', async () => {
    const store = createFlowsStore(world.api);
    await store.getState().refresh();
    await store.getState().setPaused(flow.id, true);
    expect(store.getState().flows.find((candidate) => candidate.id === flow.id)?.paused).toBe(true);
    await store.getState().setPaused(flow.id, false);
    const preview = await store.getState().preview({ kind: 'cron', cron: '0 6 * * 1-5', timeZone: 'Europe/Berlin' });
    expect('description' in preview && preview.description).toMatch(/06:00/);
    expect('next' in preview && preview.next).toHaveLength(5);
    const invalid = await store.getState().preview({ kind: 'cron', cron: '99 99 * * *', timeZone: 'UTC' });
    expect('code' in invalid && invalid.code).toBe('E_SCHEDULE_INVALID');
  });
});
