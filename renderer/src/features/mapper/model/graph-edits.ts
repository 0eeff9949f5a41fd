import type { EntitySchema } from '../../../../../shared/domain/entity-schema';
import type { ConversionFix } from '../../../../../shared/mapping/conversion-fix';
import {
  canConnect,
  emptyGraph,
  flattenSchemaFields,
  functionDefinition,
  inputPorts,
  outputHandle,
  outputPorts,
  portTypeOfField,
  typesCompatible,
  type Connection,
  type ConnectResult,
  type FieldPort,
  type MappingEdge,
  type MappingGraph,
  type MappingNode,
  type NodeKind,
  type NodeOfKind,
  type ValueMapEntry,
} from '../../../../../shared/mapping';

/**
 * Pure edits of the mapping graph (shared/mapping model). The store applies them; each one
 * returns a new graph and leaves untouched nodes and edges as the same objects, so the
 * canvas re-renders only what changed.
 */
export type ExpressionKind = Exclude<NodeKind, 'source' | 'target'>;
export type SchemaGraphNode = NodeOfKind<'source'> | NodeOfKind<'target'>;
export type ExpressionGraphNode = Exclude<MappingNode, SchemaGraphNode>;

export const sourceNodeId = 'source';
export const targetNodeId = 'target';

export function schemaPorts(schema: EntitySchema): FieldPort[] {
  return flattenSchemaFields(schema.fields).map(({ handle, field }) => ({
    path: handle,
    type: field.type,
    label: field.label || field.name,
  }));
}

/** A fresh graph for two schemas: source tree on the left, target tree on the right. */
export function graphForSchemas(source: EntitySchema, target: EntitySchema): MappingGraph {
  const graph = emptyGraph();
  graph.nodes.push(
    {
      id: sourceNodeId,
      kind: 'source',
      position: { x: 0, y: 0 },
      data: { system: source.system, entity: source.entity, fields: schemaPorts(source) },
    },
    {
      id: targetNodeId,
      kind: 'target',
      position: { x: 580, y: 0 },
      data: { system: target.system, entity: target.entity, fields: schemaPorts(target) },
    },
  );
  return graph;
}

/**
 * Takes the live schemas' field lists. Saved fields the live schema no longer has stay at the
 * end of the tree, so their edges still show and the validator can report them.
 */
export function withSchemas(graph: MappingGraph, source: EntitySchema, target: EntitySchema): MappingGraph {
  const merge = (live: FieldPort[], saved: FieldPort[]) => {
    const known = new Set(live.map((field) => field.path));
    return [...live, ...saved.filter((field) => !known.has(field.path))];
  };
  const nodes = graph.nodes.map((node): MappingNode => {
    if (node.kind === 'source')
      return {
        ...node,
        data: {
          ...node.data,
          system: source.system,
          entity: source.entity,
          fields: merge(schemaPorts(source), node.data.fields),
        },
      };
    if (node.kind === 'target')
      return {
        ...node,
        data: {
          ...node.data,
          system: target.system,
          entity: target.entity,
          fields: merge(schemaPorts(target), node.data.fields),
        },
      };
    return node;
  });
  if (!nodes.some((node) => node.kind === 'source') || !nodes.some((node) => node.kind === 'target')) {
    const fresh = graphForSchemas(source, target);
    return {
      ...graph,
      nodes: [...fresh.nodes.filter((node) => !nodes.some((other) => other.kind === node.kind)), ...nodes],
    };
  }
  return { ...graph, nodes };
}

export function sourceNode(graph: MappingGraph): NodeOfKind<'source'> | undefined {
  return graph.nodes.find((node): node is NodeOfKind<'source'> => node.kind === 'source');
}

export function targetNode(graph: MappingGraph): NodeOfKind<'target'> | undefined {
  return graph.nodes.find((node): node is NodeOfKind<'target'> => node.kind === 'target');
}

