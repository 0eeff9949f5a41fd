import { compileGraph, type MappingGraph, type SourceMapField } from '../../../../../shared/mapping';
import { AppError, errorMessage } from '../../../../../shared/errors';

/** A part of the graph that cannot compile yet (an unconnected input, a duplicate key …). */
export interface CompileProblem {
  message: string;
  nodeIds: string[];
}

export interface CompiledView {
  /** The JSONata of everything that compiles; undefined when nothing can. */
  expression?: string;
  sourceMap: SourceMapField[];
  problems: CompileProblem[];
  /** The graph actually compiled: target edges fed by broken nodes are left out. */
  graph?: MappingGraph;
}

/**
 * Compiles what can be compiled. A half-drawn branch (a function with an open input) must
 * not blank the preview of every other field: its target edges are left out and reported.
 */
export function compileForView(graph: MappingGraph): CompiledView {
  const problems: CompileProblem[] = [];
  let current = graph;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      const compiled = compileGraph(current);
      return { expression: compiled.expression, sourceMap: compiled.sourceMap, problems, graph: current };
    } catch (error) {
      const message = errorMessage(error);
      const nodeIds = error instanceof AppError ? nodeIdsOf(error.details) : [];
      problems.push({ message, nodeIds });
      const pruned = withoutBranches(current, new Set(nodeIds));
      if (nodeIds.length === 0 || pruned === current) return { sourceMap: [], problems };
      current = pruned;
    }
  }
  return { sourceMap: [], problems };
}

function nodeIdsOf(details: unknown): string[] {
  const ids = (details as { nodeIds?: unknown } | undefined)?.nodeIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

/** Drops every target edge whose upstream reaches one of the broken nodes. */
function withoutBranches(graph: MappingGraph, broken: ReadonlySet<string>): MappingGraph {
  const target = graph.nodes.find((node) => node.kind === 'target');
  const reaches = (start: string): boolean => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      const id = stack.pop() as string;
      if (broken.has(id)) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const edge of graph.edges) if (edge.target === id) stack.push(edge.source);
    }
    return false;
  };
  const edges = graph.edges.filter(
    (edge) => edge.target !== target?.id || !(broken.has(target.id) ? false : reaches(edge.source)),
  );
  return edges.length === graph.edges.length ? graph : { ...graph, edges };
}
