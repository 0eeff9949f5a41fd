import { AppError } from '../errors';
import type { MappingEdge, MappingGraph, MappingNode, NodeOfKind } from './graph.model';

/** Lookups over a graph that the compiler, validator and diff all need. */
export class GraphIndex {
  readonly nodes = new Map<string, MappingNode>();
  private readonly incoming = new Map<string, MappingEdge>();
  readonly target: NodeOfKind<'target'>;
  readonly sources: NodeOfKind<'source'>[];

  constructor(readonly graph: MappingGraph) {
    for (const node of graph.nodes) {
      if (this.nodes.has(node.id))
        throw new AppError('E_MAPPING_COMPILE', `Duplicate node id "${node.id}".`, { nodeIds: [node.id] });
      this.nodes.set(node.id, node);
    }
    for (const edge of graph.edges) {
      const key = inputKey(edge.target, edge.targetHandle);
      if (this.incoming.has(key)) {
        throw new AppError(
          'E_MAPPING_COMPILE',
          `Input "${edge.targetHandle}" of node "${edge.target}" has two connections.`,
          {
            nodeIds: [edge.target],
          },
        );
      }
      this.incoming.set(key, edge);
    }
    const targets = graph.nodes.filter((node): node is NodeOfKind<'target'> => node.kind === 'target');
    if (targets.length !== 1) {
      throw new AppError('E_MAPPING_COMPILE', `A mapping needs exactly one target node (found ${targets.length}).`);
    }
    this.target = targets[0] as NodeOfKind<'target'>;
    this.sources = graph.nodes.filter((node): node is NodeOfKind<'source'> => node.kind === 'source');
  }

  input(nodeId: string, handle: string): MappingEdge | undefined {
    return this.incoming.get(inputKey(nodeId, handle));
  }

  node(id: string): MappingNode {
    const node = this.nodes.get(id);
    if (!node) throw new AppError('E_MAPPING_COMPILE', `Edge refers to a missing node "${id}".`, { nodeIds: [id] });
    return node;
  }

  /**
   * Edges into the target node in the order the mapping's text was written in (`fieldOrder`), then
   * in the order of the target's fields, so output never depends on edge order.
   */
  targetEdges(): MappingEdge[] {
    const written = new Map((this.graph.fieldOrder ?? []).map((handle, index) => [handle, index]));
    const order = new Map(this.target.data.fields.map((field, index) => [field.path, index]));
    return this.graph.edges
      .filter((edge) => edge.target === this.target.id)
      .sort((a, b) => {
        const firstLeft = written.get(a.targetHandle) ?? Number.MAX_SAFE_INTEGER;
        const firstRight = written.get(b.targetHandle) ?? Number.MAX_SAFE_INTEGER;
        if (firstLeft !== firstRight) return firstLeft - firstRight;
        const left = order.get(a.targetHandle) ?? Number.MAX_SAFE_INTEGER;
        const right = order.get(b.targetHandle) ?? Number.MAX_SAFE_INTEGER;
        return left !== right
          ? left - right
          : a.targetHandle < b.targetHandle
            ? -1
            : a.targetHandle > b.targetHandle
              ? 1
              : 0;
      });
  }

  /** Every node feeding a node (itself included), following edges backwards. */
  upstream(nodeId: string): string[] {
    const seen = new Set<string>();
    const stack = [nodeId];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const edge of this.graph.edges) if (edge.target === id) stack.push(edge.source);
    }
    return [...seen];
  }
}

function inputKey(nodeId: string, handle: string): string {
  return `${nodeId}\u0000${handle}`;
}