export function nextNodeId(graph: MappingGraph, kind: string): string {
  const taken = new Set(graph.nodes.map((node) => node.id));
  let counter = graph.nodes.length + 1;
  while (taken.has(`${kind}-${counter}`)) counter += 1;
  return `${kind}-${counter}`;
}

export function edgeId(connection: Connection): string {
  return `e:${connection.source}:${connection.sourceHandle}->${connection.target}:${connection.targetHandle}`;
}

/** What the palette can create; function nodes carry the catalog name. */
export type NodeTemplate =
  | { kind: 'function'; name: string }
  | { kind: 'constant' }
  | { kind: 'valueMap' }
  | { kind: 'conditional' }
  | { kind: 'coalesce' }
  | { kind: 'loop' }
  | { kind: 'lookup' }
  | { kind: 'custom' };

export function createNode(
  graph: MappingGraph,
  template: NodeTemplate,
  position: { x: number; y: number },
): ExpressionGraphNode {
  const id = nextNodeId(graph, template.kind === 'function' ? template.name : template.kind);
  switch (template.kind) {
    case 'function':
      return { id, kind: 'function', position, data: { name: template.name } };
    case 'constant':
      return { id, kind: 'constant', position, data: { value: '' } };
    case 'valueMap':
      return { id, kind: 'valueMap', position, data: { entries: [], fallback: { kind: 'input' } } };
    case 'conditional':
      return { id, kind: 'conditional', position, data: {} };
    case 'coalesce':
      return { id, kind: 'coalesce', position, data: { inputs: 2 } };
    case 'loop':
      return { id, kind: 'loop', position, data: {} };
    case 'lookup':
      return { id, kind: 'lookup', position, data: { entity: 'Accounts' } };
    case 'custom':
      return { id, kind: 'custom', position, data: { expression: '$' } };
  }
}

export function addNode(graph: MappingGraph, node: MappingNode): MappingGraph {
  return { ...graph, nodes: [...graph.nodes, node] };
}

export function connect(graph: MappingGraph, connection: Connection): { graph: MappingGraph; result: ConnectResult } {
  const result = canConnect(graph, connection);
  if (!result.ok) return { graph, result };
  const edge: MappingEdge = { id: edgeId(connection), ...connection };
  return { graph: { ...graph, edges: [...graph.edges, edge] }, result };
}

/** Removes nodes (never the two schema nodes) and edges, with every edge touching a removed node. */
export function removeElements(
  graph: MappingGraph,
  nodeIds: readonly string[],
  edgeIds: readonly string[],
): MappingGraph {
  const nodes = new Set(
    nodeIds.filter((id) =>
      graph.nodes.some((node) => node.id === id && node.kind !== 'source' && node.kind !== 'target'),
    ),
  );
  const edges = new Set(edgeIds);
  if (nodes.size === 0 && !graph.edges.some((edge) => edges.has(edge.id))) return graph;
  return {
    ...graph,
    nodes: graph.nodes.filter((node) => !nodes.has(node.id)),
    edges: graph.edges.filter((edge) => !edges.has(edge.id) && !nodes.has(edge.source) && !nodes.has(edge.target)),
  };
}

export function moveNodes(graph: MappingGraph, positions: ReadonlyMap<string, { x: number; y: number }>): MappingGraph {
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    const position = positions.get(node.id);
    if (!position || (position.x === node.position.x && position.y === node.position.y)) return node;
    changed = true;
    return { ...node, position: { x: position.x, y: position.y } };
  });
  return changed ? { ...graph, nodes } : graph;
}

/** Replaces one node's data (same kind); edges into inputs that no longer exist are dropped. */
export function updateNodeData<K extends ExpressionKind>(
  graph: MappingGraph,
  nodeId: string,
  kind: K,
  data: NodeOfKind<K>['data'],
): MappingGraph {
  const nodes = graph.nodes.map((node) =>
    node.id === nodeId && node.kind === kind ? ({ ...node, data } as MappingNode) : node,
  );
  const updated = nodes.find((node) => node.id === nodeId);
  if (!updated) return graph;
  const inputs = new Set(inputPorts(updated).map((port) => port.handle));
  const outputs = new Set(outputPorts(updated).map((port) => port.handle));
  const edges = graph.edges.filter(
    (edge) =>
      (edge.target !== nodeId || inputs.has(edge.targetHandle)) &&
      (edge.source !== nodeId || outputs.has(edge.sourceHandle)),
  );
  return { ...graph, nodes, edges: edges.length === graph.edges.length ? graph.edges : edges };
}

