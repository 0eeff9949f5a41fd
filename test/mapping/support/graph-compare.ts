import type { MappingGraph } from '../../../shared/mapping/graph.model';

/** Nodes and edges in id order: graph identity without caring about list order. */
export function sortedGraph(graph: MappingGraph): MappingGraph {
  const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { ...graph, nodes: [...graph.nodes].sort(byId), edges: [...graph.edges].sort(byId) };
}
