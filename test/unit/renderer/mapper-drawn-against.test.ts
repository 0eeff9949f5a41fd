import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../../shared/domain/connection';
import type { Mapping, MappingId } from '../../../shared/domain/flow';
import { openNewMapping, openSavedMapping, saveMapping } from '../../../renderer/src/features/mapper/mapper-session';
import { rendererWorld, type RendererWorld } from './support/sandbox-backend';

const drawnAgainst = (mapping: Mapping) => ({
  sourceConnectionId: mapping.sourceConnectionId,
  targetConnectionId: mapping.targetConnectionId,
});

describe('reopening a saved mapping against a real backend and the sandbox', () => {
  let world: RendererWorld;
  let connections: Connection[];
  let second: { infor: Connection; zoho: Connection };
  let first: { infor: Connection; zoho: Connection };

  beforeAll(async () => {
    world = rendererWorld();
    await world.api.call('sandbox.openWorkspace', {});
    // A second connection of each system, pointing at the same simulators under other names.
    const folder = path.join(world.dataDir, 'sandbox');
    const ionapi = fs.readdirSync(folder).find((name) => name.endsWith('.ionapi'))!;
    await world.api.call('connections.importIonapi', {
      fileName: ionapi,
      content: fs.readFileSync(path.join(folder, ionapi), 'utf8'),
      name: 'Infor M3 test tenant',
      productLine: 'm3',
    });
    const zoho = JSON.parse(fs.readFileSync(path.join(folder, 'zoho-sandbox.connection.json'), 'utf8')) as Pick<
      Connection,
      'settings'
    > & { secrets: Record<string, string> };
    await world.api.call('connections.create', {
      system: 'zoho',
      name: 'Zoho CRM second org',
      settings: zoho.settings,
      secrets: zoho.secrets,
      sandbox: true,
    });
    connections = await world.api.call('connections.list', {});
    const ofSystem = (system: string) => connections.filter((connection) => connection.system === system);
    expect(ofSystem('infor')).toHaveLength(2);
    expect(ofSystem('zoho')).toHaveLength(2);
    first = { infor: ofSystem('infor')[0]!, zoho: ofSystem('zoho')[0]! };
    second = { infor: ofSystem('infor')[1]!, zoho: ofSystem('zoho')[1]! };
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  async function saveAgainst(source: Connection, target: Connection, name: string): Promise<MappingId> {
    const store = await openNewMapping(world.api, {
      name,
      sourceConnectionId: source.id,
      sourceEntity: 'customers',
      targetConnectionId: target.id,
      targetEntity: 'Accounts',
    });
    expect(
      store
        .getState()
        .connectPorts({ source: 'source', sourceHandle: 'CUNM', target: 'target', targetHandle: 'Account_Name' }).ok,
    ).toBe(true);
    const outcome = await saveMapping(world.api, store);
    expect(outcome.saved).toBe(true);
    return store.getState().mappingId as MappingId;
  }

  it('reopens the mapping on the connections it was drawn against, not the first of each system', async () => {
    const id = await saveAgainst(second.infor, second.zoho, 'Drawn against the second connections');
    const record = await world.api.call('mappings.get', { id });
    expect(drawnAgainst(record)).toEqual({ sourceConnectionId: second.infor.id, targetConnectionId: second.zoho.id });
    // The ids are fields of the mapping: neither the graph nor the engine's artifact (the JSONata) holds them.
    expect(JSON.stringify(record.graph)).not.toContain(second.infor.id);
    expect(JSON.stringify(record.graph)).not.toContain(second.zoho.id);
    expect(record.expression).toContain('"Account_Name": CUNM');

    const reopened = await openSavedMapping(world.api, id, connections);
    expect(reopened.getState().source?.connectionId).toBe(second.infor.id);
    expect(reopened.getState().target?.connectionId).toBe(second.zoho.id);
    expect(reopened.getState().graph.edges.map((edge) => edge.targetHandle)).toEqual(['Account_Name']);
    // Saving again keeps them.
    expect((await saveMapping(world.api, reopened)).saved).toBe(true);
    expect(drawnAgainst(await world.api.call('mappings.get', { id }))).toEqual({
      sourceConnectionId: second.infor.id,
      targetConnectionId: second.zoho.id,
    });
  });

  it('falls back to the first connection of the system when the one it was drawn against is gone', async () => {
    const id = await saveAgainst(first.infor, second.zoho, 'Drawn against a connection removed later');
    const withoutIt = connections.filter((connection) => connection.id !== second.zoho.id);
    const reopened = await openSavedMapping(world.api, id, withoutIt);
    expect(reopened.getState().source?.connectionId).toBe(first.infor.id);
    expect(reopened.getState().target?.connectionId).toBe(first.zoho.id);
  });
});