export function setMatchKey(graph: MappingGraph, matchKey: readonly string[]): MappingGraph {
  return { ...graph, matchKey: [...matchKey] };
}

/** The conversion function that makes a source type fit a target type, when one exists. */
function conversionFor(from: FieldPort['type'], to: FieldPort['type']): string | undefined {
  const target = portTypeOfField(to);
  if (typesCompatible(portTypeOfField(from), target)) return undefined;
  if (target === 'number') return 'number';
  if (target === 'string') return 'string';
  if (target === 'boolean') return 'boolean';
  return undefined;
}

/**
 * Maps a target field from a source field: a direct edge when the types fit, else through a
 * conversion function (Infor sends numbers as text). Leaves the graph alone if it cannot.
 */
export function mapField(
  graph: MappingGraph,
  sourcePath: string,
  targetPath: string,
): { graph: MappingGraph; result: ConnectResult } {
  const source = sourceNode(graph);
  const target = targetNode(graph);
  const from = source?.data.fields.find((field) => field.path === sourcePath);
  const to = target?.data.fields.find((field) => field.path === targetPath);
  if (!source || !target || !from || !to)
    return { graph, result: { ok: false, reason: `Unknown field ${!from ? sourcePath : targetPath}.` } };
  const direct = { source: source.id, sourceHandle: sourcePath, target: target.id, targetHandle: targetPath };
  const conversion = conversionFor(from.type, to.type);
  if (!conversion || !functionDefinition(conversion)) return connect(graph, direct);
  const sourceRow = source.data.fields.indexOf(from);
  const node = createNode(
    graph,
    { kind: 'function', name: conversion },
    // In the gap between the trees (a fixed offset put it on the target tree when they sit close).
    {
      x: Math.round(source.position.x + 280 + Math.max(30, (target.position.x - source.position.x - 280 - 210) / 2)),
      y: source.position.y + 40 + sourceRow * 26,
    },
  );
  let next = addNode(graph, node);
  const first = connect(next, { source: source.id, sourceHandle: sourcePath, target: node.id, targetHandle: 'in0' });
  if (!first.result.ok) return { graph, result: first.result };
  next = first.graph;
  const second = connect(next, {
    source: node.id,
    sourceHandle: outputHandle,
    target: target.id,
    targetHandle: targetPath,
  });
  return second.result.ok ? second : { graph, result: second.result };
}

/** Puts a value map on the edge that feeds a target field: field → value map → target. */
export function insertValueMap(
  graph: MappingGraph,
  targetPath: string,
  entries: ValueMapEntry[],
): { graph: MappingGraph; nodeId?: string } {
  const target = targetNode(graph);
  const edge = graph.edges.find(
    (candidate) => candidate.target === target?.id && candidate.targetHandle === targetPath,
  );
  if (!target || !edge) return { graph };
  const upstream = graph.nodes.find((node) => node.id === edge.source);
  const position = upstream
    ? {
        x: (upstream.position.x + target.position.x) / 2 + 40,
        y:
          target.position.y +
          Math.min(
            560,
            40 +
              Math.max(
                0,
                target.data.fields.findIndex((field) => field.path === targetPath),
              ) *
                26,
          ),
      }
    : { x: target.position.x - 300, y: target.position.y };
  const node: NodeOfKind<'valueMap'> = {
    id: nextNodeId(graph, 'valueMap'),
    kind: 'valueMap',
    position,
    data: { entries, fallback: { kind: 'input' } },
  };
  const edges = graph.edges.filter((candidate) => candidate !== edge);
  const into = { source: edge.source, sourceHandle: edge.sourceHandle, target: node.id, targetHandle: 'in' };
  const out = { source: node.id, sourceHandle: outputHandle, target: target.id, targetHandle: targetPath };
  return {
    graph: {
      ...graph,
      nodes: [...graph.nodes, node],
      edges: [...edges, { id: edgeId(into), ...into }, { id: edgeId(out), ...out }],
    },
    nodeId: node.id,
  };
}

