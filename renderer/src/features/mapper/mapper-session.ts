import type { ApiClient } from '../../../../shared/api/client';
import type { Connection, ConnectionId } from '../../../../shared/domain/connection';
import type { Mapping, MappingId } from '../../../../shared/domain/flow';
import { AppError } from '../../../../shared/errors';
import { parseMapping, type MappingGraph } from '../../../../shared/mapping';
import { lineSamples, lineSchema } from '../../../../shared/mapping/line-records';
import { graphForSchemas, sourceNode, targetNode, withSchemas } from './model/graph-edits';
import { createMapperStore, type MapperStore } from './store/mapper.store';

/** Loading and saving an open mapping through the contract; the store itself stays free of I/O. */
export interface NewMappingChoice {
  name: string;
  sourceConnectionId: ConnectionId;
  sourceEntity: string;
  /** One record per line of this list of the source (`lines`): the tree and Preview show a line plus `parent`. */
  sourceLines?: string;
  targetConnectionId: ConnectionId;
  targetEntity: string;
}

export async function openNewMapping(api: ApiClient, choice: NewMappingChoice): Promise<MapperStore> {
  const [whole, target] = await Promise.all([
    api.call('schemas.get', { connectionId: choice.sourceConnectionId, entity: choice.sourceEntity }),
    api.call('schemas.get', { connectionId: choice.targetConnectionId, entity: choice.targetEntity }),
  ]);
  const source = choice.sourceLines ? lineSchema(whole, choice.sourceLines) : whole;
  const graph = graphForSchemas(source, target);
  // One external-id field is where the Infor key lives in the target: the natural match key.
  const externalIds = target.fields.filter((field) => field.externalId && !field.readOnly).map((field) => field.name);
  if (externalIds.length === 1) graph.matchKey = externalIds;
  return createMapperStore(graph, {
    name: choice.name,
    source: {
      connectionId: choice.sourceConnectionId,
      entity: choice.sourceEntity,
      schema: source,
      lines: choice.sourceLines,
    },
    target: { connectionId: choice.targetConnectionId, entity: choice.targetEntity, schema: target },
  });
}

/** The graph of a saved mapping: its stored graph, or its JSONata parsed back when none was stored. */
export function graphOfMapping(mapping: Mapping): MappingGraph {
  return mapping.graph ?? parseMapping(mapping.expression);
}

/**
 * Connections for the two trees: the ones the mapping was drawn against when they still exist
 * (and are of the graph's systems), else the first connection of each system.
 */
export async function openSavedMapping(
  api: ApiClient,
  id: MappingId,
  connections: Connection[],
  preferred?: { source?: ConnectionId; target?: ConnectionId },
): Promise<MapperStore> {
  const mapping = await api.call('mappings.get', { id });
  const graph = graphOfMapping(mapping);
  const sourceSystem = sourceNode(graph)?.data.system;
  const targetSystem = targetNode(graph)?.data.system;
  const pick = (system: string | undefined, ...wanted: (ConnectionId | null | undefined)[]) => {
    const fits = (connection: Connection) => system === undefined || connection.system === system;
    for (const candidate of wanted) {
      const found = candidate && connections.find((connection) => connection.id === candidate && fits(connection));
      if (found) return found;
    }
    return connections.find((connection) => connection.system === system);
  };
  const sourceConnection = pick(sourceSystem, preferred?.source, mapping.sourceConnectionId);
  const targetConnection = pick(targetSystem, preferred?.target, mapping.targetConnectionId);
  if (!sourceConnection || !targetConnection) {
    throw new AppError(
      'E_NOT_FOUND',
      `This mapping reads ${sourceSystem ?? 'an unknown system'} and writes ${targetSystem ?? 'an unknown system'}; add connections for both on the Connections page first.`,
    );
  }
  const [whole, target] = await Promise.all([
    api.call('schemas.get', { connectionId: sourceConnection.id, entity: mapping.sourceEntity }),
    api.call('schemas.get', { connectionId: targetConnection.id, entity: mapping.targetEntity }),
  ]);
  const source = mapping.sourceLines ? lineSchema(whole, mapping.sourceLines) : whole;
  return createMapperStore(withSchemas(graph, source, target), {
    mappingId: mapping.id,
    name: mapping.name,
    savedVersion: mapping.updatedAt,
    saved: true,
    source: {
      connectionId: sourceConnection.id,
      entity: mapping.sourceEntity,
      schema: source,
      lines: mapping.sourceLines,
    },
    target: { connectionId: targetConnection.id, entity: mapping.targetEntity, schema: target },
  });
}

export async function loadSamples(api: ApiClient, store: MapperStore, limit: number): Promise<void> {
  const source = store.getState().source;
  if (!source) return;
  store.getState().setSamples('loading');
  const result = await api.invoke('samples.fetch', { connectionId: source.connectionId, entity: source.entity, limit });
  // A line mapping previews per line: each sample order becomes its lines, each with `parent`.
  if (result.ok)
    store
      .getState()
      .setSamples('ready', source.lines ? lineSamples(result.value.records, source.lines) : result.value.records);
  else store.getState().setSamples('error', undefined, result.error);
}

/** Saves the graph and its compiled JSONata; parts that do not compile yet are left out of the JSONata and reported. */
export async function saveMapping(api: ApiClient, store: MapperStore): Promise<{ saved: boolean; message: string }> {
  const state = store.getState();
  const expression = state.compiled.expression;
  if (!state.source || !state.target) return { saved: false, message: 'Choose a source and a target first.' };
  if (!expression)
    return {
      saved: false,
      message: `Nothing compiles yet: ${state.compiled.problems[0]?.message ?? 'map a field first'}`,
    };
  const result = await api.invoke('mappings.save', {
    ...(state.mappingId ? { id: state.mappingId as MappingId } : {}),
    name: state.name.trim() || `${state.source.entity} → ${state.target.entity}`,
    sourceEntity: state.source.entity,
    ...(state.source.lines ? { sourceLines: state.source.lines } : {}),
    targetEntity: state.target.entity,
    // The connections the trees were loaded from: the mapping reopens on them.
    sourceConnectionId: state.source.connectionId,
    targetConnectionId: state.target.connectionId,
    graph: state.graph,
    expression,
  });
  if (!result.ok) return { saved: false, message: `Not saved: ${result.error.message}` };
  store.getState().markSaved(result.value.id, result.value.name, result.value.updatedAt);
  const left = state.compiled.problems.length;
  return {
    saved: true,
    message: left > 0 ? `Saved. ${left} unfinished part(s) are left out of the JSONata until connected.` : 'Saved.',
  };
}
