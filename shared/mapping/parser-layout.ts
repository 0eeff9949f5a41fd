import { GraphIndex } from './graph-index';
import type { MappingGraph, MappingNode } from './graph.model';
import { inputPorts } from './ports';

/**
 * What a re-parse keeps from the graph the text came from. A node's address is the target
 * handle it feeds plus the input handles on the way (`Billing_City>in0`): the parser meets the
 * same addresses again, so ids, positions and edge ids survive a round trip through the text.
 */
export interface PreviousLayout {
  byAddress: Map<string, MappingNode>;
  edgeIds: Map<string, string>;
  /** Nodes that feed no target field: the text cannot hold them, the graph keeps them. */
  orphans: MappingNode[];
}

export function previousLayout(previous: MappingGraph | undefined): PreviousLayout {
  const layout: PreviousLayout = { byAddress: new Map(), edgeIds: new Map(), orphans: [] };
  if (!previous) return layout;
  for (const edge of previous.edges) {
    layout.edgeIds.set(`${edge.source}|${edge.sourceHandle}|${edge.target}|${edge.targetHandle}`, edge.id);
  }
  let index: GraphIndex;
  try {
    index = new GraphIndex(previous);
  } catch {
    return layout;
  }
  const reached = new Set<string>();
  const visit = (nodeId: string, address: string, depth: number): void => {
    const node = index.nodes.get(nodeId);
    if (!node || node.kind === 'source' || node.kind === 'target' || depth > 64) return;
    reached.add(node.id);
    if (!layout.byAddress.has(address)) layout.byAddress.set(address, node);
    for (const port of inputPorts(node)) {
      const edge = index.input(node.id, port.handle);
      if (edge) visit(edge.source, `${address}>${port.handle}`, depth + 1);
    }
  };
  for (const edge of index.targetEdges()) visit(edge.source, edge.targetHandle, 0);
  layout.orphans = previous.nodes.filter(
    (node) => node.kind !== 'source' && node.kind !== 'target' && !reached.has(node.id),
  );
  return layout;
}
