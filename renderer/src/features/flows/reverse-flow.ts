import type { ApiClient } from '../../../../shared/api/client';
import type { MethodInput } from '../../../../shared/api/contract';
import type { SystemId } from '../../../../shared/domain/connection';
import type { Flow, FlowId, Mapping, MappingId } from '../../../../shared/domain/flow';
import { compileGraph, invertMapping, parseMapping, type InvertedMapping } from '../../../../shared/mapping';
import type { EntityInfo } from '../schemas/schemas.store';

/**
 * "Reverse flow" (issue 16): from a forward flow, a new mapping that turns it round and a new flow
 * that reads the forward target and writes the forward source. Pure planning here (the card shows
 * why it cannot when it cannot); `createReverseFlow` saves both through the contract.
 */

export interface ReverseReport {
  forwardFlow: string;
  matchKey: string[];
  inverted: InvertedMapping['inverted'];
  notInverted: InvertedMapping['notInverted'];
  total: number;
}

export type ReversePlan =
  | {
      ok: true;
      mapping: MethodInput<'mappings.save'>;
      flow: Omit<MethodInput<'flows.save'>, 'mappingId'>;
      report: ReverseReport;
    }
  | { ok: false; reason: string };

/** Entity lists of the two connections; undefined while they load. */
export interface ReverseEntities {
  /** Of the forward flow's source connection (the reverse flow writes there). */
  source?: EntityInfo[];
  /** Of the forward flow's target connection (the reverse flow reads there). */
  target?: EntityInfo[];
}

const suffix = ' (reverse)';
const reverseName = (name: string) => `${name.slice(0, 200 - suffix.length)}${suffix}`;
const named = (system: SystemId | undefined, entity: string) => (system ? { system, entity } : { entity });

export function planReverseFlow(
  flow: Pick<Flow, 'name' | 'source' | 'target'>,
  mapping: Mapping | undefined,
  entities: ReverseEntities,
  /** Systems of the forward flow's connections: the reverse graph's trees name them. */
  systems: { source?: SystemId; target?: SystemId } = {},
  /** The flows there are: one that already goes the other way is not made twice. */
  flows: readonly Pick<Flow, 'name' | 'source' | 'target'>[] = [],
): ReversePlan {
  if (!mapping) return { ok: false, reason: 'The flow’s mapping is missing.' };
  const back = flows.find(
    (other) =>
      other.source.connectionId === flow.target.connectionId &&
      other.source.entity === flow.target.entity &&
      other.target.connectionId === flow.source.connectionId &&
      other.target.entity === flow.source.entity,
  );
  // Two flows writing the same records the same way would only race each other.
  if (back) return { ok: false, reason: `“${back.name}” already goes the other way.` };
  if (flow.source.each || mapping.sourceLines)
    return { ok: false, reason: 'A flow of lines (one record per order line) cannot be reversed.' };
  if (!entities.source || !entities.target)
    return { ok: false, reason: 'Checking what both systems can read and write…' };
  const readFrom = entities.target.find((entity) => entity.id === flow.target.entity);
  const writeTo = entities.source.find((entity) => entity.id === flow.source.entity);
  if (!readFrom?.readable)
    return {
      ok: false,
      reason: `${readFrom?.label ?? flow.target.entity} cannot be read from the target connection, so a reverse flow has nothing to read.`,
    };
  if (!writeTo?.writable)
    return {
      ok: false,
      reason: `${writeTo?.label ?? flow.source.entity} cannot be written in the source connection, so a reverse flow has nowhere to write.`,
    };
  let inversion: InvertedMapping;
  try {
    inversion = invertMapping(mapping.graph ?? parseMapping(mapping.expression), { matchKey: flow.target.matchKey });
  } catch (error) {
    return {
      ok: false,
      reason: `The mapping cannot be reversed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (inversion.inverted.length === 0)
    return { ok: false, reason: `None of the ${inversion.total} mapped fields can be turned round.` };
  // No forward key maps back: the entity's own key still matches when the reverse mapping writes it.
  const written = new Set(inversion.inverted.map((field) => field.to));
  const matchKey =
    inversion.matchKey.length > 0
      ? inversion.matchKey
      : writeTo.keyFields.length > 0 && writeTo.keyFields.every((key) => written.has(key))
        ? writeTo.keyFields
        : [];
  if (matchKey.length === 0)
    return {
      ok: false,
      reason: `${inversion.matchKeyProblem ?? 'No match key maps back.'} A reverse flow could not match records.`,
    };
  // The trees name the system and entity they show, so the Mapper and the flow form pick the right
  // connections even when the forward graph did not record them.
  const graph = {
    ...inversion.graph,
    matchKey,
    nodes: inversion.graph.nodes.map((node) => {
      if (node.kind === 'source')
        return { ...node, data: { ...node.data, ...named(systems.target, flow.target.entity) } };
      if (node.kind === 'target')
        return { ...node, data: { ...node.data, ...named(systems.source, flow.source.entity) } };
      return node;
    }),
  };
  return {
    ok: true,
    mapping: {
      name: reverseName(mapping.name),
      sourceEntity: flow.target.entity,
      targetEntity: flow.source.entity,
      sourceConnectionId: flow.target.connectionId,
      targetConnectionId: flow.source.connectionId,
      graph,
      expression: compileGraph(graph).expression,
    },
    flow: {
      name: reverseName(flow.name),
      source: {
        connectionId: flow.target.connectionId,
        entity: flow.target.entity,
        lookbackSeconds: flow.source.lookbackSeconds,
      },
      target: { connectionId: flow.source.connectionId, entity: flow.source.entity, matchKey },
      // Started by hand until the analyst has checked the mapping: a schedule would write at once.
      schedule: { kind: 'manual' },
      dependsOn: [],
      options: { dryRun: false },
      paused: false,
    },
    report: {
      forwardFlow: flow.name,
      matchKey,
      inverted: inversion.inverted,
      notInverted: inversion.notInverted,
      total: inversion.total,
    },
  };
}

/** Saves the reverse mapping, then the flow that runs it. */
export async function createReverseFlow(
  api: ApiClient,
  plan: Extract<ReversePlan, { ok: true }>,
): Promise<{ mappingId: MappingId; flowId: FlowId }> {
  const mapping = await api.call('mappings.save', plan.mapping);
  try {
    const flow = await api.call('flows.save', { ...plan.flow, mappingId: mapping.id });
    return { mappingId: mapping.id, flowId: flow.id };
  } catch (error) {
    // One click makes both or neither: a reverse mapping without its flow would only be clutter.
    await api.invoke('mappings.remove', { id: mapping.id });
    throw error;
  }
}