/**
 * Puts a conversion on the edge that feeds a target field (an Issues quick fix): field → function
 * (with its constant arguments) → target. Catalogue functions only, so the JSONata reads back the same.
 */
export function insertConversion(
  graph: MappingGraph,
  targetPath: string,
  fix: ConversionFix['kind'],
): { graph: MappingGraph; nodeId?: string } {
  const target = targetNode(graph);
  const edge = graph.edges.find(
    (candidate) => candidate.target === target?.id && candidate.targetHandle === targetPath,
  );
  if (!target || !edge) return { graph };
  const row = Math.max(
    0,
    target.data.fields.findIndex((field) => field.path === targetPath),
  );
  const position = { x: target.position.x - 260, y: target.position.y + Math.min(560, 40 + row * 26) };
  const plan: { name: string; constants: Array<string | number> } =
    fix === 'date-to-datetime'
      ? { name: 'concat', constants: ['T00:00:00Z'] }
      : fix === 'datetime-to-date'
        ? { name: 'substring', constants: [0, 10] }
        : fix === 'to-number'
          ? { name: 'number', constants: [] }
          : { name: 'string', constants: [] };
  const fn: MappingNode = { id: nextNodeId(graph, plan.name), kind: 'function', position, data: { name: plan.name } };
  let next: MappingGraph = { ...graph, nodes: [...graph.nodes, fn], edges: graph.edges.filter((e) => e !== edge) };
  const wire = (connection: Connection) => {
    next = { ...next, edges: [...next.edges, { id: edgeId(connection), ...connection }] };
  };
  wire({ source: edge.source, sourceHandle: edge.sourceHandle, target: fn.id, targetHandle: 'in0' });
  plan.constants.forEach((value, index) => {
    const constant: MappingNode = {
      id: nextNodeId(next, 'constant'),
      kind: 'constant',
      position: { x: position.x - 200, y: position.y + 50 + index * 60 },
      data: { value },
    };
    next = { ...next, nodes: [...next.nodes, constant] };
    wire({ source: constant.id, sourceHandle: outputHandle, target: fn.id, targetHandle: `in${index + 1}` });
  });
  wire({ source: fn.id, sourceHandle: outputHandle, target: target.id, targetHandle: targetPath });
  return { graph: next, nodeId: fn.id };
}

/** The source field a node's input comes from, following single-input nodes upstream. */
export function feedingSourceField(graph: MappingGraph, nodeId: string, handle: string): string | undefined {
  const seen = new Set<string>();
  let edge = graph.edges.find((candidate) => candidate.target === nodeId && candidate.targetHandle === handle);
  while (edge && !seen.has(edge.id)) {
    seen.add(edge.id);
    const node = graph.nodes.find((candidate) => candidate.id === edge?.source);
    if (!node) return undefined;
    if (node.kind === 'source') return edge.sourceHandle;
    const inputs = graph.edges.filter((candidate) => candidate.target === node.id);
    edge = inputs.length === 1 ? inputs[0] : undefined;
  }
  return undefined;
}

/** Target fields a node's output ends up in, following edges downstream. */
export function fedTargetFields(graph: MappingGraph, nodeId: string): string[] {
  const fields: string[] = [];
  const seen = new Set<string>();
  const stack = [nodeId];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const edge of graph.edges) {
      if (edge.source !== id) continue;
      const next = graph.nodes.find((node) => node.id === edge.target);
      if (next?.kind === 'target') fields.push(edge.targetHandle);
      else stack.push(edge.target);
    }
  }
  return fields;
}
