import type { ConnectionId } from '../../../../../shared/domain/connection';
import type { MappingGraph } from '../../../../../shared/mapping';

/**
 * The connections a mapping was drawn against. They travel as two optional keys next to the
 * graph in the saved record (`mapping.graph` is opaque to the contract and the store, and the
 * graph schema ignores keys it does not know), so no table or contract has to change: older
 * records without them, and bundles imported elsewhere, fall back to a connection of the system.
 */
export interface DrawnAgainst {
  sourceConnectionId?: ConnectionId;
  targetConnectionId?: ConnectionId;
}

/** The graph as it is saved: the graph itself plus the two connection ids. */
export function withDrawnAgainst(graph: MappingGraph, drawn: DrawnAgainst): MappingGraph & DrawnAgainst {
  return {
    ...graph,
    ...(drawn.sourceConnectionId ? { sourceConnectionId: drawn.sourceConnectionId } : {}),
    ...(drawn.targetConnectionId ? { targetConnectionId: drawn.targetConnectionId } : {}),
  };
}

/** Reads the ids back from a saved graph of any age; anything not a non-empty string is ignored. */
export function drawnAgainstOf(savedGraph: unknown): DrawnAgainst {
  if (!savedGraph || typeof savedGraph !== 'object') return {};
  const record = savedGraph as Record<string, unknown>;
  const id = (value: unknown) => (typeof value === 'string' && value !== '' ? (value as ConnectionId) : undefined);
  const source = id(record.sourceConnectionId);
  const target = id(record.targetConnectionId);
  return { ...(source ? { sourceConnectionId: source } : {}), ...(target ? { targetConnectionId: target } : {}) };
}
