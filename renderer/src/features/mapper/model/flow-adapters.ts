import type { Connection as FlowConnection, Edge, Node } from '@xyflow/react';
import type { Connection, MappingEdge, MappingGraph, MappingNode } from '../../../../../shared/mapping';
import type { ExpressionGraphNode, ExpressionKind, SchemaGraphNode } from './graph-edits';
import { emptyLineage, type Lineage } from './lineage';
import { resolveHandle, type RowWindow } from './schema-tree';

/**
 * React Flow's nodes and edges derived from the mapping graph. The graph is the truth; these
 * are views. Caches hand back the very same objects while nothing about an element changed,
 * so React Flow skips re-rendering it (what keeps 500 fields and 300 edges smooth).
 */
export type SchemaFlowNode = Node<{ node: SchemaGraphNode }, 'source' | 'target'>;
export type ExpressionFlowNode = Node<{ node: ExpressionGraphNode }, ExpressionKind>;
export type MapperFlowNode = SchemaFlowNode | ExpressionFlowNode;
export type MapperFlowEdge = Edge;

export interface Size {
  width: number;
  height: number;
}

export interface CanvasView {
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  /** Positions of nodes being dragged (committed to the graph when the drag ends). */
  dragPositions: Readonly<Record<string, { x: number; y: number }>>;
  measured: Readonly<Record<string, Size>>;
  lineage: Lineage;
  /** Rendered rows of each schema tree, for edges to fields scrolled out of view. */
  windows: Readonly<Record<string, RowWindow>>;
}

export const emptyView: CanvasView = {
  selectedNodes: new Set(),
  selectedEdges: new Set(),
  dragPositions: {},
  measured: {},
  lineage: emptyLineage,
  windows: {},
};

export const isSchemaNode = (node: MappingNode): node is SchemaGraphNode =>
  node.kind === 'source' || node.kind === 'target';

interface NodeEntry {
  node: MappingNode;
  x: number;
  y: number;
  selected: boolean;
  measured: Size | undefined;
  lit: boolean;
  dimmed: boolean;
  flow: MapperFlowNode;
}

export class FlowNodeCache {
  private entries = new Map<string, NodeEntry>();

  derive(graph: MappingGraph, view: CanvasView): MapperFlowNode[] {
    const next = new Map<string, NodeEntry>();
    const lineageActive = view.lineage.edgeIds.size > 0 || view.lineage.nodeIds.size > 0;
    const nodes = graph.nodes.map((node) => {
      const position = view.dragPositions[node.id] ?? node.position;
      const selected = view.selectedNodes.has(node.id);
      const measured = view.measured[node.id];
      const lit = view.lineage.nodeIds.has(node.id);
      const dimmed = lineageActive && !lit && !isSchemaNode(node);
      const old = this.entries.get(node.id);
      const same =
        old &&
        old.node === node &&
        old.x === position.x &&
        old.y === position.y &&
        old.selected === selected &&
        old.measured?.width === measured?.width &&
        old.measured?.height === measured?.height &&
        old.lit === lit &&
        old.dimmed === dimmed;
      const flow = same ? old.flow : toFlowNode(node, position, selected, measured, lit, dimmed);
      next.set(node.id, { node, x: position.x, y: position.y, selected, measured, lit, dimmed, flow });
      return flow;
    });
    this.entries = next;
    return nodes;
  }
}

function toFlowNode(
  node: MappingNode,
  position: { x: number; y: number },
  selected: boolean,
  measured: Size | undefined,
  lit: boolean,
  dimmed: boolean,
): MapperFlowNode {
  const className = lit ? 'lit' : dimmed ? 'dimmed' : undefined;
  // Initial sizes let React Flow fit and cull nodes it has not measured yet.
  if (isSchemaNode(node)) {
    // Header, the two "n more" strips and at most 20 rows (see SchemaNode).
    const initialHeight = 54 + 36 + Math.min(Math.max(node.data.fields.length, 1) * 26, 520);
    return {
      id: node.id,
      type: node.kind,
      position,
      data: { node },
      selected,
      measured,
      deletable: false,
      dragHandle: '.schema-node-header',
      className,
      initialWidth: 280,
      initialHeight,
    } satisfies SchemaFlowNode;
  }
  return {
    id: node.id,
    type: node.kind,
    position,
    data: { node },
    selected,
    measured,
    className,
    initialWidth: 200,
    initialHeight: 90,
  } satisfies ExpressionFlowNode;
}

interface EdgeEntry {
  edge: MappingEdge;
  sourceHandle: string | undefined;
  targetHandle: string | undefined;
  selected: boolean;
  lit: boolean;
  flow: MapperFlowEdge;
}

export class FlowEdgeCache {
  private entries = new Map<string, EdgeEntry>();

  derive(graph: MappingGraph, view: CanvasView): MapperFlowEdge[] {
    const next = new Map<string, EdgeEntry>();
    const edges = graph.edges.map((edge) => {
      const sourceHandle = resolveHandle(edge.sourceHandle, view.windows[edge.source]);
      const targetHandle = resolveHandle(edge.targetHandle, view.windows[edge.target]);
      const selected = view.selectedEdges.has(edge.id);
      const lit = view.lineage.edgeIds.has(edge.id);
      const old = this.entries.get(edge.id);
      const same =
        old &&
        old.edge === edge &&
        old.sourceHandle === sourceHandle &&
        old.targetHandle === targetHandle &&
        old.selected === selected &&
        old.lit === lit;
      const flow = same ? old.flow : toFlowEdge(edge, sourceHandle, targetHandle, selected, lit);
      next.set(edge.id, { edge, sourceHandle, targetHandle, selected, lit, flow });
      return flow;
    });
    this.entries = next;
    return edges;
  }
}

function toFlowEdge(
  edge: MappingEdge,
  sourceHandle: string | undefined,
  targetHandle: string | undefined,
  selected: boolean,
  lit: boolean,
): MapperFlowEdge {
  const proxied = sourceHandle !== edge.sourceHandle || targetHandle !== edge.targetHandle;
  const classes = [lit ? 'lit' : '', proxied ? 'proxied' : ''].filter(Boolean).join(' ');
  return {
    id: edge.id,
    source: edge.source,
    target: edge.target,
    sourceHandle: sourceHandle ?? edge.sourceHandle,
    targetHandle: targetHandle ?? edge.targetHandle,
    hidden: sourceHandle === undefined || targetHandle === undefined,
    selected,
    className: classes || undefined,
    animated: lit,
  };
}

/** A React Flow connection attempt in the graph's terms (handles are field paths or port names). */
export function toConnection(connection: FlowConnection | MapperFlowEdge): Connection | undefined {
  const { source, target, sourceHandle, targetHandle } = connection;
  if (!source || !target || !sourceHandle || !targetHandle) return undefined;
  return { source, target, sourceHandle, targetHandle };
}
